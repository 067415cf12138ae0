"""Benchmark: the dbt build against hand-written DuckDB and pandas at 10^6..10^8 lines.

    .venv/bin/python -m benchmarks.scale --lines 1e6
    .venv/bin/python -m benchmarks.scale --size 7 --work-dir /data/bench --json out.json

1. Generates ``--lines`` (or 10^``--size``) UCI Online Retail shaped lines with
   realistic noise (benchmarks/scale_data.py: one streaming DuckDB query, seeded by
   ``--seed``) into a Parquet file cached by size and seed under ``--work-dir``
   (default: ``retail_segments_scale`` in the system temp folder).
2. Times three pipelines on it, each as its own process under ``/usr/bin/time -v``
   (wall clock and peak resident memory; ``os.wait4`` when GNU time is missing):
   - the project's full ``dbt build`` (every model, the k-means Python models and all
     data tests) into a warehouse in the work folder, with the time per phase taken
     from dbt's run_results.json (benchmarks/build_phases.py);
   - the same cleaning and facts as one hand-written DuckDB script
     (benchmarks/handwritten_duckdb.py);
   - a pandas pipeline with the k-means sweep (benchmarks/pandas_pipeline.py), up to
     10^7 lines only: above that it is skipped with the reason printed.
3. Checks that all three report the same sales, cancellation and rejected lines (per
   reason), customers, revenue (sum of monetary), countries and products; a
   disagreement is printed loudly and the exit status is 1.
4. Prints one table (wall seconds, peak memory, build / other ratios, build phases)
   and writes it as JSON next to the data (``--json``, relative to the work folder).

On a 2-core machine a run takes under a minute at 10^6 lines, about 2.5 minutes at
10^7 and about 16 at 10^8 (generation about 3 minutes, the build about 7, the
hand-written script about 5); 10^8 needs at least 10 GB of free disk in the work
folder. The figures are in the README ("Big files").
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb

from benchmarks.build_phases import model_seconds_by_language, phase_times
from benchmarks.pipeline_counts import Counts, differences, parse
from benchmarks.scale_data import ensure_data

PROJECT_DIR = Path(__file__).resolve().parent.parent
GNU_TIME = Path("/usr/bin/time")
PANDAS_MAX_LINES = 10**7
PIPELINES = ("dbt build", "handwritten duckdb", "pandas")
DEFAULT_WORK_DIR = Path(tempfile.gettempdir()) / "retail_segments_scale"

MARTS_COUNTS_SQL = """
select
    (select count(*) from fct_sales_lines) as sales,
    (select count(*) from fct_cancellation_lines) as cancellations,
    (select count(*) from fct_rejected_lines) as rejected,
    (select count(*) from dim_customers) as customers,
    (select cast(sum(monetary) as double) from dim_customers) as revenue,
    (select count(*) from dim_countries) as countries,
    (select count(*) from dim_products) as products
"""


@dataclass
class Measured:
    """One pipeline's run: wall clock, peak RSS, and its counts (or why it did not run)."""

    name: str
    wall_seconds: float | None = None
    peak_rss_mib: float | None = None
    returncode: int | None = None
    counts: Counts | None = None
    skipped: str | None = None
    error: str | None = None
    # the build only: summed node seconds of its SQL and of its Python models
    model_seconds: dict[str, float] | None = None


def parse_size(lines: str | None, size: int | None) -> int:
    """Number of lines from ``--lines 1e6`` or ``--size 6``."""
    if size is not None:
        return 10**size
    assert lines is not None
    value = float(lines)
    if value < 1000 or value != int(value):
        raise argparse.ArgumentTypeError(f"--lines must be a whole number >= 1000, got {lines}")
    return int(value)


def _max_rss_kib(report: str) -> int | None:
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
    return int(found.group(1)) if found else None


def timed(command: list[str], env: dict[str, str], log: Path) -> tuple[int, float, float | None]:
    """Run ``command`` from the project folder; (return code, wall seconds, peak RSS MiB).

    The output goes to ``log``. Peak RSS is GNU time's "Maximum resident set size"
    (the process and the children it waited for), or ``os.wait4``'s without it.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    time_report = log.with_suffix(".time")
    with log.open("w") as out:
        started = time.perf_counter()
        if GNU_TIME.exists():
            full = [str(GNU_TIME), "-v", "-o", str(time_report), *command]
            code = subprocess.run(full, cwd=PROJECT_DIR, env=env, stdout=out, stderr=out).returncode
            wall = time.perf_counter() - started
            rss_kib = _max_rss_kib(time_report.read_text()) if time_report.exists() else None
        else:
            process = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=out)
            _, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            code = process.returncode
            wall = time.perf_counter() - started
            rss_kib = usage.ru_maxrss
    return code, wall, None if rss_kib is None else rss_kib / 1024


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a timed process: the project importable, no dbt telemetry."""
    python_path = os.pathsep.join(filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")]))
    return {
        **os.environ,
        "PYTHONPATH": python_path,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **extra,
    }


def run_pipeline(name: str, command: list[str], env: dict[str, str], log: Path) -> Measured:
    """Time one pipeline and read back the counts it prints."""
    print(f"running {name} ...", flush=True)
    code, wall, rss = timed(command, env, log)
    measured = Measured(name, wall_seconds=wall, peak_rss_mib=rss, returncode=code)
    output = log.read_text()
    if code != 0:
        measured.error = f"exit status {code}, see {log}:\n{output[-3000:]}"
        return measured
    if name != "dbt build":
        measured.counts = parse(output)
    print(f"  {name}: {wall:.1f} s, peak {rss or 0:,.0f} MiB", flush=True)
    return measured


def dbt_counts(database: Path) -> Counts:
    """The same counts, from the marts of a dbt build."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute(MARTS_COUNTS_SQL).fetchone()
        reasons = con.execute(
            "select rejection_reason, count(*) from fct_rejected_lines group by 1"
        ).fetchall()
    assert row is not None
    return Counts.from_rows(row, reasons)


def run_dbt_build(parquet: Path, work: Path) -> tuple[Measured, dict[str, dict[str, float]]]:
    """The full build as tests/python/conftest.py runs it; (measurement, phases)."""
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    database = work / "warehouse.duckdb"
    dbt_vars = {"transactions_path": str(parquet), "export_path": str(work / "exports")}
    command = [
        str(Path(sys.executable).with_name("dbt")),
        "build",
        "--project-dir",
        str(PROJECT_DIR),
        "--profiles-dir",
        str(PROJECT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
        "--vars",
        json.dumps(dbt_vars),
    ]
    env = child_env(SEGMENTS_DUCKDB_PATH=str(database))
    measured = run_pipeline("dbt build", command, env, work / "dbt_build.log")
    if measured.error:
        return measured, {}
    measured.counts = dbt_counts(database)
    measured.model_seconds = model_seconds_by_language(work / "target")
    seconds, nodes = phase_times(work / "target")
    phases = {name: {"nodes": nodes[name], "seconds": seconds[name]} for name in seconds}
    return measured, dict(sorted(phases.items(), key=lambda item: -item[1]["seconds"]))


def run_script(name: str, module: str, parquet: Path, work: Path, *args: str) -> Measured:
    command = [sys.executable, "-m", module, str(parquet), *args]
    return run_pipeline(name, command, child_env(), work / f"{module.split('.')[-1]}.log")


def agreement(measured: list[Measured]) -> list[str]:
    """Disagreements between every pair of pipelines that produced counts."""
    done = [m for m in measured if m.counts is not None]
    found: list[str] = []
    for i, left in enumerate(done):
        for right in done[i + 1 :]:
            assert left.counts is not None and right.counts is not None
            for message in differences(left.counts, right.counts):
                found.append(f"{left.name} vs {right.name}: {message}")
    return found


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if not numerator or not denominator:
        return "-"
    return f"{numerator / denominator:.2f}x"


def _cell(value: float | None, fmt: str) -> str:
    return "-" if value is None else format(value, fmt)


def report_table(measured: list[Measured], phases: dict[str, dict[str, float]]) -> str:
    """Side by side: wall, memory, build / other ratios, counts, build phases."""
    by_name = {m.name: m for m in measured}
    build = by_name.get("dbt build")
    width = 20
    header = f"{'':<24}" + "".join(f"{m.name:>{width}}" for m in measured)
    rows = [header, "-" * len(header)]

    def row(label: str, cells: list[str]) -> None:
        rows.append(f"{label:<24}" + "".join(f"{cell:>{width}}" for cell in cells))

    row("wall seconds", [_cell(m.wall_seconds, ".1f") for m in measured])
    row("peak memory MiB", [_cell(m.peak_rss_mib, ",.0f") for m in measured])
    wall_ratios, rss_ratios = [], []
    for m in measured:
        same = build is None or m is build
        wall_ratios.append("-" if same else _ratio(build.wall_seconds, m.wall_seconds))
        rss_ratios.append("-" if same else _ratio(build.peak_rss_mib, m.peak_rss_mib))
    row("build / this, wall", wall_ratios)
    row("build / this, memory", rss_ratios)
    sql = build.model_seconds["sql"] if build and build.model_seconds else None
    row("SQL models, seconds", [_cell(sql, ".1f") if m is build else "-" for m in measured])
    row(
        "build SQL / this, wall",
        ["-" if m is build else _ratio(sql, m.wall_seconds) for m in measured],
    )
    for field in ("sales", "cancellations", "rejected", "customers", "revenue"):
        cells = []
        for m in measured:
            value = getattr(m.counts, field) if m.counts else None
            cells.append(_cell(value, ",.2f" if field == "revenue" else ","))
        row(field, cells)
    row("status", [m.skipped and "skipped" or m.error and "FAILED" or "ok" for m in measured])
    if phases:
        rows += ["", f"{'dbt build phase':<24}{'nodes':>{width}}{'seconds':>{width}}"]
        for name, phase in phases.items():
            rows.append(f"{name:<24}{phase['nodes']:>{width}.0f}{phase['seconds']:>{width}.1f}")
    return "\n".join(rows)


def loud(messages: list[str]) -> str:
    bar = "!" * 78
    return "\n".join([bar, "!!! THE PIPELINES DISAGREE", *(f"!!! {m}" for m in messages), bar])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--lines", help="number of lines: 1e6, 1e7 or 1e8 (any whole number)")
    size.add_argument("--size", type=int, choices=(6, 7, 8), help="10^size lines")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR)
    parser.add_argument(
        "--json", type=Path, help="result file, relative to the work folder (default scale_*.json)"
    )
    parser.add_argument(
        "--skip", action="append", choices=PIPELINES, default=[], help="leave a pipeline out"
    )
    return parser.parse_args(argv)


def measure_all(
    parquet: Path, n_lines: int, work: Path, skip: list[str]
) -> tuple[list[Measured], dict[str, dict[str, float]]]:
    """Run every pipeline that is not skipped, the build first."""
    measured: list[Measured] = []
    phases: dict[str, dict[str, float]] = {}
    if "dbt build" in skip:
        measured.append(Measured("dbt build", skipped="--skip"))
    else:
        build, phases = run_dbt_build(parquet, work / "dbt")
        measured.append(build)
    if "handwritten duckdb" in skip:
        measured.append(Measured("handwritten duckdb", skipped="--skip"))
    else:
        hw_dir = work / "handwritten"
        module = "benchmarks.handwritten_duckdb"
        hw = run_script("handwritten duckdb", module, parquet, work, "--work-dir", str(hw_dir))
        measured.append(hw)
    if "pandas" in skip:
        measured.append(Measured("pandas", skipped="--skip"))
    elif n_lines > PANDAS_MAX_LINES:
        reason = (
            f"{n_lines:,} lines > {PANDAS_MAX_LINES:,}: pandas holds every line in memory"
            " (about 1 GiB per 10^6 lines at peak), more than this machine should give it"
        )
        print(f"skipping pandas: {reason}")
        measured.append(Measured("pandas", skipped=reason))
    else:
        measured.append(run_script("pandas", "benchmarks.pandas_pipeline", parquet, work))
    return measured, phases


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    n_lines = parse_size(args.lines, args.size)
    work_dir = args.work_dir.resolve()
    started = time.perf_counter()
    parquet, cached = ensure_data(work_dir, n_lines, args.seed)
    generated = time.perf_counter() - started
    source = "cached" if cached else f"generated in {generated:.1f} s"
    print(f"data: {parquet} ({n_lines:,} lines, seed {args.seed}, {source})", flush=True)
    run_dir = work_dir / f"run_{n_lines}_seed{args.seed}"
    measured, phases = measure_all(parquet, n_lines, run_dir, args.skip)
    for m in measured:
        if m.error:
            print(f"!!! {m.name} FAILED: {m.error}")
    disagreements = agreement(measured)
    print()
    print(f"{n_lines:,} lines, seed {args.seed}, {os.cpu_count()} cores")
    print(report_table(measured, phases))
    print()
    if disagreements:
        print(loud(disagreements))
    else:
        compared = [m.name for m in measured if m.counts]
        print(f"counts agree: {', '.join(compared)}")
    result = {
        "lines": n_lines,
        "seed": args.seed,
        "data_file": str(parquet),
        "generation_seconds": None if cached else round(generated, 2),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
        },
        "pipelines": {m.name: asdict(m) for m in measured},
        "ratios": ratios(measured),
        "build_phases": phases,
        "disagreements": disagreements,
    }
    out = args.json or Path(f"scale_{n_lines}_seed{args.seed}.json")
    out = out if out.is_absolute() else work_dir / out
    out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print(f"wrote {out}")
    failed = any(m.error for m in measured)
    return 1 if disagreements or failed else 0


def ratios(measured: list[Measured]) -> dict[str, float | None]:
    """build / handwritten and build / pandas, for wall seconds and peak memory."""
    by_name = {m.name: m for m in measured}
    build = by_name["dbt build"]
    found: dict[str, float | None] = {}
    for other, key in (("handwritten duckdb", "handwritten"), ("pandas", "pandas")):
        m = by_name[other]
        for metric in ("wall_seconds", "peak_rss_mib"):
            a, b = getattr(build, metric), getattr(m, metric)
            found[f"build / {key} {metric}"] = round(a / b, 3) if a and b else None
        sql = build.model_seconds["sql"] if build.model_seconds else None
        found[f"build SQL models / {key} wall_seconds"] = (
            round(sql / m.wall_seconds, 3) if sql and m.wall_seconds else None
        )
    return found


if __name__ == "__main__":
    raise SystemExit(main())
