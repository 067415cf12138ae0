"""The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers
the easy way"): fit, probability alive and expected purchases.

A customer's summary is ``x`` (repeat purchases: distinct purchase days after the
first), ``t_x`` (time from the first to the last purchase) and ``T`` (time from the
first purchase to the end of observation), all in one time unit. Every function
takes numpy arrays (one element per customer) and works on them at once.

The textbook expected-purchases formula multiplies a power that underflows by a
Gauss hypergeometric function that overflows, so it gives NaN or inf for
customers with hundreds or thousands of repeat purchases.
:func:`expected_purchases` uses Euler's transformation of 2F1 instead, which
cancels the two analytically (tests/python/test_clv.py compares it with the
published form).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from retail_segments.clv._optimize import FitResult, maximize

MODEL = "bg_nbd"
PARAMETERS = ("r", "alpha", "a", "b")


@dataclass(frozen=True)
class BgNbdParameters:
    """r, alpha: the gamma mixing of purchase rates; a, b: the beta mixing of dropout."""

    r: float
    alpha: float
    a: float
    b: float

    @classmethod
    def from_fit(cls, fit: FitResult) -> BgNbdParameters:
        return cls(**fit.estimates())


def check_summary(x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> None:  # noqa: N803
    """Raise ValueError unless 0 <= t_x <= T, x >= 0 whole, t_x = 0 when x = 0, all finite."""
    if not (len(x) == len(t_x) == len(T)):
        raise ValueError(f"x, t_x and T differ in length: {len(x)}, {len(t_x)}, {len(T)}")
    arrays = {"x": x, "t_x": t_x, "T": T}
    for name, values in arrays.items():
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{name} has missing or infinite values")
        if np.any(values < 0):
            raise ValueError(f"{name} has negative values")
    if np.any(x != np.round(x)):
        raise ValueError("x (repeat purchases) must be whole numbers")
    if np.any(t_x > T + 1e-9):
        raise ValueError("t_x (time to the last purchase) exceeds T (time observed)")
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError("t_x must be 0 for customers without repeat purchases (x = 0)")


def _log_likelihood_terms(
    theta: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,  # noqa: N803
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per customer: the log-likelihood and the weights of its two terms."""
    r, alpha, a, b = theta
    repeat = x > 0
    common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) - betaln(a, b)
    # alive through T, or dropped out right after the last purchase at t_x
    term_alive = betaln(a, b + x) - (r + x) * np.log(alpha + T)
    term_dropped = np.where(
        repeat,
        betaln(a + 1, np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
        -np.inf,
    )
    both = np.logaddexp(term_alive, term_dropped)
    weight_alive = np.exp(term_alive - both)
    return common + both, weight_alive, 1.0 - weight_alive


def log_likelihood(
    theta: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,  # noqa: N803
) -> np.ndarray:
    """Each customer's log-likelihood at ``theta = (r, alpha, a, b)``."""
    return _log_likelihood_terms(np.asarray(theta, dtype=float), x, t_x, T)[0]


def negative_log_likelihood(
    theta: np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,  # noqa: N803
) -> tuple[float, np.ndarray]:
    """The negative total log-likelihood and its analytic gradient in (r, alpha, a, b)."""
    r, alpha, a, b = theta
    values, w_alive, w_dropped = _log_likelihood_terms(theta, x, t_x, T)
    repeat = x > 0
    b_dropped = np.where(repeat, b + x - 1, 1.0)
    psi_abx = digamma(a + b + x)
    d_r = digamma(r + x) - digamma(r) + np.log(alpha)
    d_r -= w_alive * np.log(alpha + T) + w_dropped * np.log(alpha + t_x)
    d_alpha = r / alpha - w_alive * (r + x) / (alpha + T) - w_dropped * (r + x) / (alpha + t_x)
    d_a = -(digamma(a) - digamma(a + b))
    d_a += w_alive * (digamma(a) - psi_abx) + w_dropped * (digamma(a + 1) - psi_abx)
    d_b = -(digamma(b) - digamma(a + b))
    d_b += w_alive * (digamma(b + x) - psi_abx)
    d_b += np.where(repeat, w_dropped * (digamma(b_dropped) - psi_abx), 0.0)
    gradient = np.array([d_r.sum(), d_alpha.sum(), d_a.sum(), d_b.sum()])
    return -float(values.sum()), -gradient


def fit(
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,  # noqa: N803
    *,
    max_iterations: int = 1_000,
) -> FitResult:
    """Maximum-likelihood BG/NBD parameters for customers' (x, t_x, T).

    Data that cannot identify the model gives ``converged=False`` with the reason:
    fewer than two customers, no repeat purchases at all, or no time observed.
    Invalid summaries (negative, missing, t_x > T) raise ValueError.
    """
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))  # noqa: N806
    check_summary(x, t_x, T)
    n = len(x)
    if n < 2:
        return FitResult.failed(MODEL, PARAMETERS, n, f"{n} customer(s): at least 2 are needed")
    if not np.any(x > 0):
        return FitResult.failed(
            MODEL, PARAMETERS, n, "no customer made a repeat purchase: no purchase rate to fit"
        )
    if not np.any(T > 0):
        return FitResult.failed(MODEL, PARAMETERS, n, "no time observed (every T is 0)")
    mean_rate = x.sum() / max(T.sum(), 1e-9)
    start = np.array([1.0, 1.0 / max(mean_rate, 1e-6), 1.0, 1.0])
    return maximize(
        MODEL,
        PARAMETERS,
        lambda theta: negative_log_likelihood(theta, x, t_x, T),
        start,
        n,
        max_iterations=max_iterations,
    )


def p_alive(
    parameters: BgNbdParameters,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,  # noqa: N803
) -> np.ndarray:
    """P(still active at T | x, t_x, T); 1 for customers without repeat purchases.

    Computed as a logistic of the log odds, so that it stays in [0, 1] without
    overflow for any x.
    """
    p = parameters
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))  # noqa: N806
    repeat = x > 0
    log_odds_dead = (
        np.log(p.a)
        - np.log(np.where(repeat, p.b + x - 1, 1.0))
        + (p.r + x) * (np.log(p.alpha + T) - np.log(p.alpha + t_x))
    )
    return np.where(repeat, expit(-log_odds_dead), 1.0)


def expected_purchases(
    parameters: BgNbdParameters,
    t: float | np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,  # noqa: N803
) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T], finite for any x (Euler's transformation).

    With z = t / (alpha + T + t), the textbook
    ``((alpha+T)/(alpha+T+t))^(r+x) * 2F1(r+x, b+x; a+b+x-1; z)`` equals
    ``(1-z)^(a-1) * 2F1(a+b-1-r, a-1; a+b+x-1; z)``: the large exponent r+x is gone
    and the new series converges fast as x grows (its third parameter grows).
    """
    p = _away_from_a_equal_1(parameters)
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))  # noqa: N806
    t = np.asarray(t, dtype=float)
    z = t / (p.alpha + T + t)
    c = p.a + p.b + x - 1
    survival = np.exp((p.a - 1) * np.log1p(-z)) * hyp2f1(p.a + p.b - 1 - p.r, p.a - 1, c, z)
    return c / (p.a - 1) * (1 - survival) * p_alive(p, x, t_x, T)


def expected_purchases_new_customer(parameters: BgNbdParameters, t: np.ndarray) -> np.ndarray:
    """E[X(t)]: expected repeat purchases in (0, t] of a customer who first bought at 0."""
    p = _away_from_a_equal_1(parameters)
    t = np.asarray(t, dtype=float)
    z = t / (p.alpha + t)
    c = p.a + p.b - 1
    survival = np.exp((p.a - 1) * np.log1p(-z)) * hyp2f1(c - p.r, p.a - 1, c, z)
    return c / (p.a - 1) * (1 - survival)


def _away_from_a_equal_1(parameters: BgNbdParameters) -> BgNbdParameters:
    """The expectations divide by a - 1 (their limit at a = 1 is finite): move a that
    close to 1 by 1e-7, which changes the result by about that much relatively."""
    if abs(parameters.a - 1) >= 1e-7:
        return parameters
    return BgNbdParameters(parameters.r, parameters.alpha, 1 + 1e-7, parameters.b)
