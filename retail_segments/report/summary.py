"""The first screen and the segment cards: what a marketer reads and acts on.

`section_executive_summary` says in words and numbers who the k-means customer
segments are, what they are worth and what to do this week, with the currency,
the as-of date and the build date. `section_segment_cards` gives each segment a
card: size, value, share, spend trend, goal, action and a link to its contact
list (`contacts`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from retail_segments.report.blocks import (
    Block,
    Card,
    Cards,
    Fact,
    Lead,
    Link,
    Note,
    SegmentCard,
    SegmentCards,
    Step,
    Steps,
)
from retail_segments.report.contacts import contact_list_href
from retail_segments.report.currency import Currency
from retail_segments.report.history_section import MIGRATIONS, NEW, biggest_movements, last_pair
from retail_segments.report.style import segment_colour
from retail_segments.report.tables import fmt_number
from retail_segments.report.warehouse import Built

if TYPE_CHECKING:
    from retail_segments.report.sections import Context

THIS_WEEK = 3  # segments in "what to do this week"
MOVEMENTS_IN_SUMMARY = 2  # RFM movements named in "what changed"
# a monthly spend trend (currency per month) within this share of the monthly
# spend mean is "flat"
FLAT_TREND = 0.02
NO_SEGMENTS = "Customer segments were not built, so there is nothing to act on yet."

Blocks = tuple[Block, ...]


# --------------------------------------------------------------------------- facts


def built_text(built: Built | None) -> str:
    if built is None:
        return "build date not recorded"
    return f"{built.at:%Y-%m-%d %H:%M} UTC"


def built_card(built: Built | None) -> Card:
    if built is None:
        return Card("Built", "–", "build date not recorded")
    return Card("Built", f"{built.at:%Y-%m-%d}", f"{built.at:%H:%M} UTC, {built.source}")


def number(row: pd.Series, column: str) -> float | None:
    """The row's value of `column` as a float (None: no such column, or missing)."""
    value = row.get(column)
    return None if value is None or pd.isna(value) else float(value)


def complete_profile(profile: pd.DataFrame) -> pd.DataFrame:
    """The profile with the columns the summary reads: shares derived from the counts
    where a warehouse lacks them, unknown (NaN) values where it cannot tell."""
    profile = profile.copy()
    for column in ("customers", "revenue", "avg_monetary", "avg_recency_days"):
        if column not in profile.columns:
            profile[column] = float("nan")
    for share, count in (("customer_share", "customers"), ("revenue_share", "revenue")):
        if share not in profile.columns:
            total = profile[count].sum()
            profile[share] = profile[count] / total if total else float("nan")
    return profile


def share_fact(label: str, value: float | None) -> Fact:
    if value is None:
        return Fact(label, "–")
    return Fact(label, f"{value:.1%}", f"{value:.3%}")


def amount_fact(label: str, value: float | None, currency: Currency) -> Fact:
    if value is None:
        return Fact(label, "–")
    return Fact(label, currency.short(value), currency.exact(value))


def value_column(profile: pd.DataFrame) -> str:
    """What a segment is worth: predicted CLV where any was built, else revenue."""
    if "total_clv" in profile.columns and profile["total_clv"].fillna(0).sum() > 0:
        return "total_clv"
    return "revenue"


def value_label(column: str, profile: pd.DataFrame) -> str:
    if column == "total_clv":
        horizon = profile["horizon_days"].dropna() if "horizon_days" in profile.columns else []
        days = int(horizon.iloc[0]) if len(horizon) else 365
        return f"predicted value over the next {days} days"
    return "revenue to date"


def by_value(profile: pd.DataFrame) -> pd.DataFrame:
    """Segments, most valuable first (ties: segment id)."""
    column = value_column(profile)
    return profile.assign(_value=profile[column].fillna(0).astype(float)).sort_values(
        ["_value", "segment_id"], ascending=[False, True], kind="stable"
    )


def trend_text(row: pd.Series, currency: Currency) -> tuple[str, str]:
    """The segment's mean monthly spend trend in words, and its exact value."""
    trend, mean = number(row, "avg_monthly_spend_trend"), number(row, "avg_monthly_spend_mean")
    if trend is None:
        return "not known", ""
    exact = f"{currency.exact(trend)} per customer per month"
    if mean and abs(trend) < FLAT_TREND * abs(mean):
        return "flat", exact
    word = "growing" if trend > 0 else "declining"
    return f"{word}, {currency.short(abs(trend))} a month per customer", exact


def segment_facts(row: pd.Series, currency: Currency, value: str) -> tuple[Fact, ...]:
    customers = number(row, "customers")
    facts = [
        Fact("customers", "–" if customers is None else f"{int(customers):,}"),
        share_fact("share of customers", number(row, "customer_share")),
        amount_fact(f"revenue ({currency.code})", number(row, "revenue"), currency),
        share_fact("share of revenue", number(row, "revenue_share")),
    ]
    if value == "total_clv":
        label = f"predicted value ({currency.code})"
        facts.append(amount_fact(label, number(row, "total_clv"), currency))
    facts.append(amount_fact("spend per customer", number(row, "avg_monetary"), currency))
    days = number(row, "avg_recency_days")
    if days is not None:
        facts.append(Fact("last purchase", f"{days:,.0f} days ago on average", f"{days:,.2f}"))
    facts.append(Fact("spend trend", *trend_text(row, currency)))
    return tuple(facts)


def contact_link(row: pd.Series) -> Link:
    customers = number(row, "customers")
    count = "" if customers is None else f"{int(customers):,} customers "
    return Link(
        f"Contact list: {count}(CSV)",
        contact_list_href(int(row["segment_id"]), str(row["segment_name"])),
    )


# --------------------------------------------------------------------------- summary


def share_words(row: pd.Series) -> str:
    """`“Lapsed” (25% of the customers, 2.7% of the revenue)`."""
    customers, revenue = number(row, "customer_share"), number(row, "revenue_share")
    shares = [] if customers is None else [f"{customers:.0%} of the customers"]
    shares += [] if revenue is None else [f"{revenue:.1%} of the revenue"]
    return f"“{row['segment_name']}”" + (f" ({', '.join(shares)})" if shares else "")


def headline(profile: pd.DataFrame, currency: Currency, ctx: Context) -> str:
    """Who the segments are and what they are worth, in two or three sentences."""
    customers = int(profile["customers"].fillna(0).sum())
    revenue = profile["revenue"].sum(min_count=1)
    span = ctx.wh.invoice_span()
    period = ""
    if span is not None and pd.notna(span["first"]):
        first, last = (fmt_number(pd.Timestamp(span[c])) for c in ("first", "last"))
        period = f" between {first} and {last}"
    bought = (
        f" bought {currency.short(float(revenue))} ({currency.code})" if pd.notna(revenue) else ""
    )
    ranked = by_value(profile)
    text = (
        f"{customers:,} customers{bought}{period}. They fall into {len(profile)} segments. "
        f"The most valuable segment is {share_words(ranked.iloc[0])}"
    )
    if len(ranked) > 1:
        text += f"; the least valuable is {share_words(ranked.iloc[-1])}"
    text += "."
    column = value_column(profile)
    if column == "total_clv":
        total = float(profile["total_clv"].fillna(0).sum())
        text += f" Their {value_label(column, profile)}: {currency.short(total)}."
    return text


def is_lapsed(row: pd.Series) -> bool:
    return row.get("recency_days_level") == "high"


def this_week_segments(profile: pd.DataFrame) -> pd.DataFrame:
    """The `THIS_WEEK` most valuable segments; when none of them is lapsed, the last
    place goes to the lapsed segment with the most revenue, worth winning back."""
    ranked = by_value(profile)
    chosen = ranked.head(THIS_WEEK)
    lapsed = ranked[ranked.apply(is_lapsed, axis=1)] if len(ranked) else ranked
    if len(ranked) > THIS_WEEK and not lapsed.empty and not chosen.apply(is_lapsed, axis=1).any():
        best_lapsed = lapsed.sort_values(["revenue", "segment_id"], ascending=[False, True])
        chosen = pd.concat([chosen.head(THIS_WEEK - 1), best_lapsed.head(1)])
    return chosen


def size_and_value(row: pd.Series, column: str, label: str, currency: Currency) -> str:
    customers, value = number(row, "customers"), number(row, column)
    parts = [] if customers is None else [f"{int(customers):,} customers"]
    parts += [] if value is None else [f"{currency.short(value)} {label}"]
    revenue = number(row, "revenue")
    if column != "revenue" and revenue is not None:
        parts.append(f"{currency.short(revenue)} revenue to date")
    return ", ".join(parts)


def this_week(profile: pd.DataFrame, currency: Currency) -> Steps:
    """The chosen segments' actions, with their contact lists."""
    ranked = this_week_segments(profile)
    column = value_column(profile)
    label = value_label(column, profile)
    steps = tuple(
        Step(
            f"{row['segment_name']} ({size_and_value(row, column, label, currency)}): "
            f"{row.get('recommended_action') or 'no action in the playbook'}.",
            contact_link(row),
        )
        for _, row in ranked.iterrows()
    )
    title = "What to do this week: the segments worth the most"
    if ranked.apply(is_lapsed, axis=1).any():
        title += ", and lapsed customers worth winning back"
    return Steps(title, steps)


def date_cards(ctx: Context) -> tuple[Card, ...]:
    cards = []
    as_of = ctx.wh.as_of()
    if as_of is not None:
        cards.append(Card("Facts as of", fmt_number(pd.Timestamp(as_of.date)), as_of.source))
    cards.append(built_card(ctx.built))
    cards.append(Card("Currency", ctx.currency.label, ctx.currency.source))
    return tuple(cards)


def value_cards(profile: pd.DataFrame, currency: Currency) -> tuple[Card, ...]:
    customers = int(profile["customers"].fillna(0).sum())
    cards = [Card("Customers", f"{customers:,}", f"in {len(profile)} segments")]
    revenue = profile["revenue"].sum(min_count=1)
    if pd.notna(revenue):
        cards.append(
            Card(
                f"Revenue ({currency.code})",
                currency.short(float(revenue)),
                "sales value of those customers",
                currency.exact(float(revenue)),
            )
        )
    if value_column(profile) == "total_clv":
        total = float(profile["total_clv"].fillna(0).sum())
        label = value_label("total_clv", profile)
        cards.append(
            Card(
                f"Predicted ({currency.code})", currency.short(total), label, currency.exact(total)
            )
        )
    return tuple(cards)


def customer_profile(ctx: Context) -> pd.DataFrame | None:
    profile = ctx.wh.profile("customer")
    return None if profile is None or profile.empty else complete_profile(profile)


def what_changed(migrations: pd.DataFrame | None) -> Lead | None:
    """The RFM movements between the last two as-of dates of the segment history, in
    words; None before the history has two dates."""
    pair = None if migrations is None else last_pair(migrations)
    if pair is None:
        return None
    rows = migrations[
        (migrations["segmentation"] == "rfm")
        & (pd.to_datetime(migrations["to_as_of_date"]) == pair[1])
    ]
    new = rows["from_segment"] == NEW
    moved = int(rows.loc[~new & (rows["from_segment"] != rows["to_segment"]), "customers"].sum())
    total = int(rows["customers"].sum())
    moves = biggest_movements(migrations, "rfm", MOVEMENTS_IN_SUMMARY)
    words = f" (the most: {'; '.join(moves)})" if moves else ""
    return Lead(
        f"What changed from {fmt_number(pair[0].date())} to {fmt_number(pair[1].date())}: "
        f"{moved:,} of the {total:,} customers changed RFM segment{words}, and "
        f"{int(rows.loc[new, 'customers'].sum()):,} are new. The segment history below has "
        "the details."
    )


def section_executive_summary(ctx: Context) -> Blocks:
    profile = customer_profile(ctx)
    if profile is None:
        return (Note(NO_SEGMENTS), Cards(date_cards(ctx)))
    changed = what_changed(ctx.wh.table(MIGRATIONS, order_by="to_as_of_date"))
    return (
        Lead(headline(profile, ctx.currency, ctx)),
        *([changed] if changed else []),
        Cards(value_cards(profile, ctx.currency) + date_cards(ctx)),
        this_week(profile, ctx.currency),
    )


# --------------------------------------------------------------------------- cards


def segment_card(row: pd.Series, currency: Currency, value: str) -> SegmentCard:
    return SegmentCard(
        segment_id=int(row["segment_id"]),
        name=str(row["segment_name"]),
        colour=segment_colour(int(row["segment_id"])),
        facts=segment_facts(row, currency, value),
        goal=str(row.get("goal") or "–"),
        action=str(row.get("recommended_action") or "–"),
        contact_list=contact_link(row),
    )


def segment_cards(profile: pd.DataFrame, currency: Currency) -> Sequence[SegmentCard]:
    value = value_column(profile)
    return [segment_card(row, currency, value) for _, row in by_value(profile).iterrows()]


def section_segment_cards(ctx: Context) -> Blocks:
    profile = customer_profile(ctx)
    if profile is None:
        return (Note(NO_SEGMENTS),)
    intro = Note(
        "One card per customer segment, the most valuable first. Each links the CSV of its "
        "customers (beside this report, in contact_lists/), most valuable customer first. "
        "Hover over a number for its exact value."
    )
    return (intro, SegmentCards(tuple(segment_cards(profile, ctx.currency))))
