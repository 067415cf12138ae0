"""Benchmark: how much of a `dbt build` is dbt's own cost per node.

    .venv/bin/python -m benchmarks.dbt_floor ../shared/data/online_retail.csv.gz

Builds the project on FILE, then writes a project of the same shape in a
temporary folder: a seed per seed, a ``select 1 as id`` table model per model
(SQL or Python) with the same refs between them, a singular test on the same
model per data test, and a unit test on the same model per unit test.  It runs
``dbt build`` twice on each (the second run with a partial parse, as a user's
repeated builds) and prints, side by side, the whole process's wall clock and
dbt's own elapsed time, with the node counts.

The same-shape project does no work, so its time is what dbt costs for this
many nodes and edges on this machine: the part of the build that no change to
the SQL or the Python models can remove.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from benchmarks.build_phases import benchmark_vars
from retail_segments.dbt_runner import PROJECT_DIR, run_dbt

PROFILE = """\
floor:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{path}"
      threads: 2
"""


def _name(unique_id: str) -> str:
    return unique_id.split(".")[-1]


def _parents(node: dict) -> list[str]:
    """The models and seeds `node` depends on (sources have no counterpart in the copy)."""
    parents = node["depends_on"]["nodes"]
    return [_name(parent) for parent in parents if parent.split(".")[0] in {"model", "seed"}]


def write_same_shape(manifest: dict, folder: Path) -> Counter[str]:
    """Write the same-shape project for `manifest` into `folder`; node counts by type."""
    (folder / "models").mkdir(parents=True)
    (folder / "tests").mkdir()
    (folder / "seeds").mkdir()
    (folder / "dbt_project.yml").write_text(
        'name: floor\nversion: "1.0.0"\nprofile: floor\n'
        "models:\n  floor:\n    +materialized: table\n"
    )
    (folder / "profiles.yml").write_text(PROFILE.format(path=folder / "floor.duckdb"))
    counts: Counter[str] = Counter()
    nodes = manifest["nodes"]
    for unique_id, node in nodes.items():
        kind = node["resource_type"]
        if kind == "seed":
            (folder / "seeds" / f"{_name(unique_id)}.csv").write_text("id\n1\n")
            counts["seeds"] += 1
        elif kind == "model":
            refs = "".join(f"\n-- {{{{ ref('{parent}') }}}}" for parent in _parents(node))
            (folder / "models" / f"{_name(unique_id)}.sql").write_text(f"select 1 as id{refs}\n")
            counts["models"] += 1
    for number, node in enumerate(n for n in nodes.values() if n["resource_type"] == "test"):
        parents = _parents(node)
        if parents:
            tested = _name(node["attached_node"]) if node.get("attached_node") else parents[0]
            (folder / "tests" / f"test_{number}.sql").write_text(
                f"select id from {{{{ ref('{tested}') }}}} where id is null\n"
            )
            counts["data tests"] += 1
    units = []
    for unit in manifest.get("unit_tests", {}).values():
        tested_model = unit["depends_on"]["nodes"][0]
        model = _name(tested_model)
        given = "".join(
            f"\n      - input: ref('{parent}')\n        rows: [{{id: 1}}]"
            for parent in _parents(nodes[tested_model])
        )
        units.append(
            f"  - name: {unit['name']}\n    model: {model}\n    given:{given or ' []'}\n"
            "    expect:\n      rows: [{id: 1}]"
        )
        counts["unit tests"] += 1
    (folder / "models" / "_unit_tests.yml").write_text("unit_tests:\n" + "\n".join(units) + "\n")
    return counts


def timed_build(
    dbt_vars: dict[str, str] | None, work: Path, project_dir: Path, database: Path | None
) -> tuple[float, float]:
    """Wall seconds and dbt's elapsed seconds of one `dbt build` process."""
    started = time.perf_counter()
    completed = run_dbt(
        ["build"],
        dbt_vars,
        database=database,
        project_dir=project_dir,
        target_path=work / "target",
        log_path=work / "logs",
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"dbt build failed in {project_dir}:\n{completed.output[-4000:]}")
    results = json.loads((work / "target" / "run_results.json").read_text())
    return wall, float(results["elapsed_time"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("transactions", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dbt_vars = benchmark_vars(args.transactions, work)
        real = [
            timed_build(dbt_vars, work / "real", PROJECT_DIR, work / "real.duckdb")
            for _ in range(2)
        ]
        manifest = json.loads((work / "real" / "target" / "manifest.json").read_text())
        floor_dir = work / "floor"
        counts = write_same_shape(manifest, floor_dir)
        floor = [timed_build(None, work / "floor_run", floor_dir, None) for _ in range(2)]
    print(f"file: {args.transactions}")
    print("nodes: " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    print(f"{'':<44}{'this project':>14}{'same shape, no work':>22}")
    for label, index in (("first build (full parse)", 0), ("second build (partial parse)", 1)):
        print(f"{label + ', wall s':<44}{real[index][0]:>14.1f}{floor[index][0]:>22.1f}")
        print(f"{label + ', dbt elapsed s':<44}{real[index][1]:>14.1f}{floor[index][1]:>22.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
