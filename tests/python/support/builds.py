"""Build the dbt project into throwaway warehouses (helpers for tests and fixtures).

Each build gets its own DuckDB file, target and log folders under a work folder,
so tests never touch the user's `segments.duckdb` and builds can be inspected
after a failure. The dbt command itself is `retail_segments.dbt_runner`'s.

`run_dbt` refuses to run inside a test that is not marked `integration`
(conftest.py marks them, see `uses_dbt`), so `run.py test --fast` can never start a
dbt build by accident.
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

from retail_segments import dbt_runner

PROJECT_DIR = Path(__file__).resolve().parents[3]
SHARED_DATA = PROJECT_DIR.parent / "shared" / "data"
DBT_TIMEOUT_SECONDS = 1800

# The node id of the running test when it is not marked integration (set by conftest).
_unmarked_test: list[str] = []


@dataclass(frozen=True)
class DbtRun:
    """The outcome of one dbt command."""

    returncode: int
    output: str
    database: Path

    def query(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.sql(sql).df()


def forbid_dbt_in(nodeid: str | None) -> None:
    """Make `run_dbt` fail while test `nodeid` runs (None: allow dbt again)."""
    _unmarked_test.clear()
    if nodeid is not None:
        _unmarked_test.append(nodeid)


def refuse_unmarked() -> None:
    """Fail when the running test is not marked integration (see `forbid_dbt_in`)."""
    if _unmarked_test:
        pytest.fail(
            f"{_unmarked_test[0]} runs dbt but is not marked integration: mark it with "
            "@pytest.mark.integration (or pytestmark) so that `run.py test --fast` skips it"
        )


def run_dbt(
    workdir: Path,
    arguments: Sequence[str],
    dbt_vars: Mapping[str, object] | None = None,
    *,
    check: bool = True,
) -> DbtRun:
    """Run dbt in the project with its own warehouse file under `workdir`."""
    refuse_unmarked()
    workdir.mkdir(parents=True, exist_ok=True)
    database = workdir / "warehouse.duckdb"
    result = dbt_runner.run_dbt(
        arguments,
        dbt_vars,
        database=database,
        project_dir=PROJECT_DIR,
        target_path=workdir / "target",
        log_path=workdir / "logs",
        in_process=True,  # saves starting Python and importing dbt for every command
    )
    if check and result.returncode != 0:
        pytest.fail(f"dbt {' '.join(arguments)} failed:\n{result.output[-6000:]}")
    return DbtRun(result.returncode, result.output, database)


def shared_file(name: str) -> Path:
    """A real data file from ../shared/data; skip the test when it is not there."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"{path} is not here (it is in CI, not in a user's clone)")
    return path


@dataclass(frozen=True)
class DemoBuild:
    """A build on generated demo data, with the generator's planted truth."""

    run: DbtRun
    files: dict[str, Path]


def build_demo(workdir: Path, n_lines: int, *, with_attributes: bool = False) -> DemoBuild:
    """Generate demo data (seed 42) under `workdir` and build the whole project on it."""
    from retail_segments.demo_data import write_demo_data

    files = write_demo_data(workdir / "data", n_lines=n_lines, seed=42)
    dbt_vars: dict[str, object] = {"transactions_path": str(files["transactions"])}
    if with_attributes:
        dbt_vars["customers_path"] = str(files["attributes"])
    return DemoBuild(run_dbt(workdir, ["build"], dbt_vars), files)


@dataclass(frozen=True)
class ReportBuild:
    """A small build (demo data with attributes) with its exports folder and report."""

    run: DbtRun
    exports: Path
    report: Path


def build_report(workdir: Path, n_lines: int) -> ReportBuild:
    """Demo data with attributes built with exports into `workdir`, then the HTML report."""
    from retail_segments.demo_data import write_demo_data
    from retail_segments.report import write_report

    files = write_demo_data(workdir / "data", n_lines=n_lines, seed=42)
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


def build_real_data(workdir: Path, transactions: Path, attributes: Path) -> DbtRun:
    """A real transactions file plus an attribute table, built with exports into `workdir`."""
    return run_dbt(
        workdir,
        ["build"],
        {
            "transactions_path": str(transactions),
            "customers_path": str(attributes),
            "export_path": str(workdir / "exports"),
        },
    )


@dataclass(frozen=True)
class PublishSite:
    """A published warehouse, exports folder and report under `root`, as `run.py build`
    makes them; `scratch` holds dbt's target and logs (shared by a module's builds)."""

    root: Path
    scratch: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "segments.duckdb"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def report(self) -> Path:
        return self.root / "report" / "segmentation_report.html"

    def command(self, options: Sequence[str], dbt_vars: Mapping[str, object]) -> list[str]:
        """`python -m retail_segments.cli build` (what `run.py build` runs) for this site."""
        return [
            sys.executable,
            "-m",
            "retail_segments.cli",
            "build",
            *options,
            "--vars",
            json.dumps({"export_path": str(self.exports), **dbt_vars}),
            "--report",
            str(self.report),
            "--",
            "--target-path",
            str(self.scratch / "target"),
            "--log-path",
            str(self.scratch / "logs"),
        ]

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "SEGMENTS_DUCKDB_PATH": str(self.warehouse),
            "PYTHONPATH": str(PROJECT_DIR),
        }


def run_build_command(
    site: PublishSite, options: Sequence[str], dbt_vars: Mapping[str, object] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `run.py build` for `site` to the end; output captured."""
    refuse_unmarked()
    return subprocess.run(
        site.command(options, dbt_vars or {}),
        cwd=PROJECT_DIR,
        env=site.environment(),
        capture_output=True,
        text=True,
        timeout=DBT_TIMEOUT_SECONDS,
    )


def start_build_command(
    site: PublishSite, options: Sequence[str], dbt_vars: Mapping[str, object] | None = None
) -> subprocess.Popen[str]:
    """Start `run.py build` for `site` in its own process group, stdout piped line by line."""
    refuse_unmarked()
    return subprocess.Popen(
        site.command(options, dbt_vars or {}),
        cwd=PROJECT_DIR,
        env=site.environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
