"""Selections build on an empty warehouse: `dbt build -s +dim_countries` and a job of
selectors.yml (`facts`; `segments` and `exports` select the same way, with more
models: each passed when tried, but costs a near-full build).

dbt_project.yml sets `indirect_selection: buildable`, so a selection runs only the
tests whose every parent it builds (or is an ancestor of what it builds); dbt's
default would also run the tests that span a model it leaves out, on tables that do
not exist. Each selection here builds into a fresh warehouse from small demo data,
and the run results say what ran: exactly the selection's models and seeds, every
node passed, and no test read a node the run did not build.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.builds import DbtRun, run_dbt

from retail_segments.demo_data import write_demo_data

DEMO_LINES = 5_000


def ancestors(manifest: dict, node: str) -> set[str]:
    """`node` and every node it depends on, from the manifest's parent map."""
    seen, todo = set(), [node]
    while todo:
        current = todo.pop()
        if current not in seen:
            seen.add(current)
            todo += manifest["parent_map"].get(current, [])
    return seen


def select_build(
    workdir: Path, selection: list[str], files: dict[str, Path]
) -> tuple[DbtRun, dict, dict[str, str]]:
    """Build `selection` into a fresh warehouse; it must pass on what it built (see
    `assert_passed_on_what_it_built`). The run, its manifest and node statuses."""
    dbt_vars = {
        "transactions_path": str(files["transactions"]),
        "customers_path": str(files["attributes"]),
        "export_path": str(workdir / "exports"),
    }
    run = run_dbt(workdir, ["build", *selection], dbt_vars, check=False)
    manifest, statuses = results(workdir)
    assert_passed_on_what_it_built(run, manifest, statuses)
    return run, manifest, statuses


def results(workdir: Path) -> tuple[dict, dict[str, str]]:
    """The run's manifest and the status of each node that ran."""
    target = workdir / "target"
    manifest = json.loads((target / "manifest.json").read_text())
    run_results = json.loads((target / "run_results.json").read_text())["results"]
    return manifest, {result["unique_id"]: result["status"] for result in run_results}


def built(statuses: dict[str, str], kind: str) -> set[str]:
    return {node for node in statuses if node.split(".")[0] == kind}


def assert_passed_on_what_it_built(run: DbtRun, manifest: dict, statuses: dict[str, str]) -> None:
    assert run.returncode == 0, run.output[-4000:]
    failed = {
        node: status for node, status in statuses.items() if status not in {"success", "pass"}
    }
    assert not failed
    made = built(statuses, "model") | built(statuses, "seed")
    for test in built(statuses, "test"):
        parents = set(manifest["nodes"][test]["depends_on"]["nodes"])
        assert parents <= made, (test, parents - made)


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_demo_data(tmp_path_factory.mktemp("selection_data"), n_lines=DEMO_LINES, seed=42)


def test_a_mart_with_its_parents_builds_on_an_empty_warehouse(
    demo_files: dict[str, Path], tmp_path: Path
) -> None:
    run, manifest, statuses = select_build(tmp_path, ["--select", "+dim_countries"], demo_files)
    expected = ancestors(manifest, "model.retail_segments.dim_countries")
    assert built(statuses, "model") | built(statuses, "seed") == {
        node for node in expected if node.split(".")[0] in {"model", "seed"}
    }
    tests = {manifest["nodes"][node]["name"] for node in built(statuses, "test")}
    # dbt's default (eager) runs it, and it fails: it reads dim_customers too
    assert "assert_country_revenue_shares_sum_to_one" not in tests
    assert "assert_every_raw_line_is_accounted_for" not in tests  # reads the line marts
    assert any(name.startswith("unique_dim_countries_") for name in tests)
    assert run.query("select count(*) as n from dim_countries").n.iloc[0] > 0


def test_the_facts_selector_builds_the_facts_without_segmenting_on_an_empty_warehouse(
    demo_files: dict[str, Path], tmp_path: Path
) -> None:
    run, manifest, statuses = select_build(tmp_path, ["--selector", "facts"], demo_files)
    names = {manifest["nodes"][node]["name"] for node in built(statuses, "model")}
    facts = {"fct_sales_lines", "fct_cancellation_lines", "fct_rejected_lines"}
    assert facts | {"int_customers_summarized", "int_products_summarized"} <= names
    assert not {name for name in names if name.startswith(("dim_", "export_"))}
    assert not {node for node in built(statuses, "model") if node.endswith("_fitted")}
    tests = {manifest["nodes"][node]["name"] for node in built(statuses, "test")}
    assert "assert_every_raw_line_is_accounted_for" in tests  # spans the three line marts
