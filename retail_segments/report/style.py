"""Colours, units and the matplotlib settings every chart of the report shares."""

from __future__ import annotations

from contextvars import ContextVar

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

# Colour of segment i (1 = most valuable) in every chart and table of the report.
SEGMENT_COLOURS = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
    "#1f77b4",
    "#8c564b",
)
INK = "#1f2933"
MUTED = "#6b7785"
ACCENT = "#f28e2b"
UNKNOWN_COLOUR = "#7b8794"
MAX_POINTS = 6000  # scatter plots sample this many rows (fixed seed) above it
SAMPLE_SEED = 42
# what amounts are in on the axes: the report's currency code while write_report runs
MONEY_UNITS: ContextVar[str] = ContextVar("money_units", default="currency units")


def in_money_units(label: str) -> str:
    """An axis label with `currency units` written as the report's currency (`GBP`)."""
    return label.replace("currency units", MONEY_UNITS.get())


FEATURE_UNITS = {
    "recency_days": "days since last purchase",
    "frequency": "invoices",
    "monetary": "sales value, currency units",
    "returned_value": "currency units",
    "tenure_days": "days",
    "units": "units",
    "distinct_products": "products",
    "avg_order_value": "currency units per invoice",
    "avg_days_between_purchases": "days",
    "cancellation_rate": "share of invoices",
    "monthly_spend_mean": "currency units per month",
    "monthly_spend_std": "currency units per month",
    "monthly_spend_trend": "currency units per month",
}
RFM_COLOURS = {
    "Champions": "#1b7837",
    "Loyal Customers": "#5aae61",
    "Potential Loyalists": "#a6dba0",
    "New Customers": "#80cdc1",
    "Promising": "#c2e699",
    "Need Attention": "#fee08b",
    "About to Sleep": "#fdb863",
    "At Risk": "#f46d43",
    "Can't Lose Them": "#d73027",
    "Hibernating": "#b2abd2",
    "Lost": "#8073ac",
}

plt.rcParams.update(
    {
        "svg.hashsalt": "retail-segments-report",
        "svg.fonttype": "path",  # text as paths: no font needed to view the file
        "font.family": "DejaVu Sans",
        "font.size": 9.5,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.labelsize": 9.5,
        "axes.edgecolor": "#9aa5b1",
        "axes.labelcolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.color": "#e4e7eb",
        "grid.linewidth": 0.8,
        "xtick.color": "#52606d",
        "ytick.color": "#52606d",
        "text.color": INK,
        "legend.frameon": False,
        "legend.fontsize": 8.5,
        "figure.dpi": 100,
        "savefig.dpi": 110,
        "image.composite_image": True,
        "axes.axisbelow": True,
    }
)


def segment_colour(segment_id: object) -> str:
    """The colour of a segment id (1-based); grey when the id is not a number."""
    try:
        index = int(segment_id) - 1  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return UNKNOWN_COLOUR
    return SEGMENT_COLOURS[index % len(SEGMENT_COLOURS)]


def segment_label(segment_id: object, name: object) -> str:
    return f"{segment_id} · {name}"


def rfm_colour(name: str, index: int) -> str:
    return RFM_COLOURS.get(name, SEGMENT_COLOURS[index % len(SEGMENT_COLOURS)])


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    red, green, blue = matplotlib.colors.to_rgb(fill)
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 else "white"
