"""Command line behind `python3 run.py build|report|demo-data`.

`build` generates the demo data when no transactions file is given, runs
`dbt build` with the right vars and then writes the report. Each phase prints
how long it took.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retail_segments import dbt_runner, demo_data

PROJECT_DIR = dbt_runner.PROJECT_DIR
DEMO_DIR = PROJECT_DIR / "data" / "demo"


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Print a phase's start and its duration."""
    print(f"==> {name}", flush=True)
    started = time.perf_counter()
    yield
    print(f"<== {name}: {time.perf_counter() - started:.1f} s", flush=True)


def warehouse_path() -> Path:
    """The DuckDB file dbt writes, as profiles.yml resolves it."""
    path = Path(os.environ.get("SEGMENTS_DUCKDB_PATH", "segments.duckdb"))
    return path if path.is_absolute() else PROJECT_DIR / path


def run_dbt(arguments: Sequence[str], dbt_vars: dict[str, object]) -> None:
    """Run a dbt command in the project with the given vars; stop on failure."""
    print("    " + " ".join(dbt_runner.dbt_command(arguments, dbt_vars)), flush=True)
    result = dbt_runner.run_dbt(arguments, dbt_vars, database=warehouse_path(), stream=True)
    if result.returncode != 0:
        raise SystemExit(
            f"dbt {arguments[0]} failed (exit {result.returncode}); see the log above."
        )


def ensure_demo_data(lines: int, seed: int) -> dict[str, Path]:
    """Generate the demo files once; later builds reuse them."""
    expected = {
        "transactions": DEMO_DIR / "transactions.csv.gz",
        "behaviours": DEMO_DIR / "planted_behaviours.csv",
        "attributes": DEMO_DIR / "customer_attributes.csv",
    }
    stamp = DEMO_DIR / ".generated"
    wanted = f"lines={lines} seed={seed}"
    current = all(path.exists() for path in expected.values()) and stamp.exists()
    if current and stamp.read_text() == wanted:
        print(f"    reusing demo data in {DEMO_DIR}")
        return expected
    written = demo_data.write_demo_data(DEMO_DIR, n_lines=lines, seed=seed)
    stamp.write_text(wanted)
    return written


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="run.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build the warehouse (and the report)")
    build.add_argument(
        "--transactions", help="transactions file (CSV, CSV.gz or Parquet); default: demo data"
    )
    build.add_argument(
        "--customers",
        help="customer attribute table (age, income, spending score, gender); "
        "default: the demo attributes when building on demo data, none otherwise",
    )
    build.add_argument("--lines", type=int, default=demo_data.DEFAULT_LINES, help="demo data size")
    build.add_argument("--seed", type=int, default=42, help="demo data seed")
    build.add_argument(
        "--vars", default="{}", help="extra dbt vars as JSON or YAML, e.g. '{customer_k: 5}'"
    )
    build.add_argument("--no-report", action="store_true", help="skip the HTML report")
    build.add_argument(
        "dbt_args", nargs=argparse.REMAINDER, help="after --: extra arguments for dbt build"
    )

    report = sub.add_parser("report", help="only write the HTML report of the built warehouse")
    report.add_argument("--database", help="the warehouse (default: as profiles.yml resolves it)")
    report.add_argument("--out", help="default: reports/segmentation_report.html")

    demo = sub.add_parser("demo-data", help="only generate the demo data")
    demo.add_argument("--lines", type=int, default=demo_data.DEFAULT_LINES)
    demo.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def build_vars(args: argparse.Namespace) -> dict[str, object]:
    import yaml  # dbt's dependency; parses both JSON and the YAML dbt users write

    extra = yaml.safe_load(args.vars) or {}
    if not isinstance(extra, dict):
        raise SystemExit(f"--vars must be a mapping, got: {args.vars}")
    dbt_vars: dict[str, object] = {}
    if args.transactions:
        dbt_vars["transactions_path"] = str(Path(args.transactions).resolve())
        if args.customers:
            dbt_vars["customers_path"] = str(Path(args.customers).resolve())
    else:
        with phase("demo data"):
            files = ensure_demo_data(args.lines, args.seed)
        dbt_vars["transactions_path"] = str(files["transactions"])
        customers = args.customers or files["attributes"]
        dbt_vars["customers_path"] = str(Path(customers).resolve())
    dbt_vars.update(extra)
    return dbt_vars


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "demo-data":
        with phase("demo data"):
            demo_data.write_demo_data(DEMO_DIR, n_lines=args.lines, seed=args.seed)
        return 0
    if args.command == "report":
        from retail_segments import report

        out = args.out or str(PROJECT_DIR / report.DEFAULT_OUT)
        return report.main(["--database", args.database or str(warehouse_path()), "--out", out])

    started = time.perf_counter()
    dbt_vars = build_vars(args)
    extra = [a for a in args.dbt_args if a != "--"]
    with phase("dbt build"):
        run_dbt(["build", *extra], dbt_vars)
    print(f"Warehouse: {warehouse_path()}")
    if not args.no_report:
        from retail_segments.report import DEFAULT_OUT, write_report

        with phase("report"):
            report = write_report(warehouse_path(), PROJECT_DIR / DEFAULT_OUT)
        print(f"Report: {report}")
    print(f"Done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
