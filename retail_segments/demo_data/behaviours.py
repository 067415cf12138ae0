"""The planted customers: ids, countries, behaviours and demographics.

Every customer with sales gets one of the five ``BEHAVIOURS``; its
``BehaviourSpec`` says how many invoices, how recent, how big and in which pack
sizes it shops (``lines`` turns that into sale lines). Each customer id also
gets a "Mall Customers"-shaped demographic row drawn from a group that depends
on its behaviour (``BEHAVIOUR_TO_DEMOGRAPHIC``, ``DEMOGRAPHIC_PARAMS``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

BEHAVIOURS = (
    "frequent_high_spender",
    "steady_regular",
    "rare_big_basket",
    "lapsed",
    "one_off",
)
DEMOGRAPHIC_GROUPS = (
    "young_affluent_spender",
    "affluent_careful",
    "middle_of_the_road",
    "young_budget_spender",
    "older_budget_saver",
)
ATTRIBUTE_COLUMNS = (
    "CustomerID",
    "Genre",
    "Age",
    "Annual Income (k$)",
    "Spending Score (1-100)",
)

FIRST_CUSTOMER_ID = 12346
LINES_PER_CUSTOMER = 115  # UCI: ~540k lines for ~4,400 customers
MIN_CUSTOMERS = 50

COUNTRIES = (
    "United Kingdom",
    "Germany",
    "France",
    "EIRE",
    "Spain",
    "Netherlands",
    "Belgium",
    "Switzerland",
    "Portugal",
    "Australia",
    "Norway",
    "Italy",
    "Channel Islands",
    "Finland",
    "Cyprus",
    "Sweden",
    "Austria",
    "Denmark",
    "Japan",
    "Poland",
    "Hong Kong",
    "Unspecified",
)
CUSTOMER_COUNTRY_WEIGHTS = np.array(
    [62.0, 2.2, 2.0, 0.6, 0.8, 0.6, 0.6, 0.5, 0.5, 0.4]
    + [0.3, 0.4, 0.3, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.0, 0.0]
)
ANONYMOUS_COUNTRY_WEIGHTS = np.array([96.0, 0.0, 0.5, 2.0] + [0.0] * 16 + [0.8, 0.7])


@dataclass(frozen=True)
class BehaviourSpec:
    """How customers of one planted behaviour shop."""

    share: float
    invoices: tuple[int, int]  # inclusive range of the number of invoices
    last_days_ago: tuple[int, int]  # inclusive range, days before lines.END_DATE
    first_day: tuple[int, int]  # inclusive range of the first invoice's day index
    basket_factor: float  # relative number of lines per invoice
    quantities: tuple[int, ...]  # pack sizes sampled per line


SPECS: dict[str, BehaviourSpec] = {
    "frequent_high_spender": BehaviourSpec(
        0.08, (20, 50), (0, 10), (0, 45), 1.6, (6, 12, 12, 12, 24, 24, 36, 48)
    ),
    "steady_regular": BehaviourSpec(0.30, (6, 12), (0, 45), (0, 90), 1.0, (2, 3, 4, 6, 6, 12, 12)),
    "rare_big_basket": BehaviourSpec(
        0.12, (2, 3), (10, 180), (0, 240), 1.3, (96, 120, 144, 200, 288, 400, 480)
    ),
    "lapsed": BehaviourSpec(0.25, (3, 7), (160, 330), (0, 120), 0.9, (1, 2, 3, 4, 6, 6, 12)),
    "one_off": BehaviourSpec(0.25, (1, 1), (30, 373), (0, 0), 0.6, (1, 1, 2, 2, 3, 4)),
}

# (age mean, age sd, income mean, income sd, score mean, score sd)
DEMOGRAPHIC_PARAMS = np.array(
    [
        [32.0, 4.0, 88.0, 12.0, 82.0, 8.0],
        [42.0, 9.0, 88.0, 13.0, 17.0, 9.0],
        [50.0, 9.0, 55.0, 8.0, 50.0, 6.0],
        [25.0, 5.0, 26.0, 7.0, 79.0, 10.0],
        [56.0, 8.0, 27.0, 7.0, 20.0, 8.0],
    ]
)
# Probability of each demographic group (columns) given a behaviour (rows).
BEHAVIOUR_TO_DEMOGRAPHIC = np.array(
    [
        [0.60, 0.15, 0.15, 0.05, 0.05],
        [0.10, 0.10, 0.60, 0.10, 0.10],
        [0.10, 0.55, 0.15, 0.05, 0.15],
        [0.05, 0.10, 0.15, 0.20, 0.50],
        [0.10, 0.05, 0.15, 0.55, 0.15],
    ]
)


# --------------------------------------------------------------------------- #
# Customers
# --------------------------------------------------------------------------- #


def customer_count(n_lines: int) -> int:
    """Number of customers with sales for a target number of lines."""
    return max(MIN_CUSTOMERS, round(n_lines / LINES_PER_CUSTOMER))


def assign_behaviours(rng: np.random.Generator, n_customers: int) -> np.ndarray:
    """Behaviour code per customer, exact shares, shuffled."""
    shares = np.array([SPECS[b].share for b in BEHAVIOURS])
    counts = np.floor(shares * n_customers).astype(int)
    counts[np.argsort(-(shares * n_customers - counts))[: n_customers - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(BEHAVIOURS)), counts))


def customer_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Sorted distinct 5-digit-ish customer ids starting at 12346."""
    span = max(6000, int(np.ceil(1.4 * n)))
    ids = rng.choice(span, size=n, replace=False) + FIRST_CUSTOMER_ID
    return np.sort(ids).astype(np.int64)


def draw_countries(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    """Country index per row drawn with the given weights."""
    return rng.choice(len(COUNTRIES), size=n, p=weights / weights.sum())


# --------------------------------------------------------------------------- #
# Demographics
# --------------------------------------------------------------------------- #


def customer_attributes(
    rng: np.random.Generator, ids: np.ndarray, behaviour: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Mall-Customers-shaped demographics with planted groups.

    ``behaviour`` is -1 for customers without a planted behaviour.
    """
    probs = np.vstack([BEHAVIOUR_TO_DEMOGRAPHIC, np.full(len(DEMOGRAPHIC_GROUPS), 0.2)])
    cum = np.cumsum(probs[behaviour], axis=1)
    group = (rng.random((len(ids), 1)) > cum).sum(axis=1).clip(0, len(DEMOGRAPHIC_GROUPS) - 1)
    params = DEMOGRAPHIC_PARAMS[group]
    noise = rng.standard_normal((len(ids), 3))
    age = np.clip(np.round(params[:, 0] + params[:, 1] * noise[:, 0]), 18, 70)
    income = np.clip(np.round(params[:, 2] + params[:, 3] * noise[:, 1]), 15, 140)
    score = np.clip(np.round(params[:, 4] + params[:, 5] * noise[:, 2]), 1, 100)
    genre = np.where(rng.random(len(ids)) < 0.56, "Female", "Male")
    attributes = pd.DataFrame(
        {
            "CustomerID": ids,
            "Genre": pd.array(genre, dtype="str"),
            "Age": age.astype(np.int64),
            "Annual Income (k$)": income.astype(np.int64),
            "Spending Score (1-100)": score.astype(np.int64),
        }
    )
    groups = pd.DataFrame(
        {
            "CustomerID": ids,
            "group": pd.array(np.array(DEMOGRAPHIC_GROUPS, dtype=object)[group], dtype="str"),
        }
    )
    return attributes, groups
