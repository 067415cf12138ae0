"""Command line behind `python3 run.py build|report|demo-data`.

`build` generates the demo data when no transactions file is given, runs
`dbt build` with the right vars into a new warehouse file and exports folder (with
`--engine spark`, the SQL stage on Spark first, then the rest on DuckDB reading what
Spark wrote; README "On Apache Spark"),
publishes them only when every model and test passed (`retail_segments.publish`)
and then writes the report from the published file. A failed or killed build
leaves the published warehouse, exports and report as they were. Each phase prints
how long it took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import glob
import importlib.util
import json
import os
import shlex
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from retail_segments import dbt_runner, demo_data, gzip_encoding, publish

PROJECT_DIR = dbt_runner.PROJECT_DIR
DEMO_DIR = PROJECT_DIR / "data" / "demo"
# dbt arguments that build part of the project: a new file needs all of it
SELECTION_ARGUMENTS = frozenset({"-s", "--select", "--exclude", "--selector", "-m", "--models"})
# every command of `run.py`, one line each (run.py lists the same, see its COMMANDS)
COMMANDS = {
    "build": "build the warehouse, the exports and the report (on demo data unless --transactions)",
    "test": "run the test suite (pytest); --fast: the unit tests only",
    "report": "only write the HTML report of the built warehouse",
    "demo-data": "only generate the demo data",
    "history": "build and publish like build, with the segment history at every month end",
}
COMMANDS_HELP = "commands:\n" + "\n".join(
    f"  {name:<10} {summary}" for name, summary in COMMANDS.items()
)
HISTORY_INTERVALS = ("week", "month", "quarter")
ENGINES = ("duckdb", "spark")
HISTORY_EXAMPLES = """examples:
  python3 run.py history
  python3 run.py history --transactions path/to/online_retail.csv.gz
  python3 run.py history --every quarter --vars '{customer_segment_refit: true}'

Like build (one dbt build, then publish), with a segment-history row per customer at
every month end (or --every week or quarter) between the first invoice and the
as-of date, plus the as-of date itself. The rows of those dates are replaced, other
dates are kept. Customers are assigned with the stored k-means model (a new version
with the var customer_segment_refit, or when the drift check says so)."""

BUILD_EXAMPLES = """examples:
  python3 run.py build
  python3 run.py build --transactions path/to/online_retail.csv.gz
  python3 run.py build --transactions sales.parquet --customers mall_customers.csv
  python3 run.py build --vars '{customer_segment_k: 5, as_of_date: "2011-12-01"}'
  python3 run.py build --vars '{input_shape: orders, orders_path: orders.csv}'
  python3 run.py build --engine spark --transactions path/to/online_retail.csv.gz

The vars are listed and described in dbt_project.yml (and the README)."""


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


def spark_warehouse_path() -> Path:
    """The folder of the Spark schema's tables, as the spark target of profiles.yml
    puts them: <SEGMENTS_SPARK_WAREHOUSE>/<SEGMENTS_SPARK_SCHEMA>.db."""
    warehouse = project_path(os.environ.get("SEGMENTS_SPARK_WAREHOUSE", "spark/warehouse"))
    schema = os.environ.get("SEGMENTS_SPARK_SCHEMA", "retail_segments")
    return warehouse / f"{schema}.db"


def spark_problem() -> str | None:
    """Why the Spark stage cannot run here (no Java, no pyspark or dbt-spark), or None."""
    missing = []
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (
        java_home and (Path(java_home) / "bin" / "java").exists()
    ):
        missing.append(
            "Java (17 or newer) is not installed: on Debian or Ubuntu, "
            "sudo apt-get install default-jre-headless (or set JAVA_HOME)"
        )
    for module, package in (("pyspark", "pyspark"), ("dbt.adapters.spark", "dbt-spark[session]")):
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if not found:
            missing.append(
                f"{package} is not installed in this environment: python3 run.py build "
                "--engine spark installs it (or: .venv/bin/pip install -r requirements-spark.txt)"
            )
    if not missing:
        return None
    return "--engine spark needs " + "; ".join(missing) + ". Nothing was built."


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
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="run.py", description=__doc__, epilog=COMMANDS_HELP, formatter_class=formatter
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, epilog: str = "") -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=COMMANDS[name],
            description=COMMANDS[name],
            epilog="\n\n".join(part for part in (epilog, COMMANDS_HELP) if part),
            formatter_class=formatter,
        )

    build = command("build", BUILD_EXAMPLES)
    add_build_options(build)
    history = command("history", HISTORY_EXAMPLES)
    add_build_options(history)
    history.add_argument(
        "--every",
        choices=HISTORY_INTERVALS,
        default="month",
        help="the interval of the history's as-of dates (default: month ends)",
    )

    report = command("report")
    report.add_argument("--database", help="the warehouse (default: as profiles.yml resolves it)")
    report.add_argument("--out", help="default: reports/segmentation_report.html")

    demo = command("demo-data")
    demo.add_argument("--lines", type=int, default=demo_data.DEFAULT_LINES)
    demo.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """The options of `build`, which `history` shares."""
    parser.add_argument(
        "--transactions", help="transactions file (CSV, CSV.gz or Parquet); default: demo data"
    )
    parser.add_argument(
        "--customers",
        help="customer attribute table (age, income, spending score, gender); "
        "default: the demo attributes when building on demo data, none otherwise",
    )
    parser.add_argument("--lines", type=int, default=demo_data.DEFAULT_LINES, help="demo data size")
    parser.add_argument("--seed", type=int, default=42, help="demo data seed")
    parser.add_argument(
        "--vars",
        default="{}",
        help="dbt vars as JSON or YAML, e.g. '{customer_segment_k: 5}'; an unknown var is an error",
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="duckdb",
        help="duckdb (default): every model on DuckDB; spark: the SQL stage on Apache Spark "
        "(dbt-spark, method session), then the segmentation stage on DuckDB",
    )
    parser.add_argument("--no-report", action="store_true", help="skip the HTML report")
    parser.add_argument("--report", help="default: reports/segmentation_report.html")
    parser.add_argument(
        "dbt_args", nargs=argparse.REMAINDER, help="after --: extra arguments for dbt build"
    )


def with_history_every(vars_text: str, every: str) -> str:
    """`--vars` with history_every set (an explicit history_every in --vars wins)."""
    import yaml

    given = yaml.safe_load(vars_text) or {}
    if not isinstance(given, dict):
        raise SystemExit(f"--vars must be a mapping, got: {vars_text}")
    return json.dumps({"history_every": every, **given})


def build_vars(args: argparse.Namespace) -> dict[str, object]:
    import yaml  # dbt's dependency; parses both JSON and the YAML dbt users write

    extra = yaml.safe_load(args.vars) or {}
    if not isinstance(extra, dict):
        raise SystemExit(f"--vars must be a mapping, got: {args.vars}")
    check_var_names(extra)
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


def project_vars() -> dict[str, object]:
    """The vars dbt_project.yml declares, with their defaults."""
    import yaml

    return dict(yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"])


def check_var_names(given: dict[str, object]) -> None:
    """Stop on a var dbt_project.yml does not declare (dbt would ignore it silently)."""
    known = project_vars()
    problems = []
    for name in given:
        if name in known:
            continue
        close = difflib.get_close_matches(str(name), list(known), n=3, cutoff=0.6)
        hint = f"did you mean {one_of(close)}?" if close else "no var has a similar name."
        problems.append(f"unknown var {name!r} in --vars: {hint}")
    if problems:
        raise SystemExit(
            "\n".join(problems) + "\nThe vars are listed and described in "
            f"{PROJECT_DIR / 'dbt_project.yml'}. Nothing was built."
        )


def one_of(names: Sequence[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def check_input_files(dbt_vars: dict[str, object]) -> None:
    """Stop before dbt starts when an input file is missing or empty, with a hint."""
    orders = str(dbt_vars.get("input_shape") or "line_items") == "orders"
    demo = "Build on demo data with `python3 run.py build` (no --transactions), " + (
        "or generate it alone with `python3 run.py demo-data`."
    )
    files = (
        [
            (
                "orders",
                "orders_path",
                True,
                "Pass it with --vars '{input_shape: orders, orders_path: path/to/orders.csv}'.",
            ),
            ("order customers", "order_customers_path", False, ""),
        ]
        if orders
        else [("transactions", "transactions_path", True, demo)]
    )
    files.append(("customer attributes", "customers_path", False, ""))
    problems = []
    for label, var, required, hint in files:
        value = str(dbt_vars.get(var) or "")
        if not value:
            if required:
                problems.append(f"No {label} file given (var {var}). {hint}".strip())
            continue
        problem = input_file_problem(project_path(value))
        if problem:
            problems.append(f"{label.capitalize()} file {problem} (var {var}). {hint}".strip())
    if problems:
        raise SystemExit("\n".join(problems) + "\nNothing was built.")


def input_file_problem(path: Path) -> str | None:
    """What is wrong with an input file (missing, a folder, empty), or None."""
    if glob.has_magic(str(path)):
        return None if glob.glob(str(path)) else f"pattern '{path}' matches no file"
    if path.is_dir():
        return f"'{path}' is a folder, not a file"
    if not path.exists():
        if not path.parent.is_dir():
            return f"'{path}' not found: the folder {path.parent} does not exist"
        names = sorted(entry.name for entry in path.parent.iterdir() if entry.is_file())
        close = difflib.get_close_matches(path.name, names, n=3, cutoff=0.5)
        if close:
            return f"'{path}' not found; files with a similar name there: {', '.join(close)}"
        return f"'{path}' not found, and no file in {path.parent} has a similar name"
    if path.stat().st_size == 0:
        return f"'{path}' is empty (0 bytes)"
    return None


def windows_1252_hint(dbt_vars: dict[str, object]) -> str:
    """After a failed build: the line of a gzipped input that DuckDB could not read as
    latin-1 because it holds a Windows-1252 byte (the macro cannot look inside a
    gzipped file; see retail_segments.gzip_encoding). Empty when there is none."""
    if str(dbt_vars.get("transactions_encoding") or "auto").lower() not in {"auto", "latin-1"}:
        return ""
    hints = []
    for var in ("transactions_path", "orders_path", "order_customers_path", "customers_path"):
        value = str(dbt_vars.get(var) or "")
        path = project_path(value) if value else None
        if path is None or not path.name.lower().endswith(".gz") or not path.is_file():
            continue
        line = gzip_encoding.first_windows_1252_line(path)
        if line is not None:
            hints.append(
                f"; file '{path}' (var {var}) is neither UTF-8 nor latin-1: line {line} (the "
                "header is line 1) holds a byte 80-9F, most likely Windows-1252 (curly quotes, "
                "the euro sign, dashes), which the reader cannot decode. Convert it to UTF-8 "
                "first, e.g. gunzip -c file.csv.gz | iconv -f CP1252 -t UTF-8 | gzip > "
                "file.utf8.csv.gz"
            )
    return "".join(hints)


def docs_commands(warehouse: Path, dbt_vars: dict[str, object]) -> list[str]:
    """The commands that generate and serve the dbt docs of this build (catalog from
    the published warehouse, the same vars)."""
    dbt = dbt_runner.dbt_executable()
    project = shlex.quote(str(PROJECT_DIR))
    options = f"--project-dir {project} --profiles-dir {project}"
    env = f"SEGMENTS_DUCKDB_PATH={shlex.quote(str(warehouse))}"
    vars_option = f"--vars {shlex.quote(json.dumps(dbt_vars, sort_keys=True))}"
    return [
        f"{env} {dbt} docs generate {options} {vars_option}",
        f"{dbt} docs serve {options}",
    ]


def summary_lines(
    site: publish.Site,
    build_number: object,
    report: Path | None,
    dbt_vars: dict[str, object],
    contacts: Path | None = None,
) -> list[str]:
    """Where the build's outputs are, and how to open the docs."""
    return [
        "Built and published:",
        f"  warehouse  {site.warehouse} (build {build_number})",
        f"  exports    {site.exports}",
        f"  report     {report if report is not None else 'not written (--no-report)'}",
        *(
            [f"  contacts   {contacts} (one CSV per segment, linked from the report)"]
            if contacts is not None
            else []
        ),
        f"  docs       {PROJECT_DIR / 'target' / 'index.html'}, after:",
        *(f"               {line}" for line in docs_commands(site.warehouse, dbt_vars)),
        "             (dbt docs serve opens them at http://localhost:8080)",
    ]


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

    if args.command == "history":
        args.vars = with_history_every(args.vars, args.every)
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
    engine = getattr(args, "engine", "duckdb")
    if engine == "spark" and (problem := spark_problem()):
        raise SystemExit(problem)
    dbt_vars = build_vars(args)
    check_input_files(dbt_vars)
    site = publish.Site(warehouse_path(), project_path(str(dbt_vars.get("export_path", "exports"))))
    dbt_vars["export_path"] = str(site.exports)
    last_good = publish.last_published(site.warehouse)
    try:
        with phase("prepare"):
            incremental = {**project_vars(), **dbt_vars}.get("transactions_incremental") is True
            for note in publish.prepare(site, incremental_lines=incremental):
                print(f"    {note}")
        staged = {**dbt_vars, "export_path": str(site.building_exports)}
        if engine == "spark":
            returncode = build_on_spark(extra, staged, site.building_warehouse)
        else:
            with phase("dbt build"):
                returncode = run_dbt(["build", *extra], staged, site.building_warehouse)
        if returncode != 0:
            reason = f"dbt build failed (exit {returncode})"
            return failed(site, last_good, reason + windows_1252_hint(dbt_vars), kept=True)
        with phase("publish"):
            row = publish.finish(site, build_inputs(dbt_vars, started_at))
            publish.swap(site)
    except publish.PublishError as error:
        return failed(site, last_good, str(error), kept=False)
    except KeyboardInterrupt:
        return failed(site, last_good, "interrupted", kept=True, code=130)
    report = contacts = None
    if not args.no_report:
        from retail_segments.report import DEFAULT_OUT, write_report
        from retail_segments.report.contacts import CONTACT_DIR

        with phase("report"):
            report = write_report(site.warehouse, project_path(args.report or DEFAULT_OUT))
        contacts = report.parent / CONTACT_DIR
    print("\n".join(summary_lines(site, row["build_number"], report, dbt_vars, contacts)))
    print(f"Done in {time.perf_counter() - started:.1f} s")
    return 0


def build_on_spark(extra: Sequence[str], dbt_vars: dict[str, object], database: Path) -> int:
    """The two stages of `build --engine spark`: the SQL models that the Python models
    read (selector spark_stage) on the spark target, then everything else on DuckDB
    (selector duckdb_stage), which copies the Parquet tables Spark wrote first (var
    spark_warehouse_path, macro attach_spark_stage). Returns dbt's exit code."""
    tables = spark_warehouse_path()
    # the Derby metastore writes its log beside itself: the folder must exist
    metastore = project_path(os.environ.get("SEGMENTS_SPARK_METASTORE", "spark/metastore_db"))
    metastore.parent.mkdir(parents=True, exist_ok=True)
    with phase("dbt build (Spark stage)"):
        spark_stage = ["build", "--target", "spark", "--selector", "spark_stage", *extra]
        returncode = run_dbt(spark_stage, dbt_vars, database)
    if returncode != 0:
        return returncode
    with phase("dbt build (DuckDB stage)"):
        duckdb_stage = ["build", "--target", "dev", "--selector", "duckdb_stage", *extra]
        return run_dbt(duckdb_stage, {**dbt_vars, "spark_warehouse_path": str(tables)}, database)


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
