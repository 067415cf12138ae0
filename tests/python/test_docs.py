"""The dbt docs site: `dbt docs generate` succeeds and everything is described.

Runs on a copy of the small warehouse of `report_build` (demo data with customer
attributes, so the optional demographic models are enabled and in the catalog),
with its own target folder. Every model, seed, snapshot, source, exposure and
macro of this project (not dbt's own) must have a description, every macro
argument too, and every column the catalog finds in a model or seed must be
described in the properties YAML (and every described column must be built). The
lineage runs from the transactions source to every exposure, and the site reads a
catalog of the same run that has no errors.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from support.builds import run_dbt

pytestmark = pytest.mark.integration  # runs dbt docs generate on a built warehouse

PROJECT = "retail_segments"


@pytest.fixture(scope="module")
def docs_target(report_build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The target folder of `dbt docs generate` on a copy of the report build."""
    workdir = tmp_path_factory.mktemp("docs")
    shutil.copy(report_build.run.database, workdir / "warehouse.duckdb")
    data = report_build.run.database.parent / "data"
    run_dbt(
        workdir,
        ["docs", "generate"],
        {
            "transactions_path": str(data / "transactions.csv.gz"),
            "customers_path": str(data / "customer_attributes.csv"),
            "export_path": str(report_build.exports),
        },
    )
    target = workdir / "target"
    assert (target / "index.html").exists(), "dbt docs generate wrote no site"
    return target


@pytest.fixture(scope="module")
def docs(docs_target: Path) -> tuple[dict, dict]:
    """The manifest and the catalog of the docs site."""
    manifest = json.loads((docs_target / "manifest.json").read_text())
    catalog = json.loads((docs_target / "catalog.json").read_text())
    return manifest, catalog


def ours(entries: dict) -> dict:
    return {key: node for key, node in entries.items() if node.get("package_name") == PROJECT}


def blank(text: str | None) -> bool:
    return not (text or "").strip()


def report(missing: list[str], what: str) -> str:
    return f"{len(missing)} {what} without a description:\n  " + "\n  ".join(missing)


def reachable(start: str, edges: dict[str, list[str]]) -> set[str]:
    """Every node reachable from `start` along `edges` (manifest child_map or parent_map)."""
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, []))
    return seen


def test_models_seeds_and_snapshots_are_described(docs) -> None:
    manifest, _ = docs
    nodes = ours(manifest["nodes"])
    kinds = {"model", "seed", "snapshot"}
    documented = [n for n in nodes.values() if n["resource_type"] in kinds]
    assert sum(n["resource_type"] == "model" for n in documented) >= 20
    missing = sorted(n["unique_id"] for n in documented if blank(n["description"]))
    assert not missing, report(missing, "models/seeds")


def test_sources_are_described(docs) -> None:
    manifest, _ = docs
    sources = ours(manifest["sources"])
    assert sources, "the project declares its input files as sources"
    missing = sorted(
        f"{key} ({part})"
        for key, source in sources.items()
        for part, text in (
            ("table", source["description"]),
            ("source", source["source_description"]),
        )
        if blank(text)
    )
    missing += sorted(
        f"{key}.{column}"
        for key, source in sources.items()
        for column, spec in source["columns"].items()
        if blank(spec["description"])
    )
    assert not missing, report(missing, "sources")


def test_macros_and_their_arguments_are_described(docs) -> None:
    manifest, _ = docs
    macros = ours(manifest["macros"])
    assert "macro.retail_segments.export_location" in macros
    missing = sorted(m["name"] for m in macros.values() if blank(m["description"]))
    missing += sorted(
        f"{m['name']}({argument['name']})"
        for m in macros.values()
        for argument in m["arguments"]
        if blank(argument.get("description"))
    )
    assert not missing, report(missing, "macros (add them to macros/_macros.yml)")


def test_exposures_reach_the_report_and_the_exports(docs) -> None:
    manifest, _ = docs
    exposures = ours(manifest["exposures"])
    assert {"segmentation_report", "bi_exports"} <= {e["name"] for e in exposures.values()}
    missing = sorted(e["name"] for e in exposures.values() if blank(e["description"]))
    assert not missing, report(missing, "exposures")
    by_name = {e["name"]: e for e in exposures.values()}
    report_inputs = set(by_name["segmentation_report"]["depends_on"]["nodes"])
    assert "model.retail_segments.dim_customers" in report_inputs
    exports = set(by_name["bi_exports"]["depends_on"]["nodes"])
    assert all(".export_" in node for node in exports)
    # the lineage runs from the raw file to the report
    upstream = reachable("exposure.retail_segments.segmentation_report", manifest["parent_map"])
    assert "source.retail_segments.retail.transactions" in upstream


def test_every_catalog_column_is_described(docs) -> None:
    manifest, catalog = docs
    nodes = ours(manifest["nodes"])
    checked = 0
    missing = []
    for key, entry in sorted(catalog["nodes"].items()):
        node = nodes.get(key)
        if node is None or node["resource_type"] not in {"model", "seed", "snapshot"}:
            continue
        described = {name.lower(): spec["description"] for name, spec in node["columns"].items()}
        for column in entry["columns"]:
            checked += 1
            if blank(described.get(column.lower())):
                missing.append(f"{node['name']}.{column}")
    assert checked > 200, "the catalog should list the columns of the built models"
    assert not missing, report(missing, "columns (describe them in the models' YAML)")


def test_catalog_covers_every_enabled_model(docs) -> None:
    manifest, catalog = docs
    models = {
        key
        for key, n in ours(manifest["nodes"]).items()
        if n["resource_type"] == "model" and n["config"].get("enabled", True)
    }
    absent = sorted(models - set(catalog["nodes"]))
    assert not absent, f"models missing from the catalog (not built?): {absent}"


def test_catalog_lists_the_documented_columns_of_every_model(docs) -> None:
    manifest, catalog = docs
    missing = []
    for key, node in sorted(ours(manifest["nodes"]).items()):
        if node["resource_type"] != "model" or key not in catalog["nodes"]:
            continue
        built = {column.lower() for column in catalog["nodes"][key]["columns"]}
        assert built, f"{node['name']} is in the catalog without any column"
        missing += [f"{node['name']}.{c}" for c in node["columns"] if c.lower() not in built]
    assert not missing, f"documented columns the built tables do not have: {missing}"


def test_lineage_runs_from_the_transactions_source_to_every_exposure(docs) -> None:
    manifest, _ = docs
    exposures = set(ours(manifest["exposures"]))
    downstream = reachable("source.retail_segments.retail.transactions", manifest["child_map"])
    assert exposures, "the project declares its report and exports as exposures"
    assert exposures <= downstream, f"not fed by the transactions: {exposures - downstream}"


def test_docs_site_reads_a_catalog_without_errors_from_the_same_run(docs_target: Path) -> None:
    page = (docs_target / "index.html").read_text(encoding="utf-8")
    manifest = json.loads((docs_target / "manifest.json").read_text())
    catalog = json.loads((docs_target / "catalog.json").read_text())
    # the page is dbt's docs app, which fetches both files from its own folder
    assert len(page) > 100_000
    assert "manifest.json" in page and "catalog.json" in page
    assert manifest["metadata"]["project_name"] == PROJECT
    # both written by this `dbt docs generate`, and no relation failed to be read
    assert catalog["metadata"]["invocation_id"] == manifest["metadata"]["invocation_id"]
    assert not catalog.get("errors"), catalog.get("errors")
