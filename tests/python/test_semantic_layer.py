"""One definition of each metric: the MetricFlow semantic layer (issue 14, item 4).

`models/semantic/_semantic__models.yml` defines revenue, orders, customers, average
order value, revenue share and repeat rate over the public marts, groupable by
k-means segment, RFM segment, country and month, with the time spine
`metricflow_time_spine`. dbt-core parses them itself (`dbt parse` writes
target/semantic_manifest.json); MetricFlow (`dbt-metricflow`, in requirements.txt)
validates them against the warehouse and answers queries, which must agree with
the marts computed without it.

MetricFlow runs on a copy of the project holding a copy of the `report_build`
warehouse as its default `segments.duckdb`, so its target and logs stay out of the
project. The `mf` command checks PyPI for a newer version of itself on every start;
`run_mf` starts the same command without that check.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from support.builds import ReportBuild
from support.project_copy import copy_project, run_dbt_in

METRICS = (
    "revenue",
    "orders",
    "customers",
    "average_order_value",
    "revenue_share",
    "repeat_rate",
)
# `mf` without its update check (a PyPI request at every start)
MF = """
import sys
import update_checker
update_checker.UpdateChecker.check = lambda self, name, version: None
from dbt_metricflow.cli.main import cli
sys.exit(cli())
"""


@pytest.fixture(scope="module")
def semantic_project(report_build: ReportBuild, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A parsed project copy with the report build's warehouse as its segments.duckdb."""
    project = copy_project(tmp_path_factory.mktemp("semantic") / "project")
    shutil.copy(report_build.run.database, project / "segments.duckdb")
    result = run_dbt_in(project, ["parse"], cwd=project)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return project


def test_dbt_parses_the_metrics_semantic_models_and_time_spine(semantic_project: Path) -> None:
    manifest = json.loads((semantic_project / "target" / "semantic_manifest.json").read_text())
    metrics = {metric["name"]: metric for metric in manifest["metrics"]}
    assert set(METRICS) <= set(metrics)
    assert metrics["average_order_value"]["type"] == "ratio"
    assert metrics["repeat_rate"]["type"] == "ratio"
    models = {model["name"]: model for model in manifest["semantic_models"]}
    assert models["sales_lines"]["node_relation"]["alias"] == "fct_sales_lines"
    assert models["customers"]["node_relation"]["alias"] == "dim_customers"
    dimensions = {d["name"] for d in models["customers"]["dimensions"]}
    assert {"segment_name", "rfm_segment", "main_country"} <= dimensions
    (spine,) = manifest["project_configuration"]["time_spines"]
    assert spine["node_relation"]["alias"] == "metricflow_time_spine"
    assert spine["primary_column"] == {"name": "date_day", "time_granularity": "day"}


def run_mf(project: Path, arguments: list[str]) -> subprocess.CompletedProcess[str]:
    """`mf <arguments>` in the project copy; skipped where dbt-metricflow is not installed
    (an environment made before it joined requirements.txt), never in CI."""
    if importlib.util.find_spec("dbt_metricflow") is None and not os.environ.get("CI"):
        pytest.skip("dbt-metricflow is not installed here (pip install -r requirements.txt)")
    environment = {**os.environ, "DBT_PROJECT_DIR": str(project), "DBT_PROFILES_DIR": str(project)}
    environment.pop("SEGMENTS_DUCKDB_PATH", None)
    return subprocess.run(
        [sys.executable, "-c", MF, *arguments],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_metricflow_validates_the_configs_against_the_warehouse(semantic_project: Path) -> None:
    result = run_mf(semantic_project, ["validate-configs"])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "Successfully validated the semantics of built manifest" in output
    assert "Successfully validated metrics against data warehouse" in output
    assert "Breaking issues" not in output


def query(project: Path, out: Path, metrics: list[str], group_by: list[str]) -> list[dict]:
    arguments = ["query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by)]
    result = run_mf(project, [*arguments, "--csv", str(out)])
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    with out.open(newline="") as file:
        return list(csv.DictReader(file))


def test_metrics_by_segment_agree_with_the_marts(semantic_project: Path, tmp_path: Path) -> None:
    rows = query(
        semantic_project, tmp_path / "by_segment.csv", list(METRICS), ["customer__segment_name"]
    )
    with duckdb.connect(str(semantic_project / "segments.duckdb"), read_only=True) as con:
        expected = {
            row[0]: row[1:]
            for row in con.sql(
                """
                select
                    c.segment_name,
                    sum(c.monetary),
                    sum(c.frequency),
                    count(*),
                    avg(case when c.frequency > 1 then 1.0 else 0.0 end),
                    any_value(s.revenue_share)
                from dim_customers as c
                inner join dim_customer_segments as s on c.segment_id = s.segment_id
                group by 1
                """
            ).fetchall()
        }
    got = {row["customer__segment_name"]: row for row in rows}
    assert set(got) == set(expected)
    for segment, (revenue, orders, customers, repeat_rate, share) in expected.items():
        row = got[segment]
        assert float(row["revenue"]) == pytest.approx(float(revenue), rel=1e-9)
        assert int(row["orders"]) == orders
        assert int(row["customers"]) == customers
        assert float(row["average_order_value"]) == pytest.approx(float(revenue) / orders)
        assert float(row["repeat_rate"]) == pytest.approx(float(repeat_rate))
        assert float(row["revenue_share"]) == pytest.approx(share, abs=1e-6)
    assert sum(float(row["revenue_share"]) for row in rows) == pytest.approx(1.0)


def test_revenue_by_month_and_country_adds_up_to_the_sales_lines(
    semantic_project: Path, tmp_path: Path
) -> None:
    rows = query(
        semantic_project,
        tmp_path / "by_month.csv",
        ["revenue", "orders"],
        ["metric_time__month", "sales_line__country"],
    )
    with duckdb.connect(str(semantic_project / "segments.duckdb"), read_only=True) as con:
        revenue, months, countries = con.sql(
            """
            select sum(line_revenue), count(distinct date_trunc('month', invoice_date)),
                count(distinct country)
            from fct_sales_lines
            """
        ).fetchone()
    assert len({row["metric_time__month"] for row in rows}) == months
    assert len({row["sales_line__country"] for row in rows}) == countries
    assert sum(float(row["revenue"]) for row in rows) == pytest.approx(float(revenue), rel=1e-9)
