"""The scale benchmark's generator and its two baselines, on 10^4 lines (no dbt, no timing)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from benchmarks import handwritten_duckdb, pandas_pipeline
from benchmarks.build_phases import model_seconds_by_language
from benchmarks.pipeline_counts import Counts, differences, parse
from benchmarks.scale import Measured, ratios, report_table
from benchmarks.scale_data import (
    CUSTOMERS_PER_MILLION_LINES,
    N_PRODUCTS,
    ensure_data,
    generate,
    non_product_codes,
)

N_LINES = 10_000


@pytest.fixture(scope="module")
def lines_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, cached = ensure_data(tmp_path_factory.mktemp("scale"), N_LINES, seed=42)
    assert not cached
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_file_other_seed_other_file(lines_file: Path, tmp_path: Path) -> None:
    again = generate(tmp_path / "again.parquet", N_LINES, seed=42)
    other = generate(tmp_path / "other.parquet", N_LINES, seed=7)
    assert sha256(again) == sha256(lines_file)
    assert sha256(other) != sha256(lines_file)


def test_cached_file_is_reused(lines_file: Path) -> None:
    path, cached = ensure_data(lines_file.parent, N_LINES, seed=42)
    assert cached and path == lines_file


SHARES_SQL = """
with

lines as (

    select * from read_parquet('{path}')

),

repeats as (

    -- lines that repeat all eight values of another line, less the first copies
    select sum(copies - 1) as duplicates
    from (
        select count(*) as copies
        from lines
        group by
            "InvoiceNo", "StockCode", "Description", "Quantity",
            "InvoiceDate", "UnitPrice", "CustomerID", "Country"
    )

)

select
    count(*) as lines,
    avg(cast(starts_with("InvoiceNo", 'C') as double)) as cancellation_share,
    avg(cast(starts_with("InvoiceNo", 'C') and "Quantity" like '-%' as double))
        as negative_cancellation_share,
    any_value(repeats.duplicates) / count(*) as duplicate_share,
    avg(cast("CustomerID" is null as double)) as missing_customer_share,
    avg(cast(list_contains({codes}, "StockCode") as double)) as non_product_share,
    avg(cast(try_cast("UnitPrice" as double) <= 0 as double)) as non_positive_price_share,
    count(distinct "CustomerID") as customers,
    count(distinct "StockCode") as stock_codes,
    count(distinct "Country") as countries,
    min(try_cast("InvoiceDate" as timestamp)) as first_at,
    max(try_cast("InvoiceDate" as timestamp)) as last_at
from lines
cross join repeats
"""


def test_noise_shares_are_within_bounds(lines_file: Path) -> None:
    codes = "[" + ", ".join(f"'{code}'" for code in non_product_codes()) + "]"
    with duckdb.connect() as con:
        shares = con.sql(SHARES_SQL.format(path=lines_file, codes=codes)).df().iloc[0]
    assert shares["lines"] == N_LINES
    assert 0.005 <= shares["cancellation_share"] <= 0.05
    assert shares["negative_cancellation_share"] >= 0.9 * shares["cancellation_share"]
    assert 0.003 <= shares["duplicate_share"] <= 0.025
    assert 0.10 <= shares["missing_customer_share"] <= 0.30
    assert 0.002 <= shares["non_product_share"] <= 0.01
    assert 0.0005 <= shares["non_positive_price_share"] <= 0.006
    expected_customers = N_LINES * CUSTOMERS_PER_MILLION_LINES / 1_000_000
    assert 0.8 * expected_customers <= shares["customers"] <= 1.3 * expected_customers
    assert 1000 <= shares["stock_codes"] <= N_PRODUCTS + len(non_product_codes()) + 1
    # countries go with customers: 10^4 lines have only about 47 of them
    assert min(20, shares["customers"] // 6) <= shares["countries"] <= 38
    assert str(shares["first_at"]) >= "2010-12-01"
    assert str(shares["last_at"]) < "2012-01-01"


def test_handwritten_duckdb_and_pandas_agree(
    lines_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert handwritten_duckdb.main([str(lines_file), "--work-dir", str(tmp_path)]) == 0
    duckdb_counts = parse(capsys.readouterr().out)
    assert pandas_pipeline.main([str(lines_file)]) == 0
    pandas_counts = parse(capsys.readouterr().out)
    assert differences(duckdb_counts, pandas_counts) == []
    total = duckdb_counts.sales + duckdb_counts.cancellations + duckdb_counts.rejected
    assert total == N_LINES
    assert sum(duckdb_counts.rejected_by_reason.values()) == duckdb_counts.rejected
    expected = {"exact_duplicate", "missing_customer", "non_product_code", "non_positive_price"}
    assert expected <= set(duckdb_counts.rejected_by_reason)
    assert duckdb_counts.cancellations > 0 and duckdb_counts.revenue > 0


def test_a_disagreement_is_reported() -> None:
    from dataclasses import replace

    from benchmarks.scale import Measured, agreement, loud

    counts = Counts(10, 2, 3, 4, 100.0, 1, 5, {"missing_customer": 3})
    measured = [
        Measured("dbt build", counts=counts),
        Measured("handwritten duckdb", counts=replace(counts, sales=11, revenue=100.5)),
        Measured("pandas", skipped="too big"),
    ]
    found = agreement(measured)
    assert found == [
        "dbt build vs handwritten duckdb: sales 10 != 11",
        "dbt build vs handwritten duckdb: revenue 100.00 != 100.50",
    ]
    assert "THE PIPELINES DISAGREE" in loud(found)


def test_sql_model_seconds_are_compared_with_the_handwritten_wall(tmp_path: Path) -> None:
    nodes = {
        "model.p.a": {"resource_type": "model", "language": "sql"},
        "model.p.b": {"resource_type": "model", "language": "sql"},
        "model.p.k": {"resource_type": "model", "language": "python"},
        "test.p.t": {"resource_type": "test", "language": "sql"},
    }
    times = {"model.p.a": 1.25, "model.p.b": 2.5, "model.p.k": 4.0, "test.p.t": 8.0}
    (tmp_path / "manifest.json").write_text(json.dumps({"nodes": nodes}))
    results = [{"unique_id": uid, "execution_time": t} for uid, t in times.items()]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))

    seconds = model_seconds_by_language(tmp_path)
    assert seconds == {"sql": 1.25 + 2.5, "python": 4.0}

    build = Measured("dbt build", wall_seconds=20.0, model_seconds=seconds)
    hand = Measured("handwritten duckdb", wall_seconds=2.5)
    pandas = Measured("pandas", wall_seconds=10.0)
    table = report_table([build, hand, pandas], {})
    sql_row = next(line for line in table.splitlines() if line.startswith("SQL models, seconds"))
    ratio_row = next(line for line in table.splitlines() if line.startswith("build SQL / this"))
    assert sql_row.split()[-3:] == ["3.8", "-", "-"]
    assert ratio_row.split()[-2:] == [f"{3.75 / 2.5:.2f}x", f"{3.75 / 10:.2f}x"]
    assert ratios([build, hand, pandas])["build SQL models / handwritten wall_seconds"] == 1.5
