"""The segmentation report: one self-contained HTML file from the built warehouse.

    python -m retail_segments.report --database segments.duckdb \
        --out reports/segmentation_report.html

The warehouse is opened read-only. Every chart is drawn with matplotlib (Agg
backend) and embedded as an SVG data URI in a ``<figure>`` with a caption, so the
file opens offline: no scripts, fonts or style sheets are fetched. The same
warehouse gives the same bytes (fixed SVG hash salt, no dates in the metadata,
fixed-seed sampling). Segmentations whose tables were not built (countries,
products, demographics) get a short note instead of their charts.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import math
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_OUT = Path("reports") / "segmentation_report.html"

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
MAX_POINTS = 6000  # scatter plots sample this many rows (fixed seed) above it
SAMPLE_SEED = 42
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
# The segmentations the project builds: label, table prefix, the member table.
SEGMENTATIONS = (
    ("Customers", "customer", "fct_customer_segments"),
    ("Countries", "country", "fct_country_segments"),
    ("Products", "product", "fct_product_segments"),
    ("Demographics", "demographic", "fct_customer_demographic_segments"),
)

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


# --------------------------------------------------------------------------- warehouse


class Warehouse:
    """Read-only access to the built DuckDB file."""

    def __init__(self, database: Path) -> None:
        if not Path(database).exists():
            raise FileNotFoundError(f"No warehouse at {database}: run `python3 run.py build` first")
        self.path = Path(database)
        self.con = duckdb.connect(str(database), read_only=True)
        rows = self.con.sql(
            "select table_name from information_schema.tables where table_schema = current_schema()"
        ).fetchall()
        self.tables = {name for (name,) in rows}

    def close(self) -> None:
        self.con.close()

    def has(self, *tables: str) -> bool:
        return all(table in self.tables for table in tables)

    def df(self, sql: str) -> pd.DataFrame:
        return self.con.sql(sql).df()

    def table(self, name: str, order_by: str | None = None) -> pd.DataFrame | None:
        if name not in self.tables:
            return None
        frame = self.df(f'select * from "{name}"')
        if order_by and order_by in frame.columns:
            frame = frame.sort_values(order_by, kind="stable").reset_index(drop=True)
        return frame

    def scalar(self, sql: str) -> object:
        row = self.con.sql(sql).fetchone()
        return None if row is None else row[0]


# --------------------------------------------------------------------------- rendering


def segment_colour(segment_id: object) -> str:
    try:
        index = int(segment_id) - 1  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "#7b8794"
    return SEGMENT_COLOURS[index % len(SEGMENT_COLOURS)]


def figure_html(fig: Figure, caption: str, alt: str | None = None) -> str:
    """Render a figure as an SVG data URI inside <figure> with a caption."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    title = alt or caption
    return (
        '<figure class="chart">'
        f'<img src="data:image/svg+xml;base64,{encoded}" alt="{html.escape(title)}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def esc(value: object) -> str:
    return html.escape(str(value))


def fmt_number(value: object, column: str = "") -> str:
    """Readable cell text for a value of `column`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        value = float(value)
        if column.endswith("share") or column.endswith("_rate") or column == "penetration":
            return f"{value:.1%}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:,.1f}"
        return f"{value:,.2f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


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


def table_html(
    frame: pd.DataFrame,
    columns: Sequence[str],
    headers: dict[str, str] | None = None,
    swatch_column: str | None = "segment_id",
    caption: str | None = None,
) -> str:
    """An HTML table of `columns` (those present) with a colour swatch per segment."""
    headers = headers or {}
    present = [c for c in columns if c in frame.columns]
    head = "".join(f"<th>{esc(headers.get(c, column_header(c)))}</th>" for c in present)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for c in present:
            text = esc(fmt_number(row[c], c))
            numeric = isinstance(row[c], int | float | np.integer | np.floating) and not isinstance(
                row[c], bool | np.bool_
            )
            if c == swatch_column:
                text = (
                    f'<span class="swatch" style="background:{segment_colour(row[c])}"></span>'
                    + text
                )
            kind = "num" if numeric else ("wide" if c in WIDE_COLUMNS else "text")
            cells.append(f'<td class="{kind}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{caption}</caption>" if caption else ""
    return (
        f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


WIDE_COLUMNS = {
    "goal",
    "recommended_action",
    "segment_goal",
    "segment_action",
    "country_list",
    "top_products",
}


def note_html(text: str) -> str:
    return f'<p class="note">{text}</p>'


def segment_label(segment_id: object, name: object) -> str:
    return f"{segment_id} · {name}"


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


def segment_legend(ax: plt.Axes, segments: pd.DataFrame, **kwargs: object) -> None:
    handles = [
        Patch(color=segment_colour(r.segment_id), label=segment_label(r.segment_id, r.segment_name))
        for r in segments.itertuples()
    ]
    ax.legend(handles=handles, title="segment", **kwargs)


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


# --------------------------------------------------------------------------- sections


@dataclass
class Section:
    anchor: str
    title: str
    body: str


@dataclass
class Context:
    wh: Warehouse
    segments: dict[str, pd.DataFrame]  # prefix -> segment_id, segment_name


def section_summary(ctx: Context) -> str:
    wh = ctx.wh
    cards: list[tuple[str, str, str]] = []
    customers = wh.scalar("select count(*) from dim_customers") if wh.has("dim_customers") else None
    revenue = (
        wh.scalar("select sum(monetary) from dim_customers") if wh.has("dim_customers") else None
    )
    if customers is not None:
        cards.append(("Customers", f"{int(customers):,}", "with at least one sale"))
    if revenue is not None:
        cards.append(("Revenue", money(float(revenue or 0)), "sales value of those customers"))
    if wh.has("int_as_of_date"):
        as_of = wh.df("select * from int_as_of_date").iloc[0]
        cards.append(
            ("As of", fmt_number(as_of["as_of_date"]), str(as_of.get("as_of_date_source")))
        )
    if wh.has("fct_sales_lines"):
        span = wh.df(
            "select min(invoice_date) as first, max(invoice_date) as last, "
            "count(distinct invoice_no) as invoices from fct_sales_lines"
        ).iloc[0]
        if pd.notna(span["first"]):
            cards.append(
                (
                    "Invoices",
                    f"{int(span['invoices']):,}",
                    f"{fmt_number(pd.Timestamp(span['first']))} to "
                    f"{fmt_number(pd.Timestamp(span['last']))}",
                )
            )
    card_html = "".join(
        f'<div class="card"><div class="card-label">{esc(label)}</div>'
        f'<div class="card-value">{esc(value)}</div><div class="card-note">{esc(note)}</div></div>'
        for label, value, note in cards
    )
    rows = []
    for label, prefix, members in SEGMENTATIONS:
        sweep_name = f"fct_{prefix}_segment_sweep"
        if not wh.has(sweep_name):
            rows.append(
                f"<tr><td>{label}</td><td class='num'>–</td><td class='num'>–</td>"
                f"<td class='text muted'>not built ({esc(sweep_name)} is not in the warehouse)"
                "</td></tr>"
            )
            continue
        sweep = wh.table(sweep_name, order_by="k")
        chosen = sweep[sweep["is_chosen"].astype(bool)] if sweep is not None else None
        if chosen is None or chosen.empty:
            rows.append(f"<tr><td>{label}</td><td>–</td><td>–</td><td>no chosen k</td></tr>")
            continue
        c = chosen.iloc[0]
        size = wh.scalar(f'select count(*) from "{members}"') if wh.has(members) else None
        rows.append(
            f"<tr><td>{label}</td><td class='num'>{int(c['k'])}</td>"
            f"<td class='num'>{fmt_number(size)}</td>"
            f"<td class='text'>{esc(c.get('selection_rule', ''))}</td></tr>"
        )
    table = (
        '<div class="table-wrap"><table><thead><tr><th>segmentation</th><th>k</th>'
        "<th>members</th><th>how k was chosen</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return f'<div class="cards">{card_html}</div>{table}'


def sweep_figure(sweep: pd.DataFrame, label: str) -> str:
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
    chosen = sweep[sweep["is_chosen"].astype(bool)]
    if not chosen.empty:
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
    lines = ax.get_lines()[:1] + ax2.get_lines()[:1]
    ax.legend(
        lines,
        [line.get_label() for line in lines],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.17),
        ncol=2,
    )
    ax.set_title(f"{label}: elbow and silhouette")
    return figure_html(fig, f"{label}: choosing k. {chosen_rule_text(sweep)}")


def chosen_rule_text(sweep: pd.DataFrame) -> str:
    chosen = sweep[sweep["is_chosen"].astype(bool)]
    if chosen.empty or "selection_rule" not in chosen.columns:
        return ""
    return "Rule: " + esc(chosen["selection_rule"].iloc[0])


def section_sweeps(ctx: Context) -> str:
    parts = [
        note_html(
            "For each k the k-means is fitted on the standardised features; inertia falls as k "
            "grows, the silhouette (right axis) measures how well separated the segments are. "
            "The chosen k is marked."
        )
    ]
    charts, missing = [], []
    for label, prefix, _ in SEGMENTATIONS:
        sweep = ctx.wh.table(f"fct_{prefix}_segment_sweep", order_by="k")
        if sweep is None or sweep.empty:
            missing.append(note_html(f"{label}: not built (no fct_{prefix}_segment_sweep)."))
            continue
        charts.append(sweep_figure(sweep, label))
    return "".join(parts) + f'<div class="grid-2">{"".join(charts)}</div>' + "".join(missing)


def clustered_features(wh: Warehouse, customers: pd.DataFrame) -> list[str]:
    """The features the customer k-means used (from the centroid `_z` columns)."""
    if wh.has("int_customer_kmeans_centroids"):
        columns = wh.df("select * from int_customer_kmeans_centroids limit 0").columns
        found = [m.group(1) for c in columns if (m := re.fullmatch(r"centroid_(.+)_z", c))]
        usable = [f for f in found if f in customers.columns]
        if usable:
            return usable
    return [f for f in ("recency_days", "frequency", "monetary") if f in customers.columns]


def infer_log_features(
    wh: Warehouse, customers: pd.DataFrame, features: Sequence[str]
) -> list[str]:
    """Which features were log1p-scaled: the transform that maps the centroids back.

    The centroid table holds every centroid both standardised (`_z`) and in original
    units (`expm1` undoes the log for log features); the hypothesis that reproduces
    the original units from the `_z` values with this data's mean and deviation wins.
    """
    if not wh.has("int_customer_kmeans_centroids"):
        return [f for f in features if (customers[f].dropna() >= 0).all()]
    centroids = wh.table("int_customer_kmeans_centroids")
    logged = []
    for f in features:
        if f"centroid_{f}" not in centroids.columns:
            continue
        x = customers[f].astype(float).fillna(customers[f].median())
        z = centroids[f"centroid_{f}_z"].astype(float).to_numpy()
        target = centroids[f"centroid_{f}"].astype(float).to_numpy()
        raw = z * x.std(ddof=0) + x.mean()
        error_raw = np.nanmean(np.abs(raw - target))
        if (x >= 0).all():
            lx = np.log1p(x)
            logs = np.expm1(z * lx.std(ddof=0) + lx.mean())
            if np.nanmean(np.abs(logs - target)) < error_raw:
                logged.append(f)
    return logged


def standardise(frame: pd.DataFrame, features: Sequence[str], logs: Sequence[str]) -> np.ndarray:
    columns = []
    for f in features:
        x = frame[f].astype(float)
        x = x.fillna(x.median())
        if f in logs:
            x = np.log1p(x.clip(lower=0))
        std = x.std(ddof=0)
        columns.append(((x - x.mean()) / (std if std > 0 else 1.0)).to_numpy())
    return np.column_stack(columns)


def pca_2d(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores on the first two principal components, the components and variance shares.

    The sign of each component is fixed (largest loading positive) so the picture does
    not flip between builds.
    """
    centred = matrix - matrix.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    for i in range(vt.shape[0]):
        if vt[i, np.argmax(np.abs(vt[i]))] < 0:
            vt[i] = -vt[i]
    components = vt[:2]
    if components.shape[0] < 2:  # one feature: a second flat axis
        components = np.vstack([components, np.zeros_like(components)])
    variance = s**2 / max((s**2).sum(), 1e-12)
    variance = np.pad(variance, (0, max(0, 2 - len(variance))))[:2]
    return centred @ components.T, components, variance


def section_customer_map(ctx: Context) -> str:
    wh = ctx.wh
    if not wh.has("fct_customer_segments", "dim_customers"):
        return note_html("Customer segments were not built.")
    customers = wh.df(
        "select d.*, s.segment_id, s.segment_name, s.is_outlier from dim_customers d "
        "join fct_customer_segments s using (customer_id) order by d.customer_id"
    )
    features = clustered_features(wh, customers)
    if not features:
        return note_html("No clustered feature found in dim_customers.")
    logs = infer_log_features(wh, customers, features)
    matrix = standardise(customers, features, logs)
    means = matrix.mean(axis=0)
    scores, components, variance = pca_2d(matrix)
    segments = ctx.segments["customer"]
    shown = sample_rows(customers.assign(pc1=scores[:, 0], pc2=scores[:, 1]))
    fig, ax = plt.subplots(figsize=(8.4, 5.6))
    scatter_by_segment(ax, shown, segments, "pc1", "pc2", size=9, alpha=0.55)
    outliers = shown[shown["is_outlier"].astype(bool)]
    if not outliers.empty:
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
    if wh.has("int_customer_kmeans_centroids"):
        centroids = wh.table("int_customer_kmeans_centroids", order_by="segment_id")
        z_cols = [f"centroid_{f}_z" for f in features]
        if all(c in centroids.columns for c in z_cols):
            z = centroids[z_cols].astype(float).to_numpy()
            points = (z - means) @ components.T
            for (_, row), (x, y) in zip(centroids.iterrows(), points, strict=True):
                ax.scatter(
                    x,
                    y,
                    marker="X",
                    s=190,
                    color=segment_colour(row["segment_id"]),
                    edgecolors=INK,
                    linewidths=1.1,
                    zorder=5,
                )
                ax.annotate(
                    str(row["segment_id"]),
                    (x, y),
                    xytext=(8, 6),
                    textcoords="offset points",
                    fontweight="bold",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
                    zorder=6,
                )
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
        f"PCA of the standardised clustered features ({esc(scaled)}); one dot per customer"
        f"{sampled}"
        f", crosses mark the segment centroids. Component 1 = {esc(loadings)}."
    )
    return figure_html(fig, caption)


def section_pairplot(ctx: Context) -> str:
    wh = ctx.wh
    if not wh.has("fct_customer_segments"):
        return note_html("Customer segments were not built.")
    frame = wh.df(
        "select customer_id, segment_id, segment_name, recency_days, frequency, monetary "
        "from fct_customer_segments order by customer_id"
    )
    features = ["recency_days", "frequency", "monetary"]
    labels = {
        "recency_days": "recency (days)",
        "frequency": "frequency (invoices)",
        "monetary": "monetary (sales value)",
    }
    shown = sample_rows(frame)
    segments = ctx.segments["customer"]
    n = len(features)
    fig, axes = plt.subplots(n, n, figsize=(9.2, 8.6))
    for i, fy in enumerate(features):
        for j, fx in enumerate(features):
            ax = axes[i, j]
            ax.set_xscale("log")
            x = positive(shown[fx], 0.5)
            if i == j:
                bins = np.geomspace(max(x.min(), 0.5), max(x.max(), 1.0) * 1.01, 30)
                for r in segments.itertuples():
                    values = x[shown["segment_id"] == r.segment_id]
                    ax.hist(
                        values,
                        bins=bins,
                        histtype="stepfilled",
                        alpha=0.35,
                        color=segment_colour(r.segment_id),
                        edgecolor=segment_colour(r.segment_id),
                    )
                ax.set_ylabel("customers" if j == 0 else "")
            else:
                ax.set_yscale("log")
                y = positive(shown[fy], 0.5)
                scatter_by_segment(
                    ax,
                    shown.assign(_x=x, _y=y),
                    segments,
                    "_x",
                    "_y",
                    size=5,
                    alpha=0.5,
                    legend=False,
                )
                if j == 0:
                    ax.set_ylabel(labels[fy])
            if i == n - 1:
                ax.set_xlabel(labels[fx])
    fig.suptitle(
        "Recency, frequency and monetary value by segment (log axes)",
        x=0.01,
        ha="left",
        fontweight="bold",
        fontsize=11,
    )
    fig.legend(
        handles=[
            Patch(
                color=segment_colour(r.segment_id),
                label=segment_label(r.segment_id, r.segment_name),
            )
            for r in segments.itertuples()
        ],
        title="segment",
        loc="lower center",
        ncol=min(3, max(1, len(segments))),
    )
    fig.subplots_adjust(left=0.09, right=0.98, top=0.93, bottom=0.16, wspace=0.28, hspace=0.28)
    caption = (
        "Pairwise scatter plots of recency, frequency and monetary value, one dot per customer, "
        "coloured by k-means segment; the diagonal shows each segment's distribution. "
        "Values of zero or below are drawn at 0.5."
    )
    return figure_html(fig, caption)


def profile_bars(profile: pd.DataFrame, label: str, size_column: str = "customers") -> str:
    profile = profile.sort_values("segment_id")
    names = [segment_label(r.segment_id, r.segment_name) for r in profile.itertuples()]
    colours = [segment_colour(s) for s in profile["segment_id"]]
    size_shares = [c for c in profile.columns if c.endswith("_share") and c != "revenue_share"]
    shares = [(c, f"share of {size_column}") for c in size_shares[:1]]
    if "revenue_share" in profile.columns:
        shares.append(("revenue_share", "share of revenue"))
    if not shares:
        return ""
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
    return figure_html(
        fig,
        f"{label}: each segment's share of the {size_column} and of the revenue.",
    )


def feature_means_figure(profile: pd.DataFrame, label: str, features: Sequence[str]) -> str:
    present = [f for f in features if f"avg_{f}" in profile.columns]
    if not present:
        return ""
    profile = profile.sort_values("segment_id")
    cols = min(3, len(present))
    rows = math.ceil(len(present) / cols)
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(10, (0.32 * len(profile) + 1.3) * rows),
        squeeze=False,
        sharey=True,
    )
    y = np.arange(len(profile))
    colours = [segment_colour(s) for s in profile["segment_id"]]
    for ax, f in zip(axes.flat, present, strict=False):
        values = profile[f"avg_{f}"].astype(float).to_numpy()
        ax.barh(y, np.nan_to_num(values), color=colours)
        ax.set_title(f.replace("_", " "), fontsize=10)
        ax.set_xlabel(f"mean ({FEATURE_UNITS.get(f, 'units of the input')})")
        ax.grid(axis="y", visible=False)
        ax.set_yticks(y, [str(s) for s in profile["segment_id"]])
    for ax in list(axes.flat)[len(present) :]:
        ax.set_visible(False)
    for row in axes:
        row[0].set_ylabel("segment")
    axes[0][0].invert_yaxis()
    fig.suptitle(f"{label}: feature means per segment", x=0.01, ha="left", fontweight="bold")
    fig.tight_layout()
    return figure_html(
        fig, f"{label}: the mean of each feature per segment (segment ids as above)."
    )


def section_profiles(ctx: Context) -> str:
    profile = ctx.wh.table("dim_customer_segments", order_by="segment_id")
    if profile is None:
        return note_html("Customer segment profiles were not built.")
    parts = [
        profile_bars(profile, "Customer segments"),
        feature_means_figure(
            profile,
            "Customer segments",
            [
                "recency_days",
                "frequency",
                "monetary",
                "avg_order_value",
                "tenure_days",
                "distinct_products",
            ],
        ),
        table_html(
            profile,
            [
                "segment_id",
                "segment_name",
                "customers",
                "customer_share",
                "revenue_share",
                "goal",
                "recommended_action",
            ],
            headers={
                "segment_id": "id",
                "segment_name": "segment",
                "customer_share": "customers %",
                "revenue_share": "revenue %",
                "avg_recency_days": "mean recency (days)",
                "avg_frequency": "mean invoices",
                "avg_monetary": "mean sales value",
            },
            caption="Customer segment profiles with the playbook's goal and recommended action.",
        ),
    ]
    return "".join(parts)


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


def text_colour(fill: str) -> str:
    """Black or white, whichever reads better on `fill`."""
    red, green, blue = matplotlib.colors.to_rgb(fill)
    return INK if 0.299 * red + 0.587 * green + 0.114 * blue > 0.55 else "white"


def rfm_colour(name: str, index: int) -> str:
    return RFM_COLOURS.get(name, SEGMENT_COLOURS[index % len(SEGMENT_COLOURS)])


def section_rfm(ctx: Context) -> str:
    wh = ctx.wh
    if not wh.has("dim_rfm_segments"):
        return note_html("RFM segments were not built.")
    rfm = wh.table("dim_rfm_segments")
    order = list(rfm["rfm_segment"])
    rfm = rfm.sort_values(["customers", "rfm_segment"], ascending=[True, True])
    colours = {name: rfm_colour(name, i) for i, name in enumerate(order)}
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
    parts = [figure_html(fig, "Customers per named RFM segment (seed rfm_segment_map).")]

    if wh.has("rfm_segment_map", "fct_customer_segments"):
        cells = wh.table("rfm_segment_map")
        counts = wh.df(
            "select recency_score, frequency_score, count(*) as customers "
            "from fct_customer_segments group by all"
        )
        grid = cells.merge(counts, on=["recency_score", "frequency_score"], how="left").fillna(
            {"customers": 0}
        )
        fig, ax = plt.subplots(figsize=(8.4, 6.4))
        ax.grid(False)
        for r in grid.itertuples():
            fx, ry = int(r.frequency_score), int(r.recency_score)
            fill = colours.get(r.rfm_segment, rfm_colour(r.rfm_segment, 0))
            ax.add_patch(
                plt.Rectangle(
                    (fx - 0.5, ry - 0.5),
                    1,
                    1,
                    facecolor=fill,
                    edgecolor="white",
                    linewidth=2,
                )
            )
            ax.text(
                fx,
                ry + 0.12,
                f"{int(r.customers):,}",
                ha="center",
                va="center",
                fontsize=11,
                fontweight="bold",
                color=text_colour(fill),
            )
            ax.text(
                fx,
                ry - 0.18,
                str(r.rfm_segment),
                ha="center",
                va="center",
                fontsize=7,
                color=text_colour(fill),
            )
        ax.set_xlim(0.5, 5.5)
        ax.set_ylim(0.5, 5.5)
        ax.set_xticks(range(1, 6))
        ax.set_yticks(range(1, 6))
        ax.set_xlabel("frequency score (1 = fewest invoices, 5 = most)")
        ax.set_ylabel("recency score (1 = longest ago, 5 = most recent)")
        ax.set_title("RFM segment map: customers per recency × frequency cell")
        ax.set_aspect("equal")
        parts.append(
            figure_html(
                fig,
                "Each cell is a recency score × frequency score pair (quintiles, 5 = best), "
                "coloured by its named RFM segment, with the number of customers in it.",
            )
        )
    parts.append(
        table_html(
            rfm.sort_values("customers", ascending=False),
            [
                "rfm_segment",
                "customers",
                "customer_share",
                "revenue_share",
                "avg_recency_days",
                "avg_monetary",
                "goal",
                "recommended_action",
            ],
            headers={
                "rfm_segment": "RFM segment",
                "customer_share": "customers %",
                "revenue_share": "revenue %",
                "avg_recency_days": "mean recency (days)",
                "avg_frequency": "mean invoices",
                "avg_monetary": "mean sales value",
            },
            swatch_column=None,
            caption="Named RFM segments with the playbook's goal and recommended action.",
        )
    )
    return "".join(parts)


PROFILE_COLUMNS = {
    "country": [
        "countries",
        "country_share",
        "customers",
        "revenue",
        "revenue_share",
        "avg_avg_order_value",
        "country_list",
    ],
    "product": [
        "products",
        "product_share",
        "outliers",
        "revenue_share",
        "avg_units",
        "avg_customers",
        "avg_avg_unit_price",
        "top_products",
    ],
    "demographic": [
        "customers",
        "customer_share",
        "female_share",
        "avg_age",
        "avg_annual_income",
        "avg_spending_score",
        "revenue_share",
    ],
}


def generic_profile_table(
    profile: pd.DataFrame, caption: str, prefix: str = "", limit: int = 9
) -> str:
    """segment id and name, then the columns listed for `prefix` (or the first others)."""
    first = ["segment_id", "segment_name"]
    listed = [c for c in PROFILE_COLUMNS.get(prefix, []) if c in profile.columns]
    if not listed:
        listed = [
            c
            for c in profile.columns
            if c not in first
            and not c.startswith(("centroid_", "median_"))
            and not c.endswith("_level")
        ][:limit]
    return table_html(
        profile.sort_values("segment_id"),
        first + listed,
        headers={"segment_id": "id", "segment_name": "segment"},
        caption=caption,
    )


def section_countries(ctx: Context) -> str:
    wh = ctx.wh
    countries = wh.table("fct_country_segments")
    if countries is None:
        return note_html(
            "Country segments were not built (fct_country_segments is not in the warehouse)."
        )
    countries = countries.sort_values("revenue", ascending=False).reset_index(drop=True)
    limit = 60
    shown = countries.head(limit).iloc[::-1]
    segments = segments_of(countries)
    fig, ax = plt.subplots(figsize=(8.8, 0.24 * len(shown) + 1.6))
    ax.barh(
        shown["country"].astype(str),
        positive(shown["revenue"], 1.0),
        color=[segment_colour(s) for s in shown["segment_id"]],
    )
    ax.set_xscale("log")
    ax.set_xlabel("revenue (sales value, currency units, log scale)")
    ax.set_ylabel("country")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title("Country revenue, coloured by spending group")
    segment_legend(ax, segments, loc="lower right")
    more = f" (the {limit} largest of {len(countries)})" if len(countries) > limit else ""
    parts = [
        figure_html(
            fig, f"Revenue per country{more} on a log scale, coloured by the country segment."
        )
    ]
    profile = wh.table("dim_country_segments", order_by="segment_id")
    if profile is not None:
        parts.append(profile_bars(profile, "Country segments", "countries"))
        parts.append(generic_profile_table(profile, "Country segment profiles.", "country"))
    return "".join(parts)


def section_products(ctx: Context) -> str:
    wh = ctx.wh
    products = wh.table("fct_product_segments")
    if products is None:
        return note_html(
            "Product segments were not built (fct_product_segments is not in the warehouse)."
        )
    segments = segments_of(products)
    valid = products[(products["units"] > 0) & (products["revenue"] > 0)]
    shown = sample_rows(valid.sort_values("stock_code").reset_index(drop=True))
    fig, ax = plt.subplots(figsize=(8.4, 5.6))
    scatter_by_segment(ax, shown, segments, "units", "revenue", size=10, alpha=0.6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("units sold (log scale)")
    ax.set_ylabel("revenue (sales value, currency units, log scale)")
    ax.set_title("Products: units sold vs revenue by segment")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), title="segment", markerscale=2)
    dropped = len(products) - len(valid)
    note = f" {dropped:,} products with no units or revenue are left out." if dropped else ""
    parts = [
        figure_html(
            fig,
            "One dot per product (stock code), coloured by product segment; the diagonal "
            f"direction is the average unit price.{note}",
        )
    ]
    profile = wh.table("dim_product_segments", order_by="segment_id")
    if profile is not None:
        parts.append(profile_bars(profile, "Product segments", "products"))
        parts.append(generic_profile_table(profile, "Product segment profiles.", "product"))
    return "".join(parts)


DEMOGRAPHIC_LABELS = {
    "age": "age (years)",
    "annual_income": "annual income (k$)",
    "spending_score": "spending score (1-100)",
}


def section_demographics(ctx: Context) -> str:
    wh = ctx.wh
    people = wh.table("fct_customer_demographic_segments")
    if people is None:
        return note_html(
            "Demographic segments were not built: they need the customer attribute table "
            "(var customers_path)."
        )
    numeric = [c for c in DEMOGRAPHIC_LABELS if c in people.columns]
    parts = []
    if numeric:
        fig, axes = plt.subplots(1, len(numeric), figsize=(10, 3.2), squeeze=False)
        for ax, c in zip(axes[0], numeric, strict=True):
            ax.hist(
                people[c].dropna().astype(float),
                bins=20,
                color=SEGMENT_COLOURS[0],
                edgecolor="white",
            )
            ax.set_xlabel(DEMOGRAPHIC_LABELS[c])
            ax.set_ylabel("customers")
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_title(f"Distribution of {c.replace('_', ' ')}", fontsize=10)
        fig.tight_layout()
        parts.append(figure_html(fig, "Distributions of age, annual income and spending score."))
    if numeric and "gender" in people.columns:
        genders = sorted(people["gender"].dropna().astype(str).unique())
        fig, axes = plt.subplots(1, len(numeric), figsize=(10, 3.4), squeeze=False)
        for ax, c in zip(axes[0], numeric, strict=True):
            data = [
                people.loc[people["gender"].astype(str) == g, c].dropna().astype(float).to_numpy()
                for g in genders
            ]
            keep = [i for i, d in enumerate(data) if len(d) > 1]
            if keep:
                parts_v = ax.violinplot(
                    [data[i] for i in keep], positions=range(len(keep)), showmedians=True
                )
                for i, body in enumerate(parts_v["bodies"]):
                    body.set_facecolor(SEGMENT_COLOURS[(i + 4) % len(SEGMENT_COLOURS)])
                    body.set_alpha(0.6)
                ax.set_xticks(range(len(keep)), [genders[i] for i in keep])
            ax.set_xlabel("gender")
            ax.set_ylabel(DEMOGRAPHIC_LABELS[c])
            ax.set_title(f"{c.replace('_', ' ').capitalize()} by gender", fontsize=10)
        fig.tight_layout()
        parts.append(figure_html(fig, "Age, annual income and spending score by gender (violins)."))
    segments = segments_of(people)
    for x in ("age", "annual_income"):
        if x not in people.columns or "spending_score" not in people.columns:
            continue
        fig, ax = plt.subplots(figsize=(8.4, 5.2))
        shown = sample_rows(people)
        scatter_by_segment(ax, shown, segments, x, "spending_score", size=18, alpha=0.75)
        ax.set_xlabel(DEMOGRAPHIC_LABELS[x])
        ax.set_ylabel(DEMOGRAPHIC_LABELS["spending_score"])
        ax.set_title(f"{DEMOGRAPHIC_LABELS[x].split(' (')[0].capitalize()} vs spending score")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), title="segment", markerscale=1.5)
        parts.append(
            figure_html(
                fig,
                f"{DEMOGRAPHIC_LABELS[x].split(' (')[0].capitalize()} against spending score, "
                "one dot per customer, coloured by demographic segment.",
            )
        )
    profile = wh.table("dim_demographic_segments", order_by="segment_id")
    if profile is not None:
        parts.append(profile_bars(profile, "Demographic segments"))
        parts.append(generic_profile_table(profile, "Demographic segment profiles.", "demographic"))
    return "".join(parts)


# --------------------------------------------------------------------------- page

SECTIONS: tuple[tuple[str, str, Callable[[Context], str]], ...] = (
    ("summary", "Summary", section_summary),
    ("sweeps", "Choosing k", section_sweeps),
    ("customer-map", "Customer segments in 2-D", section_customer_map),
    ("rfm-pairs", "Recency, frequency and monetary value", section_pairplot),
    ("profiles", "Customer segment profiles", section_profiles),
    ("rfm", "RFM segments", section_rfm),
    ("countries", "Country segments", section_countries),
    ("products", "Product segments", section_products),
    ("demographics", "Demographic segments", section_demographics),
)

CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --bg: #f5f7fa; --accent: #4e79a7; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.55 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: var(--bg); }
header { background: #243b53; color: #fff; padding: 28px 40px 22px; }
header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; letter-spacing: .2px; }
header p { margin: 0; color: #bcccdc; }
.layout { display: flex; gap: 28px; max-width: 1440px; margin: 0 auto; padding: 24px 32px 60px; }
nav { flex: 0 0 220px; position: sticky; top: 16px; align-self: flex-start; background: #fff;
  border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
nav h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
  margin: 0 0 8px; }
nav ol { margin: 0; padding-left: 20px; }
nav li { margin: 4px 0; }
nav a { color: var(--ink); text-decoration: none; }
nav a:hover { color: var(--accent); text-decoration: underline; }
main { flex: 1; min-width: 0; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 18px 24px 22px; margin-bottom: 22px; }
section h2 { margin: 0 0 12px; font-size: 20px; border-bottom: 2px solid var(--line);
  padding-bottom: 6px; }
figure.chart { margin: 18px 0; text-align: center; }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 0 24px; }
.grid-2 figure.chart { margin: 12px 0; }
figure.chart img { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; text-align: left; }
.cards { display: flex; flex-wrap: wrap; gap: 14px; margin-bottom: 16px; }
.card { flex: 1 1 180px; border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px;
  background: #fbfcfd; }
.card-label { font-size: 12px; text-transform: uppercase; letter-spacing: .06em;
  color: var(--muted); }
.card-value { font-size: 24px; font-weight: 650; margin: 2px 0; }
.card-note { font-size: 12px; color: var(--muted); }
.table-wrap { overflow-x: auto; margin: 14px 0; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
caption { caption-side: bottom; text-align: left; color: var(--muted); padding-top: 6px; }
th { text-align: left; background: #f0f4f8; font-weight: 600; padding: 7px 9px;
  border-bottom: 1px solid #cbd2d9; white-space: nowrap; }
td { padding: 6px 9px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.text { min-width: 8em; }
td.wide { min-width: 15em; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px;
  margin-right: 6px; vertical-align: -1px; }
.note { color: var(--muted); font-style: italic; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; text-align: center; padding-bottom: 30px; }
@media (max-width: 900px) { .layout { display: block; padding: 12px; }
  nav { position: static; margin-bottom: 16px; } }
@media print { nav { display: none; } section { break-inside: avoid; } body { background: #fff; } }
"""


def page_html(sections: Iterable[Section], subtitle: str) -> str:
    sections = list(sections)
    toc = "".join(f'<li><a href="#{s.anchor}">{esc(s.title)}</a></li>' for s in sections)
    body = "".join(
        f'<section id="{s.anchor}"><h2>{esc(s.title)}</h2>{s.body}</section>' for s in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Customer segmentation report</title>"
        f"<style>{CSS}</style></head><body>"
        f"<header><h1>Customer segmentation report</h1><p>{esc(subtitle)}</p></header>"
        f'<div class="layout"><nav><h2>Contents</h2><ol>{toc}</ol></nav><main>{body}</main></div>'
        "<footer>Generated by retail_segments.report from the dbt warehouse; "
        "charts are embedded, the file works offline.</footer>"
        "</body></html>\n"
    )


def load_segments(wh: Warehouse) -> dict[str, pd.DataFrame]:
    segments = {}
    for _, prefix, members in SEGMENTATIONS:
        table = members if wh.has(members) else None
        if table is None:
            segments[prefix] = pd.DataFrame(columns=["segment_id", "segment_name"])
            continue
        segments[prefix] = wh.df(
            f'select distinct segment_id, segment_name from "{table}" order by segment_id'
        )
    return segments


def write_report(database: Path, out_path: Path) -> Path:
    """Write the HTML report of the warehouse `database` to `out_path`; return the path."""
    started = time.perf_counter()
    wh = Warehouse(Path(database))
    try:
        ctx = Context(wh=wh, segments=load_segments(wh))
        sections = []
        for anchor, title, build in SECTIONS:
            t0 = time.perf_counter()
            try:
                body = build(ctx)
            except Exception as error:  # a broken section must not lose the others
                body = note_html(
                    f"This section could not be drawn: {esc(type(error).__name__)}: {esc(error)}"
                )
                print(f"[report] {title}: FAILED ({type(error).__name__}: {error})", flush=True)
            sections.append(Section(anchor, title, body))
            print(f"[report] {title}: {time.perf_counter() - t0:.1f} s", flush=True)
        as_of = ""
        if wh.has("int_as_of_date"):
            as_of = fmt_number(wh.scalar("select as_of_date from int_as_of_date"))
        subtitle = f"Warehouse {wh.path.name}" + (f", facts as of {as_of}" if as_of else "")
    finally:
        wh.close()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(page_html(sections, subtitle), encoding="utf-8")
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
        prog="python -m retail_segments.report", description=__doc__.split("\n\n")[0]
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


if __name__ == "__main__":
    raise SystemExit(main())
