"""The segmentation report: one self-contained HTML file from the built warehouse.

    python -m retail_segments.report --database segments.duckdb \
        --out reports/segmentation_report.html

The warehouse is opened read-only and only its marts are read (`warehouse`).
Each section's data (`sections`) is notes, tables and figures; every chart is
drawn with matplotlib (Agg backend, `figures`) and embedded as an SVG data URI in
a captioned ``<figure>``. The Jinja2 template (`templates/report.html.j2`,
autoescaped) lays the page out with its style sheet and its one small script
(sorting the tables) inlined, so the file opens offline: nothing is fetched.
The page opens with the executive summary and one card per customer segment,
each linking its contact list, a CSV written beside the report
(`contact_lists/`, see `contacts`); the model diagnostics are an appendix. The same warehouse gives
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
from retail_segments.report.contacts import write_contact_lists
from retail_segments.report.page import render_page
from retail_segments.report.sections import APPENDIX_SECTIONS, SECTIONS, Context
from retail_segments.report.style import MONEY_UNITS
from retail_segments.report.summary import built_text
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
    appendix = anchor in {a for a, _, _ in APPENDIX_SECTIONS}
    return Section(anchor, title, tuple(blocks), appendix)


def subtitle(ctx: Context) -> str:
    """Facts as of, built, currency: the dates and unit of every number below."""
    as_of = ctx.wh.as_of()
    parts = [f"Facts as of {fmt_number(as_of.date)}"] if as_of else []
    parts.append(f"built {built_text(ctx.built)}")
    parts.append(f"amounts in {ctx.currency.label}")
    parts.append(f"warehouse {ctx.wh.path.name}")
    return " · ".join(parts)


def write_report(database: Path, out_path: Path, currency: str | None = None) -> Path:
    """Write the HTML report of the warehouse `database` to `out_path`, and the contact
    lists beside it; return the report's path. `currency` overrides the build's."""
    started = time.perf_counter()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    wh = Warehouse(Path(database))
    units = None
    try:
        ctx = Context.of(wh, currency)
        # the charts' axes name the currency: `revenue (sales value, GBP)`
        units = MONEY_UNITS.set(ctx.currency.code)
        sections = [build_section(ctx, *entry) for entry in SECTIONS]
        title = subtitle(ctx)
        lists = write_contact_lists(wh, ctx.segments["customer"], out_path)
    finally:
        if units is not None:
            MONEY_UNITS.reset(units)
        wh.close()
    print(f"[report] wrote {len(lists)} contact lists to {out_path.parent / 'contact_lists'}")
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
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"default: {DEFAULT_OUT}; the contact lists go to contact_lists/ beside it",
    )
    parser.add_argument(
        "--currency",
        default=None,
        help="ISO 4217 code of the amounts (default: the build's var currency, else GBP)",
    )
    args = parser.parse_args(argv)
    database = args.database or default_database()
    try:
        path = write_report(database, args.out, args.currency)
    except FileNotFoundError as error:
        raise SystemExit(str(error)) from error
    print(f"Report: {path}")
    return 0
