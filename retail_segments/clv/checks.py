"""Whether a converged fit is degenerate: an optimum that is interior but extreme, so
its numbers, while finite, do not say what they seem to.

A fit on a bound of the optimiser is already ``converged=False`` (see
:mod:`._optimize`). :func:`fit_warning` flags the converged fits that are still
not informative, as text stored next to the parameters (None when the fit is fine):

* any parameter within :data:`NEAR_BOUND_LOG` of the log bound exp(+-15), i.e.
  below exp(-12) = 6.1e-6 or above exp(12) = 1.6e5: the optimum is drifting to 0
  or infinity and stopped short of the bound only by the optimiser's tolerance;
* BG/NBD with a mean dropout probability a / (a + b) below
  :data:`MIN_DROPOUT_PROBABILITY` (1e-3: a customer is expected to make over
  1,000 repeat purchases before lapsing): the data show no dropout, so P(alive)
  is about 1 for every customer and the churn-risk band says nothing;
* Gamma-Gamma with q <= 1: spend so heavy-tailed that the population mean order
  value p v / (q - 1) is infinite.
"""

from __future__ import annotations

import math

from retail_segments.clv import bgnbd, gamma_gamma
from retail_segments.clv._optimize import LOG_BOUND, FitResult

# a log-parameter this close to the bound (a factor e^3 = 20 in the parameter)
NEAR_BOUND_LOG = 3.0
# mean dropout probability after a repeat purchase below which BG/NBD is degenerate
MIN_DROPOUT_PROBABILITY = 1e-3


def fit_warning(fit: FitResult) -> str | None:
    """Why a converged fit is degenerate, or None (also for a fit that did not converge,
    whose ``reason`` already says why it has no values)."""
    if not fit.converged:
        return None
    warnings = []
    near = [
        f"{name} = {value:.3g}"
        for name, value in fit.parameters.items()
        if abs(math.log(value)) > LOG_BOUND - NEAR_BOUND_LOG
    ]
    if near:
        warnings.append(
            f"{', '.join(near)} within a factor e^{NEAR_BOUND_LOG:g} of the optimiser bound "
            f"exp(+-{LOG_BOUND:g}): the estimate is drifting to 0 or infinity"
        )
    if fit.model == bgnbd.MODEL:
        a, b = fit.value("a"), fit.value("b")
        dropout = a / (a + b)
        if dropout < MIN_DROPOUT_PROBABILITY:
            warnings.append(
                f"degenerate dropout: a / (a + b) = {dropout:.3g} < {MIN_DROPOUT_PROBABILITY:g} "
                f"(a = {a:.3g}, b = {b:.4g}), the data show no dropout, so P(alive) is about 1 "
                "for everyone and the churn-risk band is not informative"
            )
    if fit.model == gamma_gamma.MODEL and fit.value("q") <= 1:
        warnings.append(
            f"q = {fit.value('q'):.3g} <= 1: no finite mean order value "
            "(the population mean p v / (q - 1) is infinite)"
        )
    return "; ".join(warnings) or None
