"""`run.py build` publishes a warehouse only when the whole build passed.

Every test works on its own copy of one published site (warehouse, exports and
report built from 20,000 demo lines with customer attributes) and runs the real
command line (`python -m retail_segments.cli build`) in a subprocess: a second
build while a reader holds the file open, a failing build, and a build killed
part-way followed by a build without attributes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from support.builds import PROJECT_DIR, PublishSite, run_build_command, start_build_command

from retail_segments import publish
from retail_segments.demo_data import write_demo_data

pytestmark = pytest.mark.integration  # runs dbt through the command line

SMALL_LINES = 20_000
LARGE_LINES = 200_000
MODELS_BEFORE_KILL = 3  # "OK created" lines dbt prints before the kill

# A BI tool: holds the file open read-only, counts builds before and after the
# swap on the same connection, then reconnects (one line on stdin between them).
READER = """
import sys, duckdb
path = sys.argv[1]
count = "select count(*) from warehouse_builds"
con = duckdb.connect(path, read_only=True)
print(con.sql(count).fetchone()[0], flush=True)
sys.stdin.readline()
print(con.sql(count).fetchone()[0], flush=True)
con.close()
con = duckdb.connect(path, read_only=True)
print(con.sql(count).fetchone()[0], flush=True)
"""


@dataclass(frozen=True)
class Inputs:
    transactions: Path
    attributes: Path
    large_transactions: Path
    missing_column: Path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def published_hashes(site: PublishSite) -> dict[str, str]:
    """SHA-256 of the published warehouse, the report and every export file."""
    files = [site.warehouse, site.report, *sorted(site.exports.iterdir())]
    return {str(path.relative_to(site.root)): sha256(path) for path in files}


def builds(site: PublishSite) -> pd.DataFrame:
    with duckdb.connect(str(site.warehouse), read_only=True) as con:
        return con.sql("select * from warehouse_builds order by build_number").df()


def staging(site: PublishSite) -> publish.Site:
    return publish.Site(site.warehouse, site.exports)


def copy_site(site: PublishSite, root: Path) -> PublishSite:
    shutil.copytree(site.root, root)
    return PublishSite(root, site.scratch)


def small_build_options(
    inputs: Inputs, *, with_attributes: bool = True, report: bool = False
) -> list[str]:
    options = ["--transactions", str(inputs.transactions)] + ([] if report else ["--no-report"])
    return options + (["--customers", str(inputs.attributes)] if with_attributes else [])


def check(result: subprocess.CompletedProcess[str]) -> None:
    if result.returncode != 0:
        pytest.fail(f"run.py build failed:\n{(result.stdout + result.stderr)[-6000:]}")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    folder = tmp_path_factory.mktemp("publish_data")
    small = write_demo_data(folder / "small", n_lines=SMALL_LINES, seed=42)
    large = write_demo_data(folder / "large", n_lines=LARGE_LINES, seed=7)
    missing = folder / "no_quantity.csv"
    pd.read_csv(small["transactions"], nrows=500).drop(columns="Quantity").to_csv(
        missing, index=False
    )
    return Inputs(small["transactions"], small["attributes"], large["transactions"], missing)


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory, inputs: Inputs) -> PublishSite:
    """One good build with attributes and the report; the tests copy it."""
    site = PublishSite(tmp_path_factory.mktemp("site"), tmp_path_factory.mktemp("scratch"))
    check(run_build_command(site, small_build_options(inputs, report=True)))
    return site


@dataclass(frozen=True)
class ReadWhileBuilding:
    site: PublishSite
    first_rows: pd.DataFrame
    reader_counts: list[int]


@pytest.fixture(scope="module")
def second_build(
    first_build: PublishSite, inputs: Inputs, tmp_path_factory: pytest.TempPathFactory
) -> ReadWhileBuilding:
    """A second build of a copy while another process holds the warehouse open read-only."""
    site = copy_site(first_build, tmp_path_factory.mktemp("second") / "site")
    first_rows = builds(site)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(site.warehouse)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdin is not None
        counts = [int(reader.stdout.readline())]
        check(run_build_command(site, small_build_options(inputs)))
        output, _ = reader.communicate("reconnect\n", timeout=60)
    finally:
        reader.kill()
    return ReadWhileBuilding(site, first_rows, counts + [int(n) for n in output.split()])


@dataclass(frozen=True)
class KilledBuild:
    site: PublishSite
    before: dict[str, str]
    after_kill: dict[str, str]
    staging_left: bool
    rebuild: subprocess.CompletedProcess[str]


def kill_part_way(site: PublishSite, inputs: Inputs) -> bool:
    """Start a build on the large file; SIGKILL its process group once dbt creates models."""
    options = ["--transactions", str(inputs.large_transactions), "--no-report"]
    process = start_build_command(site, options)
    assert process.stdout is not None
    created = 0
    lines: list[str] = []
    try:
        for line in process.stdout:
            lines.append(line)
            created += "OK created" in line
            if created >= MODELS_BEFORE_KILL:
                break
    finally:
        staging_exists = staging(site).building_warehouse.exists()
        kill_group(process)
        process.wait(timeout=60)
        process.stdout.close()
    if created < MODELS_BEFORE_KILL:
        pytest.fail("the build ended before it could be killed:\n" + "".join(lines[-40:]))
    return staging_exists


def kill_group(process: subprocess.Popen[str]) -> None:
    """SIGKILL the build and the dbt it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def killed_build(
    first_build: PublishSite, inputs: Inputs, tmp_path_factory: pytest.TempPathFactory
) -> KilledBuild:
    """A copy whose build is killed part-way, then rebuilt without customer attributes."""
    site = copy_site(first_build, tmp_path_factory.mktemp("killed") / "site")
    before = published_hashes(site)
    staging_left = kill_part_way(site, inputs)
    after_kill = published_hashes(site)
    rebuild = run_build_command(site, small_build_options(inputs, with_attributes=False))
    return KilledBuild(site, before, after_kill, staging_left, rebuild)


# ---- (1) a good build publishes and is recorded -------------------------------------


def test_a_good_build_publishes_and_records_its_input(first_build: PublishSite, inputs) -> None:
    rows = builds(first_build)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["build_number"] == 1
    assert row["input_path"] == str(inputs.transactions)
    assert row["input_sha256"] == hashlib.sha256(inputs.transactions.read_bytes()).hexdigest()
    assert row["input_bytes"] == inputs.transactions.stat().st_size
    assert row["customers_sha256"] == sha256(inputs.attributes)
    assert row["dbt_version"] and row["project_version"] == "0.1.0"
    assert first_build.report.exists()
    assert not staging(first_build).building_warehouse.exists()
    assert not staging(first_build).building_exports.exists()


def test_the_build_row_matches_the_tables(first_build: PublishSite) -> None:
    row = builds(first_build).iloc[0]
    with duckdb.connect(str(first_build.warehouse), read_only=True) as con:
        as_of = con.sql("select max(as_of_date) from int_as_of_date").fetchone()[0]
        for column, table in publish.ROW_COUNTED_TABLES.items():
            count = con.sql(f"select count(*) from {table}").fetchone()[0]
            assert row[column] == count, (column, table)
    assert pd.Timestamp(row["as_of_date"]).date() == as_of


def test_a_second_build_appends_a_row_and_keeps_the_first(second_build) -> None:
    rows = builds(second_build.site)
    assert rows["build_number"].tolist() == [1, 2]
    pd.testing.assert_frame_equal(rows.iloc[:1], second_build.first_rows)
    assert rows["published_at"].is_monotonic_increasing


# ---- (2) a failing build changes nothing ----------------------------------------------


def test_a_failing_build_leaves_everything_published_byte_identical(
    first_build: PublishSite, inputs: Inputs, tmp_path: Path
) -> None:
    site = copy_site(first_build, tmp_path / "site")
    before = published_hashes(site)
    result = run_build_command(site, ["--transactions", str(inputs.missing_column)])
    assert result.returncode != 0
    assert "BUILD FAILED" in result.stderr
    assert "build 1 of " in result.stderr and "are unchanged" in result.stderr
    assert "Built and published" not in result.stdout
    assert published_hashes(site) == before
    assert len(builds(site)) == 1


# ---- (3) a killed build changes nothing; the next build cleans up ----------------------


def test_a_killed_build_leaves_everything_published_byte_identical(killed_build) -> None:
    assert killed_build.staging_left, "the kill came before dbt wrote into the new file"
    assert killed_build.after_kill == killed_build.before


def test_the_build_after_a_kill_succeeds_and_removes_the_leftovers(killed_build) -> None:
    check(killed_build.rebuild)
    assert "of an unfinished build" in killed_build.rebuild.stdout
    assert builds(killed_build.site)["build_number"].tolist() == [1, 2]
    paths = staging(killed_build.site)
    leftovers = (paths.building_warehouse, paths.building_exports, paths.previous_exports)
    assert not any(path.exists() for path in leftovers)


def test_a_good_build_ends_with_where_everything_is_and_how_to_open_the_docs(
    killed_build,
) -> None:
    check(killed_build.rebuild)
    site = killed_build.site
    output = killed_build.rebuild.stdout
    summary = output[output.index("Built and published:") :]
    assert f"warehouse  {site.warehouse} (build 2)" in summary
    assert f"exports    {site.exports}" in summary
    assert "report     not written (--no-report)" in summary
    assert f"SEGMENTS_DUCKDB_PATH={site.warehouse} " in summary
    assert " docs generate --project-dir " in summary and " docs serve " in summary


# ---- (4) a reader holding the file open ------------------------------------------------


def test_a_reader_holding_the_warehouse_open_does_not_stop_a_build(second_build) -> None:
    # before the build; the old file on the same connection; the new one on reconnect
    assert second_build.reader_counts == [1, 1, 2]


# ---- (5) the export views work from any folder ------------------------------------------


def test_export_views_work_from_another_working_directory(
    second_build, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    with duckdb.connect(str(second_build.site.warehouse), read_only=True) as con:
        views = con.sql(
            "select view_name, sql from duckdb_views() where view_name like 'export_%'"
        ).fetchall()
        exports = {path.stem for path in (PROJECT_DIR / "models" / "exports").glob("export_*.sql")}
        assert {name for name, _ in views} == exports
        for name, sql in views:
            assert f"'{second_build.site.exports}/" in sql, sql
            assert con.sql(f"select count(*) from {name}").fetchone()[0] > 0


# ---- (6) a build without attributes leaves no demographics behind -----------------------


def test_a_build_without_attributes_leaves_no_demographic_rows(killed_build) -> None:
    check(killed_build.rebuild)
    with duckdb.connect(str(killed_build.site.warehouse), read_only=True) as con:
        tables = [
            row[0]
            for row in con.sql(
                "select table_name from duckdb_tables() where table_name like '%demographic%'"
            ).fetchall()
        ]
        for table in tables:
            assert con.sql(f"select count(*) from {table}").fetchone()[0] == 0, table
        ages = con.sql("select count(age) from dim_customers").fetchone()[0]
    assert ages == 0
    row = builds(killed_build.site).iloc[-1]
    assert pd.isna(row["customers_path"]) and row["demographic_customers"] == 0
