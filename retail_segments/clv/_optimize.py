"""Maximum likelihood on log-parameters with L-BFGS-B, shared by both models.

Each model gives its negative log-likelihood and gradient in the natural
parameters; :func:`maximize` optimises over their logarithms (so every parameter
stays positive without constraints other than wide box bounds) and reports how
the fit ended in a :class:`FitResult`.  A fit that stops without convergence, or
whose optimum lies on a bound (the likelihood keeps growing as a parameter goes
to 0 or infinity, which happens on data that cannot identify the model), is
returned with ``converged=False`` and a reason, never as a silent number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

# exp(+-15): 3e-7 .. 3.3e6, far outside any plausible parameter in days or weeks
LOG_BOUND = 15.0
# an optimum this close to a bound is on it (log scale)
BOUND_TOLERANCE = 1e-3

# L-BFGS-B can stop with ABNORMAL (a failed line search) at the optimum itself, when
# rounding noise hides any further gain; a gradient this small (per unit of
# log-parameter, relative to the log-likelihood) is an optimum all the same
STATIONARY_GRADIENT = 1e-6

Objective = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class FitResult:
    """How one maximum-likelihood fit ended.

    ``parameters`` maps each name to its estimate (always filled when the
    optimiser ran, so a failed fit can be inspected); use them only when
    ``converged`` is true. ``reason`` says why not otherwise (empty when it did).
    """

    model: str
    parameters: dict[str, float]
    log_likelihood: float
    n_customers: int
    converged: bool
    reason: str
    iterations: int

    def value(self, name: str) -> float:
        return self.parameters[name]

    def estimates(self) -> dict[str, float]:
        """The parameters of a converged fit; ValueError (with the reason) otherwise."""
        if not self.converged:
            raise ValueError(
                f"The {self.model} fit did not converge ({self.reason}): no parameters"
            )
        return dict(self.parameters)

    @classmethod
    def failed(cls, model: str, names: tuple[str, ...], n_customers: int, reason: str) -> FitResult:
        """A fit that could not run on the data: every parameter NaN."""
        return cls(
            model=model,
            parameters=dict.fromkeys(names, float("nan")),
            log_likelihood=float("nan"),
            n_customers=n_customers,
            converged=False,
            reason=reason,
            iterations=0,
        )


def maximize(
    model: str,
    names: tuple[str, ...],
    negative_log_likelihood: Objective,
    start: np.ndarray,
    n_customers: int,
    *,
    max_iterations: int = 1_000,
) -> FitResult:
    """Maximise a log-likelihood over ``log(parameters)`` from ``start`` (natural scale).

    ``negative_log_likelihood(theta)`` returns the negative total log-likelihood and
    its gradient with respect to ``theta`` (natural scale).
    """

    def objective(log_theta: np.ndarray) -> tuple[float, np.ndarray]:
        theta = np.exp(log_theta)
        value, gradient = negative_log_likelihood(theta)
        if not np.isfinite(value):
            return np.inf, np.zeros_like(log_theta)
        return value, gradient * theta  # chain rule: d/dlog(t) = t d/dt

    start_log = np.clip(np.log(start), -LOG_BOUND + 1, LOG_BOUND - 1)
    result = minimize(
        objective,
        start_log,
        jac=True,
        method="L-BFGS-B",
        bounds=[(-LOG_BOUND, LOG_BOUND)] * len(names),
        options={"maxiter": max_iterations, "ftol": 1e-13, "gtol": 1e-8},
    )
    estimates = dict(zip(names, np.exp(result.x).tolist(), strict=True))
    log_likelihood = -float(result.fun)
    on_bound = [
        n for n, v in zip(names, result.x, strict=True) if abs(v) > LOG_BOUND - BOUND_TOLERANCE
    ]
    reason = ""
    if not np.isfinite(log_likelihood):
        reason = "the log-likelihood is not finite at the optimum"
    elif on_bound:
        reason = (
            f"the optimum is on a bound of {', '.join(on_bound)}: the likelihood keeps "
            "growing towards 0 or infinity, so the data cannot identify the model"
        )
    elif not result.success and not _stationary(result.jac, log_likelihood):
        reason = f"the optimiser stopped without converging: {result.message}".strip(": ")
    return FitResult(
        model=model,
        parameters=estimates,
        log_likelihood=log_likelihood,
        n_customers=n_customers,
        converged=not reason,
        reason=reason,
        iterations=int(result.nit),
    )


def _stationary(log_gradient: np.ndarray, log_likelihood: float) -> bool:
    """Whether the gradient in log-parameters is zero up to rounding of the likelihood."""
    scale = max(1.0, abs(log_likelihood))
    return bool(np.max(np.abs(log_gradient)) <= STATIONARY_GRADIENT * scale)
