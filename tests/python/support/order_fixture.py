"""Deterministic orders-export fixture for the order-level input path (test data only).

Writes the two files a shop system exports instead of invoice lines, in the shape
``dbt build --vars '{input_shape: orders, orders_path: ..., order_customers_path: ...}'``
reads:

* ``orders.csv``: ``Order ID, Customer ID, Order Total, Payment Status, Payment Date``
  (one row per order);
* ``customers.csv``: ``Customer ID, Country, Email``.

Besides clean paid orders the files hold everything the cleaning rules are there
for, so that every rule that can apply to orders fires at least once: unpaid
statuses (pending, failed, cancelled, ..., blank; half of them without a payment
date, as exports leave "Paid at" empty), refunded, returned and charged-back
orders, statuses in mixed case and spelling ("Partially Refunded", "COMPLETE"),
unparseable totals and dates, zero and negative totals, orders without an order id
or a customer id, exact duplicate rows, customer ids written as floats
(``10001.0``) or zero-padded (``0010001``), customers missing from the customers
table, listed twice (the first row counts) or without a country. Dates come in
the ISO, ISO-with-``T`` and US formats of the default
``transactions_timestamp_formats``.

Everything is drawn with numpy from the seed: the same arguments give
byte-identical files.

Usage::

    .venv/bin/python tests/python/support/order_fixture.py --out DIR --customers 300 --seed 7
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

ORDER_COLUMNS = ("Order ID", "Customer ID", "Order Total", "Payment Status", "Payment Date")
CUSTOMER_COLUMNS = ("Customer ID", "Country", "Email")
FILE_NAMES = {"orders": "orders.csv", "customers": "customers.csv"}

# Status spellings as exports write them, by what they mean (see macro
# order_payment_statuses for how the project reads them).
PAID_STATUSES = (
    "paid",
    "Paid",
    "completed",
    "COMPLETE",
    "succeeded",
    "fulfilled",
    "Shipped",
    "delivered",
    "Partially Refunded",
)
REFUND_STATUSES = ("refunded", "Refunded", "returned", "chargeback")
UNPAID_STATUSES = (
    "pending",
    "failed",
    "cancelled",
    "canceled",
    "voided",
    "unpaid",
    "authorized",
    "Partially-Paid",
    "",
)
STATUS_SHARES = {"paid": 0.78, "refund": 0.07, "unpaid": 0.15}

COUNTRIES = ("United Kingdom", "Germany", "France", "Netherlands", "Spain", "EIRE", "Belgium")
COUNTRY_WEIGHTS = (0.55, 0.12, 0.1, 0.08, 0.06, 0.05, 0.04)
DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %H:%M")
DATE_FORMAT_WEIGHTS = (0.7, 0.15, 0.15)

START = np.datetime64("2023-01-01T00:00:00", "s")
N_SECONDS = 365 * 24 * 3600
FIRST_CUSTOMER_ID = 10001
FIRST_ORDER_NO = 100001
BAD_TOTALS = ("n/a", "12,50", "abc", "$19.99")
BAD_DATES = ("not a date", "2023-02-30 10:00:00", "13/45/2023 10:00", "yesterday")


def write_order_fixture(out_dir: Path, n_customers: int = 300, seed: int = 7) -> dict[str, Path]:
    """Write ``orders.csv`` and ``customers.csv`` into ``out_dir``; return their paths."""
    if n_customers < 20:
        raise ValueError("n_customers must be at least 20 so that every kind of noise fits")
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    customer_ids = np.arange(FIRST_CUSTOMER_ID, FIRST_CUSTOMER_ID + n_customers)
    orders = _orders(rng, customer_ids)
    customers = _customers(rng, customer_ids)

    paths = {name: out_dir / file_name for name, file_name in FILE_NAMES.items()}
    orders.to_csv(paths["orders"], index=False, lineterminator="\n")
    customers.to_csv(paths["customers"], index=False, lineterminator="\n")
    return paths


def _orders(rng: np.random.Generator, customer_ids: np.ndarray) -> pd.DataFrame:
    # orders per customer: a few heavy buyers, many with one to three orders
    rates = rng.choice([0.5, 2.0, 6.0], size=len(customer_ids), p=[0.45, 0.4, 0.15])
    counts = 1 + rng.poisson(rates)
    customer = np.repeat(customer_ids, counts)
    n = len(customer)
    order = rng.permutation(n)  # interleave customers in time order
    customer = customer[order]

    seconds = np.sort(rng.integers(0, N_SECONDS, size=n))
    paid_at = pd.to_datetime(START + seconds.astype("timedelta64[s]"))
    date_format = rng.choice(len(DATE_FORMATS), size=n, p=DATE_FORMAT_WEIGHTS)
    dates = np.array(
        [paid_at[i].strftime(DATE_FORMATS[f]) for i, f in enumerate(date_format)], dtype=object
    )

    totals = np.round(rng.lognormal(mean=3.6, sigma=0.8, size=n), 2)
    totals_text = np.array([f"{t:.2f}" for t in totals], dtype=object)

    kind = rng.choice(list(STATUS_SHARES), size=n, p=list(STATUS_SHARES.values()))
    statuses = np.empty(n, dtype=object)
    for name, spellings in (
        ("paid", PAID_STATUSES),
        ("refund", REFUND_STATUSES),
        ("unpaid", UNPAID_STATUSES),
    ):
        rows = np.flatnonzero(kind == name)
        statuses[rows] = rng.choice(np.array(spellings, dtype=object), size=len(rows))
    # exports leave the payment date empty on half of the unpaid orders
    unpaid = np.flatnonzero(kind == "unpaid")
    dates[rng.choice(unpaid, size=len(unpaid) // 2, replace=False)] = ""

    customer_text = customer.astype(str).astype(object)
    float_ids = rng.random(n) < 0.1
    customer_text[float_ids] = [f"{c}.0" for c in customer[float_ids]]
    order_ids = np.array([f"SO-{FIRST_ORDER_NO + i}" for i in range(n)], dtype=object)

    # noise on disjoint sets of orders, at least a few of each kind
    k = max(3, n // 100)
    noisy = rng.choice(n, size=6 * k, replace=False).reshape(6, k)
    totals_text[noisy[0]] = rng.choice(np.array(BAD_TOTALS, dtype=object), size=k)
    dates[noisy[1]] = rng.choice(np.array(BAD_DATES, dtype=object), size=k)
    customer_text[noisy[2]] = ""
    totals_text[noisy[3]] = rng.choice(np.array(["0.00", "0", "-15.00"], dtype=object), size=k)
    order_ids[noisy[4][:3]] = ""
    # make sure some noisy orders are paid, so that the rule (not unpaid_order) applies
    statuses[noisy[:, 0]] = "paid"
    statuses[noisy[5][:2]] = "refunded"

    frame = pd.DataFrame(
        {
            "Order ID": order_ids,
            "Customer ID": customer_text,
            "Order Total": totals_text,
            "Payment Status": statuses,
            "Payment Date": dates,
        },
        columns=list(ORDER_COLUMNS),
    )
    # exact duplicates: a few rows exported twice, the copy right after the original
    duplicated = np.sort(rng.choice(n, size=k, replace=False))
    position = np.concatenate([np.arange(n), duplicated]).astype(float)
    position[n:] += 0.5
    frame = pd.concat([frame, frame.iloc[duplicated]], ignore_index=True)
    return frame.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


def _customers(rng: np.random.Generator, customer_ids: np.ndarray) -> pd.DataFrame:
    n = len(customer_ids)
    countries = rng.choice(np.array(COUNTRIES, dtype=object), size=n, p=COUNTRY_WEIGHTS)
    ids = customer_ids.astype(str).astype(object)
    padded = rng.random(n) < 0.1
    ids[padded] = [f"{c:07d}" for c in customer_ids[padded]]
    frame = pd.DataFrame(
        {
            "Customer ID": ids,
            "Country": countries,
            "Email": [f"customer{c}@example.com" for c in customer_ids],
        },
        columns=list(CUSTOMER_COLUMNS),
    )
    picks = rng.choice(n, size=9, replace=False)
    frame.loc[picks[:3], "Country"] = ""  # no country: Unspecified
    # listed twice with another country: the first row counts
    twice = frame.iloc[picks[3:6]].assign(Country="Narnia")
    frame = pd.concat([frame, twice], ignore_index=True)
    # not in the customers table at all: their orders are Unspecified
    return frame.drop(index=picks[6:9]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the files into")
    parser.add_argument("--customers", type=int, default=300, help="number of customers")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    for name, path in write_order_fixture(args.out, args.customers, args.seed).items():
        print(f"{name}: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
