"""Deterministic, set-based generator of UCI Online Retail shaped lines at any size.

One DuckDB ``copy (select ... from range(n)) to 'file.parquet'`` query: every column
is a function of the line number and the seed (``hash(line, seed, tag)`` gives the
pseudo-random draws), so the query streams from ``range()`` to the Parquet writer and
10^8 lines never sit in memory. The same size, seed and DuckDB version give a
byte-identical file.

Columns are the UCI names (``InvoiceNo, StockCode, Description, Quantity,
InvoiceDate, UnitPrice, CustomerID, Country``), all text, as in a CSV export, so that
unparseable values can be planted. The shape:

- lines come in blocks of 32 cut into up to four invoices (about 8 lines each);
  invoice numbers start at 536365 and their timestamps grow with the number over
  13 months (2010-12-01 to 2011-12-31);
- about 4,662 customers with a sale per 10^6 lines (the issue's shape: 46,620 at
  10^7 lines, 466,200 at 10^8; UCI I has 4,372 in 541,909 lines): most invoices go round-robin
  over the customer pool (so nearly every customer buys), a quarter to a few heavy
  buyers;
- ~4,000 products with skewed popularity, a fixed price and description each;
  38 countries, mostly the United Kingdom.

Noise (shares of all lines, see ``NOISE``): cancellation invoices (``C`` prefix,
negative quantities, a few positive ones), exact duplicates of the previous line,
invoices without a customer, codes from ``seeds/non_product_stock_codes.csv``, zero
and negative prices, stock corrections (negative quantity on a sale), bad-debt
adjustments (``A`` invoices) and a few blank or unparseable values.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parent.parent
NON_PRODUCT_SEED = PROJECT_DIR / "seeds" / "non_product_stock_codes.csv"
GENERATOR_VERSION = 2  # bump when the generated data changes, so caches are not reused

CUSTOMERS_PER_MILLION_LINES = 4662  # customers with a valid sale, about
# The pool ids are drawn from is larger: some customers' only invoices are
# anonymous or cancellations (measured with 4,662 per 10^5 lines, at 10^5 and 10^6
# lines: 4,671 and 46,693).
CUSTOMER_POOL_FACTOR = 1.12
N_PRODUCTS = 4000
BLOCK_LINES = 32  # each block of lines is cut into up to INVOICES_PER_BLOCK invoices
INVOICES_PER_BLOCK = 4
FIRST_INVOICE_NO = 536365
FIRST_CUSTOMER_ID = 12346
START_DATE = "2010-12-01"
N_DAYS = 396  # 2010-12-01 .. 2011-12-31: 13 months

# Invoice-level shares (of invoices, so about the same share of lines).
CANCELLATION_INVOICE_SHARE = 0.02
MISSING_CUSTOMER_SHARE = 0.20
HEAVY_BUYER_SHARE = 0.25  # invoices drawn from a skewed customer distribution
# Share of lines on cancellation invoices whose quantity stays positive (rejected).
POSITIVE_CANCELLATION_SHARE = 0.01
# Share of odd-numbered lines that repeat the line before (same invoice only).
DUPLICATE_SHARE = 0.02
# Line-level noise: one draw per line picks at most one kind, in this order.
NOISE: tuple[tuple[str, float], ...] = (
    ("non_product_code", 0.005),
    ("zero_price", 0.002),
    ("negative_price", 0.0002),
    ("stock_correction", 0.0003),  # negative quantity on a sale invoice
    ("zero_quantity", 0.0001),
    ("bad_debt", 0.00003),
    ("blank_invoice", 0.00002),
    ("blank_stock_code", 0.00002),
    ("bad_date", 0.00002),
    ("bad_quantity", 0.00002),
    ("bad_price", 0.00002),
)

COUNTRIES = (
    "United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands", "Belgium",
    "Switzerland", "Portugal", "Australia", "Norway", "Italy", "Channel Islands", "Finland",
    "Cyprus", "Sweden", "Unspecified", "Austria", "Denmark", "Japan", "Poland", "Israel",
    "USA", "Hong Kong", "Singapore", "Iceland", "Canada", "Greece", "Malta",
    "United Arab Emirates", "European Community", "RSA", "Lebanon", "Lithuania", "Brazil",
    "Czech Republic", "Bahrain", "Saudi Arabia",
)  # fmt: skip
UK_SHARE = 0.88
ADJECTIVES = (
    "WHITE", "RED", "PINK", "BLUE", "GREEN", "IVORY", "BLACK", "CREAM", "VINTAGE", "RETRO",
    "JUMBO", "SMALL", "LARGE", "REGENCY", "HANGING", "GLASS", "WOODEN", "ENAMEL", "PAPER",
    "ZINC", "ANTIQUE", "SWEETHEART", "FRENCH", "SET OF 3", "SET OF 6", "PACK OF 12", "MINI",
)  # fmt: skip
MOTIFS = (
    "HEART", "SPOTTY", "POLKADOT", "ROSE", "STRAWBERRY", "CHRISTMAS", "BIRD", "SKULL", "OWL",
    "PAISLEY", "DOILY", "UNION JACK", "STAR", "FLOWER", "BUTTERFLY", "CHERRY", "LOVE",
    "GARDEN", "PARTY", "DOLLY GIRL", "RABBIT", "SPACEBOY", "CIRCUS", "ALPHABET",
)  # fmt: skip
ITEMS = (
    "T-LIGHT HOLDER", "LUNCH BAG", "CAKE CASES", "MUG", "BUNTING", "DOORMAT", "NAPKINS",
    "TEA TOWEL", "CANDLE", "LANTERN", "SHOPPER", "CUSHION COVER", "PHOTO FRAME",
    "ALARM CLOCK", "PURSE", "NOTEBOOK", "HOT WATER BOTTLE", "METAL SIGN", "STORAGE JAR",
    "TRAY", "BOWL", "PLATE", "GIFT WRAP", "CHALKBOARD", "WALL CLOCK", "KEY RING", "GARLAND",
)  # fmt: skip
PACK_SIZES = (1, 1, 2, 2, 3, 4, 4, 6, 6, 8, 10, 12, 12, 12, 24, 24, 36, 48, 96, 144)


def customer_pool(n_lines: int) -> int:
    """Number of customer ids the generator draws from."""
    return max(10, round(n_lines * CUSTOMERS_PER_MILLION_LINES / 1_000_000 * CUSTOMER_POOL_FACTOR))


def data_path(work_dir: Path, n_lines: int, seed: int) -> Path:
    """Cache file of one size and seed (the DuckDB version is in the name: it owns hash())."""
    version = duckdb.__version__.replace(".", "_")
    return (
        work_dir
        / f"online_retail_{n_lines}_seed{seed}_g{GENERATOR_VERSION}_duckdb{version}.parquet"
    )


def _sql_list(values: tuple[str, ...] | list[str]) -> str:
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"[{quoted}]"


def non_product_codes() -> list[str]:
    """Codes from the seed as they appear in a file: exact codes, and prefixes with a suffix."""
    with NON_PRODUCT_SEED.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["stock_code"] + ("25" if row["match_type"] == "prefix" else "") for row in rows]


def _noise_thresholds() -> dict[str, tuple[float, float]]:
    """Each noise kind's interval of the line's noise draw."""
    bounds: dict[str, tuple[float, float]] = {}
    low = 0.0
    for name, share in NOISE:
        bounds[name] = (low, low + share)
        low += share
    return bounds


def _noise_case() -> str:
    cases = "\n".join(
        f"            when noise_draw < {high!r} then '{name}'"
        for name, (_, high) in _noise_thresholds().items()
    )
    return f"case\n{cases}\n        end"


def macros_sql(seed: int) -> str:
    """Temporary macros: the seeded draw and the invoice a line falls in."""
    cuts = "\n".join(
        f"    + cast(line % {BLOCK_LINES} >= 1 + cast(floor(draw(line // {BLOCK_LINES}, 'cut{cut}')"
        f" * {BLOCK_LINES - 1}) as bigint) as bigint)"
        for cut in range(1, INVOICES_PER_BLOCK)
    )
    return f"""
create or replace temp macro draw(key, tag) as
    -- re-hashed: the last argument of a many-argument hash() is poorly mixed
    hash(hash(key, {seed}, tag)) / 18446744073709551616.0;
create or replace temp macro pick(choices, key, tag) as
    choices[1 + cast(floor(draw(key, tag) * len(choices)) as bigint)];
create or replace temp macro price_text(amount) as
    cast(cast(amount as decimal(10, 2)) as varchar);
create or replace temp macro invoice_of(line) as
    (line // {BLOCK_LINES}) * {INVOICES_PER_BLOCK}
{cuts};
"""


def generator_sql(n_lines: int) -> str:
    """The select that yields the lines of one size, in file order (needs macros_sql)."""
    n_invoices = -(-n_lines // BLOCK_LINES) * INVOICES_PER_BLOCK
    pool = customer_pool(n_lines)
    noise_cases = "\n".join(
        f"            when draw(source_index, 'noise') < {high!r} then '{name}'"
        for name, (_, high) in _noise_thresholds().items()
    )
    return f"""
with

line_numbers as (

    select
        line_index,
        invoice_of(line_index) as invoice_index,
        -- an odd line now and then repeats the (even, so never repeated) line before
        -- it, when both fall in the same invoice
        line_index % 2 = 1
        and draw(line_index, 'dup') < {DUPLICATE_SHARE}
        and invoice_of(line_index - 1) = invoice_of(line_index) as is_repeat

    from range({n_lines}) as r (line_index)

),

drawn as (

    select
        invoice_index,
        case when is_repeat then line_index - 1 else line_index end as source_index,
        draw(invoice_index, 'cancel') < {CANCELLATION_INVOICE_SHARE} as is_cancellation,
        draw(invoice_index, 'anonymous') < {MISSING_CUSTOMER_SHARE} as is_anonymous,
        case
            when draw(invoice_index, 'heavy') < {HEAVY_BUYER_SHARE}
                then cast(floor({pool} * pow(draw(invoice_index, 'buyer'), 3)) as bigint)
            else invoice_index % {pool}
        end as customer_index,
        -- invoice timestamps grow with the invoice number: the day, then 08:00-20:00
        invoice_index * {N_DAYS}.0 / {n_invoices} as day_position

    from line_numbers

),

noisy as (

    select
        *,
        cast(floor({N_PRODUCTS} * pow(draw(source_index, 'product'), 2)) as bigint)
            as product_index,
        pick({list(PACK_SIZES)}, source_index, 'pack') as pack_size,
        draw(source_index, 'keeps_sign') < {POSITIVE_CANCELLATION_SHARE} as keeps_sign,
        case
{noise_cases}
        end as noise,
        pick({_sql_list(non_product_codes())}, source_index, 'non_product') as non_product_code

    from drawn

),

described as (

    select
        *,
        cast(10002 + product_index * 19 as varchar)
        || case when draw(product_index, 'lettered') < 0.05 then 'A' else '' end as product_code,
        pick({_sql_list(ADJECTIVES)}, product_index, 'adjective') || ' '
        || pick({_sql_list(MOTIFS)}, product_index, 'motif') || ' '
        || pick({_sql_list(ITEMS)}, product_index, 'item') as product_description,
        round(0.19 + 14.8 * pow(draw(product_index, 'price'), 2.5), 2) as product_price,
        case
            when is_anonymous and draw(invoice_index, 'anonymous_country') < 0.96
                then 'United Kingdom'
            when is_anonymous
                then pick(['EIRE', 'Unspecified', 'France'], invoice_index, 'anonymous_abroad')
            when draw(customer_index, 'home') < {UK_SHARE} then 'United Kingdom'
            else {_sql_list(COUNTRIES)}[
                2 + cast(
                    floor(pow(draw(customer_index, 'abroad'), 1.5) * {len(COUNTRIES) - 1}) as bigint
                )
            ]
        end as country

    from noisy

),

final as (

    select
        case
            when noise = 'blank_invoice' then ''
            when noise = 'bad_debt' then 'A' || cast({FIRST_INVOICE_NO} + invoice_index as varchar)
            when is_cancellation then 'C' || cast({FIRST_INVOICE_NO} + invoice_index as varchar)
            else cast({FIRST_INVOICE_NO} + invoice_index as varchar)
        end as "InvoiceNo",
        case
            when noise = 'blank_stock_code' then ''
            when noise = 'bad_debt' then 'B'
            when noise = 'non_product_code' then non_product_code
            else product_code
        end as "StockCode",
        case
            when noise = 'bad_debt' then 'Adjust bad debt'
            when noise = 'non_product_code' then 'MANUAL ' || non_product_code
            else product_description
        end as "Description",
        case
            when noise = 'bad_quantity' then cast(pack_size as varchar) || '.5'
            when noise = 'zero_quantity' then '0'
            when noise in ('bad_debt', 'non_product_code') then '1'
            when is_cancellation and not keeps_sign then cast(-pack_size as varchar)
            when noise = 'stock_correction' then cast(-pack_size as varchar)
            else cast(pack_size as varchar)
        end as "Quantity",
        case
            when noise = 'bad_date' then 'unknown'
            else strftime(
                timestamp '{START_DATE} 08:00:00'
                + to_days(cast(floor(day_position) as integer))
                + to_seconds(cast(floor((day_position - floor(day_position)) * 43200) as bigint)),
                '%Y-%m-%d %H:%M:%S'
            )
        end as "InvoiceDate",
        case
            when noise = 'bad_price' then 'n/a'
            when noise = 'zero_price' then '0.00'
            when noise = 'negative_price' then price_text(-product_price)
            when noise = 'bad_debt' then '11062.06'
            when noise = 'non_product_code'
                then price_text(round(1 + 59 * draw(source_index, 'fee'), 2))
            else price_text(product_price)
        end as "UnitPrice",
        case
            when not is_anonymous then cast({FIRST_CUSTOMER_ID} + customer_index as varchar)
        end as "CustomerID",
        country as "Country"

    from described

)

select * from final
"""


def generate(path: Path, n_lines: int, seed: int, *, threads: int = 2) -> Path:
    """Write the lines to ``path`` (Parquet, zstd), streaming; return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + f".partial-{os.getpid()}")
    with duckdb.connect() as con:
        con.execute(f"set threads = {threads}")
        con.execute("set preserve_insertion_order = true")  # file order = line order
        con.execute(macros_sql(seed))
        con.execute(
            f"copy ({generator_sql(n_lines)}) to '{partial}' (format parquet, compression zstd)"
        )
    partial.replace(path)
    return path


def ensure_data(work_dir: Path, n_lines: int, seed: int) -> tuple[Path, bool]:
    """The cached file of this size and seed, generated first if missing; (path, was cached)."""
    path = data_path(work_dir, n_lines, seed)
    if path.exists():
        return path, True
    return generate(path, n_lines, seed), False
