"""Plain dbt run from another folder writes into the project folder (issue 14, item 1).

Orchestrators (Airflow, Dagster, Cosmos) start `dbt build --project-dir <project>
--profiles-dir <project>` in a folder of their own. Every relative path of the
project resolves against the project folder, not that working directory: the
warehouse and its temp directory (profiles.yml), the input files and the export
folder (vars, macro project_path), dbt's target and logs. The build here runs on a
copy of the project with small demo data in its default place (`data/demo/`), no
location set anywhere (no SEGMENTS_DUCKDB_PATH, the default vars), a relative
`customers_path`, and dbt started in an empty folder that must stay empty.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from support.project_copy import copy_project, run_dbt_in

from retail_segments.demo_data import write_demo_data

DEMO_LINES = 5_000
EXPORTS = (
    "customer_segments",
    "customer_segment_profiles",
    "rfm_segments",
    "country_segments",
    "product_segments",
    "customer_product_recommendations",
    "customer_value_predictions",
    "customer_value_backtest",
)


@pytest.fixture(scope="module")
def built_elsewhere(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The project copy, built by dbt started in another (empty) folder."""
    root = tmp_path_factory.mktemp("location")
    project = copy_project(root / "project")
    write_demo_data(project / "data" / "demo", n_lines=DEMO_LINES, seed=42)
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    result = run_dbt_in(
        project,
        ["build"],
        cwd=elsewhere,
        dbt_vars={"customers_path": "data/demo/customer_attributes.csv"},
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    return project, elsewhere


def test_nothing_is_written_in_the_folder_dbt_was_started_in(
    built_elsewhere: tuple[Path, Path],
) -> None:
    _, elsewhere = built_elsewhere
    assert sorted(path.name for path in elsewhere.rglob("*")) == []


def test_the_warehouse_target_and_logs_are_in_the_project_folder(
    built_elsewhere: tuple[Path, Path],
) -> None:
    project, _ = built_elsewhere
    assert (project / "segments.duckdb").stat().st_size > 0
    assert (project / "target" / "manifest.json").exists()
    assert (project / "logs" / "dbt.log").exists()
    with duckdb.connect(str(project / "segments.duckdb"), read_only=True) as con:
        customers = con.sql("select count(*) from dim_customers").fetchone()[0]
        demographics = con.sql("select count(*) from dim_customer_demographics").fetchone()[0]
    assert customers > 0
    assert demographics > 0  # the relative customers_path was read from the project


def test_the_exports_are_in_the_project_folder_and_their_views_read_them_from_anywhere(
    built_elsewhere: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _ = built_elsewhere
    exports = project / "exports"
    assert sorted(path.name for path in exports.iterdir()) == sorted(
        f"{name}.{extension}" for name in EXPORTS for extension in ("csv", "parquet")
    )
    monkeypatch.chdir(tmp_path)  # a BI tool opening the warehouse from a third folder
    with duckdb.connect(str(project / "segments.duckdb"), read_only=True) as con:
        exported = con.sql("select count(*) from export_customer_segments").fetchone()[0]
        customers = con.sql("select count(*) from dim_customers").fetchone()[0]
        source = con.sql("select distinct source_file from base_retail__transaction_lines")
        source_files = [row[0] for row in source.fetchall()]
    assert exported == customers > 0
    # the default transactions_path, data/demo/transactions.csv.gz, read from the project
    assert source_files == [str(project / "data" / "demo" / "transactions.csv.gz")]
