"""The dbt floor benchmark (`benchmarks/dbt_floor.py`) builds a project of this one's shape.

Its figure means something only if the same-shape project has exactly this
project's models (with the same refs), seeds, data tests and unit tests, and its
build runs every one of them.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.dbt_floor import timed_build, write_same_shape
from retail_segments.dbt_runner import run_dbt as run_project_dbt

pytestmark = pytest.mark.integration  # runs dbt through the benchmark's own helpers


def _parents(manifest: dict, unique_id: str) -> set[str]:
    parents = manifest["nodes"][unique_id]["depends_on"]["nodes"]
    return {p.split(".")[-1] for p in parents if p.split(".")[0] in {"model", "seed"}}


def _models(manifest: dict) -> dict[str, str]:
    return {n["name"]: uid for uid, n in manifest["nodes"].items() if n["resource_type"] == "model"}


def test_same_shape_project_has_every_node_and_edge(tmp_path: Path) -> None:
    parsed = run_project_dbt(["parse"], target_path=tmp_path / "target", in_process=True)
    assert parsed.returncode == 0, parsed.output
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())

    counts = write_same_shape(manifest, tmp_path / "floor")
    timed_build(None, tmp_path / "floor_run", tmp_path / "floor", None)

    built = json.loads((tmp_path / "floor_run" / "target" / "manifest.json").read_text())
    ours, theirs = _models(manifest), _models(built)
    assert set(theirs) == set(ours)
    for name, unique_id in ours.items():
        assert _parents(built, theirs[name]) == _parents(manifest, unique_id), name

    kinds = Counter(n["resource_type"] for n in manifest["nodes"].values())
    assert counts["models"] == kinds["model"]
    assert counts["seeds"] == kinds["seed"]
    assert counts["data tests"] == kinds["test"]
    assert counts["unit tests"] == len(manifest["unit_tests"])

    results = json.loads((tmp_path / "floor_run" / "target" / "run_results.json").read_text())
    ran = Counter(r["unique_id"].split(".")[0] for r in results["results"])
    assert ran == Counter(
        model=kinds["model"],
        seed=kinds["seed"],
        test=kinds["test"],
        unit_test=len(manifest["unit_tests"]),
    )
    assert {r["status"] for r in results["results"]} == {"success", "pass"}
