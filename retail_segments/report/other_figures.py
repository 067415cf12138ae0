"""The country, product and demographic charts."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from retail_segments.report.blocks import Figure
from retail_segments.report.figures import (
    positive,
    sample_rows,
    scatter_by_segment,
    segment_legend,
    svg_figure,
)
from retail_segments.report.style import SEGMENT_COLOURS, in_money_units, plt, segment_colour
from retail_segments.report.tables import money

COUNTRY_LIMIT = 60  # the country bar chart shows this many largest countries
DEMOGRAPHIC_LABELS = {
    "age": "age (years)",
    "annual_income": "annual income (k$)",
    "spending_score": "spending score (1-100)",
}


def country_revenue_figure(countries: pd.DataFrame, segments: pd.DataFrame) -> Figure:
    """Revenue per country (largest first), coloured by country segment."""
    countries = countries.sort_values("revenue", ascending=False, kind="stable")
    shown = countries.head(COUNTRY_LIMIT).iloc[::-1]
    fig, ax = plt.subplots(figsize=(8.8, 0.24 * len(shown) + 1.6))
    ax.barh(
        shown["country"].astype(str),
        positive(shown["revenue"], 1.0),
        color=[segment_colour(s) for s in shown["segment_id"]],
    )
    ax.set_xscale("log")
    # the exact revenue at each bar's end (the bars sit at 0, 1, ... in their order)
    for position, revenue in enumerate(shown["revenue"].astype(float)):
        ax.text(max(revenue, 1.0), position, f" {money(revenue)}", va="center", fontsize=7)
    ax.set_xlim(right=max(float(shown["revenue"].max()), 1.0) * 4)
    ax.set_xlabel(in_money_units("revenue (sales value, currency units, log scale)"))
    ax.set_ylabel("country")
    ax.grid(axis="y", visible=False)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title("Country revenue, coloured by spending group")
    segment_legend(ax, segments, loc="lower right")
    more = (
        f" (the {COUNTRY_LIMIT} largest of {len(countries)})"
        if len(countries) > COUNTRY_LIMIT
        else ""
    )
    return svg_figure(
        fig, f"Revenue per country{more} on a log scale, coloured by the country segment."
    )


def product_scatter_figure(products: pd.DataFrame, segments: pd.DataFrame) -> Figure:
    """Units against revenue per product (log axes), coloured by product segment."""
    valid = products[(products["units"] > 0) & (products["revenue"] > 0)]
    shown = sample_rows(valid.sort_values("stock_code").reset_index(drop=True))
    fig, ax = plt.subplots(figsize=(8.4, 5.6))
    scatter_by_segment(ax, shown, segments, "units", "revenue", size=10, alpha=0.6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("units sold (log scale)")
    ax.set_ylabel(in_money_units("revenue (sales value, currency units, log scale)"))
    ax.set_title("Products: units sold vs revenue by segment")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), title="segment", markerscale=2)
    dropped = len(products) - len(valid)
    note = f" {dropped:,} products with no units or revenue are left out." if dropped else ""
    return svg_figure(
        fig,
        "One dot per product (stock code), coloured by product segment; the diagonal "
        f"direction is the average unit price.{note}",
    )


def demographic_columns(people: pd.DataFrame) -> list[str]:
    return [c for c in DEMOGRAPHIC_LABELS if c in people.columns]


def distributions_figure(people: pd.DataFrame, numeric: Sequence[str]) -> Figure:
    """A histogram of each numeric attribute."""
    fig, axes = plt.subplots(1, len(numeric), figsize=(10, 3.2), squeeze=False)
    for ax, c in zip(axes[0], numeric, strict=True):
        ax.hist(
            people[c].dropna().astype(float), bins=20, color=SEGMENT_COLOURS[0], edgecolor="white"
        )
        ax.set_xlabel(DEMOGRAPHIC_LABELS[c])
        ax.set_ylabel("customers")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(f"Distribution of {c.replace('_', ' ')}", fontsize=10)
    fig.tight_layout()
    return svg_figure(fig, "Distributions of age, annual income and spending score.")


def gender_violins(ax: Axes, people: pd.DataFrame, column: str, genders: Sequence[str]) -> None:
    data = [
        people.loc[people["gender"].astype(str) == g, column].dropna().astype(float).to_numpy()
        for g in genders
    ]
    keep = [i for i, d in enumerate(data) if len(d) > 1]
    if keep:
        violins = ax.violinplot(
            [data[i] for i in keep], positions=range(len(keep)), showmedians=True
        )
        for i, body in enumerate(violins["bodies"]):
            body.set_facecolor(SEGMENT_COLOURS[(i + 4) % len(SEGMENT_COLOURS)])
            body.set_alpha(0.6)
        ax.set_xticks(range(len(keep)), [genders[i] for i in keep])
    ax.set_xlabel("gender")
    ax.set_ylabel(DEMOGRAPHIC_LABELS[column])
    ax.set_title(f"{column.replace('_', ' ').capitalize()} by gender", fontsize=10)


def by_gender_figure(people: pd.DataFrame, numeric: Sequence[str]) -> Figure:
    """Each numeric attribute per gender, as violins."""
    genders = sorted(people["gender"].dropna().astype(str).unique())
    fig, axes = plt.subplots(1, len(numeric), figsize=(10, 3.4), squeeze=False)
    for ax, c in zip(axes[0], numeric, strict=True):
        gender_violins(ax, people, c, genders)
    fig.tight_layout()
    return svg_figure(fig, "Age, annual income and spending score by gender (violins).")


def spending_scatter_figure(people: pd.DataFrame, segments: pd.DataFrame, x: str) -> Figure:
    """`x` against the spending score, coloured by demographic segment."""
    name = DEMOGRAPHIC_LABELS[x].split(" (")[0].capitalize()
    fig, ax = plt.subplots(figsize=(8.4, 5.2))
    scatter_by_segment(ax, sample_rows(people), segments, x, "spending_score", size=18, alpha=0.75)
    ax.set_xlabel(DEMOGRAPHIC_LABELS[x])
    ax.set_ylabel(DEMOGRAPHIC_LABELS["spending_score"])
    ax.set_title(f"{name} vs spending score")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), title="segment", markerscale=1.5)
    return svg_figure(
        fig,
        f"{name} against spending score, one dot per customer, coloured by demographic segment.",
    )


def demographic_figures(people: pd.DataFrame, segments: pd.DataFrame) -> list[Figure]:
    """Distributions, violins by gender and the two spending-score scatter plots."""
    numeric = demographic_columns(people)
    figures = []
    if numeric:
        figures.append(distributions_figure(people, numeric))
    if numeric and "gender" in people.columns:
        figures.append(by_gender_figure(people, numeric))
    for x in ("age", "annual_income"):
        if x in people.columns and "spending_score" in people.columns:
            figures.append(spending_scatter_figure(people, segments, x))
    return figures
