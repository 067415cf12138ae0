"""Which SQL models of the DuckDB stage run on Spark SQL (README "On Apache Spark").

    .venv/bin/python benchmarks/spark_dialect_check.py             # 1 to 2 min
    .venv/bin/python benchmarks/spark_dialect_check.py --execute   # 2 to 3 min
    .venv/bin/python benchmarks/spark_dialect_check.py --lines 2000 --keep /tmp/check

The DuckDB stage of `run.py build --engine spark` (selector duckdb_stage) runs on
DuckDB; this script checks that its SQL models would also run on Spark (as on
Databricks, which runs the Python models natively), without a Spark build:

1. builds the project on DuckDB (small demo data with the attribute table; models
   and seeds, no tests), for the columns and types of every table;
2. compiles the DuckDB stage for the `spark` target of profiles.yml
   (`dbt compile --target spark --selector duckdb_stage`);
3. in one local pyspark session with the settings of that target (UTC, the current
   Java date patterns, ANSI mode off as dbt-spark sets it, a temporary warehouse and
   Derby metastore) creates an empty Spark table for every relation those models
   read that is not one of them (Spark-stage models, Python models, seeds), with
   the columns of the DuckDB table and their types mapped to Spark's;
4. analyses each SQL model's compiled SQL (`spark.sql(sql).schema`: parsing,
   name resolution and type checking, no job), in the order of the graph, and
   creates the model as an empty table with the schema Spark derived, so that its
   children resolve it (a model that fails gets its DuckDB columns instead, so a
   failure does not hide its children's). A column whose Spark type is not the
   DuckDB type (mapped) is listed: the marts' contracts declare the DuckDB types.

With --execute the input tables hold the DuckDB build's rows, every model runs on
Spark into its table, and its rows are compared with DuckDB's (as multisets, floats
to 9 significant digits): semantic differences that analysis cannot see.

Prints one line per model and exits 1 when any model fails Spark's analysis (type
and row differences are printed, not failed). The exports (models/exports) are
checked for their SQL only: their `external` materialization is dbt-duckdb's.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from retail_segments import dbt_runner
from retail_segments.demo_data import write_demo_data

PROJECT_DIR = Path(__file__).resolve().parent.parent
SCHEMA = "retail_segments_check"
# columns that differ between any two builds (the time each dbt command started)
VOLATILE = {"diag_build_settings": {"dbt_run_started_at"}}
# DuckDB type ids (DuckDBPyType.id) without parameters, and their Spark types
SIMPLE_TYPES = {
    "boolean": "boolean",
    "tinyint": "tinyint",
    "smallint": "smallint",
    "integer": "int",
    "bigint": "bigint",
    "utinyint": "smallint",
    "usmallint": "int",
    "uinteger": "bigint",
    "ubigint": "decimal(20,0)",
    "hugeint": "decimal(38,0)",
    "uhugeint": "decimal(38,0)",
    "float": "float",
    "double": "double",
    "varchar": "string",
    "uuid": "string",
    "json": "string",
    "blob": "binary",
    "date": "date",
    "timestamp": "timestamp",
    "timestamp_s": "timestamp",
    "timestamp_ms": "timestamp",
    "timestamp_ns": "timestamp",
    "timestamp with time zone": "timestamp",
}


def spark_type(duckdb_type: duckdb.typing.DuckDBPyType) -> str:
    """The Spark SQL type of a DuckDB column type (nested types too)."""
    kind = duckdb_type.id
    if kind in SIMPLE_TYPES:
        return SIMPLE_TYPES[kind]
    children = duckdb_type.children
    if kind == "decimal":
        parameters = dict(children)
        return f"decimal({parameters['precision']},{parameters['scale']})"
    if kind in {"list", "array"}:
        return f"array<{spark_type(dict(children)['child'])}>"
    if kind == "struct":
        fields = ", ".join(f"`{name}`: {spark_type(child)}" for name, child in children)
        return f"struct<{fields}>"
    if kind == "map":
        parameters = dict(children)
        return f"map<{spark_type(parameters['key'])}, {spark_type(parameters['value'])}>"
    raise ValueError(f"no Spark type for the DuckDB type {duckdb_type}")


def build_on_duckdb(workdir: Path, lines: int) -> tuple[Path, dict[str, object]]:
    """Build the models and seeds on small demo data; the warehouse file and the vars."""
    files = write_demo_data(workdir / "data", n_lines=lines, seed=42)
    dbt_vars: dict[str, object] = {
        "transactions_path": str(files["transactions"]),
        "customers_path": str(files["attributes"]),
        "export_path": str(workdir / "exports"),
    }
    database = workdir / "warehouse.duckdb"
    arguments = ["build", "--exclude-resource-type", "test", "unit_test"]
    result = dbt_runner.run_dbt(
        arguments,
        dbt_vars,
        database=database,
        target_path=workdir / "target_duckdb",
        log_path=workdir / "logs",
    )
    if result.returncode != 0:
        sys.exit(f"dbt build on DuckDB failed:\n{result.output[-6000:]}")
    return database, dbt_vars


def spark_environment(workdir: Path) -> dict[str, str]:
    """The SEGMENTS_SPARK_* variables of profiles.yml's spark target, in `workdir`."""
    return {
        "SEGMENTS_SPARK_WAREHOUSE": str(workdir / "spark" / "warehouse"),
        "SEGMENTS_SPARK_METASTORE": str(workdir / "spark" / "metastore_db"),
        "SEGMENTS_SPARK_SCHEMA": SCHEMA,
    }


def compile_for_spark(workdir: Path, dbt_vars: dict[str, object]) -> dict:
    """`dbt compile --target spark --selector duckdb_stage`; the manifest and results."""
    target = workdir / "target_spark"
    (workdir / "spark").mkdir(parents=True, exist_ok=True)
    command = dbt_runner.dbt_command(
        ["compile", "--target", "spark", "--selector", "duckdb_stage"],
        dbt_vars,
        target_path=target,
        log_path=workdir / "logs",
    )
    environment = {**dbt_runner.dbt_environment(workdir / "warehouse.duckdb")}
    environment.update(spark_environment(workdir))
    completed = subprocess.run(
        command, cwd=PROJECT_DIR, env=environment, capture_output=True, text=True
    )
    if completed.returncode != 0:
        sys.exit(f"dbt compile --target spark failed:\n{completed.stdout[-6000:]}")
    manifest = json.loads((target / "manifest.json").read_text())
    results = json.loads((target / "run_results.json").read_text())
    compiled = {result["unique_id"] for result in results["results"]}
    return {"manifest": manifest, "compiled": compiled}


def sql_models_in_order(manifest: dict, compiled: set[str]) -> list[dict]:
    """The compiled SQL models of the selection, parents before children."""
    nodes = manifest["nodes"]
    chosen = {
        unique_id: nodes[unique_id]
        for unique_id in compiled
        if nodes[unique_id]["resource_type"] == "model" and nodes[unique_id]["language"] == "sql"
    }
    ordered: list[dict] = []
    done: set[str] = set()

    def visit(unique_id: str) -> None:
        if unique_id in done:
            return
        done.add(unique_id)
        for parent in chosen[unique_id]["depends_on"]["nodes"]:
            if parent in chosen:
                visit(parent)
        ordered.append(chosen[unique_id])

    for unique_id in sorted(chosen):
        visit(unique_id)
    return ordered


def spark_session(workdir: Path):
    """One local session with the settings of the spark target of profiles.yml."""
    from pyspark.sql import SparkSession

    # pyspark logs every failed query with its Java stack; the check prints the message
    logging.getLogger("SQLQueryContextLogger").disabled = True
    spark_dir = Path(spark_environment(workdir)["SEGMENTS_SPARK_METASTORE"]).parent
    settings = {
        "spark.master": "local[2]",
        "spark.driver.memory": "2g",
        "spark.sql.warehouse.dir": str(spark_dir / "warehouse"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={spark_dir / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={spark_dir}",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.legacy.timeParserPolicy": "CORRECTED",
        "spark.sql.shuffle.partitions": "4",
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.ansi.enabled": "false",  # as dbt-spark sets it
    }
    builder = SparkSession.builder.enableHiveSupport()
    for name, value in settings.items():
        builder = builder.config(name, value)
    return builder.getOrCreate()


def duckdb_schema(con: duckdb.DuckDBPyConnection, name: str) -> list[tuple[str, str]]:
    """The columns of DuckDB table `name` with their Spark types."""
    relation = con.sql(f'select * from main."{name}" limit 0')
    return [
        (column, spark_type(kind))
        for column, kind in zip(relation.columns, relation.types, strict=True)
    ]


def create_empty_table(spark, name: str, columns: list[tuple[str, str]]) -> None:
    ddl = ", ".join(f"`{column}` {kind}" for column, kind in columns)
    spark.sql(f"drop table if exists {SCHEMA}.`{name}`")
    spark.sql(f"create table {SCHEMA}.`{name}` ({ddl}) using parquet")


def load_duckdb_rows(spark, con: duckdb.DuckDBPyConnection, name: str, folder: Path) -> None:
    """Copy the rows of DuckDB table `name` into the Spark table of that name."""
    path = folder / f"{name}.parquet"
    con.sql(f"copy (select * from main.\"{name}\") to '{path}' (format parquet)")
    spark.sql(f"insert into {SCHEMA}.`{name}` select * from parquet.`{path}`")


def first_lines(message: str, count: int = 3) -> str:
    lines = [line.strip() for line in str(message).strip().splitlines() if line.strip()]
    return " | ".join(lines[:count])


def comparable(value: object) -> object:
    """A value of either engine in a form both give alike (floats to 9 digits)."""
    if isinstance(value, float | Decimal):
        return float(f"{float(value):.9g}")
    if isinstance(value, list | tuple):
        return tuple(comparable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, comparable(item)) for key, item in value.items()))
    return value


def rows_differ(spark_rows: list, duckdb_rows: list) -> str:
    """How the two engines' rows differ, as multisets ("" when they do not)."""
    left = Counter(tuple(comparable(value) for value in row) for row in spark_rows)
    right = Counter(tuple(comparable(value) for value in row) for row in duckdb_rows)
    if left == right:
        return ""
    only_spark, only_duckdb = left - right, right - left
    example = next(iter(only_spark or only_duckdb))
    return (
        f"{len(spark_rows)} rows on Spark, {len(duckdb_rows)} on DuckDB; "
        f"{sum(only_spark.values())} only on Spark, {sum(only_duckdb.values())} only on DuckDB, "
        f"e.g. {'Spark' if only_spark else 'DuckDB'} {str(example)[:300]}"
    )


@dataclass
class Outcome:
    """One model on Spark: its analysis error, type differences and result differences."""

    error: str = ""
    types: list[str] = field(default_factory=list)
    rows: str = ""


def analyse(
    workdir: Path, database: Path, manifest: dict, models: list[dict], *, execute: bool
) -> dict[str, Outcome]:
    """Each model's outcome on Spark, in the order of `models` (see the module doc)."""
    nodes = {**manifest["nodes"], **manifest.get("sources", {})}
    analysed = {model["unique_id"] for model in models}
    spark = spark_session(workdir)
    spark.sparkContext.setLogLevel("ERROR")
    spark.sql(f"create database if not exists {SCHEMA}")
    folder = workdir / "duckdb_parquet"
    folder.mkdir(exist_ok=True)
    outcomes: dict[str, Outcome] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        inputs = {parent for model in models for parent in model["depends_on"]["nodes"]}
        for unique_id in sorted(inputs - analysed):
            name = nodes[unique_id]["alias"]
            create_empty_table(spark, name, duckdb_schema(con, name))
            if execute:
                load_duckdb_rows(spark, con, name, folder)
        for model in models:
            name = model["alias"]
            outcome = outcomes[name] = Outcome()
            expected = duckdb_schema(con, name)
            try:
                frame = spark.sql(model["compiled_code"])
            except Exception as error:  # noqa: BLE001 - AnalysisException, ParseException...
                message = getattr(error, "getMessage", lambda error=error: str(error))()
                outcome.error = first_lines(message)
                create_empty_table(spark, name, expected)
                if execute:
                    load_duckdb_rows(spark, con, name, folder)
                continue
            derived = [(item.name, item.dataType.simpleString()) for item in frame.schema.fields]
            outcome.types = [
                f"{column} {kind} (DuckDB {dict(expected).get(column)})"
                for column, kind in derived
                if dict(expected).get(column) != kind
            ]
            spark.sql(f"drop table if exists {SCHEMA}.`{name}`")
            if not execute:
                spark.catalog.createTable(f"{SCHEMA}.{name}", source="parquet", schema=frame.schema)
                continue
            frame.write.format("parquet").saveAsTable(f"{SCHEMA}.{name}")
            kept = [column for column, _ in expected if column not in VOLATILE.get(name, set())]
            spark_columns = ", ".join(f"`{column}`" for column in kept)
            duckdb_columns = ", ".join(f'"{column}"' for column in kept)
            spark_rows = spark.sql(f"select {spark_columns} from {SCHEMA}.`{name}`").collect()
            duckdb_rows = con.sql(f'select {duckdb_columns} from main."{name}"').fetchall()
            outcome.rows = rows_differ([tuple(row) for row in spark_rows], duckdb_rows)
    spark.stop()
    return outcomes


def report(models: Iterable[dict], outcomes: dict[str, Outcome]) -> list[str]:
    lines = []
    for model in models:
        outcome = outcomes[model["alias"]]
        if outcome.error:
            lines.append(f"FAIL {model['alias']}: {outcome.error}")
            continue
        lines.append(f"ok   {model['alias']}")
        if outcome.types:
            lines.append("       other types on Spark: " + "; ".join(outcome.types))
        if outcome.rows:
            lines.append("       other rows on Spark: " + outcome.rows)
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=3000, help="demo lines (default 3000)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--execute",
        action="store_true",
        help="also run every model on Spark over the DuckDB build's rows and compare the rows",
    )
    parser.add_argument("--json", type=Path, help="also write each model's outcome here")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="spark_dialect_check_"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        database, dbt_vars = build_on_duckdb(workdir, args.lines)
        print(f"DuckDB build: {time.perf_counter() - started:.1f} s", flush=True)
        compiled = compile_for_spark(workdir, dbt_vars)
        print(f"dbt compile --target spark: {time.perf_counter() - started:.1f} s", flush=True)
        models = sql_models_in_order(compiled["manifest"], compiled["compiled"])
        outcomes = analyse(workdir, database, compiled["manifest"], models, execute=args.execute)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    print("\n".join(report(models, outcomes)))
    failed = sorted(name for name, outcome in outcomes.items() if outcome.error)
    print(
        f"{len(models) - len(failed)} of {len(models)} SQL models of the DuckDB stage analyse "
        f"on Spark; failed: {', '.join(failed) or 'none'} ({time.perf_counter() - started:.1f} s)"
    )
    if args.json:
        text = json.dumps({name: asdict(outcome) for name, outcome in outcomes.items()}, indent=2)
        args.json.write_text(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ["TZ"] = "UTC"  # Spark's timestamps come back as this process's local time
    time.tzset()
    sys.exit(main())
