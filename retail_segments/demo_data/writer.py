"""Writing the demo files, and the command line ``python -m retail_segments.demo_data``.

``transactions.csv.gz`` is written by duckdb as plain CSV and gzip-compressed
with a fixed header, the two small tables by pandas, so the same seed always
gives byte-identical files.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import time
from pathlib import Path

import duckdb
import pandas as pd

from retail_segments.demo_data.tables import DEFAULT_LINES, DemoData, generate

FILE_NAMES = {
    "transactions": "transactions.csv.gz",
    "behaviours": "planted_behaviours.csv",
    "attributes": "customer_attributes.csv",
}


def _sql_path(path: Path) -> str:
    """Quote a path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def _arrow_or_frame(frame: pd.DataFrame) -> object:
    """An Arrow table for duckdb when pyarrow is available (much faster scan)."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pandas 3 normally brings pyarrow
        return frame
    return pa.Table.from_pandas(frame, preserve_index=False)


def _write_transactions(transactions: pd.DataFrame, path: Path) -> None:
    """Write the line items as gzip CSV: duckdb writes the CSV, zlib compresses it.

    DuckDB's own gzip writer is several times slower than writing plain CSV and
    compressing it in one stream. The gzip header carries no name and mtime 0, so
    the same frame always gives the same bytes.
    """
    plain = path.with_name(path.name + ".tmp.csv")
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        con.register("transactions_df", _arrow_or_frame(transactions))
        con.execute(
            "COPY transactions_df TO "
            + _sql_path(plain)
            + " (FORMAT csv, HEADER, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S')"
        )
    finally:
        con.close()
    try:
        with (
            plain.open("rb") as source,
            path.open("wb") as raw,
            gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, filename="", mtime=0) as target,
        ):
            shutil.copyfileobj(source, target, 1 << 20)
    finally:
        plain.unlink(missing_ok=True)


def _write_files(data: DemoData, out_dir: Path) -> dict[str, Path]:
    """Write already generated demo tables into ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {key: out_dir / name for key, name in FILE_NAMES.items()}
    _write_transactions(data.transactions, paths["transactions"])
    data.behaviours.to_csv(paths["behaviours"], index=False, lineterminator="\n")
    data.attributes.to_csv(paths["attributes"], index=False, lineterminator="\n")
    return paths


def write_demo_data(out_dir: Path, n_lines: int = DEFAULT_LINES, seed: int = 42) -> dict[str, Path]:
    """Generate and write the three demo files into ``out_dir``.

    Returns the written paths under the keys ``transactions``, ``behaviours``
    and ``attributes``.
    """
    return _write_files(generate(n_lines=n_lines, seed=seed), out_dir)


def main(argv: list[str] | None = None) -> int:
    """Command line entry point: write the demo files and report what was written."""
    parser = argparse.ArgumentParser(
        prog="python -m retail_segments.demo_data",
        description="Write deterministic demo retail data with planted behaviours.",
    )
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--lines", type=int, default=DEFAULT_LINES, help="approximate number of lines"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = generate(n_lines=args.lines, seed=args.seed)
    generated = time.perf_counter()
    paths = _write_files(data, args.out)
    written = time.perf_counter()
    frames = {
        "transactions": data.transactions,
        "behaviours": data.behaviours,
        "attributes": data.attributes,
    }
    for key, path in paths.items():
        print(f"wrote {path} ({len(frames[key]):,} rows)")
    print(
        f"generated in {generated - started:.2f} s, wrote in {written - generated:.2f} s,"
        f" total {written - started:.2f} s"
    )
    return 0
