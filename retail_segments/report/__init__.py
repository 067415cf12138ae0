"""The segmentation report: one self-contained HTML file from the built warehouse.

    python -m retail_segments.report --database segments.duckdb \
        --out reports/segmentation_report.html

The warehouse is opened read-only and only its marts are read (`warehouse`).
Each section's data (`sections`) is notes, tables and figures; every chart is
drawn with matplotlib (Agg backend, `figures`) and embedded as an SVG data URI in
a captioned ``<figure>``. The Jinja2 template (`templates/report.html.j2`,
autoescaped) lays the page out with its style sheet inlined, so the file opens
offline: no scripts, fonts or style sheets are fetched. The same warehouse gives
the same bytes (fixed SVG hash salt, no dates in the metadata, fixed-seed
sampling). Segmentations that were not built, or whose tables are empty, get a
short note instead of their charts.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from retail_segments.report.blocks import Block, Note, Section
from retail_segments.report.page import render_page
from retail_segments.report.sections import SECTIONS, Context
from retail_segments.report.tables import fmt_number
from retail_segments.report.warehouse import Warehouse

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_OUT = Path("reports") / "segmentation_report.html"

__all__ = ["DEFAULT_OUT", "SECTIONS", "Warehouse", "main", "write_report"]


def build_section(
    ctx: Context, anchor: str, title: str, build: Callable[[Context], tuple[Block, ...]]
) -> Section:
    """One section, timed; a broken section becomes a note and must not lose the others."""
    t0 = time.perf_counter()
    try:
        blocks = build(ctx)
    except Exception as error:  # a broken section must not lose the others
        blocks = (Note(f"This section could not be drawn: {type(error).__name__}: {error}"),)
        print(f"[report] {title}: FAILED ({type(error).__name__}: {error})", flush=True)
    print(f"[report] {title}: {time.perf_counter() - t0:.1f} s", flush=True)
    return Section(anchor, title, tuple(blocks))


def subtitle(wh: Warehouse) -> str:
    as_of = wh.as_of()
    text = f"Warehouse {wh.path.name}"
    return text + (f", facts as of {fmt_number(as_of.date)}" if as_of else "")


def write_report(database: Path, out_path: Path) -> Path:
    """Write the HTML report of the warehouse `database` to `out_path`; return the path."""
    started = time.perf_counter()
    wh = Warehouse(Path(database))
    try:
        ctx = Context.of(wh)
        sections = [build_section(ctx, *entry) for entry in SECTIONS]
        title = subtitle(wh)
    finally:
        wh.close()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(render_page(sections, title), encoding="utf-8")
    size = out_path.stat().st_size / 1e6
    print(
        f"[report] wrote {out_path} ({size:.1f} MB) in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return out_path


def default_database() -> Path:
    path = Path(os.environ.get("SEGMENTS_DUCKDB_PATH", "segments.duckdb"))
    return path if path.is_absolute() else PROJECT_DIR / path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m retail_segments.report", description=(__doc__ or "").split("\n\n")[0]
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=None,
        help="the DuckDB warehouse (default: $SEGMENTS_DUCKDB_PATH or segments.duckdb)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"default: {DEFAULT_OUT}")
    args = parser.parse_args(argv)
    database = args.database or default_database()
    try:
        path = write_report(database, args.out)
    except FileNotFoundError as error:
        raise SystemExit(str(error)) from error
    print(f"Report: {path}")
    return 0
