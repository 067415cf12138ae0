"""Customer lifetime value over a horizon: BG/NBD purchases x Gamma-Gamma value,
discounted month by month.

The horizon is cut into months of 365.25 / 12 days (the last one partial). The
purchases expected in each month are the difference of the cumulative expected
purchases at its two ends, and each month's value is discounted at its end:
``clv = E[value] * sum_k (E[Y(t_k)] - E[Y(t_(k-1))]) / (1 + d)^(t_k in months)``.
With d = 0 this is E[value] x E[purchases over the horizon].
"""

from __future__ import annotations

import numpy as np

from retail_segments.clv.bgnbd import BgNbdParameters, expected_purchases

DAYS_PER_MONTH = 365.25 / 12
TIME_UNIT_DAYS = {"days": 1.0, "weeks": 7.0}

# P(alive) cut-offs of the churn-risk bands: low risk at or above 0.7, high below 0.3
CHURN_RISK_BANDS = (("high", 0.0), ("medium", 0.3), ("low", 0.7))


def month_ends(horizon_days: float) -> np.ndarray:
    """The end of each month of the horizon, in days (the last one is the horizon)."""
    if horizon_days <= 0:
        raise ValueError(f"The horizon must be positive, got {horizon_days} days")
    months = int(np.ceil(horizon_days / DAYS_PER_MONTH - 1e-9))
    ends = np.arange(1, months + 1) * DAYS_PER_MONTH
    ends[-1] = horizon_days
    return ends


def discounted_purchases(
    parameters: BgNbdParameters,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,  # noqa: N803
    *,
    horizon_days: float,
    unit_days: float,
    monthly_discount_rate: float,
) -> np.ndarray:
    """Per customer: the expected purchases of each horizon month, discounted, summed."""
    if not 0 <= monthly_discount_rate < 1:
        raise ValueError(
            f"The monthly discount rate must be in [0, 1), got {monthly_discount_rate}"
        )
    ends_days = month_ends(horizon_days)
    x, t_x, T = (np.asarray(v, dtype=float)[:, None] for v in (x, t_x, T))  # noqa: N806
    cumulative = expected_purchases(parameters, ends_days[None, :] / unit_days, x, t_x, T)
    per_month = np.diff(cumulative, axis=1, prepend=0.0)
    discount = (1.0 + monthly_discount_rate) ** -(ends_days / DAYS_PER_MONTH)
    return per_month @ discount


def churn_risk_band(p_alive: np.ndarray) -> np.ndarray:
    """``high`` below P(alive) 0.3, ``medium`` below 0.7, ``low`` from 0.7; None when null."""
    p_alive = np.asarray(p_alive, dtype=float)
    bands = np.full(p_alive.shape, None, dtype=object)
    for name, lower in CHURN_RISK_BANDS:
        bands[np.isfinite(p_alive) & (p_alive >= lower)] = name
    return bands
