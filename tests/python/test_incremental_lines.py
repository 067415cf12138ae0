"""Incremental builds for new data (var transactions_incremental, README "Adding new
data"): a build reads only the transactions files it has not read, and the warehouse
is the one a full build gives.

Demo lines (40,000, seed 42) are cut into three CSV files of consecutive lines, in
name order. The incremental warehouse is built on the first two files, then again
after the third is added, with the first file emptied to its header meanwhile: had
the second build read it again, the build would have stopped ("has a header line
but no data lines"). A copy of that warehouse is then built with `--full-refresh`,
which reads all three files again (the segment history models keep their rows: they
are never fully refreshed), and every table of the two warehouses must be equal.
"""

from __future__ import annotations

import gzip
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from support.builds import DbtRun, run_dbt

from retail_segments.demo_data import write_demo_data

pytestmark = pytest.mark.integration

DEMO_LINES = 40_000
# the build's own clock: the one column two builds of the same data never share
BUILD_TIME_TABLES = {"diag_build_settings"}


@dataclass(frozen=True)
class IncrementalBuilds:
    parts: list[Path]  # the three files, in name order (their original contents)
    incremental: DbtRun  # after the second, incremental build
    full: DbtRun  # a copy of it built again with --full-refresh
    second_build_output: str


def split_lines(source: Path, folder: Path, names: list[str]) -> list[Path]:
    """Cut a CSV file into files of consecutive lines (each with the header), text as is."""
    with gzip.open(source, "rt", newline="") as file:
        header, *lines = file.read().splitlines(keepends=True)
    folder.mkdir(parents=True)
    cuts = [0, len(lines) // 2, 3 * len(lines) // 4, len(lines)]
    paths = []
    for name, start, end in zip(names, cuts, cuts[1:], strict=False):
        path = folder / name
        path.write_text(header + "".join(lines[start:end]), newline="")
        paths.append(path)
    return paths


def incremental_vars(folder: Path) -> dict[str, object]:
    return {"transactions_path": str(folder / "*.csv"), "transactions_incremental": True}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> IncrementalBuilds:
    work = tmp_path_factory.mktemp("incremental")
    demo = write_demo_data(work / "demo", n_lines=DEMO_LINES, seed=42)
    originals = split_lines(
        demo["transactions"], work / "parts", ["lines_1.csv", "lines_2.csv", "lines_3.csv"]
    )
    lines = work / "lines"
    lines.mkdir()
    dbt_vars = incremental_vars(lines)
    for part in originals[:2]:
        shutil.copy(part, lines / part.name)
    run_dbt(work / "incremental", ["build"], dbt_vars)

    # the first file emptied to its header: a build that read it again would stop
    header = originals[0].read_text().splitlines(keepends=True)[0]
    (lines / "lines_1.csv").write_text(header)
    shutil.copy(originals[2], lines / "lines_3.csv")
    second = run_dbt(work / "incremental", ["build"], dbt_vars)
    shutil.copy(originals[0], lines / "lines_1.csv")

    (work / "full").mkdir()
    shutil.copy(second.database, work / "full" / "warehouse.duckdb")
    full = run_dbt(work / "full", ["build", "--full-refresh"], dbt_vars)
    return IncrementalBuilds(
        parts=[lines / part.name for part in originals],
        incremental=second,
        full=full,
        second_build_output=second.output,
    )


def main_tables(con: duckdb.DuckDBPyConnection, database: str) -> set[str]:
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'",
        [database],
    ).fetchall()
    return {row[0] for row in rows}


def test_incremental_and_full_builds_give_identical_tables(builds: IncrementalBuilds) -> None:
    with duckdb.connect() as con:
        con.execute(f"attach '{builds.incremental.database}' as inc (read_only)")
        con.execute(f"attach '{builds.full.database}' as full_build (read_only)")
        tables = main_tables(con, "inc")
        assert tables == main_tables(con, "full_build")
        assert {
            "base_retail__transaction_lines",
            "dim_customers",
            "dim_customer_segments",
        } <= tables
        differing = {}
        for table in sorted(tables - BUILD_TIME_TABLES):
            only_one = con.execute(
                f"select (select count(*) from (select * from inc.{table} except all "
                f"select * from full_build.{table})) + (select count(*) from (select * from "
                f"full_build.{table} except all select * from inc.{table}))"
            ).fetchone()[0]
            if only_one:
                differing[table] = only_one
        customers = con.execute("select count(*) from inc.dim_customers").fetchone()[0]
    assert differing == {}
    assert customers > 100


def test_the_line_table_holds_every_line_of_every_file_once(builds: IncrementalBuilds) -> None:
    # independent of the build: the files read by pandas, numbered in name order
    expected = pd.concat(
        [
            pd.read_csv(part, dtype=str, keep_default_na=False).assign(source_file=str(part))
            for part in builds.parts
        ],
        ignore_index=True,
    )
    expected.insert(0, "source_line_number", range(1, len(expected) + 1))
    columns = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]
    actual = builds.incremental.query(
        "select source_line_number, coalesce(invoice_no, '') as InvoiceNo,"
        " coalesce(stock_code, '') as StockCode, coalesce(quantity, '') as Quantity,"
        " coalesce(invoice_date, '') as InvoiceDate, coalesce(unit_price, '') as UnitPrice,"
        " coalesce(customer_id, '') as CustomerID, source_file"
        " from base_retail__transaction_lines order by source_line_number"
    )
    assert len(actual) == len(expected) > DEMO_LINES * 0.9
    pd.testing.assert_frame_equal(
        actual.reset_index(drop=True),
        expected[["source_line_number", *columns, "source_file"]],
        check_dtype=False,
    )
    # and every one of them is a sale, a cancellation or a rejected line
    accounted = builds.incremental.query(
        "select (select count(*) from fct_sales_lines) + (select count(*) from "
        "fct_cancellation_lines) + (select count(*) from fct_rejected_lines) as lines"
    )["lines"].iloc[0]
    assert accounted == len(expected)


def test_files_out_of_order_or_gone_stop_the_build(tmp_path: Path) -> None:
    demo = write_demo_data(tmp_path / "demo", n_lines=2_000, seed=7)
    parts = split_lines(demo["transactions"], tmp_path / "parts", ["a.csv", "b.csv", "c.csv"])
    lines = tmp_path / "lines"
    lines.mkdir()
    shutil.copy(parts[1], lines / "b.csv")
    work = tmp_path / "build"
    line_table = ["run", "--select", "base_retail__transaction_lines"]
    run_dbt(work, line_table, incremental_vars(lines))

    shutil.copy(parts[0], lines / "a.csv")
    early = run_dbt(work, line_table, incremental_vars(lines), check=False)
    assert early.returncode != 0
    assert f"Transactions file '{lines / 'a.csv'}' is new but sorts before '{lines / 'b.csv'}'" in (
        early.output
    )
    assert "dbt build --full-refresh" in early.output

    (lines / "a.csv").unlink()
    (lines / "b.csv").unlink()
    shutil.copy(parts[2], lines / "c.csv")
    gone = run_dbt(work, line_table, incremental_vars(lines), check=False)
    assert gone.returncode != 0
    assert f"Transactions file '{lines / 'b.csv'}' was read by an earlier build" in gone.output
    # nothing was added by the refused builds: the table still holds b.csv alone
    kept = gone.query("select distinct source_file from base_retail__transaction_lines")
    assert kept["source_file"].tolist() == [str(lines / "b.csv")]

    typo = run_dbt(
        work,
        line_table,
        {**incremental_vars(lines), "transactions_incremental": "yes"},
        check=False,
    )
    assert typo.returncode != 0
    assert 'The var transactions_incremental must be true or false; got "yes".' in typo.output
