"""Shared fixtures: build the dbt project into throwaway warehouses.

Each build gets its own DuckDB file, target and log folders, so tests never touch
the user's `segments.duckdb` and builds can be inspected after a failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"


@dataclass(frozen=True)
class DbtRun:
    """The outcome of one dbt command."""

    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.sql(sql).df()


def dbt_executable() -> str:
    candidate = Path(sys.executable).with_name("dbt")
    return str(candidate) if candidate.exists() else "dbt"


def run_dbt(
    workdir: Path,
    arguments: Sequence[str],
    dbt_vars: Mapping[str, object] | None = None,
    *,
    check: bool = True,
) -> DbtRun:
    """Run dbt in the project with its own warehouse file under `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    command = [
        dbt_executable(),
        *arguments,
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(workdir / "target"),
        "--log-path",
        str(workdir / "logs"),
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dict(dbt_vars))]
    env = {
        **os.environ,
        "SEGMENTS_DUCKDB_PATH": str(database),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    completed = subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=1800
    )
    output = completed.stdout + completed.stderr
    if check and completed.returncode != 0:
        pytest.fail(f"dbt {' '.join(arguments)} failed:\n{output[-6000:]}")
    return DbtRun(completed.returncode, output, database)


def shared_file(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not here (it is in CI, not in a user's clone)")
    return path


@pytest.fixture(scope="session")
def uci_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """The whole project built on UCI Online Retail I."""
    path = shared_file("online_retail.csv.gz")
    return run_dbt(tmp_path_factory.mktemp("uci"), ["build"], {"transactions_path": str(path)})


@pytest.fixture(scope="session")
def uci2_build(tmp_path_factory: pytest.TempPathFactory) -> DbtRun:
    """The whole project built on UCI Online Retail II."""
    path = shared_file("online_retail_ii.csv.gz")
    return run_dbt(tmp_path_factory.mktemp("uci2"), ["build"], {"transactions_path": str(path)})


@dataclass(frozen=True)
class DemoBuild:
    """A build on generated demo data, with the generator's planted truth."""

    run: DbtRun
    files: dict[str, Path]


def build_demo(workdir: Path, n_lines: int, *, with_attributes: bool = False) -> DemoBuild:
    from retail_segments.demo_data import write_demo_data

    files = write_demo_data(workdir / "data", n_lines=n_lines, seed=42)
    dbt_vars: dict[str, object] = {"transactions_path": str(files["transactions"])}
    if with_attributes:
        dbt_vars["customers_path"] = str(files["attributes"])
    return DemoBuild(run_dbt(workdir, ["build"], dbt_vars), files)


@pytest.fixture(scope="session")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """The whole project on the default-size demo data, as `run.py build` makes it."""
    from retail_segments.demo_data import DEFAULT_LINES

    return build_demo(tmp_path_factory.mktemp("demo"), DEFAULT_LINES, with_attributes=True)


@dataclass(frozen=True)
class ReportBuild:
    """A small build (demo data with attributes) with its exports folder and report."""

    run: DbtRun
    exports: Path
    report: Path


@pytest.fixture(scope="session")
def report_build(tmp_path_factory: pytest.TempPathFactory) -> ReportBuild:
    """20,000 demo lines built with exports into a temp folder, then the HTML report."""
    from retail_segments.demo_data import write_demo_data
    from retail_segments.report import write_report

    workdir = tmp_path_factory.mktemp("report")
    files = write_demo_data(workdir / "data", n_lines=20_000, seed=42)
    exports = workdir / "exports"
    run = run_dbt(
        workdir,
        ["build"],
        {
            "transactions_path": str(files["transactions"]),
            "customers_path": str(files["attributes"]),
            "export_path": str(exports),
        },
    )
    report = write_report(run.database, workdir / "report" / "segmentation_report.html")
    return ReportBuild(run, exports, report)


@pytest.fixture(scope="session")
def uci_mall_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """UCI Online Retail I plus the Mall Customers attributes, built and reported."""
    from retail_segments.report import write_report

    transactions = shared_file("online_retail.csv.gz")
    attributes = shared_file("mall_customers.csv.gz")
    workdir = tmp_path_factory.mktemp("uci_mall")
    run = run_dbt(
        workdir,
        ["build"],
        {
            "transactions_path": str(transactions),
            "customers_path": str(attributes),
            "export_path": str(workdir / "exports"),
        },
    )
    return write_report(run.database, workdir / "report" / "segmentation_report.html")
