"""The customer charts: the PCA map, the feature pair plot and the RFM charts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from retail_segments.report.blocks import Figure
from retail_segments.report.figures import (
    positive,
    sample_rows,
    scatter_by_segment,
    segment_patches,
    svg_figure,
)
from retail_segments.report.models import SegmentModel
from retail_segments.report.projection import centroid_z, pca_2d, standardise
from retail_segments.report.style import (
    FEATURE_UNITS,
    INK,
    MAX_POINTS,
    MUTED,
    in_money_units,
    plt,
    rfm_colour,
    segment_colour,
    text_colour,
)

RFM_FEATURES = ("recency_days", "frequency", "monetary")
PAIR_LABELS = {
    "recency_days": "recency (days)",
    "frequency": "frequency (invoices)",
    "monetary": "monetary (sales value)",
}
LOG_FLOOR = 0.5  # where values of zero or below are drawn on a log axis

# --------------------------------------------------------------------------- PCA map


def mark_centroids(ax: Axes, profile: pd.DataFrame, points: np.ndarray) -> None:
    """A cross with the segment id at each centroid."""
    for segment_id, (x, y) in zip(profile["segment_id"], points, strict=True):
        ax.scatter(
            x,
            y,
            marker="X",
            s=190,
            color=segment_colour(segment_id),
            edgecolors=INK,
            linewidths=1.1,
            zorder=5,
        )
        ax.annotate(
            str(segment_id),
            (x, y),
            xytext=(8, 6),
            textcoords="offset points",
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            zorder=6,
        )


def mark_outliers(ax: Axes, shown: pd.DataFrame) -> None:
    if "is_outlier" not in shown.columns:
        return
    outliers = shown[shown["is_outlier"].fillna(False).astype(bool)]
    if outliers.empty:
        return
    ax.scatter(
        outliers["pc1"],
        outliers["pc2"],
        s=22,
        facecolors="none",
        edgecolors=INK,
        linewidths=0.6,
        label="outlier (fitted after)",
        rasterized=True,
    )


def customer_map_figure(
    customers: pd.DataFrame,
    segments: pd.DataFrame,
    model: SegmentModel,
    profile: pd.DataFrame | None,
) -> Figure:
    """Customers on the first two principal components of the clustered features."""
    features, logs = model.features, model.log_features
    matrix = standardise(customers, features, logs)
    means = matrix.mean(axis=0)
    scores, components, variance = pca_2d(matrix)
    shown = sample_rows(customers.assign(pc1=scores[:, 0], pc2=scores[:, 1]))
    fig, ax = plt.subplots(figsize=(8.4, 5.6))
    scatter_by_segment(ax, shown, segments, "pc1", "pc2", size=9, alpha=0.55)
    mark_outliers(ax, shown)
    if profile is not None and not profile.empty:
        z = centroid_z(profile, customers, features, logs)
        if z is not None:
            mark_centroids(ax, profile, (z - means) @ components.T)
    loadings = ", ".join(
        f"{'+' if w >= 0 else '−'}{abs(w):.2f} {f}"
        for f, w in zip(features, components[0], strict=True)
    )
    ax.set_xlabel(f"principal component 1 ({variance[0]:.0%} of variance, standardised units)")
    ax.set_ylabel(f"principal component 2 ({variance[1]:.0%} of variance, standardised units)")
    ax.set_title("Customer segments on the first two principal components")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), markerscale=2)
    scaled = ", ".join(f"log1p({f})" if f in logs else f for f in features)
    sampled = f" (a fixed-seed sample of {MAX_POINTS:,})" if len(customers) > MAX_POINTS else ""
    caption = (
        f"PCA of the standardised clustered features ({scaled}); one dot per customer"
        f"{sampled}, crosses mark the segment centroids. Component 1 = {loadings}."
    )
    return svg_figure(fig, caption)


# --------------------------------------------------------------------------- pair plot


def pair_label(feature: str) -> str:
    if feature in PAIR_LABELS:
        return PAIR_LABELS[feature]
    unit = in_money_units(FEATURE_UNITS.get(feature, "input units"))
    return f"{feature.replace('_', ' ')} ({unit})"


def axis_values(values: pd.Series, logged: bool) -> pd.Series:
    return positive(values, LOG_FLOOR) if logged else values.astype(float)


def diagonal_histogram(
    ax: Axes, x: pd.Series, shown: pd.DataFrame, segments: pd.DataFrame, logged: bool
) -> None:
    if logged:
        bins = np.geomspace(max(x.min(), LOG_FLOOR), max(x.max(), 1.0) * 1.01, 30)
    else:
        bins = np.linspace(x.min(), x.max() if x.max() > x.min() else x.min() + 1, 30)
    for r in segments.itertuples():
        ax.hist(
            x[shown["segment_id"] == r.segment_id],
            bins=bins,
            histtype="stepfilled",
            alpha=0.35,
            color=segment_colour(r.segment_id),
            edgecolor=segment_colour(r.segment_id),
        )


def pair_texts(features: Sequence[str], logs: Sequence[str]) -> tuple[str, str]:
    """Title and caption of the pair plot."""
    any_log = bool(logs)
    floor = f" Values of zero or below are drawn at {LOG_FLOOR}." if any_log else ""
    if tuple(features) == RFM_FEATURES and tuple(sorted(logs)) == tuple(sorted(RFM_FEATURES)):
        return (
            "Recency, frequency and monetary value by segment (log axes)",
            "Pairwise scatter plots of recency, frequency and monetary value, one dot per "
            "customer, coloured by k-means segment; the diagonal shows each segment's "
            "distribution." + floor,
        )
    names = ", ".join(f.replace("_", " ") for f in features)
    scale = " (log axes)" if set(logs) >= set(features) else " (log axes for log features)"
    return (
        f"Clustered features by segment{scale if any_log else ''}",
        f"Pairwise scatter plots of the clustered features ({names}), one dot per customer, "
        "coloured by k-means segment; the diagonal shows each segment's distribution." + floor,
    )


def pairplot_figure(customers: pd.DataFrame, segments: pd.DataFrame, model: SegmentModel) -> Figure:
    """Every pair of clustered features, one dot per customer, log axes for log features."""
    features, logs = list(model.features), set(model.log_features)
    shown = sample_rows(customers)
    n = len(features)
    scale = max(1.0, n / 3)
    fig, axes = plt.subplots(n, n, figsize=(9.2 * scale, 8.6 * scale), squeeze=False)
    for i, fy in enumerate(features):
        for j, fx in enumerate(features):
            ax = axes[i, j]
            if fx in logs:
                ax.set_xscale("log")
            x = axis_values(shown[fx], fx in logs)
            if i == j:
                diagonal_histogram(ax, x, shown, segments, fx in logs)
                ax.set_ylabel("customers" if j == 0 else "")
            else:
                if fy in logs:
                    ax.set_yscale("log")
                y = axis_values(shown[fy], fy in logs)
                points = shown.assign(_x=x, _y=y)
                scatter_by_segment(
                    ax, points, segments, "_x", "_y", size=5, alpha=0.5, legend=False
                )
                if j == 0:
                    ax.set_ylabel(pair_label(fy))
            if i == n - 1:
                ax.set_xlabel(pair_label(fx))
    title, caption = pair_texts(features, sorted(logs))
    fig.suptitle(title, x=0.01, ha="left", fontweight="bold", fontsize=11)
    fig.legend(
        handles=segment_patches(segments),
        title="segment",
        loc="lower center",
        ncol=min(3, max(1, len(segments))),
    )
    fig.subplots_adjust(left=0.09, right=0.98, top=0.93, bottom=0.16, wspace=0.28, hspace=0.28)
    return svg_figure(fig, caption)


# --------------------------------------------------------------------------- RFM


def rfm_bars_figure(rfm: pd.DataFrame, colours: dict[str, str]) -> Figure:
    """Customers per named RFM segment, smallest at the bottom."""
    rfm = rfm.sort_values(["customers", "rfm_segment"], ascending=[True, True])
    fig, ax = plt.subplots(figsize=(8.4, 0.38 * len(rfm) + 1.4))
    bars = ax.barh(
        rfm["rfm_segment"], rfm["customers"], color=[colours[n] for n in rfm["rfm_segment"]]
    )
    for bar, share, rev in zip(bars, rfm["customer_share"], rfm["revenue_share"], strict=True):
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f"  {share:.1%} of customers, {rev:.1%} of revenue",
            va="center",
            fontsize=8.5,
            color=MUTED,
        )
    ax.set_xlim(0, max(rfm["customers"].max(), 1) * 1.6)
    ax.set_xlabel("customers")
    ax.set_ylabel("named RFM segment")
    ax.grid(axis="y", visible=False)
    ax.set_title("Customers per named RFM segment")
    return svg_figure(fig, "Customers per named RFM segment (seed rfm_segment_map).")


def rfm_cell(ax: Axes, frequency: int, recency: int, fill: str, count: int, name: str) -> None:
    ax.add_patch(
        plt.Rectangle(
            (frequency - 0.5, recency - 0.5), 1, 1, facecolor=fill, edgecolor="white", linewidth=2
        )
    )
    ink = text_colour(fill)
    ax.text(
        frequency,
        recency + 0.12,
        f"{count:,}",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        color=ink,
    )
    ax.text(frequency, recency - 0.18, name, ha="center", va="center", fontsize=7, color=ink)


def rfm_map_figure(cells: pd.DataFrame, colours: dict[str, str]) -> Figure:
    """The recency x frequency grid of the seed, customers per cell."""
    fig, ax = plt.subplots(figsize=(8.4, 6.4))
    ax.grid(False)
    for r in cells.itertuples():
        fill = colours.get(r.rfm_segment, rfm_colour(r.rfm_segment, 0))
        rfm_cell(
            ax,
            int(r.frequency_score),
            int(r.recency_score),
            fill,
            int(r.customers),
            str(r.rfm_segment),
        )
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xlabel("frequency score (1 = fewest invoices, 5 = most)")
    ax.set_ylabel("recency score (1 = longest ago, 5 = most recent)")
    ax.set_title("RFM segment map: customers per recency × frequency cell")
    ax.set_aspect("equal")
    return svg_figure(
        fig,
        "Each cell is a recency score × frequency score pair (quintiles, 5 = best), "
        "coloured by its named RFM segment, with the number of customers in it.",
    )
