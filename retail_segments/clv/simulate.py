"""Customers drawn from BG/NBD and Gamma-Gamma with known parameters (planted truth
for tests and the benchmark).

Each customer first buys at time 0 and is observed until ``T``; then the
simulation goes on for ``future`` more time. Their purchase rate is lambda ~
Gamma(r, alpha), and after every repeat purchase they drop out with probability
p ~ Beta(a, b). Purchase values are Gamma(p_gg, nu) with nu ~ Gamma(q, v).
Vectorised: each customer's potential purchases on (0, T + future] are a Poisson
count of uniform times, of which the first N (N ~ Geometric(p), the purchase
after which they drop out) happen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retail_segments.clv.bgnbd import BgNbdParameters
from retail_segments.clv.gamma_gamma import GammaGammaParameters


@dataclass(frozen=True)
class SimulatedCustomers:
    """The calibration summary (x, t_x, T), the truth at T and the future purchases."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray  # noqa: N815
    alive_at_T: np.ndarray  # noqa: N815
    future_purchases: np.ndarray
    purchase_rate: np.ndarray
    future_owner: np.ndarray  # the customer (index) of each future purchase
    future_time: np.ndarray  # its time after T


def simulate_bgnbd(
    parameters: BgNbdParameters,
    T: np.ndarray,  # noqa: N803
    future: float,
    rng: np.random.Generator,
) -> SimulatedCustomers:
    """One simulated customer per element of ``T``."""
    p = parameters
    big_t = np.asarray(T, dtype=float)
    n = len(big_t)
    rate = rng.gamma(p.r, 1.0 / p.alpha, n)
    dropout = rng.beta(p.a, p.b, n)
    lifetime_purchases = rng.geometric(dropout)  # dies right after this repeat purchase
    end = big_t + future
    counts = rng.poisson(rate * end)
    owner = np.repeat(np.arange(n), counts)
    times = rng.random(len(owner)) * end[owner]
    order = np.lexsort((times, owner))
    owner, times = owner[order], times[order]
    starts = np.cumsum(counts) - counts
    rank = np.arange(len(owner)) - starts[owner] + 1  # 1 = the first repeat purchase
    happened = rank <= lifetime_purchases[owner]
    in_calibration = happened & (times <= big_t[owner])
    x = np.bincount(owner[in_calibration], minlength=n)
    t_x = np.zeros(n)
    np.maximum.at(t_x, owner[in_calibration], times[in_calibration])
    in_future = happened & ~in_calibration
    future_purchases = np.bincount(owner[in_future], minlength=n)
    potential_by_t = np.bincount(owner[times <= big_t[owner]], minlength=n)
    return SimulatedCustomers(
        x=x.astype(float),
        t_x=t_x,
        T=big_t,
        alive_at_T=potential_by_t < lifetime_purchases,
        future_purchases=future_purchases,
        purchase_rate=rate,
        future_owner=owner[in_future],
        future_time=times[in_future] - big_t[owner[in_future]],
    )


def simulate_mean_values(
    parameters: GammaGammaParameters, x: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Mean value of each customer's x purchases (NaN when x = 0) and their true mean p / nu."""
    g = parameters
    x = np.asarray(x, dtype=float)
    scale = rng.gamma(g.q, 1.0 / g.v, len(x))  # nu
    total = rng.gamma(np.where(x > 0, g.p * x, 1.0), 1.0 / scale)
    mean_value = np.where(x > 0, total / np.maximum(x, 1), np.nan)
    return mean_value, g.p / scale
