"""The same project on Apache Spark (README "On Apache Spark"): `run.py build --engine
spark` runs the SQL stage on Spark and the segmentation stage on DuckDB, and gives
the same warehouse as the DuckDB build.

Both commands build small demo data (with the attribute table) into their own
published site; the Spark build's warehouse and metastore are in a temporary folder
too. Every raw line is accounted for on Spark (read straight from the Parquet files
Spark wrote), each line is classified the same way on both engines, and the customer
facts, RFM scores, segments and the other dimensions are equal. Skipped, with the
reason, when Java or pyspark and dbt-spark are missing (`.ci/run` installs them
where it can; `run.py build --engine spark` installs the Python packages itself).
"""

from __future__ import annotations

import gzip
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from support.builds import DBT_TIMEOUT_SECONDS, PROJECT_DIR, PublishSite, refuse_unmarked

from retail_segments.cli import spark_problem
from retail_segments.demo_data import write_demo_data

pytestmark = pytest.mark.integration

DEMO_LINES = 40_000
SCHEMA = "retail_segments_test"
# one row per key, compared column by column (floats to 1e-9, relative)
COMPARED = {
    "int_transaction_lines_classified": "source_line_number",
    "int_customers_summarized": "customer_id",
    "int_customers_rfm_scored": "customer_id",
    "dim_customers": "customer_id",
    "dim_customer_segments": "segment_id",
    "dim_rfm_segments": "rfm_segment",
    "dim_countries": "country",
    "dim_products": "stock_code",
    "dim_customer_demographics": "customer_id",
}


@dataclass(frozen=True)
class EngineBuilds:
    duckdb: PublishSite
    spark: PublishSite
    spark_tables: Path
    transactions: Path


def build(site: PublishSite, options: list[str], environment: dict[str, str]) -> None:
    refuse_unmarked()
    completed = subprocess.run(
        site.command(options, {}),
        cwd=PROJECT_DIR,
        env={**site.environment(), **environment},
        capture_output=True,
        text=True,
        timeout=DBT_TIMEOUT_SECONDS,
    )
    if completed.returncode != 0:
        pytest.fail(f"run.py build {' '.join(options)} failed:\n{completed.stdout[-6000:]}")


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> EngineBuilds:
    problem = spark_problem()
    if problem:
        pytest.skip(problem)
    files = write_demo_data(tmp_path_factory.mktemp("spark_data"), n_lines=DEMO_LINES, seed=42)
    options = [
        "--transactions",
        str(files["transactions"]),
        "--customers",
        str(files["attributes"]),
        "--no-report",
    ]
    duckdb_site = PublishSite(tmp_path_factory.mktemp("duckdb_site"), tmp_path_factory.mktemp("d"))
    build(duckdb_site, options, {})
    spark_site = PublishSite(tmp_path_factory.mktemp("spark_site"), tmp_path_factory.mktemp("s"))
    spark_dir = tmp_path_factory.mktemp("spark")
    environment = {
        "SEGMENTS_SPARK_WAREHOUSE": str(spark_dir / "warehouse"),
        "SEGMENTS_SPARK_METASTORE": str(spark_dir / "metastore_db"),
        "SEGMENTS_SPARK_SCHEMA": SCHEMA,
    }
    build(spark_site, [*options, "--engine", "spark"], environment)
    tables = spark_dir / "warehouse" / f"{SCHEMA}.db"
    return EngineBuilds(duckdb_site, spark_site, tables, files["transactions"])


def table(site: PublishSite, name: str, key: str) -> pd.DataFrame:
    with duckdb.connect(str(site.warehouse), read_only=True) as con:
        frame = con.sql(f"select * from {name} order by {key}").df()
    return frame.reset_index(drop=True)


def test_every_raw_line_is_accounted_for_on_spark(builds: EngineBuilds) -> None:
    with gzip.open(builds.transactions, "rt", encoding="utf-8") as file:
        raw_lines = sum(1 for _ in file) - 1  # the header
    parquet = str(builds.spark_tables / "int_transaction_lines_classified" / "*.parquet")
    with duckdb.connect() as con:
        counts = con.sql(
            "select count(*) as lines, count(distinct source_line_number) as ids, "
            "min(source_line_number) as first, max(source_line_number) as last, "
            "count(*) filter (where line_status = 'rejected' and rejection_reason is not null) "
            "+ count(*) filter (where line_status in ('sale', 'cancellation') "
            "and rejection_reason is null) as classified "
            f"from read_parquet('{parquet}')"
        ).fetchone()
    assert counts == (raw_lines, raw_lines, 1, raw_lines, raw_lines)


def test_the_spark_build_read_the_spark_stage(builds: EngineBuilds) -> None:
    """The DuckDB stage copied the Spark stage's tables in instead of building them."""
    names = sorted(path.name for path in builds.spark_tables.iterdir())
    assert {"int_transaction_lines_classified", "int_customers_summarized"} <= set(names)
    assert "dim_customers" not in names  # the marts are DuckDB's


@pytest.mark.parametrize("name", sorted(COMPARED))
def test_the_engines_build_equal_tables(builds: EngineBuilds, name: str) -> None:
    on_duckdb = table(builds.duckdb, name, COMPARED[name])
    on_spark = table(builds.spark, name, COMPARED[name])
    assert len(on_duckdb) > 0 or name == "dim_customer_demographics"
    pd.testing.assert_frame_equal(on_spark, on_duckdb, check_exact=False, rtol=1e-9)


def test_spark_needs_java_and_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Java on the PATH (and no JAVA_HOME) `--engine spark` names the package."""
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    problem = spark_problem()
    assert problem is not None and "default-jre-headless" in problem
