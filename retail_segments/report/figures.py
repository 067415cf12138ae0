"""matplotlib figures as embedded SVG, and the charts every segmentation shares.

Each chart function takes data frames and returns a `Figure` block (or None when
there is nothing to draw); none of them reads the warehouse.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import Patch

from retail_segments.report.blocks import Figure
from retail_segments.report.style import (
    ACCENT,
    FEATURE_UNITS,
    MAX_POINTS,
    SAMPLE_SEED,
    SEGMENT_COLOURS,
    in_money_units,
    plt,
    segment_colour,
    segment_label,
)


def svg_figure(fig: MplFigure, caption: str, alt: str | None = None) -> Figure:
    """Render `fig` as SVG (no date in it, so the same data gives the same bytes)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return Figure(encoded, caption, alt or caption)


def scatter_by_segment(
    ax: Axes,
    points: pd.DataFrame,
    segments: pd.DataFrame,
    x: str,
    y: str,
    *,
    size: float,
    alpha: float,
    legend: bool = True,
) -> None:
    """One scatter layer per segment, in the segment's colour (the same in every chart)."""
    for r in segments.itertuples():
        members = points[points["segment_id"] == r.segment_id]
        ax.scatter(
            members[x],
            members[y],
            s=size,
            alpha=alpha,
            linewidths=0,
            color=segment_colour(r.segment_id),
            rasterized=True,
            label=segment_label(r.segment_id, r.segment_name) if legend else None,
        )


def segment_patches(segments: pd.DataFrame) -> list[Patch]:
    return [
        Patch(color=segment_colour(r.segment_id), label=segment_label(r.segment_id, r.segment_name))
        for r in segments.itertuples()
    ]


def segment_legend(ax: Axes, segments: pd.DataFrame, **kwargs: object) -> None:
    ax.legend(handles=segment_patches(segments), title="segment", **kwargs)  # type: ignore[arg-type]


def sample_rows(frame: pd.DataFrame, limit: int = MAX_POINTS) -> pd.DataFrame:
    if len(frame) <= limit:
        return frame
    return frame.sample(n=limit, random_state=SAMPLE_SEED).sort_index()


def segments_of(members: pd.DataFrame) -> pd.DataFrame:
    """segment_id, segment_name pairs of a member table, in id order."""
    return (
        members[["segment_id", "segment_name"]]
        .drop_duplicates("segment_id")
        .sort_values("segment_id")
        .reset_index(drop=True)
    )


def positive(values: pd.Series, floor: float) -> pd.Series:
    """Values for a log axis: non-positive ones shown at `floor`."""
    return values.astype(float).where(values.astype(float) > 0, floor)


def feature_unit(feature: str) -> str:
    return in_money_units(FEATURE_UNITS.get(feature, "units of the input"))


# --------------------------------------------------------------------------- choosing k


def chosen_rule_text(sweep: pd.DataFrame) -> str:
    chosen = sweep[sweep["is_chosen"].astype(bool)]
    if chosen.empty or "selection_rule" not in chosen.columns:
        return ""
    return "Rule: " + str(chosen["selection_rule"].iloc[0])


def mark_chosen_k(ax: Axes, sweep: pd.DataFrame) -> None:
    chosen = sweep[sweep["is_chosen"].astype(bool)]
    if chosen.empty:
        return
    k = int(chosen["k"].iloc[0])
    ax.axvline(k, color=SEGMENT_COLOURS[3], linewidth=1.4, alpha=0.8)
    ax.annotate(
        f"chosen k = {k}",
        xy=(k, float(chosen["inertia"].iloc[0])),
        xytext=(8, 12),
        textcoords="offset points",
        color=SEGMENT_COLOURS[3],
        fontweight="bold",
    )


def sweep_figure(sweep: pd.DataFrame, label: str) -> Figure:
    """Inertia and silhouette per k, with the chosen k marked."""
    sweep = sweep.sort_values("k")
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    ks = sweep["k"].astype(int)
    ax.plot(ks, sweep["inertia"], marker="o", color=SEGMENT_COLOURS[0], label="inertia")
    ax.set_xlabel("number of segments k")
    ax.set_ylabel("inertia (within-cluster sum of squares,\nstandardised units²)")
    ax.set_xticks(list(ks))
    ax2 = ax.twinx()
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    if "silhouette" in sweep.columns and sweep["silhouette"].notna().any():
        ax2.plot(
            ks, sweep["silhouette"], marker="s", color=ACCENT, linestyle="--", label="silhouette"
        )
    ax2.set_ylabel("mean silhouette (−1 to 1)", color=ACCENT)
    ax2.tick_params(axis="y", colors=ACCENT)
    mark_chosen_k(ax, sweep)
    lines = ax.get_lines()[:1] + ax2.get_lines()[:1]
    ax.legend(
        lines,
        [line.get_label() for line in lines],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.17),
        ncol=2,
    )
    ax.set_title(f"{label}: elbow and silhouette")
    return svg_figure(fig, f"{label}: choosing k. {chosen_rule_text(sweep)}")


# --------------------------------------------------------------------------- profiles


def share_columns(profile: pd.DataFrame, size_column: str) -> list[tuple[str, str]]:
    """(column, title) of the size share and the revenue share a profile has."""
    size_shares = [c for c in profile.columns if c.endswith("_share") and c != "revenue_share"]
    shares = [(c, f"share of {size_column}") for c in size_shares[:1]]
    if "revenue_share" in profile.columns:
        shares.append(("revenue_share", "share of revenue"))
    return shares


def profile_bars(
    profile: pd.DataFrame, label: str, size_column: str = "customers"
) -> Figure | None:
    """Each segment's share of the members and of the revenue, as bars."""
    profile = profile.sort_values("segment_id")
    shares = share_columns(profile, size_column)
    if not shares:
        return None
    names = [segment_label(r.segment_id, r.segment_name) for r in profile.itertuples()]
    colours = [segment_colour(s) for s in profile["segment_id"]]
    fig, axes = plt.subplots(
        1, len(shares), figsize=(9.6, 0.5 * len(profile) + 1.5), sharey=True, squeeze=False
    )
    y = np.arange(len(profile))
    for ax, (column, title) in zip(axes[0], shares, strict=True):
        values = profile[column].astype(float).to_numpy() * 100
        ax.barh(y, values, color=colours)
        for yi, v in zip(y, values, strict=True):
            ax.text(v, yi, f" {v:.1f}%", va="center", fontsize=8.5)
        ax.set_xlim(0, max(values.max() * 1.25, 1))
        ax.set_xlabel(f"{title} (%)")
        ax.set_title(title.capitalize())
        ax.grid(axis="y", visible=False)
    axes[0][0].set_yticks(y, names)
    axes[0][0].invert_yaxis()
    fig.tight_layout()
    return svg_figure(
        fig, f"{label}: each segment's share of the {size_column} and of the revenue."
    )


def bar_value_text(value: float) -> str:
    return "" if math.isnan(value) else f" {value:,.1f}" if abs(value) < 1000 else f" {value:,.0f}"


def label_bars(ax: Axes, y: np.ndarray, values: np.ndarray) -> None:
    """The exact mean at the end of each horizontal bar, with room for it."""
    for yi, v in zip(y, values, strict=True):
        ax.text(0.0 if math.isnan(v) else v, yi, bar_value_text(v), va="center", fontsize=7.5)
    finite = values[~np.isnan(values)]
    if finite.size and finite.max() > 0:
        ax.set_xlim(min(0.0, float(finite.min()) * 1.3), float(finite.max()) * 1.35)


def feature_means_figure(
    profile: pd.DataFrame, label: str, features: Sequence[str]
) -> Figure | None:
    """One bar panel per feature: its mean (`avg_<feature>`) in each segment."""
    present = [f for f in features if f"avg_{f}" in profile.columns]
    if not present:
        return None
    profile = profile.sort_values("segment_id")
    cols = min(3, len(present))
    rows = math.ceil(len(present) / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(10, (0.32 * len(profile) + 1.3) * rows), squeeze=False, sharey=True
    )
    y = np.arange(len(profile))
    colours = [segment_colour(s) for s in profile["segment_id"]]
    for ax, f in zip(axes.flat, present, strict=False):
        values = profile[f"avg_{f}"].astype(float).to_numpy()
        ax.barh(y, np.nan_to_num(values), color=colours)
        label_bars(ax, y, values)
        ax.set_title(f.replace("_", " "), fontsize=10)
        ax.set_xlabel(f"mean ({feature_unit(f)})")
        ax.grid(axis="y", visible=False)
        ax.set_yticks(y, [str(s) for s in profile["segment_id"]])
    for ax in list(axes.flat)[len(present) :]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel("segment")
    axes[0][0].invert_yaxis()
    fig.suptitle(f"{label}: feature means per segment", x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    return svg_figure(fig, f"{label}: the mean of each feature per segment (segment ids as above).")
