"""The executive summary, segment cards, contact lists, currency and build dates on
small hand-made warehouses: no dbt build needed (the built reports are checked in
test_report.py and test_report_browser.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.warehouses import make_warehouse

from retail_segments import report as rp
from retail_segments.report.contacts import contact_list_href, contact_list_name
from retail_segments.report.currency import Currency
from retail_segments.report.summary import this_week_segments, trend_text, what_changed
from retail_segments.report.warehouse import Warehouse

NAMES = ["High spend, frequent, recent", "Frequent, recent", "Lapsed"]
LEVELS = ["low", "low", "high"]


def customers(n: int = 30) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    segment = np.arange(n) % 3 + 1
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "segment_id": segment,
            "segment_name": [NAMES[s - 1] for s in segment],
            "monetary": rng.gamma(2.0, 100.0, n).round(2) * (4 - segment),
            "recency_days": rng.integers(1, 300, n),
            "as_of_date": pd.Timestamp("2011-12-10"),
        }
    )


def profile(members: pd.DataFrame) -> pd.DataFrame:
    grouped = members.groupby(["segment_id", "segment_name"], as_index=False).agg(
        customers=("customer_id", "count"), revenue=("monetary", "sum")
    )
    return grouped.assign(
        customer_share=grouped.customers / grouped.customers.sum(),
        revenue_share=grouped.revenue / grouped.revenue.sum(),
        recency_days_level=LEVELS,
        goal=["Reward", "Keep buying", "Win back"],
        recommended_action=["VIP", "Reminders", "Win-back series"],
        avg_monthly_spend_trend=[5.0, -0.01, -3.0],
        avg_monthly_spend_mean=[100.0, 50.0, 20.0],
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    members = customers()
    tables = {
        "dim_customers": members,
        "dim_customer_segments": profile(members),
        "diag_build_settings": pd.DataFrame(
            {
                "currency": ["EUR"],
                "as_of_date": [pd.Timestamp("2011-12-10")],
                "as_of_date_source": ["var as_of_date"],
                "dbt_run_started_at": [pd.Timestamp("2024-05-01 09:12:44")],
            }
        ),
    }
    return make_warehouse(tmp_path_factory.mktemp("summary") / "w.duckdb", tables)


def test_contact_list_names_are_unique_readable_and_relative() -> None:
    assert contact_list_name(2, "High spend, infrequent") == "segment_2_high_spend_infrequent.csv"
    assert contact_list_name(7, "Typical (2)") == "segment_7_typical_2.csv"
    assert contact_list_name(3, "!!!") == "segment_3.csv"
    assert contact_list_href(1, "Lapsed") == "contact_lists/segment_1_lapsed.csv"


def test_currency_signs_and_exact_amounts() -> None:
    gbp, chf = Currency("GBP", "var"), Currency("CHF", "var")
    assert (gbp.short(25_774_463.89), gbp.exact(25_774_463.89)) == ("£25.77 M", "£25,774,463.89")
    assert (chf.label, chf.short(-1234.0)) == ("CHF", "-CHF 1.2 k")
    assert gbp.label == "GBP (£)"


def test_spend_trend_in_words() -> None:
    gbp = Currency("GBP", "var")
    row = pd.Series({"avg_monthly_spend_trend": -30.0, "avg_monthly_spend_mean": 100.0})
    assert trend_text(row, gbp) == (
        "declining, £30 a month per customer",
        "-£30.00 per customer per month",
    )
    flat = pd.Series({"avg_monthly_spend_trend": 1.0, "avg_monthly_spend_mean": 100.0})
    assert trend_text(flat, gbp)[0] == "flat"
    assert trend_text(pd.Series({}, dtype=float), gbp) == ("not known", "")


def test_this_week_keeps_a_place_for_the_lapsed() -> None:
    frame = pd.DataFrame(
        {
            "segment_id": [1, 2, 3, 4],
            "segment_name": list("ABCD"),
            "revenue": [400.0, 300.0, 200.0, 100.0],
            "recency_days_level": ["low", "mid", "low", "high"],
        }
    )
    assert list(this_week_segments(frame)["segment_id"]) == [1, 2, 4]
    recent = frame.assign(recency_days_level="low")
    assert list(this_week_segments(recent)["segment_id"]) == [1, 2, 3]


def test_summary_and_cards_from_a_small_warehouse(warehouse: Path, tmp_path: Path) -> None:
    report = rp.write_report(warehouse, tmp_path / "r.html")
    page = report.read_text(encoding="utf-8")
    summary = re.search(r'<section id="summary">(.*?)</section>', page, re.S).group(1)
    members = customers()
    revenue = float(members["monetary"].sum())
    assert f"{len(members):,} customers bought €" in summary
    assert f'title="€{revenue:,.2f}"' in summary and "EUR (€)" in summary
    assert "2011-12-10" in summary and "2024-05-01" in summary and "09:12 UTC" in summary
    cards = re.search(r'<section id="segments">(.*?)</section>', page, re.S).group(1)
    assert cards.count('<article class="segment-card"') == 3
    for segment_id, name in enumerate(NAMES, start=1):
        listed = pd.read_csv(report.parent / contact_list_href(segment_id, name))
        expected = members[members.segment_id == segment_id]
        assert sorted(listed["customer_id"]) == sorted(expected["customer_id"])
        assert list(listed["monetary"]) == sorted(listed["monetary"], reverse=True)


def test_currency_given_to_the_report_wins(warehouse: Path, tmp_path: Path) -> None:
    page = rp.write_report(warehouse, tmp_path / "r.html", currency="usd").read_text()
    assert "amounts in USD ($)" in page


def test_a_published_build_after_dbt_gives_the_build_date(tmp_path: Path) -> None:
    published = dt.datetime(2024, 5, 2, 8, 0, 0)
    database = make_warehouse(
        tmp_path / "w.duckdb",
        {
            "diag_build_settings": pd.DataFrame(
                {"currency": ["GBP"], "dbt_run_started_at": [pd.Timestamp("2024-05-02 07:59")]}
            ),
            "warehouse_builds": pd.DataFrame(
                {"build_number": [1, 2], "published_at": [published - dt.timedelta(1), published]}
            ),
        },
    )
    wh = Warehouse(database)
    try:
        built = wh.built()
    finally:
        wh.close()
    assert built is not None and built.at == published and "build 2" in built.source


def test_a_warehouse_without_build_settings_says_the_default_currency(tmp_path: Path) -> None:
    database = make_warehouse(tmp_path / "w.duckdb", {"dim_customers": customers()})
    page = rp.write_report(database, tmp_path / "r.html").read_text()
    assert "amounts in GBP (£)" in page and "build date not recorded" in page
    assert "could not be drawn" not in page


def test_what_changed_counts_the_moves_of_the_last_two_dates_of_the_history() -> None:
    def rows(from_date: str, to_date: str, moves: list[tuple[str, str, int]]) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "segmentation": segmentation,
                    "from_as_of_date": pd.Timestamp(from_date),
                    "to_as_of_date": pd.Timestamp(to_date),
                    "from_segment": source,
                    "to_segment": target,
                    "customers": customers,
                }
                for segmentation in ("rfm", "kmeans")
                for source, target, customers in moves
            ]
        )

    moves = [
        ("Champions", "Champions", 50),
        ("Loyal Customers", "At Risk", 12),
        ("Champions", "Loyal Customers", 30),
        ("New", "Promising", 7),
    ]
    migrations = pd.concat(
        [
            rows("2011-09-30", "2011-10-31", [("Champions", "At Risk", 98)]),
            rows("2011-10-31", "2011-11-30", moves),
        ]
    )
    text = what_changed(migrations).text
    moved = sum(c for s, t, c in moves if s not in ("New", t))
    assert f"{moved:,} of the {sum(c for *_, c in moves):,} customers changed RFM segment" in text
    assert "from 2011-10-31 to 2011-11-30" in text
    assert "30 Champions became Loyal Customers; 12 Loyal Customers became At Risk" in text
    assert "7 are new" in text and "98" not in text
    assert what_changed(None) is None
    assert what_changed(migrations.iloc[0:0]) is None
