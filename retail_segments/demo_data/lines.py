"""Invoices and line items: the planted customers' sales and the noise lines.

Lines are column arrays (``Lines``) pointing into an invoice table
(``Invoices``) that grows as each kind of line adds its own invoices. Invoices
fall between 2010-12-01 and 2011-12-09, 07:00 to 20:59, with no Saturdays and
few Sundays. The valid sales follow each customer's behaviour spec; the noise
is what real data has: anonymous invoices, cancellations, non-product and
zero-price lines, customers with only free samples, bad-debt adjustments and
exact duplicates. Every function draws from the ``rng`` it is given, so the
call order fixes the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retail_segments.demo_data.behaviours import (
    ANONYMOUS_COUNTRY_WEIGHTS,
    BEHAVIOURS,
    SPECS,
    draw_countries,
)
from retail_segments.demo_data.catalog import Catalog, non_product_codes, pick_products

START_DATE = np.datetime64("2010-12-01", "D")
END_DATE = np.datetime64("2011-12-09", "D")
N_DAYS = int((END_DATE - START_DATE).astype(int)) + 1  # day indices 0..N_DAYS-1


@dataclass
class Lines:
    """Column arrays for line items; ``invoice`` indexes the invoice table."""

    invoice: np.ndarray
    code: np.ndarray
    desc: np.ndarray
    quantity: np.ndarray
    price: np.ndarray
    pos: np.ndarray  # sort key of the line within its invoice

    @staticmethod
    def concat(parts: list[Lines]) -> Lines:
        """Concatenate several line blocks."""
        return Lines(
            *(
                np.concatenate([getattr(p, name) for p in parts])
                for name in ("invoice", "code", "desc", "quantity", "price", "pos")
            )
        )

    def take(self, index: np.ndarray) -> Lines:
        """Select lines by position."""
        return Lines(
            self.invoice[index],
            self.code[index],
            self.desc[index],
            self.quantity[index],
            self.price[index],
            self.pos[index],
        )

    def __len__(self) -> int:
        return len(self.invoice)


@dataclass
class Invoices:
    """Invoice table: prefix kind, customer (0 = missing), country, timestamp."""

    kind: np.ndarray  # 0 sale, 1 cancellation ("C"), 2 adjustment ("A")
    customer: np.ndarray
    country: np.ndarray
    ts: np.ndarray  # seconds since START_DATE

    def append(self, other: Invoices) -> np.ndarray:
        """Append ``other`` in place and return the new invoices' indices."""
        start = len(self.kind)
        for name in ("kind", "customer", "country", "ts"):
            setattr(self, name, np.concatenate([getattr(self, name), getattr(other, name)]))
        return np.arange(start, len(self.kind))


# --------------------------------------------------------------------------- #
# Dates
# --------------------------------------------------------------------------- #


def _business_days(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    """Move Saturdays to a weekday of the same week and most Sundays to the next.

    UCI Online Retail has no Saturdays and few Sundays.
    """
    weekday = (day + 2) % 7  # START_DATE (2010-12-01) is a Wednesday; Monday=0
    shift = np.zeros_like(day)
    saturday = weekday == 5
    shift[saturday] = -rng.integers(1, 6, size=saturday.sum())
    sunday = weekday == 6
    move = rng.random(sunday.sum()) < 0.6
    shift[sunday] = np.where(move, rng.integers(1, 6, size=sunday.sum()), 0)
    return np.clip(day + shift, 0, N_DAYS - 1)


def timestamps(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    """Seconds since START_DATE on business days between 07:00 and 20:59."""
    hours = np.arange(7, 21)
    weights = np.exp(-0.5 * ((hours - 12.5) / 2.8) ** 2)
    hour = rng.choice(hours, size=len(day), p=weights / weights.sum())
    minute = rng.integers(0, 60, size=len(day))
    return _business_days(rng, day) * 86400 + hour * 3600 + minute * 60


# --------------------------------------------------------------------------- #
# Sales of customers with a planted behaviour
# --------------------------------------------------------------------------- #


def plan_invoice_days(
    rng: np.random.Generator, behaviour: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Customer index and day index of every sale invoice."""
    customers, days = [], []
    for code, name in enumerate(BEHAVIOURS):
        spec = SPECS[name]
        cust = np.flatnonzero(behaviour == code)
        n_inv = rng.integers(spec.invoices[0], spec.invoices[1] + 1, size=len(cust))
        last = N_DAYS - 1 - rng.integers(*spec.last_days_ago, endpoint=True, size=len(cust))
        first = np.minimum(rng.integers(*spec.first_day, endpoint=True, size=len(cust)), last)
        rep = np.repeat(np.arange(len(cust)), n_inv)
        j = np.arange(len(rep)) - np.repeat(np.cumsum(n_inv) - n_inv, n_inv)
        span = np.maximum(n_inv[rep] - 1, 1)
        frac = np.clip((j + rng.uniform(-0.45, 0.45, size=len(rep))) / span, 0.0, 1.0)
        frac = np.where(j == 0, 0.0, np.where(j == n_inv[rep] - 1, 1.0, frac))
        frac = np.where(n_inv[rep] == 1, 1.0, frac)
        customers.append(cust[rep])
        days.append(np.round(first[rep] + frac * (last[rep] - first[rep])).astype(np.int64))
    return np.concatenate(customers), np.concatenate(days)


def _basket_sizes(rng: np.random.Generator, factor: np.ndarray, target_lines: int) -> np.ndarray:
    """Lines per invoice: 1 + Poisson, scaled so the total is about the target."""
    base = target_lines / factor.sum()
    return 1 + rng.poisson(np.maximum(base * factor - 1.0, 0.0))


def _expand(sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Owner index and position within owner for a run-length list of sizes."""
    owner = np.repeat(np.arange(len(sizes)), sizes)
    pos = np.arange(len(owner)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return owner, pos.astype(np.float64)


def _drop_repeated_products(lines: Lines) -> Lines:
    """Keep one line per (invoice, description) so duplicates are only planted."""
    key = lines.invoice.astype(np.int64) * 1_000_003 + lines.desc
    _, first = np.unique(key, return_index=True)
    return lines.take(np.sort(first))


def sale_lines(
    rng: np.random.Generator,
    catalog: Catalog,
    inv_behaviour: np.ndarray,
    inv_scale: np.ndarray,
    target_lines: int,
) -> Lines:
    """Valid sale lines for the customers' invoices (invoice i = index i).

    ``inv_scale`` is the invoice's customer's own basket-size multiplier.
    """
    factor = np.array([SPECS[b].basket_factor for b in BEHAVIOURS])[inv_behaviour] * inv_scale
    sizes = _basket_sizes(rng, factor, round(target_lines * 1.02))
    invoice, pos = _expand(sizes)
    product, desc = pick_products(rng, catalog, len(invoice))
    beh = inv_behaviour[invoice]
    quantity = np.zeros(len(invoice), dtype=np.int64)
    for code, name in enumerate(BEHAVIOURS):
        mask = beh == code
        quantity[mask] = rng.choice(SPECS[name].quantities, size=mask.sum())
    price = catalog.prices[product]
    bulk = quantity >= 96
    price[bulk] = np.maximum(np.round(price[bulk] * 0.85, 2), 0.01)
    return _drop_repeated_products(Lines(invoice, product, desc, quantity, price, pos))


# --------------------------------------------------------------------------- #
# Noise
# --------------------------------------------------------------------------- #


def _sizes_for_total(rng: np.random.Generator, mean: float, total: int) -> np.ndarray:
    """Invoice sizes (1 + Poisson(mean - 1)) summing exactly to ``total``."""
    if total <= 0:
        return np.zeros(0, dtype=np.int64)
    draws = 1 + rng.poisson(max(mean - 1.0, 0.0), size=int(total / max(mean, 1.0) * 1.5) + 10)
    cum = np.cumsum(draws)
    k = int(np.searchsorted(cum, total)) + 1
    sizes = draws[:k].copy()
    sizes[-1] -= cum[k - 1] - total
    return sizes


def anonymous_lines(
    rng: np.random.Generator, catalog: Catalog, invoices: Invoices, n: int, mean: float
) -> Lines:
    """Lines without a customer id on their own invoices (added to ``invoices``)."""
    sizes = _sizes_for_total(rng, mean, n)
    days = rng.integers(0, N_DAYS, size=len(sizes))
    new = invoices.append(
        Invoices(
            kind=np.zeros(len(sizes), dtype=np.int64),
            customer=np.zeros(len(sizes), dtype=np.int64),
            country=draw_countries(rng, len(sizes), ANONYMOUS_COUNTRY_WEIGHTS),
            ts=timestamps(rng, days),
        )
    )
    owner, pos = _expand(sizes)
    product, desc = pick_products(rng, catalog, len(owner))
    quantity = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 10], size=len(owner))
    price = np.round(catalog.prices[product] * 1.2, 2)
    return Lines(new[owner], product, desc, quantity, price, pos)


def _cancellation_times(rng: np.random.Generator, original_ts: np.ndarray) -> np.ndarray:
    """Business-hours timestamps 0-3 days after the original invoices."""
    day = np.minimum(original_ts // 86400 + rng.integers(0, 4, size=len(original_ts)), N_DAYS - 1)
    ts = np.maximum(timestamps(rng, day), original_ts + 60 * rng.integers(1, 30, size=len(day)))
    latest = ts // 86400 * 86400 + 20 * 3600 + 59 * 60
    return np.minimum(ts, latest)


def cancellations(rng: np.random.Generator, sales: Lines, invoices: Invoices, n: int) -> Lines:
    """Cancellation lines of products the customers bought, on "C" invoices."""
    n = min(n, len(sales))
    chosen = np.sort(rng.choice(len(sales), size=n, replace=False))
    src = sales.take(chosen)
    orig, inverse = np.unique(src.invoice, return_inverse=True)
    new = invoices.append(
        Invoices(
            kind=np.ones(len(orig), dtype=np.int64),
            customer=invoices.customer[orig],
            country=invoices.country[orig],
            ts=_cancellation_times(rng, invoices.ts[orig]),
        )
    )
    partial = (src.quantity > 1) & (rng.random(n) < 0.3)
    amount = np.where(partial, rng.integers(1, np.maximum(src.quantity, 2)), src.quantity)
    return Lines(new[inverse], src.code, src.desc, -amount, src.price, src.pos)


def non_product_lines(
    rng: np.random.Generator, catalog: Catalog, host_invoices: np.ndarray, n: int
) -> Lines:
    """POSTAGE, Manual, Discount, ... lines appended to existing invoices."""
    planted = non_product_codes()
    weights = np.array([c.weight for c in planted])
    which = rng.choice(len(planted), size=n, p=weights / weights.sum())
    low = np.array([c.low_price for c in planted])[which]
    high = np.array([c.high_price for c in planted])[which]
    price = np.round(low + (high - low) * rng.random(n), 2)
    quantity = np.array([c.quantity for c in planted], dtype=np.int64)[which]
    code = catalog.n_products + which
    invoice = rng.choice(host_invoices, size=n)
    return Lines(invoice, code, code, quantity, price, np.full(n, 1e6) + rng.random(n))


def zero_price_lines(
    rng: np.random.Generator, catalog: Catalog, host_invoices: np.ndarray, n: int
) -> Lines:
    """Product lines with a zero unit price appended to existing invoices."""
    product, desc = pick_products(rng, catalog, n)
    invoice = rng.choice(host_invoices, size=n)
    quantity = rng.choice([1, 1, 2, 5, 10, 12, 24], size=n)
    pos = rng.uniform(0, 10, size=n)
    return Lines(invoice, product, desc, quantity, np.zeros(n), pos)


def ghost_lines(
    rng: np.random.Generator,
    catalog: Catalog,
    invoices: Invoices,
    ghost_ids: np.ndarray,
    ghost_countries: np.ndarray,
) -> Lines:
    """Customers whose only lines are free samples (no valid sale)."""
    n = len(ghost_ids)
    new = invoices.append(
        Invoices(
            kind=np.zeros(n, dtype=np.int64),
            customer=ghost_ids,
            country=ghost_countries,
            ts=timestamps(rng, rng.integers(0, N_DAYS, size=n)),
        )
    )
    sizes = rng.integers(1, 4, size=n)
    owner, pos = _expand(sizes)
    product, desc = pick_products(rng, catalog, len(owner))
    quantity = rng.choice([1, 2, 6, 12], size=len(owner))
    return Lines(new[owner], product, desc, quantity, np.zeros(len(owner)), pos)


def bad_debt_lines(rng: np.random.Generator, catalog: Catalog, invoices: Invoices) -> Lines:
    """Three consecutive "A" bad-debt adjustments with stock code B."""
    day = _business_days(rng, rng.integers(250, 265, size=1))[0]
    ts = day * 86400 + 14 * 3600 + 50 * 60 + np.arange(3) * 60
    new = invoices.append(
        Invoices(
            kind=np.full(3, 2, dtype=np.int64),
            customer=np.zeros(3, dtype=np.int64),
            country=np.zeros(3, dtype=np.int64),
            ts=ts,
        )
    )
    amount = np.round(rng.uniform(5000, 15000), 2)
    code = np.full(3, len(catalog.codes) - 1)
    price = np.array([amount, -amount, -amount])
    return Lines(new, code, code, np.ones(3, dtype=np.int64), price, np.zeros(3))


def duplicates(rng: np.random.Generator, lines: Lines, invoices: Invoices, n: int) -> Lines:
    """Verbatim copies of existing lines, right after the original or later."""
    eligible = np.flatnonzero(invoices.kind[lines.invoice] != 2)
    chosen = np.sort(rng.choice(eligible, size=min(n, len(eligible)), replace=False))
    dup = lines.take(chosen)
    later = rng.random(len(chosen)) < 0.4
    dup.pos = dup.pos + 0.5 + np.where(later, rng.integers(1, 8, size=len(chosen)), 0)
    return dup
