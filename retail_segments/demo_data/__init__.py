"""Deterministic demo-data generator with planted customer behaviours.

Generates retail line items in the shape of the UCI "Online Retail" data set
(``InvoiceNo, StockCode, Description, Quantity, InvoiceDate, UnitPrice,
CustomerID, Country``) together with the behaviour planted for every customer
and a "Mall Customers"-shaped demographic table.

The behaviours are built so that a k-means (k=5) on standardised
``log1p(recency_days)``, ``log1p(frequency)`` and ``log1p(monetary)`` computed
from the valid sale lines recovers them. On top of the clean sales the
generator adds the noise real data has: cancellations, exact duplicates,
anonymous invoices, non-product stock codes, zero prices and bad-debt
adjustments. Everything is vectorised with numpy and fully determined by the
seed: the same seed gives byte-identical files.

Usage::

    python -m retail_segments.demo_data --out DIR --lines 500000 --seed 42
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

DEFAULT_LINES = 500_000
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
TRANSACTION_COLUMNS = (
    "InvoiceNo",
    "StockCode",
    "Description",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
)
ATTRIBUTE_COLUMNS = (
    "CustomerID",
    "Genre",
    "Age",
    "Annual Income (k$)",
    "Spending Score (1-100)",
)
FILE_NAMES = {
    "transactions": "transactions.csv.gz",
    "behaviours": "planted_behaviours.csv",
    "attributes": "customer_attributes.csv",
}

START_DATE = np.datetime64("2010-12-01", "D")
END_DATE = np.datetime64("2011-12-09", "D")
N_DAYS = int((END_DATE - START_DATE).astype(int)) + 1  # day indices 0..N_DAYS-1
FIRST_INVOICE_NO = 536365
FIRST_CUSTOMER_ID = 12346
LINES_PER_CUSTOMER = 115  # UCI: ~540k lines for ~4,400 customers
MIN_CUSTOMERS = 50

# Shares of the total line count taken by each kind of noise.
MISSING_ID_SHARE = 0.20
CANCEL_SHARE = 0.02
DUPLICATE_SHARE = 0.01
NON_PRODUCT_SHARE = 0.005
ZERO_PRICE_SHARE = 0.002
GHOST_CUSTOMER_SHARE = 0.004  # customers whose only lines are free samples

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

# Which stock codes are not products is the project's seed (dbt reads the same
# file); the demo plants the seed's exact codes it has a line shape for. The shapes
# are in draw order: changing the order changes the generated data.
NON_PRODUCT_SEED = Path(__file__).resolve().parents[2] / "seeds" / "non_product_stock_codes.csv"
NON_PRODUCT_LINE_SHAPES = {
    # stock code: (description, weight, quantity, low price, high price)
    "POST": ("POSTAGE", 0.45, 1, 15.0, 40.0),
    "DOT": ("DOTCOM POSTAGE", 0.12, 1, 50.0, 900.0),
    "M": ("Manual", 0.14, 1, 0.5, 60.0),
    "C2": ("CARRIAGE", 0.06, 1, 50.0, 50.0),
    "D": ("Discount", 0.05, -1, 5.0, 60.0),
    "BANK CHARGES": ("Bank Charges", 0.04, 1, 15.0, 15.0),
    "AMAZONFEE": ("AMAZON FEE", 0.02, -1, 100.0, 5000.0),
    "CRUK": ("CRUK Commission", 0.02, -1, 1.0, 60.0),
    "PADS": ("PADS TO MATCH ALL CUSHIONS", 0.04, 1, 0.01, 0.01),
    "S": ("SAMPLES", 0.06, 1, 1.0, 40.0),
}
BAD_DEBT_CODE = ("B", "Adjust bad debt")


@dataclass(frozen=True)
class NonProductCode:
    """A non-product stock code of the seed and how the demo draws its lines."""

    code: str
    description: str
    weight: float
    quantity: int
    low_price: float
    high_price: float


def seed_non_product_codes(path: Path = NON_PRODUCT_SEED) -> set[str]:
    """The stock codes the seed lists as exact non-product codes."""
    with path.open(newline="", encoding="utf-8") as file:
        return {row["stock_code"] for row in csv.DictReader(file) if row["match_type"] == "exact"}


@functools.cache
def non_product_codes(path: Path = NON_PRODUCT_SEED) -> tuple[NonProductCode, ...]:
    """The seed's non-product codes the demo plants, in draw order."""
    listed = seed_non_product_codes(path)
    unknown = sorted(set(NON_PRODUCT_LINE_SHAPES) - listed) + sorted({BAD_DEBT_CODE[0]} - listed)
    if unknown:
        raise ValueError(f"demo non-product codes not listed in {path}: {unknown}")
    return tuple(NonProductCode(code, *shape) for code, shape in NON_PRODUCT_LINE_SHAPES.items())


@dataclass(frozen=True)
class BehaviourSpec:
    """How customers of one planted behaviour shop."""

    share: float
    invoices: tuple[int, int]  # inclusive range of the number of invoices
    last_days_ago: tuple[int, int]  # inclusive range, days before END_DATE
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

ADJECTIVES = (
    "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "BLACK", "CREAM",
    "VINTAGE", "RETRO", "JUMBO", "SMALL", "LARGE", "REGENCY", "HANGING",
    "GLASS", "WOODEN", "ENAMEL", "PAPER", "ZINC", "ANTIQUE", "SWEETHEART",
    "FRENCH", "SET OF 3", "SET OF 6", "PACK OF 12", "MINI", "SILVER",
)  # fmt: skip
MOTIFS = (
    "HEART", "SPOTTY", "POLKADOT", "ROSE", "STRAWBERRY", "CHRISTMAS", "BIRD",
    "SKULL", "OWL", "PAISLEY", "DOILY", "UNION JACK", "STAR", "FLOWER",
    "BUTTERFLY", "CHERRY", "LOVE", "GARDEN", "PARTY", "DOLLY GIRL", "RABBIT",
    "SPACEBOY", "CIRCUS", "ALPHABET",
)  # fmt: skip
ITEMS = (
    "T-LIGHT HOLDER", "LUNCH BAG", "CAKE CASES", "MUG", "BUNTING", "DOORMAT",
    "NAPKINS", "TEA TOWEL", "CANDLE", "LANTERN", "SHOPPER", "CUSHION COVER",
    "PHOTO FRAME", "ALARM CLOCK", "PURSE", "NOTEBOOK", "HOT WATER BOTTLE",
    "METAL SIGN", "STORAGE JAR", "TRAY", "BOWL", "PLATE", "PARASOL",
    "GIFT WRAP", "BAKING SET", "CHALKBOARD", "WALL CLOCK", "JEWELLERY BOX",
    "PICNIC BASKET", "CHARM", "KEY RING", "GARLAND",
)  # fmt: skip


@dataclass(frozen=True)
class DemoData:
    """Generated demo tables.

    ``transactions`` has the UCI Online Retail columns, ``behaviours`` the
    planted behaviour of every customer with a valid sale, ``attributes`` the
    Mall-Customers-shaped demographics of every customer id and
    ``demographic_groups`` the demographic group planted in ``attributes``.
    """

    transactions: pd.DataFrame
    behaviours: pd.DataFrame
    attributes: pd.DataFrame
    demographic_groups: pd.DataFrame


@dataclass(frozen=True)
class Catalog:
    """Stock codes with descriptions, prices and popularity.

    Products come first; the non-product codes follow, then the bad-debt code.
    ``descriptions`` has one entry per code plus the alternative descriptions
    of the few products that are described two ways.
    """

    codes: np.ndarray
    descriptions: np.ndarray
    prices: np.ndarray
    popularity: np.ndarray
    n_products: int
    alt_products: np.ndarray  # product indices with a second description
    alt_desc_index: np.ndarray  # index into ``descriptions`` of that second one


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
# Customers
# --------------------------------------------------------------------------- #


def customer_count(n_lines: int) -> int:
    """Number of customers with sales for a target number of lines."""
    return max(MIN_CUSTOMERS, round(n_lines / LINES_PER_CUSTOMER))


def _assign_behaviours(rng: np.random.Generator, n_customers: int) -> np.ndarray:
    """Behaviour code per customer, exact shares, shuffled."""
    shares = np.array([SPECS[b].share for b in BEHAVIOURS])
    counts = np.floor(shares * n_customers).astype(int)
    counts[np.argsort(-(shares * n_customers - counts))[: n_customers - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(BEHAVIOURS)), counts))


def _customer_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """Sorted distinct 5-digit-ish customer ids starting at 12346."""
    span = max(6000, int(np.ceil(1.4 * n)))
    ids = rng.choice(span, size=n, replace=False) + FIRST_CUSTOMER_ID
    return np.sort(ids).astype(np.int64)


def _countries(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    """Country index per row drawn with the given weights."""
    return rng.choice(len(COUNTRIES), size=n, p=weights / weights.sum())


# --------------------------------------------------------------------------- #
# Products
# --------------------------------------------------------------------------- #


def _stock_codes(rng: np.random.Generator) -> np.ndarray:
    """~2,900 distinct 5-digit stock codes, some with letter suffixes."""
    bases = np.sort(rng.choice(np.arange(10002, 90000), size=2700, replace=False))
    lettered = np.zeros(len(bases), dtype=bool)
    lettered[rng.choice(len(bases), size=150, replace=False)] = True
    n_letters = np.where(lettered, rng.integers(2, 4, size=len(bases)), 1)
    base_rep = np.repeat(bases, n_letters)
    within = np.arange(len(base_rep)) - np.repeat(np.cumsum(n_letters) - n_letters, n_letters)
    suffix = np.where(np.repeat(lettered, n_letters), np.array(list("ABCD"))[within], "")
    return np.char.add(base_rep.astype(str), suffix).astype(object)


def _descriptions(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct uppercase descriptions built from word lists."""
    n_combos = len(ADJECTIVES) * len(MOTIFS) * len(ITEMS)
    combo = rng.choice(n_combos, size=n, replace=False)
    adj, rest = np.divmod(combo, len(MOTIFS) * len(ITEMS))
    motif, item = np.divmod(rest, len(ITEMS))
    words = [np.array(w, dtype=object) for w in (ADJECTIVES, MOTIFS, ITEMS)]
    return words[0][adj] + " " + words[1][motif] + " " + words[2][item]


def _product_prices(rng: np.random.Generator, n: int) -> np.ndarray:
    """Log-normal unit prices rounded to 5 pence (0.10 .. 45.00)."""
    raw = rng.lognormal(mean=np.log(2.4), sigma=0.75, size=n)
    return np.round(np.clip(np.round(raw * 20) / 20, 0.1, 45.0), 2)


def _make_catalog(rng: np.random.Generator) -> Catalog:
    """Products (Zipf-like popularity) plus non-product and bad-debt codes."""
    codes = _stock_codes(rng)
    n = len(codes)
    desc = _descriptions(rng, n)
    ranks = rng.permutation(n)
    popularity = 1.0 / (ranks + 8.0) ** 0.95
    alt_products = rng.choice(n, size=8, replace=False)
    first_word = np.array([d.split(" ")[0] for d in desc[alt_products]], dtype=object)
    alt_words = np.array(ADJECTIVES, dtype=object)[rng.integers(0, 8, size=8)]
    alt_words = np.where(alt_words == first_word, "CREAM", alt_words)
    alt_desc = np.array(
        [
            w + d[len(f) :]
            for w, d, f in zip(alt_words, desc[alt_products], first_word, strict=True)
        ],
        dtype=object,
    )
    planted = non_product_codes()
    special_codes = np.array([c.code for c in planted] + [BAD_DEBT_CODE[0]], dtype=object)
    special_desc = np.array([c.description for c in planted] + [BAD_DEBT_CODE[1]], dtype=object)
    n_special = len(special_codes)
    return Catalog(
        codes=np.concatenate([codes, special_codes]),
        descriptions=np.concatenate([desc, special_desc, alt_desc]),
        prices=np.concatenate([_product_prices(rng, n), np.zeros(n_special)]),
        popularity=popularity / popularity.sum(),
        n_products=n,
        alt_products=alt_products,
        alt_desc_index=np.arange(n + n_special, n + n_special + len(alt_products)),
    )


def _pick_products(
    rng: np.random.Generator, catalog: Catalog, n: int
) -> tuple[np.ndarray, np.ndarray]:
    """Product and description indices for ``n`` lines."""
    product = rng.choice(catalog.n_products, size=n, p=catalog.popularity)
    desc = product.copy()
    lookup = np.full(catalog.n_products, -1)
    lookup[catalog.alt_products] = catalog.alt_desc_index
    use_alt = (lookup[product] >= 0) & (rng.random(n) < 0.3)
    desc[use_alt] = lookup[product[use_alt]]
    return product, desc


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


def _timestamps(rng: np.random.Generator, day: np.ndarray) -> np.ndarray:
    """Seconds since START_DATE on business days between 07:00 and 20:59."""
    hours = np.arange(7, 21)
    weights = np.exp(-0.5 * ((hours - 12.5) / 2.8) ** 2)
    hour = rng.choice(hours, size=len(day), p=weights / weights.sum())
    minute = rng.integers(0, 60, size=len(day))
    return _business_days(rng, day) * 86400 + hour * 3600 + minute * 60


# --------------------------------------------------------------------------- #
# Sales of customers with a planted behaviour
# --------------------------------------------------------------------------- #


def _plan_invoice_days(
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


def _sale_lines(
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
    product, desc = _pick_products(rng, catalog, len(invoice))
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


def _anonymous_lines(
    rng: np.random.Generator, catalog: Catalog, invoices: Invoices, n: int, mean: float
) -> Lines:
    """Lines without a customer id on their own invoices (added to ``invoices``)."""
    sizes = _sizes_for_total(rng, mean, n)
    days = rng.integers(0, N_DAYS, size=len(sizes))
    new = invoices.append(
        Invoices(
            kind=np.zeros(len(sizes), dtype=np.int64),
            customer=np.zeros(len(sizes), dtype=np.int64),
            country=_countries(rng, len(sizes), ANONYMOUS_COUNTRY_WEIGHTS),
            ts=_timestamps(rng, days),
        )
    )
    owner, pos = _expand(sizes)
    product, desc = _pick_products(rng, catalog, len(owner))
    quantity = rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 10], size=len(owner))
    price = np.round(catalog.prices[product] * 1.2, 2)
    return Lines(new[owner], product, desc, quantity, price, pos)


def _cancellation_times(rng: np.random.Generator, original_ts: np.ndarray) -> np.ndarray:
    """Business-hours timestamps 0-3 days after the original invoices."""
    day = np.minimum(original_ts // 86400 + rng.integers(0, 4, size=len(original_ts)), N_DAYS - 1)
    ts = np.maximum(_timestamps(rng, day), original_ts + 60 * rng.integers(1, 30, size=len(day)))
    latest = ts // 86400 * 86400 + 20 * 3600 + 59 * 60
    return np.minimum(ts, latest)


def _cancellations(rng: np.random.Generator, sales: Lines, invoices: Invoices, n: int) -> Lines:
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


def _non_product_lines(
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


def _zero_price_lines(
    rng: np.random.Generator, catalog: Catalog, host_invoices: np.ndarray, n: int
) -> Lines:
    """Product lines with a zero unit price appended to existing invoices."""
    product, desc = _pick_products(rng, catalog, n)
    invoice = rng.choice(host_invoices, size=n)
    quantity = rng.choice([1, 1, 2, 5, 10, 12, 24], size=n)
    pos = rng.uniform(0, 10, size=n)
    return Lines(invoice, product, desc, quantity, np.zeros(n), pos)


def _ghost_lines(
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
            ts=_timestamps(rng, rng.integers(0, N_DAYS, size=n)),
        )
    )
    sizes = rng.integers(1, 4, size=n)
    owner, pos = _expand(sizes)
    product, desc = _pick_products(rng, catalog, len(owner))
    quantity = rng.choice([1, 2, 6, 12], size=len(owner))
    return Lines(new[owner], product, desc, quantity, np.zeros(len(owner)), pos)


def _bad_debt_lines(rng: np.random.Generator, catalog: Catalog, invoices: Invoices) -> Lines:
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


def _duplicates(rng: np.random.Generator, lines: Lines, invoices: Invoices, n: int) -> Lines:
    """Verbatim copies of existing lines, right after the original or later."""
    eligible = np.flatnonzero(invoices.kind[lines.invoice] != 2)
    chosen = np.sort(rng.choice(eligible, size=min(n, len(eligible)), replace=False))
    dup = lines.take(chosen)
    later = rng.random(len(chosen)) < 0.4
    dup.pos = dup.pos + 0.5 + np.where(later, rng.integers(1, 8, size=len(chosen)), 0)
    return dup


# --------------------------------------------------------------------------- #
# Assembly
# --------------------------------------------------------------------------- #


def _invoice_numbers(invoices: Invoices) -> tuple[np.ndarray, np.ndarray]:
    """InvoiceNo text per invoice: numbered in time order, C/A prefixes."""
    order = np.lexsort((np.arange(len(invoices.ts)), invoices.ts))
    number = np.empty(len(order), dtype=np.int64)
    number[order] = FIRST_INVOICE_NO + np.arange(len(order))
    prefix = np.array(["", "C", "A"], dtype=object)[invoices.kind]
    return prefix + number.astype(str).astype(object), number


def _transactions_frame(catalog: Catalog, invoices: Invoices, lines: Lines) -> pd.DataFrame:
    """Sort lines by invoice number and position and build the UCI frame."""
    inv_text, inv_number = _invoice_numbers(invoices)
    order = np.lexsort((np.arange(len(lines)), lines.pos, inv_number[lines.invoice]))
    lines = lines.take(order)
    inv = lines.invoice
    customer = invoices.customer[inv]
    timestamp = START_DATE.astype("datetime64[s]") + invoices.ts[inv].astype("timedelta64[s]")
    return pd.DataFrame(
        {
            "InvoiceNo": pd.array(inv_text[inv], dtype="str"),
            "StockCode": pd.array(catalog.codes[lines.code], dtype="str"),
            "Description": pd.array(catalog.descriptions[lines.desc], dtype="str"),
            "Quantity": lines.quantity.astype(np.int64),
            "InvoiceDate": timestamp,
            "UnitPrice": np.round(lines.price, 2),
            "CustomerID": pd.arrays.IntegerArray(customer, mask=customer <= 0),
            "Country": pd.array(
                np.array(COUNTRIES, dtype=object)[invoices.country[inv]], dtype="str"
            ),
        }
    )


def valid_sale_mask(transactions: pd.DataFrame) -> pd.Series:
    """Lines that count as a sale: not cancelled, positive, priced, product, customer."""
    return (
        ~transactions["InvoiceNo"].str.startswith(("C", "A"))
        & (transactions["Quantity"] > 0)
        & (transactions["UnitPrice"] > 0)
        & transactions["StockCode"].str.fullmatch(r"\d{5}[A-Za-z]?")
        & transactions["CustomerID"].notna()
    )


def _behaviours_frame(
    transactions: pd.DataFrame, ids: np.ndarray, behaviour: np.ndarray
) -> pd.DataFrame:
    """Planted behaviour of every customer with at least one valid sale."""
    buyers = np.unique(transactions.loc[valid_sale_mask(transactions), "CustomerID"].to_numpy())
    keep = np.isin(ids, buyers)
    return pd.DataFrame(
        {
            "CustomerID": ids[keep],
            "behaviour": pd.array(np.array(BEHAVIOURS, dtype=object)[behaviour[keep]], dtype="str"),
        }
    )


def _attributes(
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


def _line_budget(n_lines: int) -> dict[str, int]:
    """Split the target line count between valid sales and each noise kind."""
    budget = {
        "anonymous": round(n_lines * MISSING_ID_SHARE),
        "cancel": max(1, round(n_lines * CANCEL_SHARE)),
        "duplicate": max(1, round(n_lines * DUPLICATE_SHARE)),
        "non_product": max(1, round(n_lines * NON_PRODUCT_SHARE)),
        "zero_price": max(2, round(n_lines * ZERO_PRICE_SHARE)),
    }
    budget["sales"] = n_lines - sum(budget.values()) - 3
    return budget


def generate(n_lines: int = DEFAULT_LINES, seed: int = 42) -> DemoData:
    """Generate the demo tables for about ``n_lines`` transaction lines."""
    if n_lines < 1000:
        raise ValueError("n_lines must be at least 1000")
    rng = np.random.default_rng(seed)
    budget = _line_budget(n_lines)
    catalog = _make_catalog(rng)
    n_customers = customer_count(n_lines)
    n_ghosts = max(1, round(n_customers * GHOST_CUSTOMER_SHARE))
    ids = _customer_ids(rng, n_customers + n_ghosts)
    is_ghost = np.zeros(len(ids), dtype=bool)
    is_ghost[rng.choice(len(ids), size=n_ghosts, replace=False)] = True
    behaviour = np.full(len(ids), -1)
    behaviour[~is_ghost] = _assign_behaviours(rng, n_customers)
    country = _countries(rng, len(ids), CUSTOMER_COUNTRY_WEIGHTS)

    buyer = np.flatnonzero(~is_ghost)
    inv_cust, inv_day = _plan_invoice_days(rng, behaviour[buyer])
    invoices = Invoices(
        kind=np.zeros(len(inv_cust), dtype=np.int64),
        customer=ids[buyer][inv_cust],
        country=country[buyer][inv_cust],
        ts=_timestamps(rng, inv_day),
    )
    basket_scale = rng.lognormal(0.0, 0.35, size=len(buyer))
    sales = _sale_lines(
        rng, catalog, behaviour[buyer][inv_cust], basket_scale[inv_cust], budget["sales"]
    )
    customer_invoices = np.arange(len(inv_cust))
    mean_basket = len(sales) / max(len(inv_cust), 1)
    anonymous = _anonymous_lines(rng, catalog, invoices, budget["anonymous"], 3.0 * mean_basket)
    anonymous_invoices = np.unique(anonymous.invoice)
    cancels = _cancellations(rng, sales, invoices, budget["cancel"])
    half_zero = budget["zero_price"] // 2
    extras = [
        _non_product_lines(rng, catalog, customer_invoices, budget["non_product"]),
        _zero_price_lines(rng, catalog, customer_invoices, half_zero),
        _zero_price_lines(rng, catalog, anonymous_invoices, budget["zero_price"] - half_zero),
        _ghost_lines(rng, catalog, invoices, ids[is_ghost], country[is_ghost]),
        _bad_debt_lines(rng, catalog, invoices),
    ]
    lines = Lines.concat([sales, anonymous, cancels, *extras])
    lines = Lines.concat([lines, _duplicates(rng, lines, invoices, budget["duplicate"])])
    transactions = _transactions_frame(catalog, invoices, lines)
    attributes, groups = _attributes(rng, ids, behaviour)
    return DemoData(
        transactions=transactions,
        behaviours=_behaviours_frame(transactions, ids, behaviour),
        attributes=attributes,
        demographic_groups=groups,
    )


# --------------------------------------------------------------------------- #
# Output
# --------------------------------------------------------------------------- #


def _sql_path(path: Path) -> str:
    """Quote a path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _arrow_or_frame(frame: pd.DataFrame) -> object:
    """An Arrow table for duckdb when pyarrow is available (much faster scan)."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pandas 3 normally brings pyarrow
        return frame
    return pa.Table.from_pandas(frame, preserve_index=False)


def _write_transactions(transactions: pd.DataFrame, path: Path) -> None:
    """Write the line items as gzip CSV: duckdb writes the CSV, zlib compresses it.

    DuckDB's own gzip writer is several times slower than writing plain CSV and
    compressing it in one stream. The gzip header carries no name and mtime 0, so
    the same frame always gives the same bytes.
    """
    plain = path.with_name(path.name + ".tmp.csv")
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        con.register("transactions_df", _arrow_or_frame(transactions))
        con.execute(
            "COPY transactions_df TO "
            + _sql_path(plain)
            + " (FORMAT csv, HEADER, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')"
        )
    finally:
        con.close()
    try:
        with (
            plain.open("rb") as source,
            path.open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, filename="", mtime=0) as target,
        ):
            shutil.copyfileobj(source, target, 1 << 20)
    finally:
        plain.unlink(missing_ok=True)


def _write_files(data: DemoData, out_dir: Path) -> dict[str, Path]:
    """Write already generated demo tables into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {key: out_dir / name for key, name in FILE_NAMES.items()}
    _write_transactions(data.transactions, paths["transactions"])
    data.behaviours.to_csv(paths["behaviours"], index=False, lineterminator="\n")
    data.attributes.to_csv(paths["attributes"], index=False, lineterminator="\n")
    return paths


def write_demo_data(out_dir: Path, n_lines: int = DEFAULT_LINES, seed: int = 42) -> dict[str, Path]:
    """Generate and write the three demo files into ``out_dir``.

    Returns the written paths under the keys ``transactions``, ``behaviours``
    and ``attributes``.
    """
    return _write_files(generate(n_lines=n_lines, seed=seed), out_dir)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: write the demo files and report what was written."""
    parser = argparse.ArgumentParser(
        prog="python -m retail_segments.demo_data",
        description="Write deterministic demo retail data with planted behaviours.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--lines", type=int, default=DEFAULT_LINES, help="approximate number of lines"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = generate(n_lines=args.lines, seed=args.seed)
    generated = time.perf_counter()
    paths = _write_files(data, args.out)
    written = time.perf_counter()
    frames = {
        "transactions": data.transactions,
        "behaviours": data.behaviours,
        "attributes": data.attributes,
    }
    for key, path in paths.items():
        print(f"wrote {path} ({len(frames[key]):,} rows)")
    print(
        f"generated in {generated - started:.2f} s, wrote in {written - generated:.2f} s,"
        f" total {written - started:.2f} s"
    )
    return 0
