"""The project's cleaning and facts, hand-written as one DuckDB script (the benchmark baseline).

    python -m benchmarks.handwritten_duckdb lines.parquet --work-dir DIR

Classifies every line of a UCI-shaped Parquet file as a sale, a cancellation or a
rejected line with one reason, by the rules and in the order documented on
int_transaction_lines_classified, then computes recency, frequency and monetary per
customer (as of the day after the last valid invoice), and the facts per country
and per product. Tables go to DIR/handwritten.duckdb.

It is written to spill rather than to fit: two threads and the memory limit of
profiles.yml, a temp directory for spilling, preserve_insertion_order off, line
numbers from read_parquet(file_row_number), exact duplicates found by one grouped
aggregate over the raw values (no window over the whole file), and distinct counts
taken from pre-aggregated invoice rows. It prints the counts of
benchmarks/pipeline_counts.py.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from benchmarks.pipeline_counts import (
    Counts,
    non_product_seed,
    profile_memory_limit,
    timestamp_formats,
)
from retail_segments.demo_data.tables import TRANSACTION_COLUMNS  # the UCI header

STANDARD_NAMES = (
    "invoice_no",
    "stock_code",
    "description",
    "quantity",
    "invoice_date",
    "unit_price",
    "customer_id",
    "country",
)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _literals(values: list[str]) -> str:
    return ", ".join(_literal(value) for value in values)


def raw_lines_sql(path: Path) -> str:
    """The file as text columns with standard names and 1-based line numbers."""
    columns = ",\n".join(
        f'        cast("{raw}" as varchar) as raw_{name}'
        for raw, name in zip(TRANSACTION_COLUMNS, STANDARD_NAMES, strict=True)
    )
    return f"""
    select
        file_row_number + 1 as line_number,
{columns}
    from read_parquet({_literal(str(path))}, file_row_number = true)
"""


def classify_sql(path: Path) -> str:
    """Every line with its status and reason (one table, line order not kept)."""
    raw_keys = [f"raw_{name}" for name in STANDARD_NAMES]
    join_on = "\n        and ".join(
        f"raw_lines.{key} is not distinct from duplicate_groups.{key}" for key in raw_keys
    )
    exact, prefixes = non_product_seed()
    prefix_tests = "".join(f" or starts_with(stock_code, {_literal(p)})" for p in prefixes)
    formats = _literals(timestamp_formats())
    return f"""
create or replace table classified_lines as
with

raw_lines as not materialized (
{raw_lines_sql(path)}
),

duplicate_groups as (

    -- one grouped aggregate: the raw values that occur more than once, with the
    -- first line that has them
    select
        {", ".join(raw_keys)},
        min(line_number) as first_line_number
    from raw_lines
    group by all
    having count(*) > 1

),

trimmed as (

    select
        raw_lines.line_number,
        coalesce(raw_lines.line_number > duplicate_groups.first_line_number, false)
            as is_exact_duplicate,
        nullif(trim(raw_lines.raw_invoice_no), '') as invoice_no,
        nullif(upper(trim(raw_lines.raw_stock_code)), '') as stock_code,
        nullif(trim(raw_lines.raw_description), '') as description,
        try_cast(nullif(trim(raw_lines.raw_quantity), '') as double) as quantity_number,
        try_cast(nullif(trim(raw_lines.raw_unit_price), '') as decimal(18, 4)) as unit_price,
        nullif(trim(raw_lines.raw_invoice_date), '') as invoice_date_text,
        nullif(trim(raw_lines.raw_customer_id), '') as customer_id_text,
        coalesce(nullif(trim(raw_lines.raw_country), ''), 'Unspecified') as country
    from raw_lines
    left join duplicate_groups
        on {join_on}

),

parsed as (

    select
        line_number,
        is_exact_duplicate,
        invoice_no,
        stock_code,
        description,
        case
            when quantity_number = floor(quantity_number) then cast(quantity_number as bigint)
        end as quantity,
        unit_price,
        coalesce(
            try_strptime(invoice_date_text, [{formats}]),
            try_cast(invoice_date_text as timestamp)
        ) as invoiced_at,
        -- whole numbers without decimals or leading zeros (macro normalize_customer_id);
        -- done on the text: try_cast to decimal(38, 0) costs ~8 s per 10^6 lines
        case
            when regexp_full_match(customer_id_text, '[0-9]+(\\.0+)?')
                then coalesce(
                    nullif(ltrim(regexp_replace(customer_id_text, '\\.0+$', ''), '0'), ''), '0'
                )
            else customer_id_text
        end as customer_id,
        country,
        starts_with(invoice_no, 'C') as is_cancellation_invoice,
        starts_with(invoice_no, 'A') as is_adjustment_invoice,
        list_contains([{_literals(exact)}], stock_code){prefix_tests} as is_non_product_code
    from trimmed

),

classified as (

    select
        *,
        case
            when invoice_no is null then 'missing_invoice'
            when stock_code is null then 'missing_stock_code'
            when invoiced_at is null then 'unparseable_date'
            when quantity is null then 'unparseable_quantity'
            when unit_price is null then 'unparseable_price'
            when is_exact_duplicate then 'exact_duplicate'
            when is_adjustment_invoice then 'bad_debt_adjustment'
            when is_non_product_code then 'non_product_code'
            when customer_id is null then 'missing_customer'
            when quantity = 0 then 'zero_quantity'
            when unit_price <= 0 then 'non_positive_price'
            when is_cancellation_invoice and quantity > 0
                then 'cancellation_with_positive_quantity'
            when not is_cancellation_invoice and quantity < 0
                then 'negative_quantity_without_cancellation'
        end as rejection_reason
    from parsed

)

select
    line_number,
    case
        when rejection_reason is not null then 'rejected'
        when is_cancellation_invoice then 'cancellation'
        else 'sale'
    end as line_status,
    rejection_reason,
    invoice_no,
    stock_code,
    description,
    quantity,
    unit_price,
    cast(quantity * unit_price as decimal(18, 4)) as line_value,
    invoiced_at,
    cast(invoiced_at as date) as invoice_date,
    customer_id,
    country
from classified
"""


FACTS_SQL = """
create or replace table as_of as
select cast(max(invoice_date) + 1 as date) as as_of_date
from classified_lines
where line_status <> 'rejected';

create or replace table sales_invoices as
select
    customer_id,
    invoice_no,
    country,
    stock_code,
    max(invoice_date) as last_date,
    sum(quantity) as units,
    sum(line_value) as revenue
from classified_lines
where line_status = 'sale'
group by customer_id, invoice_no, country, stock_code;

create or replace table customer_rfm as
with

per_invoice as (

    select
        customer_id,
        invoice_no,
        max(last_date) as last_date,
        sum(revenue) as revenue
    from sales_invoices
    group by customer_id, invoice_no

)

select
    per_invoice.customer_id,
    date_diff('day', max(per_invoice.last_date), any_value(as_of.as_of_date)) as recency_days,
    count(*) as frequency,
    cast(sum(per_invoice.revenue) as decimal(18, 2)) as monetary
from per_invoice
cross join as_of
group by per_invoice.customer_id;

create or replace table country_facts as
with

per_invoice as (

    select
        country,
        invoice_no,
        any_value(customer_id) as customer_id,
        sum(units) as units,
        sum(revenue) as revenue
    from sales_invoices
    group by country, invoice_no

)

select
    country,
    count(distinct customer_id) as customers,
    count(*) as invoices,
    sum(units) as units,
    cast(sum(revenue) as decimal(18, 2)) as revenue
from per_invoice
group by country;

create or replace table product_facts as
select
    stock_code,
    sum(units) as units,
    count(distinct invoice_no) as invoices,
    count(distinct customer_id) as customers,
    cast(sum(revenue) as decimal(18, 2)) as revenue
from sales_invoices
group by stock_code;
"""

COUNTS_SQL = """
select
    count(*) filter (where line_status = 'sale') as sales,
    count(*) filter (where line_status = 'cancellation') as cancellations,
    count(*) filter (where line_status = 'rejected') as rejected,
    (select count(*) from customer_rfm) as customers,
    (select cast(sum(monetary) as double) from customer_rfm) as revenue,
    (select count(*) from country_facts) as countries,
    (select count(*) from product_facts) as products
from classified_lines
"""


def configure(con: duckdb.DuckDBPyConnection, work_dir: Path) -> None:
    """Two threads, the profile's memory limit, spilling into the work folder."""
    spill = work_dir / "handwritten_spill"
    spill.mkdir(parents=True, exist_ok=True)
    con.execute("set threads = 2")
    con.execute(f"set memory_limit = {_literal(profile_memory_limit())}")
    con.execute("set preserve_insertion_order = false")
    con.execute(f"set temp_directory = {_literal(str(spill))}")


def counts(con: duckdb.DuckDBPyConnection) -> Counts:
    row = con.execute(COUNTS_SQL).fetchone()
    assert row is not None
    reasons = con.execute(
        "select rejection_reason, count(*) from classified_lines"
        " where line_status = 'rejected' group by 1"
    ).fetchall()
    return Counts.from_rows(row, reasons)


def run(path: Path, work_dir: Path) -> Counts:
    """Build the hand-written warehouse from ``path`` and return its counts."""
    work_dir.mkdir(parents=True, exist_ok=True)
    database = work_dir / "handwritten.duckdb"
    database.unlink(missing_ok=True)
    with duckdb.connect(str(database)) as con:
        configure(con, work_dir)
        started = time.perf_counter()
        con.execute(classify_sql(path.resolve()))
        classified = time.perf_counter()
        con.execute(FACTS_SQL)
        finished = time.perf_counter()
        print(
            f"handwritten duckdb: classified in {classified - started:.1f} s,"
            f" facts in {finished - classified:.1f} s"
        )
        return counts(con)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("transactions", type=Path, help="UCI-shaped Parquet file")
    parser.add_argument("--work-dir", type=Path, required=True, help="warehouse and spill folder")
    args = parser.parse_args(argv)
    run(args.transactions, args.work_dir).emit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
