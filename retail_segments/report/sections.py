"""The data of each report section, as blocks (notes, figures, tables); no HTML here.

A section function takes the `Context` and returns its blocks. Where a
segmentation was not built, or its tables are empty, the section says so in a
note instead of drawing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeGuard

import pandas as pd

from retail_segments.report import customer_figures as cf
from retail_segments.report import other_figures as of
from retail_segments.report.blocks import Block, Cell, Grid, Note, Table
from retail_segments.report.currency import DEFAULT_CURRENCY, Currency
from retail_segments.report.figures import feature_means_figure, profile_bars, sweep_figure
from retail_segments.report.history_section import section_history
from retail_segments.report.models import SegmentModel
from retail_segments.report.style import rfm_colour
from retail_segments.report.summary import section_executive_summary, section_segment_cards
from retail_segments.report.tables import cell, frame_table
from retail_segments.report.value_section import section_customer_value
from retail_segments.report.warehouse import MEMBER_TABLES, Built, Warehouse, sweep_table

# label and name of the segmentations the project builds, in report order
SEGMENTATIONS = (
    ("Customers", "customer"),
    ("Countries", "country"),
    ("Products", "product"),
    ("Demographics", "demographic"),
)
# customer features drawn per segment besides the clustered ones
PROFILE_EXTRA_FEATURES = ("avg_order_value", "tenure_days", "distinct_products")
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
SEGMENT_HEADERS = {"segment_id": "id", "segment_name": "segment"}
SHARE_HEADERS = {
    "customer_share": "customers %",
    "revenue_share": "revenue %",
    "avg_recency_days": "mean recency (days)",
    "avg_frequency": "mean invoices",
    "avg_monetary": "mean sales value",
}
NOT_BUILT = "Customer segments were not built."
MISSING_NUMBER = Cell("–", "num", sort="")  # sorts after the numbers

Blocks = tuple[Block, ...]


@dataclass
class Context:
    wh: Warehouse
    segments: dict[str, pd.DataFrame]  # segmentation -> segment_id, segment_name
    models: dict[str, SegmentModel]
    currency: Currency
    built: Built | None

    @classmethod
    def of(cls, wh: Warehouse, currency: str | None = None) -> Context:
        """`currency` (an ISO code) overrides the one the warehouse records."""
        segments = {name: wh.segments(name) for _, name in SEGMENTATIONS}
        return cls(wh, segments, wh.models(), report_currency(wh, currency), wh.built())


def report_currency(wh: Warehouse, override: str | None) -> Currency:
    """The currency given to the report, else the build's var, else the default."""
    if override:
        return Currency(override.strip().upper(), "given to the report (--currency)")
    recorded = wh.currency_code()
    if recorded is not None:
        return Currency(*recorded)
    return Currency(DEFAULT_CURRENCY, "default: the build did not record the var currency")


def present(frame: pd.DataFrame | None) -> TypeGuard[pd.DataFrame]:
    return frame is not None and not frame.empty


# --------------------------------------------------------------------------- choosing k


def summary_row(wh: Warehouse, label: str, name: str) -> tuple[Cell, ...]:
    table = sweep_table(name)
    sweep = wh.sweep(name)
    if not present(sweep):
        why = "is not in the warehouse" if sweep is None else "is empty"
        return (
            Cell(label, ""),
            MISSING_NUMBER,
            MISSING_NUMBER,
            Cell(f"not built ({table} {why})", "text muted"),
        )
    chosen = sweep[sweep["is_chosen"].astype(bool)]
    if chosen.empty:
        return (Cell(label, ""), MISSING_NUMBER, MISSING_NUMBER, Cell("no chosen k", ""))
    c = chosen.iloc[0]
    members = wh.member_count(name)
    return (
        Cell(label, ""),
        cell(int(c["k"]), "k", None),
        MISSING_NUMBER if members is None else cell(members, "members", None),
        Cell(str(c.get("selection_rule", "")), "text"),
    )


def k_table(ctx: Context) -> Table:
    rows = tuple(summary_row(ctx.wh, label, name) for label, name in SEGMENTATIONS)
    headers = ("segmentation", "k", "members", "how k was chosen")
    return Table(headers, rows, "The k of each segmentation and the rule that chose it.")


def section_sweeps(ctx: Context) -> Blocks:
    intro = Note(
        "For each k the k-means is fitted on the standardised features; inertia falls as k "
        "grows, the silhouette (right axis) measures how well separated the segments are. "
        "The chosen k is marked."
    )
    charts, missing = [], []
    for label, name in SEGMENTATIONS:
        sweep = ctx.wh.sweep(name)
        if sweep is None:
            missing.append(Note(f"{label}: not built (no {sweep_table(name)})."))
        elif sweep.empty:
            missing.append(Note(f"{label}: not built ({sweep_table(name)} is empty)."))
        else:
            charts.append(sweep_figure(sweep, label))
    return (intro, k_table(ctx), Grid(tuple(charts)), *missing)


# --------------------------------------------------------------------------- customers


def customers_and_model(ctx: Context) -> tuple[pd.DataFrame, SegmentModel] | None:
    customers = ctx.wh.members("customer")
    if customers.empty:
        return None
    return customers, ctx.models["customer"].usable(list(customers.columns))


def section_customer_map(ctx: Context) -> Blocks:
    found = customers_and_model(ctx)
    if found is None:
        return (Note(NOT_BUILT),)
    customers, model = found
    if not model.features:
        return (Note("No clustered feature found in dim_customers."),)
    profile = ctx.wh.profile("customer")
    return (cf.customer_map_figure(customers, ctx.segments["customer"], model, profile),)


def section_pairplot(ctx: Context) -> Blocks:
    found = customers_and_model(ctx)
    if found is None:
        return (Note(NOT_BUILT),)
    customers, model = found
    if not model.features:
        return (Note("No clustered feature found in dim_customers."),)
    return (cf.pairplot_figure(customers, ctx.segments["customer"], model),)


def profile_features(model: SegmentModel) -> list[str]:
    """The clustered features, then the other customer features worth a panel."""
    return [*model.features, *(f for f in PROFILE_EXTRA_FEATURES if f not in model.features)]


def section_profiles(ctx: Context) -> Blocks:
    profile = ctx.wh.profile("customer")
    if not present(profile):
        return (Note("Customer segment profiles were not built."),)
    label = "Customer segments"
    columns = [
        "segment_id",
        "segment_name",
        "customers",
        "customer_share",
        "revenue_share",
        "goal",
        "recommended_action",
    ]
    table = frame_table(
        profile,
        columns,
        headers=SEGMENT_HEADERS | SHARE_HEADERS,
        caption="Customer segment profiles with the playbook's goal and recommended action.",
    )
    figures = (
        profile_bars(profile, label),
        feature_means_figure(profile, label, profile_features(ctx.models["customer"])),
    )
    return (*(f for f in figures if f is not None), table)


def section_rfm(ctx: Context) -> Blocks:
    rfm = ctx.wh.rfm_segments()
    if not present(rfm):
        return (Note("RFM segments were not built."),)
    colours = {name: rfm_colour(name, i) for i, name in enumerate(rfm["rfm_segment"])}
    blocks: list[Block] = [cf.rfm_bars_figure(rfm, colours)]
    cells = ctx.wh.rfm_cells()
    if cells is not None:
        blocks.append(cf.rfm_map_figure(cells, colours))
    columns = [
        "rfm_segment",
        "customers",
        "customer_share",
        "revenue_share",
        "avg_recency_days",
        "avg_monetary",
        "goal",
        "recommended_action",
    ]
    blocks.append(
        frame_table(
            rfm.sort_values("customers", ascending=False),
            columns,
            headers={"rfm_segment": "RFM segment"} | SHARE_HEADERS,
            swatch_column=None,
            caption="Named RFM segments with the playbook's goal and recommended action.",
        )
    )
    return tuple(blocks)


# --------------------------------------------------------------------------- others


def generic_profile_table(profile: pd.DataFrame, caption: str, name: str, limit: int = 9) -> Table:
    """segment id and name, then the columns listed for `name` (or the first others)."""
    first = ["segment_id", "segment_name"]
    listed = [c for c in PROFILE_COLUMNS.get(name, []) if c in profile.columns]
    if not listed:
        listed = [
            c
            for c in profile.columns
            if c not in first
            and not c.startswith(("centroid_", "median_"))
            and not c.endswith("_level")
        ][:limit]
    return frame_table(
        profile.sort_values("segment_id"), first + listed, SEGMENT_HEADERS, caption=caption
    )


def profile_blocks(ctx: Context, name: str, label: str, size_column: str) -> list[Block]:
    profile = ctx.wh.profile(name)
    if not present(profile):
        return []
    bars = profile_bars(profile, label, size_column)
    table = generic_profile_table(profile, f"{label[:-1]} profiles.", name)
    return [*([bars] if bars is not None else []), table]


def not_built(ctx: Context, name: str, label: str) -> Note | None:
    """The note for a segmentation whose member table is missing or empty."""
    table = MEMBER_TABLES[name]
    if not ctx.wh.has(table):
        return Note(f"{label} were not built ({table} is not in the warehouse).")
    if not ctx.wh.has_members(name):
        return Note(f"{label} were not built ({table} has no segment columns).")
    if ctx.segments[name].empty:
        return Note(f"{label} were not built ({table} has no segmented rows).")
    return None


def section_countries(ctx: Context) -> Blocks:
    missing = not_built(ctx, "country", "Country segments")
    if missing is not None:
        return (missing,)
    countries = ctx.wh.members("country")
    figure = of.country_revenue_figure(countries, ctx.segments["country"])
    return (figure, *profile_blocks(ctx, "country", "Country segments", "countries"))


def section_products(ctx: Context) -> Blocks:
    missing = not_built(ctx, "product", "Product segments")
    if missing is not None:
        return (missing,)
    products = ctx.wh.members("product")
    figure = of.product_scatter_figure(products, ctx.segments["product"])
    return (figure, *profile_blocks(ctx, "product", "Product segments", "products"))


def section_demographics(ctx: Context) -> Blocks:
    if not_built(ctx, "demographic", "Demographic segments") is not None:
        return (
            Note(
                "Demographic segments were not built: they need the customer attribute table "
                "(var customers_path)."
            ),
        )
    people = ctx.wh.members("demographic")
    figures = of.demographic_figures(people, ctx.segments["demographic"])
    return (*figures, *profile_blocks(ctx, "demographic", "Demographic segments", "customers"))


SectionEntry = tuple[str, str, Callable[[Context], Blocks]]
# What a marketer reads and acts on, in page order. A new section is one entry here.
MAIN_SECTIONS: tuple[SectionEntry, ...] = (
    ("summary", "Executive summary", section_executive_summary),
    ("segments", "Customer segments to act on", section_segment_cards),
    ("profiles", "Customer segment profiles", section_profiles),
    ("rfm", "RFM segments", section_rfm),
    ("history", "Segment history", section_history),
    ("customer-value", "Predicted customer value", section_customer_value),
    ("countries", "Country segments", section_countries),
    ("products", "Product segments", section_products),
    ("demographics", "Demographic segments", section_demographics),
)
# Model diagnostics, at the end of the page.
APPENDIX_SECTIONS: tuple[SectionEntry, ...] = (
    ("sweeps", "Appendix: choosing k", section_sweeps),
    ("customer-map", "Appendix: customer segments in 2-D", section_customer_map),
    ("rfm-pairs", "Appendix: recency, frequency and monetary value", section_pairplot),
)
SECTIONS: tuple[SectionEntry, ...] = MAIN_SECTIONS + APPENDIX_SECTIONS
