"""Small DuckDB warehouses made from data frames, for the report's unit tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd


def make_warehouse(path: Path, frames: dict[str, pd.DataFrame]) -> Path:
    """A DuckDB file at `path` with one table per frame (table name -> frame)."""
    with duckdb.connect(str(path)) as con:
        for name, frame in frames.items():
            con.register("frame", frame)
            con.sql(f'create table "{name}" as select * from frame')
            con.unregister("frame")
    return path
