"""Build into a new warehouse file; publish it only when the whole build passed.

`python3 run.py build` never writes the published warehouse (``segments.duckdb``)
or the published exports folder while dbt runs. It builds into
``<warehouse>.building`` and ``<exports>.building`` next to them (same folders, so
the renames below are atomic), and only after dbt passed:

1. `finish` appends this build's row to `BUILDS_TABLE` of the new file;
2. `swap` renames ``exports`` to ``exports.previous`` and ``exports.building`` to
   ``exports``, recreates the ``export_*`` views of the new file to read the
   *published* folder by its absolute path (dbt wrote them against the staging
   folder, and DuckDB checks that a view's files exist), then ``os.replace``-s the
   warehouse file (the commit point) and removes ``exports.previous``. If anything
   fails before the commit point, the renames are undone.

`prepare` runs first: it finishes or rolls back a swap that a killed build left
half done (`recover`), removes stale ``.building`` files, and copies the tables of
`CARRIED_OVER_TABLES` from the published file (attached read-only, so a BI tool
reading it does not stop the build) into the new one, before dbt runs, so that a
model may also build on them. Readers that hold the old file open keep reading it
(POSIX keeps the replaced file alive) and see the new build when they reconnect.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

BUILDS_TABLE = "warehouse_builds"

# Tables that persist across builds: copied from the published warehouse into every
# new build before dbt runs. The segment history's tables are dbt incremental models
# with full_refresh false: dbt finds them in the new file and adds or replaces only
# the rows of the build's as-of dates (models/intermediate, python_models/.../customers).
HISTORY_TABLES: tuple[str, ...] = (
    "int_customer_segment_history",
    "int_customer_segment_models",
    "int_customer_segment_model_checks",
)
CARRIED_OVER_TABLES: tuple[str, ...] = (BUILDS_TABLE, *HISTORY_TABLES)
# The incremental line table (var transactions_incremental), carried over too when the
# build is incremental, so that the build reads only the files it has not read.
INCREMENTAL_LINES_TABLE = "base_retail__transaction_lines"

# warehouse_builds column -> the table whose rows it counts (null when not built).
ROW_COUNTED_TABLES: dict[str, str] = {
    "sales_lines": "fct_sales_lines",
    "cancellation_lines": "fct_cancellation_lines",
    "rejected_lines": "fct_rejected_lines",
    "customers": "dim_customers",
    "countries": "dim_countries",
    "products": "dim_products",
    "demographic_customers": "dim_customer_demographics",
}

BUILDS_TABLE_DDL = f"""
create table if not exists {BUILDS_TABLE} (
    build_number integer not null,
    published_at timestamp not null,
    build_seconds double,
    input_shape varchar,
    input_path varchar,
    input_bytes bigint,
    input_sha256 varchar,
    customers_path varchar,
    customers_bytes bigint,
    customers_sha256 varchar,
    as_of_date date,
    {", ".join(f"{column} bigint" for column in ROW_COUNTED_TABLES)},
    dbt_version varchar,
    dbt_duckdb_version varchar,
    duckdb_version varchar,
    project_version varchar,
    dbt_vars varchar
)
"""

STAGING_SUFFIX = ".building"
PREVIOUS_SUFFIX = ".previous"


class PublishError(RuntimeError):
    """The new build could not be published; the published warehouse is unchanged."""


@dataclass(frozen=True)
class Site:
    """The published warehouse file and exports folder, and their staging twins."""

    warehouse: Path
    exports: Path

    @property
    def building_warehouse(self) -> Path:
        return sibling(self.warehouse, STAGING_SUFFIX)

    @property
    def building_exports(self) -> Path:
        return sibling(self.exports, STAGING_SUFFIX)

    @property
    def previous_exports(self) -> Path:
        return sibling(self.exports, PREVIOUS_SUFFIX)


@dataclass(frozen=True)
class BuildInputs:
    """What a build read and how it was asked for; recorded in `BUILDS_TABLE`."""

    input_shape: str
    input_path: Path | None
    customers_path: Path | None
    dbt_vars: Mapping[str, object]
    started_at: dt.datetime


def sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def wal(path: Path) -> Path:
    return sibling(path, ".wal")


def remove(path: Path) -> None:
    """Remove a file or folder if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# ---- before dbt -----------------------------------------------------------------


def recover(site: Site) -> list[str]:
    """Finish or roll back a swap a killed build left half done; remove stale staging."""
    notes: list[str] = []
    if site.previous_exports.exists():
        if site.building_warehouse.exists():  # killed before the warehouse was replaced
            remove(site.exports)
            site.previous_exports.rename(site.exports)
            notes.append(f"restored {site.exports} of the published build")
        else:  # killed after the commit point: only the cleanup was left
            remove(site.previous_exports)
    for stale in (site.building_warehouse, wal(site.building_warehouse), site.building_exports):
        if stale.exists():
            remove(stale)
            notes.append(f"removed {stale} of an unfinished build")
    return notes


def prepare(site: Site, incremental_lines: bool = False) -> list[str]:
    """Recover, then start the new file with the tables carried over from the published one.

    With ``incremental_lines`` the published line table is carried over as well (when
    it is a table: a view is what a build without transactions_incremental made).
    """
    notes = recover(site)
    site.building_exports.parent.mkdir(parents=True, exist_ok=True)
    site.building_warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(site.building_warehouse)) as con:
        carry_over(con, site.warehouse, (INCREMENTAL_LINES_TABLE,) if incremental_lines else ())
    return notes


def carry_over(
    con: duckdb.DuckDBPyConnection, published: Path, extra_tables: tuple[str, ...] = ()
) -> None:
    """Copy `CARRIED_OVER_TABLES` and `extra_tables` (tables only, not views) from the
    published warehouse (read-only) into `con`."""
    con.execute(BUILDS_TABLE_DDL)
    if not published.exists():
        return
    try:
        con.execute(f"attach {sql_string(str(published))} as published (read_only)")
    except duckdb.Error as error:
        raise PublishError(
            f"cannot read the published warehouse {published} (is a tool holding it open "
            f"for writing? open it read-only): {error}"
        ) from error
    existing = set(table_names(con, "published"))
    published_tables = {
        row[0]
        for row in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = 'published' and schema_name = 'main'"
        ).fetchall()
    }
    carried = [*CARRIED_OVER_TABLES, *(t for t in extra_tables if t in published_tables)]
    for table in carried:
        if table not in existing:
            continue
        if table == BUILDS_TABLE:  # by name: rows of older builds may lack newer columns
            con.execute(f"insert into {table} by name select * from published.main.{table}")
        else:
            con.execute(f"create or replace table {table} as select * from published.main.{table}")
    con.execute("detach published")


def table_names(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    """Tables and views of the database's main schema (the line marts are views)."""
    rows = con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = 'main'"
        " union all "
        "select view_name from duckdb_views() where database_name = ? and schema_name = 'main'"
        " and not internal",
        [database, database],
    ).fetchall()
    return [row[0] for row in rows]


# ---- after dbt passed -------------------------------------------------------------


def finish(site: Site, inputs: BuildInputs) -> dict[str, object]:
    """Record the build in the new file; return its row of `BUILDS_TABLE`."""
    try:
        with duckdb.connect(str(site.building_warehouse)) as con:
            row = build_row(con, inputs)
            columns = ", ".join(row)
            marks = ", ".join("?" for _ in row)
            values = list(row.values())
            con.execute(f"insert into {BUILDS_TABLE} ({columns}) values ({marks})", values)
    except (OSError, duckdb.Error) as error:
        raise PublishError(f"recording the build failed: {error}") from error
    return row


def repoint_views(con: duckdb.DuckDBPyConnection, staging: Path, published: Path) -> None:
    """Recreate every view that reads the staging export folder to read the published one."""
    old, new = str(staging) + "/", str(published) + "/"
    views = con.execute(
        "select schema_name, view_name, sql from duckdb_views() "
        "where not internal and database_name = current_database()"
    ).fetchall()
    for schema, name, sql in views:
        if old not in sql:
            continue
        if not sql.startswith("CREATE VIEW "):
            raise PublishError(f"unexpected definition of view {schema}.{name}: {sql[:80]}")
        con.execute(f'use "{schema}"')
        con.execute("CREATE OR REPLACE VIEW " + sql.removeprefix("CREATE VIEW ").replace(old, new))
    left = con.execute(
        "select view_name from duckdb_views() where contains(sql, ?)", [str(staging)]
    ).fetchall()
    if left:
        raise PublishError(f"views still read the staging folder {staging}: {left}")


def build_row(con: duckdb.DuckDBPyConnection, inputs: BuildInputs) -> dict[str, object]:
    """This build's row of `BUILDS_TABLE`, from the new file and the input files."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    existing = set(table_names(con, current_database(con)))
    previous = con.execute(f"select max(build_number) from {BUILDS_TABLE}").fetchone()
    as_of = None
    if "int_as_of_date" in existing:
        as_of = scalar(con, "select max(as_of_date) from int_as_of_date")
    row: dict[str, object] = {
        "build_number": ((previous[0] if previous else None) or 0) + 1,
        "published_at": now,
        "build_seconds": round((now - inputs.started_at).total_seconds(), 3),
        "input_shape": inputs.input_shape,
        **fingerprint("input", inputs.input_path),
        **fingerprint("customers", inputs.customers_path),
        "as_of_date": as_of,
    }
    for column, table in ROW_COUNTED_TABLES.items():
        row[column] = scalar(con, f"select count(*) from {table}") if table in existing else None
    row |= versions()
    row["dbt_vars"] = json.dumps(dict(inputs.dbt_vars), sort_keys=True, default=str)
    return row


def current_database(con: duckdb.DuckDBPyConnection) -> str:
    return str(scalar(con, "select current_database()"))


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    result = con.execute(sql).fetchone()
    return None if result is None else result[0]


def fingerprint(prefix: str, path: Path | None) -> dict[str, object]:
    """Path, size and SHA-256 of an input file (all null without one)."""
    if path is None or not path.is_file():
        return {f"{prefix}_path": None if path is None else str(path)} | {
            f"{prefix}_bytes": None,
            f"{prefix}_sha256": None,
        }
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return {
        f"{prefix}_path": str(path),
        f"{prefix}_bytes": path.stat().st_size,
        f"{prefix}_sha256": digest.hexdigest(),
    }


def versions() -> dict[str, object]:
    """dbt, dbt-duckdb, DuckDB and project versions of this environment."""
    import yaml

    project = Path(__file__).resolve().parent.parent / "dbt_project.yml"
    return {
        "dbt_version": package_version("dbt-core"),
        "dbt_duckdb_version": package_version("dbt-duckdb"),
        "duckdb_version": duckdb.__version__,
        "project_version": str(yaml.safe_load(project.read_text()).get("version")),
    }


def package_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def swap(site: Site) -> None:
    """Publish the staging folder and file; the warehouse replace is the commit point."""
    if site.exports.exists():
        site.exports.rename(site.previous_exports)
    else:  # an empty stand-in, so that `recover` knows a swap was under way
        site.previous_exports.mkdir()
    try:
        site.building_exports.rename(site.exports)
        with duckdb.connect(str(site.building_warehouse)) as con:
            repoint_views(con, site.building_exports, site.exports)
            con.execute("checkpoint")
        if wal(site.building_warehouse).exists():
            raise PublishError(f"{site.building_warehouse} still has a write-ahead log")
        wal(site.warehouse).unlink(missing_ok=True)  # would be replayed onto the new file
        os.replace(site.building_warehouse, site.warehouse)
    except (OSError, duckdb.Error, PublishError) as error:
        recover(site)
        raise PublishError(f"publishing failed and was undone: {error}") from error
    sync_folder(site.warehouse.parent)
    remove(site.previous_exports)


def sync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# ---- what is published ------------------------------------------------------------


def last_published(warehouse: Path) -> str:
    """When the published warehouse was built, for messages ('build 3 of 2024-...')."""
    if not warehouse.exists():
        return "none yet"
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            if BUILDS_TABLE in table_names(con, current_database(con)):
                row = con.execute(
                    f"select build_number, published_at from {BUILDS_TABLE} "
                    "order by build_number desc limit 1"
                ).fetchone()
                if row is not None:
                    return f"build {row[0]} of {row[1]:%Y-%m-%d %H:%M:%S} UTC"
    except duckdb.Error:
        pass
    modified = dt.datetime.fromtimestamp(warehouse.stat().st_mtime, dt.UTC)
    return f"file written {modified:%Y-%m-%d %H:%M:%S} UTC"
