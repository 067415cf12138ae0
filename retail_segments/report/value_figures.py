"""The customer-value charts: the distribution of predicted CLV, the value of each
k-means segment and the backtest's predicted vs actual purchases by decile.

Each `draw_*` function returns the matplotlib figure (so tests can read the bars
and bins it drew); the `*_figure` functions render it as a captioned `Figure`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter

from retail_segments.report.blocks import Figure
from retail_segments.report.figures import svg_figure
from retail_segments.report.style import (
    ACCENT,
    SEGMENT_COLOURS,
    in_money_units,
    plt,
    segment_colour,
    segment_label,
)
from retail_segments.report.tables import money

HISTOGRAM_BINS = 40
# a distribution whose largest value is this many times its median is drawn on a log axis
SKEW_RATIO = 20.0


def predicted_values(predictions: pd.DataFrame) -> pd.Series:
    """The customers' predicted CLV, customers without one left out."""
    return predictions["clv"].dropna().astype(float)


def is_skewed(values: pd.Series) -> bool:
    """Positive values whose maximum is at least `SKEW_RATIO` times their median."""
    positives = values[values > 0]
    if positives.empty:
        return False
    return float(positives.max()) >= SKEW_RATIO * float(positives.median())


def histogram_bins(values: pd.Series, logged: bool) -> np.ndarray:
    low, high = float(values.min()), float(values.max())
    if logged:
        return np.geomspace(low, high * 1.0001, HISTOGRAM_BINS + 1)
    return np.linspace(low, high if high > low else low + 1.0, HISTOGRAM_BINS + 1)


def draw_clv_histogram(values: pd.Series, horizon_days: int) -> MplFigure:
    """Customers per bin of predicted CLV; log-spaced bins on a log axis when skewed."""
    logged = is_skewed(values)
    shown = values[values > 0] if logged else values
    fig, ax = plt.subplots(figsize=(8.4, 3.8))
    ax.hist(shown, bins=histogram_bins(shown, logged), color=SEGMENT_COLOURS[0], edgecolor="white")
    if logged:
        ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    scale = ", log scale" if logged else ""
    ax.set_xlabel(in_money_units(f"predicted CLV over {horizon_days} days (currency units{scale})"))
    ax.set_ylabel("customers")
    ax.axvline(float(values.median()), color=ACCENT, linewidth=1.4)
    ax.annotate(
        f" median {values.median():,.0f}",
        xy=(float(values.median()), 1),
        xycoords=("data", "axes fraction"),
        va="top",
        color=ACCENT,
    )
    ax.set_title("Distribution of predicted customer value")
    return fig


def clv_histogram_figure(predictions: pd.DataFrame, horizon_days: int) -> Figure:
    values = predicted_values(predictions)
    logged = is_skewed(values)
    left_out = int((values <= 0).sum()) if logged else 0
    note = f" {left_out:,} customers with a CLV of 0 are not on the log axis." if left_out else ""
    scale = " on a log scale (the values are skewed)" if logged else ""
    return svg_figure(
        draw_clv_histogram(values, horizon_days),
        f"Predicted CLV of the {len(values):,} customers with one{scale}: BG/NBD expected "
        f"purchases times the Gamma-Gamma order value over {horizon_days} days, "
        f"discounted; the line marks the median.{note}",
    )


# --------------------------------------------------------------------------- segments


def segment_value_text(total: float, mean: float, share: float) -> str:
    return f" {money(total)} total ({share:.0%}), mean {mean:,.0f} per customer"


def draw_segment_values(profile: pd.DataFrame, horizon_days: int) -> MplFigure:
    """One bar per k-means segment: its total predicted CLV, labelled with the mean."""
    profile = profile.sort_values("segment_id")
    totals = profile["total_clv"].astype(float).fillna(0).to_numpy()
    shares = totals / totals.sum() if totals.sum() > 0 else np.zeros_like(totals)
    fig, ax = plt.subplots(figsize=(9.6, 0.5 * len(profile) + 1.6))
    y = np.arange(len(profile))
    ax.barh(y, totals, color=[segment_colour(s) for s in profile["segment_id"]])
    for yi, total, mean, share in zip(y, totals, profile["mean_clv"], shares, strict=True):
        ax.text(total, yi, segment_value_text(total, mean, share), va="center", fontsize=8.5)
    ax.set_xlim(0, max(totals.max() * 1.7, 1))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: money(v)))
    ax.set_yticks(y, [segment_label(r.segment_id, r.segment_name) for r in profile.itertuples()])
    ax.invert_yaxis()
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(in_money_units(f"total predicted CLV over {horizon_days} days (currency units)"))
    ax.set_ylabel("k-means segment")
    ax.set_title("Predicted customer value by segment")
    return fig


def segment_values_figure(profile: pd.DataFrame, horizon_days: int) -> Figure:
    return svg_figure(
        draw_segment_values(profile, horizon_days),
        "Total predicted CLV of each k-means segment's customers (bar), its share of all "
        "predicted value and the mean per customer (dim_customer_segments).",
    )


# --------------------------------------------------------------------------- backtest


def decile_rows(backtest: pd.DataFrame) -> pd.DataFrame:
    """The `prediction_decile` rows of the backtest, decile 1 (lowest forecasts) first."""
    rows = backtest[backtest["breakdown"] == "prediction_decile"]
    return rows.sort_values("group_number").reset_index(drop=True)


def draw_backtest_deciles(deciles: pd.DataFrame) -> MplFigure:
    """Predicted and actual holdout purchases of each decile, side by side."""
    x = deciles["group_number"].astype(int).to_numpy()
    width = 0.4
    fig, ax = plt.subplots(figsize=(8.4, 4.2))
    predicted = deciles["predicted_purchases"].astype(float).to_numpy()
    actual = deciles["actual_purchases"].astype(float).to_numpy()
    ax.bar(x - width / 2, predicted, width, color=SEGMENT_COLOURS[0], label="predicted")
    ax.bar(x + width / 2, actual, width, color=ACCENT, label="actual")
    ax.set_xticks(x)
    ax.set_xlabel("decile of the predicted holdout purchases (1 = lowest forecasts)")
    ax.set_ylabel("purchase days in the holdout\n(sum over the decile's customers)")
    ax.grid(axis="x", visible=False)
    ax.legend(loc="upper left")
    ax.set_title("Backtest: predicted vs actual, by decile")
    return fig


def backtest_deciles_figure(deciles: pd.DataFrame, holdout: str) -> Figure:
    return svg_figure(
        draw_backtest_deciles(deciles),
        "Predicted vs actual, by decile: the models refitted on the purchases before the "
        f"holdout ({holdout}) forecast each customer's purchase days in it; customers in "
        "ten groups of their forecast, the forecast summed next to what they did.",
    )
