"""Command line behind `python3 run.py build|report|demo-data`.

`build` generates the demo data when no transactions file is given, runs
`dbt build` with the right vars into a new warehouse file and exports folder,
publishes them only when every model and test passed (`retail_segments.publish`)
and then writes the report from the published file. A failed or killed build
leaves the published warehouse, exports and report as they were. Each phase prints
how long it took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retail_segments import dbt_runner, demo_data, publish

PROJECT_DIR = dbt_runner.PROJECT_DIR
DEMO_DIR = PROJECT_DIR / "data" / "demo"
# dbt arguments that build part of the project: a new file needs all of it
SELECTION_ARGUMENTS = frozenset({"-s", "--select", "--exclude", "--selector", "-m", "--models"})


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Print a phase's start and its duration."""
    print(f"==> {name}", flush=True)
    started = time.perf_counter()
    yield
    print(f"<== {name}: {time.perf_counter() - started:.1f} s", flush=True)


def project_path(path: str | Path) -> Path:
    """`path`, resolved against the project folder when relative (as dbt does)."""
    path = Path(path).expanduser()
    return path if path.is_absolute() else PROJECT_DIR / path


def warehouse_path() -> Path:
    """The DuckDB file dbt writes, as profiles.yml resolves it."""
    return project_path(os.environ.get("SEGMENTS_DUCKDB_PATH", "segments.duckdb"))


def run_dbt(arguments: Sequence[str], dbt_vars: dict[str, object], database: Path) -> int:
    """Run a dbt command in the project with the given vars; return its exit code."""
    print("    " + " ".join(dbt_runner.dbt_command(arguments, dbt_vars)), flush=True)
    return dbt_runner.run_dbt(arguments, dbt_vars, database=database, stream=True).returncode


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
    build.add_argument("--report", help="default: reports/segmentation_report.html")
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

    return build(args)


def build(args: argparse.Namespace) -> int:
    """Build into a new file, publish it if everything passed, then write the report."""
    started = time.perf_counter()
    started_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    extra = [a for a in args.dbt_args if a != "--"]
    if SELECTION_ARGUMENTS & set(extra):
        raise SystemExit(
            "run.py build builds and publishes the whole project; to build a selection in "
            "place, run dbt yourself: .venv/bin/dbt build --profiles-dir . --select ..."
        )
    dbt_vars = build_vars(args)
    site = publish.Site(warehouse_path(), project_path(str(dbt_vars.get("export_path", "exports"))))
    dbt_vars["export_path"] = str(site.exports)
    last_good = publish.last_published(site.warehouse)
    try:
        with phase("prepare"):
            for note in publish.prepare(site):
                print(f"    {note}")
        with phase("dbt build"):
            staged = {**dbt_vars, "export_path": str(site.building_exports)}
            returncode = run_dbt(["build", *extra], staged, site.building_warehouse)
        if returncode != 0:
            return failed(site, last_good, f"dbt build failed (exit {returncode})", kept=True)
        with phase("publish"):
            row = publish.finish(site, build_inputs(dbt_vars, started_at))
            publish.swap(site)
    except publish.PublishError as error:
        return failed(site, last_good, str(error), kept=False)
    except KeyboardInterrupt:
        return failed(site, last_good, "interrupted", kept=True, code=130)
    print(f"Warehouse: {site.warehouse} (build {row['build_number']}, published)")
    print(f"Exports: {site.exports}")
    if not args.no_report:
        from retail_segments.report import DEFAULT_OUT, write_report

        with phase("report"):
            report = write_report(site.warehouse, project_path(args.report or DEFAULT_OUT))
        print(f"Report: {report}")
    print(f"Done in {time.perf_counter() - started:.1f} s")
    return 0


def failed(site: publish.Site, last_good: str, reason: str, *, kept: bool, code: int = 1) -> int:
    """Say that nothing published changed, and return the exit code."""
    lines = [
        f"BUILD FAILED: {reason}; see the log above.",
        f"The published warehouse {site.warehouse} ({last_good}) and the exports in "
        f"{site.exports} are unchanged; no report was written.",
    ]
    if kept and site.building_warehouse.exists():
        lines.append(
            f"The failed build is in {site.building_warehouse} for inspection; "
            "the next build removes it."
        )
    print("\n".join(lines), file=sys.stderr, flush=True)
    return code


def build_inputs(dbt_vars: dict[str, object], started_at: dt.datetime) -> publish.BuildInputs:
    """The input files of the build as its vars name them."""
    shape = str(dbt_vars.get("input_shape") or "line_items")
    default = "data/demo/transactions.csv.gz"
    key = "orders_path" if shape == "orders" else "transactions_path"
    customers = dbt_vars.get("customers_path")
    return publish.BuildInputs(
        input_shape=shape,
        input_path=project_path(str(dbt_vars.get(key) or default)),
        customers_path=project_path(str(customers)) if customers else None,
        dbt_vars=dbt_vars,
        started_at=started_at,
    )


if __name__ == "__main__":
    raise SystemExit(main())
