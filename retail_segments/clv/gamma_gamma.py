"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader &
Hardie 2013, "The Gamma-Gamma model of monetary value"): fit and the conditional
expected value of a customer's purchases.

A customer with ``x`` repeat purchases of mean value ``m`` (the mean over the
repeat purchase days, the first purchase left out as in the published CDNOW fit)
has purchase values z ~ Gamma(p, nu) with nu ~ Gamma(q, v) across customers. The
model assumes spend is independent of purchase frequency:
:func:`frequency_value_correlation` measures that on the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import digamma, gammaln

from retail_segments.clv._optimize import FitResult, maximize

MODEL = "gamma_gamma"
PARAMETERS = ("p", "q", "v")


@dataclass(frozen=True)
class GammaGammaParameters:
    """p: shape of a customer's purchase values; q, v: the gamma mixing of their scale."""

    p: float
    q: float
    v: float

    @classmethod
    def from_fit(cls, fit: FitResult) -> GammaGammaParameters:
        return cls(**fit.estimates())

    @property
    def population_mean(self) -> float:
        """E[purchase value] of a customer never seen repeating: p v / (q - 1); NaN when q <= 1
        (the mean is infinite)."""
        return self.p * self.v / (self.q - 1) if self.q > 1 else float("nan")


def _repeat_buyers(x: np.ndarray, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    if len(x) != len(m):
        raise ValueError(f"x and mean values differ in length: {len(x)}, {len(m)}")
    repeat = x > 0
    if np.any(~np.isfinite(m[repeat])) or np.any(m[repeat] <= 0):
        raise ValueError("every repeat buyer needs a positive, finite mean repeat value")
    return x[repeat], m[repeat]


def negative_log_likelihood(
    theta: np.ndarray, x: np.ndarray, m: np.ndarray
) -> tuple[float, np.ndarray]:
    """The negative total log-likelihood of repeat buyers and its gradient in (p, q, v)."""
    p, q, v = theta
    px = p * x
    log_total = np.log(x * m + v)
    values = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_total
    )
    psi_all = digamma(px + q)
    d_p = x * (psi_all - digamma(px) + np.log(m) + np.log(x) - log_total)
    d_q = psi_all - digamma(q) + np.log(v) - log_total
    d_v = q / v - (px + q) / (x * m + v)
    gradient = np.array([d_p.sum(), d_q.sum(), d_v.sum()])
    return -float(values.sum()), -gradient


def fit(x: np.ndarray, mean_value: np.ndarray, *, max_iterations: int = 1_000) -> FitResult:
    """Maximum-likelihood Gamma-Gamma parameters from the repeat buyers (x > 0) only.

    Fewer than two repeat buyers, or repeat buyers who all spent the same, cannot
    identify the model: ``converged=False`` with the reason.
    """
    x, m = _repeat_buyers(x, mean_value)
    n = len(x)
    if n < 2:
        return FitResult.failed(MODEL, PARAMETERS, n, f"{n} repeat buyer(s): at least 2 are needed")
    if np.ptp(m) <= 1e-12 * np.max(m):
        return FitResult.failed(
            MODEL, PARAMETERS, n, "every repeat buyer has the same mean value: no spread to fit"
        )
    start = np.array([1.0, 2.0, float(np.mean(m))])
    return maximize(
        MODEL,
        PARAMETERS,
        lambda theta: negative_log_likelihood(theta, x, m),
        start,
        n,
        max_iterations=max_iterations,
    )


def expected_order_value(
    parameters: GammaGammaParameters, x: np.ndarray, mean_value: np.ndarray
) -> np.ndarray:
    """E[value of a purchase | x, m] = p (v + x m) / (p x + q - 1): a weighted mean of the
    population mean p v / (q - 1) and the customer's own mean m, the population mean
    for x = 0.

    NaN where that posterior mean is infinite (p x + q <= 1): for one-off buyers
    whenever q <= 1, as spend so heavy-tailed has no finite population mean.
    """
    g = parameters
    x = np.asarray(x, dtype=float)
    m = np.where(x > 0, np.asarray(mean_value, dtype=float), 0.0)
    denominator = g.p * x + g.q - 1
    finite = denominator > 0
    return np.where(finite, g.p * (g.v + x * m) / np.where(finite, denominator, 1.0), np.nan)


def expected_order_value_from_first_purchase(
    parameters: GammaGammaParameters, first_value: np.ndarray
) -> np.ndarray:
    """E[value of a purchase | one purchase of value m1] = p (v + m1) / (p + q - 1): what
    a customer without repeat purchases gets when the population mean is infinite
    (q <= 1), conditioning on the first purchase day the fit leaves out (the
    conditional mean at x = 1, m = m1). NaN where p + q <= 1 or the first value is
    missing or not positive."""
    m1 = np.asarray(first_value, dtype=float)
    usable = np.isfinite(m1) & (m1 > 0)
    value = expected_order_value(parameters, np.ones_like(m1), np.where(usable, m1, 0.0))
    return np.where(usable, value, np.nan)


def frequency_value_correlation(x: np.ndarray, mean_value: np.ndarray) -> float:
    """Pearson correlation of x and mean repeat value over repeat buyers (NaN if < 3)."""
    x, m = _repeat_buyers(x, mean_value)
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(m) == 0:
        return float("nan")
    return float(np.corrcoef(x, m)[0, 1])
