"""The interfaces BI reads are enforced (issue 14, item 3).

Every mart and export is public and has an enforced dbt model contract: each
column's name and DuckDB type is declared in its folder's `_<folder>__models.yml`,
and a model whose SQL gives another type stops the build with dbt's contract error
instead of changing what a dashboard reads. The segment tables' centroid columns
follow the clustering features: their contracts hold for the default features
(macro contract_for_features). The rest of the project is private
(staging, intermediate) or protected (diagnostics), in the group customer_analytics
with an owner.

The manifest checks read a `dbt parse` of the project; the build check replaces
three models of a project copy with a constant select made from their declared
columns: one as declared (it builds), one table mart with `revenue` as text and one
view mart with `quantity` as a double (both fail with the contract error, naming the
column). The real models meet their contracts in every build of the suite.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from support.builds import run_dbt
from support.project_copy import copy_project, run_dbt_in

CONTRACTED_FOLDERS = ("marts", "exports")
NOT_CONTRACTED = "diagnostics"


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    workdir = tmp_path_factory.mktemp("contracts_parse")
    run_dbt(workdir, ["parse"])
    return json.loads((workdir / "target" / "manifest.json").read_text())


def project_models(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "retail_segments"
    }


def is_interface(node: dict) -> bool:
    """A mart or an export, other than the diagnostics."""
    folders = Path(node["original_file_path"]).parts
    return folders[1] in CONTRACTED_FOLDERS and NOT_CONTRACTED not in folders


def test_every_mart_and_export_is_public_with_an_enforced_typed_contract(manifest: dict) -> None:
    interfaces = {name: n for name, n in project_models(manifest).items() if is_interface(n)}
    assert {"dim_customers", "fct_sales_lines", "export_customer_segments"} <= set(interfaces)
    for name, node in interfaces.items():
        assert node["access"] == "public", name
        assert node["config"]["contract"]["enforced"] is True, name
        assert node["language"] == "sql", name  # dbt has no contracts for Python models
        untyped = [column for column, c in node["columns"].items() if not c.get("data_type")]
        assert node["columns"] and not untyped, (name, untyped)


def test_the_other_models_are_private_or_protected_in_a_group_with_an_owner(
    manifest: dict,
) -> None:
    groups = manifest["groups"]
    assert [group["name"] for group in groups.values()] == ["customer_analytics"]
    assert next(iter(groups.values()))["owner"]["name"]
    for name, node in project_models(manifest).items():
        assert node["group"] == "customer_analytics", name
        if is_interface(node):
            continue
        expected = "protected" if NOT_CONTRACTED in node["original_file_path"] else "private"
        assert node["access"] == expected, name
        assert node["config"]["contract"]["enforced"] is False, name


FEATURE_COLUMN_MODELS = {"dim_customer_segments", "export_customer_segment_profiles"}


def test_other_clustering_features_switch_off_only_the_contracts_of_their_profiles(
    tmp_path: Path,
) -> None:
    """dim_customer_segments has centroid_<feature> columns for the default customer
    features: a build with other features (a documented var) changes them by design, so
    that table and its export are built without a contract; the rest keep theirs."""
    run_dbt(tmp_path, ["parse"], {"customer_segment_features": ["recency_days", "monetary"]})
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    interfaces = {name: n for name, n in project_models(manifest).items() if is_interface(n)}
    unenforced = {
        name for name, node in interfaces.items() if not node["config"]["contract"]["enforced"]
    }
    assert unenforced == FEATURE_COLUMN_MODELS


def declared_columns(project: Path, model: str) -> dict[str, str]:
    """Column -> data_type of `model` in the project's properties files."""
    for path in (project / "models").rglob("*.yml"):
        for entry in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            if entry["name"] == model:
                return {column["name"]: column["data_type"] for column in entry["columns"]}
    raise AssertionError(f"{model} is not declared")


def constant_select(columns: dict[str, str]) -> str:
    return "select " + ", ".join(
        f"cast(null as {kind}) as {name}" for name, kind in columns.items()
    )


def contract_row(output: str, column: str, actual: str, declared: str) -> bool:
    """Whether dbt's contract error table has the row `column | actual | declared`."""
    row = rf"\|\s*{column}\s*\|\s*{re.escape(actual)}\s*\|\s*{re.escape(declared)}\s*\|"
    return re.search(row, output, flags=re.IGNORECASE) is not None


def test_a_column_of_another_type_stops_the_build_with_the_contract_error(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    marts = project / "models" / "marts"
    as_declared = declared_columns(project, "dim_country_segments")
    (marts / "segments" / "dim_country_segments.sql").write_text(constant_select(as_declared))
    rfm = declared_columns(project, "dim_rfm_segments")
    assert rfm["revenue"] == "decimal(18,2)"
    (marts / "segments" / "dim_rfm_segments.sql").write_text(
        constant_select({**rfm, "revenue": "varchar"})
    )
    lines = declared_columns(project, "fct_sales_lines")
    assert lines["quantity"] == "bigint"
    (marts / "fct_sales_lines.sql").write_text(constant_select({**lines, "quantity": "double"}))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    selection = ["--select", "dim_country_segments", "dim_rfm_segments", "fct_sales_lines"]
    result = run_dbt_in(project, ["run", *selection], cwd=elsewhere)

    output = result.stdout + result.stderr
    assert result.returncode == 1, output[-4000:]
    run_results = json.loads((project / "target" / "run_results.json").read_text())["results"]
    # the models' results (the on-run-start hook, attach_spark_stage, is one too)
    statuses = {
        r["unique_id"].split(".")[-1]: r["status"]
        for r in run_results
        if r["unique_id"].startswith("model.")
    }
    assert statuses == {
        "dim_country_segments": "success",
        "dim_rfm_segments": "error",
        "fct_sales_lines": "error",
    }
    assert output.count("This model has an enforced contract that failed") == 2
    assert contract_row(output, "revenue", "VARCHAR", "DECIMAL(18,2)")
    assert contract_row(output, "quantity", "DOUBLE", "BIGINT")
