"""Benchmark: time a full `dbt build` on a transactions file, phase by phase.

    .venv/bin/python benchmarks/build_phases.py ../shared/data/online_retail.csv.gz
    .venv/bin/python benchmarks/build_phases.py data.csv --customers mall.csv.gz

Builds into a temporary warehouse, then prints the wall-clock time and, per
phase (folder of the model, or tests), the summed execution time of its nodes from
dbt's run_results.json. dbt runs two threads, so the phases add up to more than
the wall clock.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from retail_segments.dbt_runner import run_dbt


def phase_of(result: dict, nodes: dict) -> str:
    node = nodes.get(result["unique_id"], {})
    resource = node.get("resource_type", result["unique_id"].split(".")[0])
    if resource in {"test", "unit_test"}:
        return f"{resource}s"
    if resource == "seed":
        return "seeds"
    path = Path(node.get("original_file_path", ""))
    parts = path.parts
    if parts and parts[0] == "python_models":
        return f"k-means: {parts[-2]}"  # python_models/intermediate/<entity>/
    if len(parts) > 2 and parts[1] == "marts" and parts[2] == "segments":
        return "marts/segments"
    return "/".join(parts[1:2]) or resource


def phase_times(target: Path) -> tuple[dict[str, float], dict[str, int]]:
    """Summed execution seconds and node count per phase, from a dbt target folder."""
    results = json.loads((target / "run_results.json").read_text())
    manifest = json.loads((target / "manifest.json").read_text())
    nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    phases: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    for result in results["results"]:
        phase = phase_of(result, nodes)
        phases[phase] += result["execution_time"]
        counts[phase] += 1
    return dict(phases), dict(counts)


def model_seconds_by_language(target: Path) -> dict[str, float]:
    """Summed execution seconds of the SQL models and of the Python models.

    The SQL figure is what the benchmark compares with the hand-written DuckDB
    script: the same cleaning and facts, as dbt models. Node seconds overlap when
    dbt's two threads run at once (each node then runs slower), so the sum
    overstates rather than understates the SQL's share of the build.
    """
    results = json.loads((target / "run_results.json").read_text())
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    seconds = {"sql": 0.0, "python": 0.0}
    for result in results["results"]:
        node = nodes.get(result["unique_id"], {})
        if node.get("resource_type") == "model":
            seconds[node.get("language", "sql")] += result["execution_time"]
    return seconds


def benchmark_vars(transactions: Path, work: Path) -> dict[str, str]:
    """The vars of a benchmark build on `transactions`, exporting into `work`."""
    return {
        "transactions_path": str(transactions.resolve()),
        "export_path": str(work / "exports"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("transactions", type=Path)
    parser.add_argument("--customers", type=Path)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        dbt_vars = benchmark_vars(args.transactions, work)
        if args.customers:
            dbt_vars["customers_path"] = str(args.customers.resolve())
        started = time.perf_counter()
        completed = run_dbt(
            ["build"],
            dbt_vars,
            database=work / "bench.duckdb",
            target_path=work / "target",
            log_path=work / "logs",
        )
        wall = time.perf_counter() - started
        if completed.returncode != 0:
            print(completed.output[-4000:])
            return completed.returncode
        results = json.loads((work / "target" / "run_results.json").read_text())
        phases, counts = phase_times(work / "target")
        print(f"file: {args.transactions}")
        print(f"dbt build wall clock (parse + run + tests): {wall:.1f} s")
        print(f"dbt elapsed (run + tests): {results['elapsed_time']:.1f} s")
        print(f"{'phase':<28}{'nodes':>6}{'seconds':>10}")
        for phase, seconds in sorted(phases.items(), key=lambda item: -item[1]):
            print(f"{phase:<28}{counts[phase]:>6}{seconds:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
