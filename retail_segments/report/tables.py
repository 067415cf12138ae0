"""Cell text for numbers and dates, and data frames as `Table` blocks."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from retail_segments.report.blocks import Cell, Table
from retail_segments.report.style import segment_colour

# Columns of long free text: the table gives them room.
WIDE_COLUMNS = frozenset(
    {
        "goal",
        "recommended_action",
        "segment_goal",
        "segment_action",
        "country_list",
        "top_products",
    }
)


def fmt_number(value: object, column: str = "") -> str:
    """Readable cell text for a value of `column`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        return fmt_float(float(value), column)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def fmt_float(value: float, column: str) -> str:
    if column.endswith("share") or column.endswith("_rate") or column == "penetration":
        return f"{value:.1%}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def money(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f} M"
    if abs(value) >= 1e3:
        return f"{value / 1e3:,.1f} k"
    return f"{value:,.0f}"


def column_header(column: str) -> str:
    """`avg_unit_price` -> `mean unit price`, `customer_share` -> `customer share`."""
    text = re.sub(r"^avg_", "mean ", column)
    return text.replace("_", " ")


def is_numeric(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )


def sort_key(value: object) -> str | None:
    """What the in-page sort compares for a number: its full value ('' for a missing one,
    sorted last); None for a text, which sorts by what it shows."""
    if not is_numeric(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return "" if math.isnan(number) else repr(number)


def exact_text(value: object, column: str) -> str:
    """The unrounded value of a number cell, shown on hover ('' when nothing is rounded)."""
    if not isinstance(value, float | np.floating) or math.isnan(float(value)):
        return ""
    number = float(value)
    if column.endswith("share") or column.endswith("_rate") or column == "penetration":
        return f"{number:.3%}"
    return f"{number:,.4f}".rstrip("0").rstrip(".")


def cell(value: object, column: str, swatch_column: str | None) -> Cell:
    css = "num" if is_numeric(value) else ("wide" if column in WIDE_COLUMNS else "text")
    swatch = segment_colour(value) if column == swatch_column else None
    text = fmt_number(value, column)
    exact = exact_text(value, column)
    return Cell(text, css, swatch, sort_key(value), "" if exact == text else exact)


def frame_table(
    frame: pd.DataFrame,
    columns: Sequence[str],
    headers: Mapping[str, str] | None = None,
    swatch_column: str | None = "segment_id",
    caption: str = "",
) -> Table:
    """A table of `columns` (those present) with a colour swatch per segment."""
    headers = headers or {}
    present = [c for c in columns if c in frame.columns]
    rows = tuple(
        tuple(cell(value, c, swatch_column) for c, value in zip(present, values, strict=True))
        for values in frame[present].itertuples(index=False, name=None)
    )
    return Table(tuple(headers.get(c, column_header(c)) for c in present), rows, caption)
