"""The "Segment history" section: segment sizes over time and the migrations between
the last two as-of dates (issue 13).

It reads two marts: `fct_customer_segment_history` (one row per as-of date and
customer) and `fct_customer_segment_migrations` (from x to counts per pair of
consecutive dates). For each segmentation (the stored k-means model's segments,
the named RFM segments) it draws the customers per segment at every as-of date as
a stacked area, the from x to matrix between the last two dates as a heatmap, and
names the biggest movements in words ("212 Loyal Customers became At Risk").
Without the marts, or with a single as-of date, a note says why (and how to get
more dates: `python3 run.py history`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as MplFigure

from retail_segments.report.blocks import Block, Note
from retail_segments.report.figures import svg_figure
from retail_segments.report.style import INK, plt, rfm_colour, segment_colour, text_colour
from retail_segments.report.tables import fmt_number

if TYPE_CHECKING:
    from retail_segments.report.sections import Context

HISTORY = "fct_customer_segment_history"
MIGRATIONS = "fct_customer_segment_migrations"
MODELS = "diag_customer_segment_models"
CHECKS = "diag_customer_segment_model_checks"
NEW = "New"
# segmentation -> its label in the text and its segment column of the history
SEGMENTATIONS = {
    "kmeans": ("K-means segments (stored model)", "kmeans_segment_name"),
    "rfm": ("RFM segments", "rfm_segment"),
}
MOVEMENTS_NAMED = 3


def segment_sizes(history: pd.DataFrame, column: str) -> pd.DataFrame:
    """Customers per as-of date (rows, ascending) and segment (columns, largest first)."""
    counts = history.groupby(["as_of_date", column]).size().unstack(column, fill_value=0)
    order = counts.sum().sort_values(ascending=False, kind="mergesort").index
    return counts.sort_index()[list(order)]


def last_pair(migrations: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    if migrations.empty:
        return None
    to_date = pd.Timestamp(migrations["to_as_of_date"].max())
    rows = migrations[pd.to_datetime(migrations["to_as_of_date"]) == to_date]
    return pd.Timestamp(rows["from_as_of_date"].iloc[0]), to_date


def migration_matrix(migrations: pd.DataFrame, segmentation: str) -> pd.DataFrame:
    """Customers from (rows, New last) x to (columns) between the last two dates."""
    pair = last_pair(migrations)
    if pair is None:
        return pd.DataFrame()
    rows = migrations[
        (migrations["segmentation"] == segmentation)
        & (pd.to_datetime(migrations["to_as_of_date"]) == pair[1])
    ]
    matrix = rows.pivot_table(
        index="from_segment", columns="to_segment", values="customers", aggfunc="sum", fill_value=0
    )
    segments = sorted((set(matrix.index) | set(matrix.columns)) - {NEW})
    from_order = [s for s in segments if s in matrix.index] + ([NEW] if NEW in matrix.index else [])
    return matrix.reindex(index=from_order, columns=segments, fill_value=0).astype(int)


def biggest_movements(migrations: pd.DataFrame, segmentation: str, n: int) -> list[str]:
    """The `n` largest moves between two different segments of the last pair, in words."""
    pair = last_pair(migrations)
    if pair is None:
        return []
    rows = migrations[
        (migrations["segmentation"] == segmentation)
        & (pd.to_datetime(migrations["to_as_of_date"]) == pair[1])
        & (migrations["from_segment"] != NEW)
        & (migrations["from_segment"] != migrations["to_segment"])
    ]
    top = rows.sort_values(
        ["customers", "from_segment", "to_segment"],
        ascending=[False, True, True],
        kind="mergesort",
    ).head(n)
    return [
        f"{int(r.customers):,} {r.from_segment} became {r.to_segment}" for r in top.itertuples()
    ]


def draw_sizes(sizes: pd.DataFrame, colours: list[str], title: str) -> MplFigure:
    fig, ax = plt.subplots(figsize=(8.4, 3.8))
    dates = pd.to_datetime(sizes.index)
    ax.stackplot(dates, sizes.T.to_numpy(), labels=list(sizes.columns), colors=colours, alpha=0.9)
    ax.set_ylabel("customers")
    ax.set_title(title, loc="left", fontsize=10, color=INK)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False)
    ax.margins(x=0)
    fig.autofmt_xdate()
    return fig


def draw_heatmap(matrix: pd.DataFrame, title: str) -> MplFigure:
    height = 1.6 + 0.38 * len(matrix.index)
    fig, ax = plt.subplots(figsize=(2.4 + 0.62 * len(matrix.columns), height))
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(np.log1p(values), cmap="Blues", aspect="auto")
    ax.set_xticks(range(len(matrix.columns)), list(matrix.columns), rotation=40, ha="right")
    ax.set_yticks(range(len(matrix.index)), list(matrix.index))
    ax.set_xlabel("to segment")
    ax.set_ylabel("from segment")
    ax.set_title(title, loc="left", fontsize=10, color=INK)
    ax.grid(False)
    top = float(np.log1p(values).max()) if values.size else 0.0
    cmap = image.get_cmap()
    for (i, j), value in np.ndenumerate(values):
        if value:
            fill = cmap(np.log1p(value) / top if top else 0.0)
            hex_fill = "#{:02x}{:02x}{:02x}".format(*(int(255 * c) for c in fill[:3]))
            ax.text(
                j,
                i,
                f"{int(value):,}",
                ha="center",
                va="center",
                fontsize=7,
                color=text_colour(hex_fill),
            )
    return fig


def colours_of(history: pd.DataFrame, segmentation: str, names: list[str]) -> list[str]:
    """RFM segments in their RFM colours, k-means segments in their id's colour."""
    if segmentation == "rfm":
        return [rfm_colour(name, i) for i, name in enumerate(names)]
    ids = history.drop_duplicates("kmeans_segment_name").set_index("kmeans_segment_name")
    return [segment_colour(ids.at[name, "kmeans_segment_id"]) for name in names]


def segmentation_blocks(
    history: pd.DataFrame, migrations: pd.DataFrame, segmentation: str
) -> list[Block]:
    label, column = SEGMENTATIONS[segmentation]
    if history[column].isna().all():
        return [
            Note(
                f"{label}: none in the history; the stored model uses a customer feature "
                "the history does not compute (it has recency, frequency, monetary value, "
                "tenure and average order value)."
            )
        ]
    sizes = segment_sizes(history, column)
    names = list(sizes.columns)
    first, last = (fmt_number(pd.Timestamp(d).date()) for d in (sizes.index[0], sizes.index[-1]))
    blocks: list[Block] = [
        svg_figure(
            draw_sizes(
                sizes,
                colours_of(history, segmentation, names),
                f"{label}: customers per as-of date",
            ),
            f"{label}: customers in each segment at each of the {len(sizes)} as-of dates "
            f"from {first} to {last}.",
        )
    ]
    matrix = migration_matrix(migrations, segmentation)
    pair = last_pair(migrations)
    if matrix.empty or pair is None:
        return blocks
    dates = " to ".join(fmt_number(d.date()) for d in pair)
    blocks.append(
        svg_figure(
            draw_heatmap(matrix, f"{label}: from x to, {dates}"),
            f"{label}: customers by their segment at {fmt_number(pair[0].date())} (rows; "
            f"{NEW}: not a customer then) and at {fmt_number(pair[1].date())} (columns).",
        )
    )
    moves = biggest_movements(migrations, segmentation, MOVEMENTS_NAMED)
    new = int(matrix.loc[NEW].sum()) if NEW in matrix.index else 0
    stayed = int(sum(matrix.at[s, s] for s in matrix.index if s in matrix.columns))
    total = int(matrix.to_numpy().sum())
    words = "; ".join(moves) if moves else "nobody changed segment"
    blocks.append(
        Note(
            f"{label}, {dates}: the biggest movements: {words}. {stayed:,} of {total:,} "
            f"customers stayed in their segment and {new:,} are new."
        )
    )
    return blocks


def section_history(ctx: Context) -> tuple[Block, ...]:
    history = ctx.wh.table(HISTORY, order_by="as_of_date, customer_id")
    migrations = ctx.wh.table(MIGRATIONS, order_by="to_as_of_date")
    if history is None or migrations is None:
        return (Note(f"The segment history was not built ({HISTORY} is not in the warehouse)."),)
    if history.empty:
        return (Note(f"The segment history is empty ({HISTORY} has no rows)."),)
    dates = history["as_of_date"].nunique()
    blocks: list[Block] = []
    if dates < 2:
        blocks.append(
            Note(
                "The segment history has one as-of date, so there are no movements yet. "
                "Build at a later date, or run `python3 run.py history` for every month end."
            )
        )
    model_note = stored_model_note(
        ctx.wh.table(MODELS), ctx.wh.table(CHECKS, order_by="as_of_date")
    )
    blocks += [model_note] if model_note else []
    for segmentation in SEGMENTATIONS:
        blocks += segmentation_blocks(history, migrations, segmentation)
    return tuple(blocks)


def stored_model_note(models: pd.DataFrame | None, checks: pd.DataFrame | None) -> Note | None:
    """The stored k-means model in words: versions, the latest fit and the last check."""
    if models is None or models.empty:
        return None
    latest = models[models["model_version"] == models["model_version"].max()]
    first = latest.iloc[0]
    fitted = fmt_number(pd.Timestamp(first["fitted_as_of"]).date())
    text = (
        f"K-means ids come from the stored model, version {int(first['model_version'])} "
        f"({first['created_reason']}, fitted at {fitted}, k = {int(first['k'])})."
    )
    if checks is not None and not checks.empty:
        last = checks.iloc[-1]
        change = last["inertia_change"]
        figures = (
            f" (inertia per customer {float(change):+.0%} since the fit, largest mean shift "
            f"{float(last['max_feature_mean_shift']):.2f} standard deviations)"
            if pd.notna(change)
            else ""
        )
        date = fmt_number(pd.Timestamp(last["as_of_date"]).date())
        text += f' The last check, at {date}{figures}, decided "{last["decision"]}".'
    return Note(text)
