"""The HTML segmentation report (retail_segments.report) and the BI exports.

One small warehouse (20,000 demo lines with customer attributes, fixture
`report_build` in conftest.py) is built once; the report is generated from it.
Fast checks that need no build are in test_report_units.py.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from markupsafe import escape

from retail_segments import report as rp
from retail_segments.report.tables import money
from retail_segments.report.warehouse import Warehouse

FIGURE = re.compile(
    r'<figure class="chart"><img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" '
    r'alt="([^"]+)"><figcaption>(.+?)</figcaption></figure>',
    re.S,
)
# The charts of each section of a build with every segmentation (demo data with
# customer attributes): stated here, not read from what was built.
EXPECTED_CHARTS = {
    "summary": 0,
    "segments": 0,  # one card per customer segment, no chart
    "sweeps": 4,  # customers, countries, products, demographics: elbow and silhouette
    "customer-map": 1,  # PCA map
    "rfm-pairs": 1,  # pair plot of the clustered features
    "profiles": 2,  # segment shares, feature means
    "rfm": 2,  # customers per RFM segment, recency x frequency map
    # one as-of date: the segment sizes of the stored k-means model and of RFM, no
    # migration heatmaps (test_segment_history.py has a history of several dates)
    "history": 2,
    # backtest deciles only: on 20,000 demo lines the Gamma-Gamma fit at the as-of date
    # ends on a bound of p, so no customer has a CLV to draw (see the test below)
    # the CLV distribution and the value per segment (only when some customer has a
    # CLV, see value_charts), and the backtest deciles
    "customer-value": 3,
    "countries": 2,  # revenue per country, segment shares
    "products": 2,  # units vs revenue, segment shares
    "demographics": 5,  # distributions, violins by gender, 2 scatter plots, segment shares
}
# What the report shows of a segmentation when its tables were dropped or are empty.
NOT_BUILT = {
    "countries": "Country segments were not built",
    "products": "Product segments were not built",
    "demographics": "Demographic segments were not built",
    "customer-value": "Predicted customer values were not built",
}
OPTIONAL_TABLES = re.compile(
    r"dim_(countries|products|customer_demographics)"
    r"|(dim|diag)_(country|product|demographic)_segments?(_sweep)?"
    r"|fct_customer_value_predictions|diag_customer_value_(parameters|backtest)"
)
# The charts of the customer-value section of the UCI Online Retail build, whose fits
# converge: the distribution of CLV, the value per segment, the backtest deciles.
UCI_VALUE_CHARTS = 3


def sections(html: str) -> dict[str, str]:
    """Section id -> its HTML."""
    parts = re.findall(r'<section id="([^"]+)">(.*?)</section>', html, re.S)
    return dict(parts)


def tables(database: Path) -> set[str]:
    with duckdb.connect(str(database), read_only=True) as con:
        return {name for (name,) in con.sql("show tables").fetchall()}


@pytest.fixture(scope="module")
def html(report_build) -> str:
    return report_build.report.read_text(encoding="utf-8")


def test_report_is_one_self_contained_file(html: str) -> None:
    assert html.startswith("<!DOCTYPE html>")
    lowered = html.lower()
    for forbidden in ("<script ", "<link", "@import", "url(", 'src="http', "src='http", "<iframe"):
        assert forbidden not in lowered, f"the report must not load anything: found {forbidden}"
    # one inline script (the table sorting), which fetches nothing
    assert lowered.count("<script") == 1
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    for fetch in ("fetch(", "xmlhttprequest", "import(", "http:", "https:", "src"):
        assert fetch not in script.lower(), fetch
    # every image is embedded
    sources = re.findall(r'<img src="([^"]{0,40})', html)
    assert sources and all(s.startswith("data:image/svg+xml;base64,") for s in sources)


def test_every_chart_is_a_captioned_svg_with_title_and_labels(html: str) -> None:
    figures = FIGURE.findall(html)
    assert len(figures) == html.count("<figure"), "every <figure> holds one embedded chart"
    for payload, alt, caption in figures:
        svg = base64.b64decode(payload)
        root = ET.fromstring(svg)  # valid XML
        assert root.tag.endswith("svg")
        assert float(root.get("width", "0").rstrip("pt")) > 100
        assert float(root.get("height", "0").rstrip("pt")) > 100
        assert alt.strip() and caption.strip()
        # matplotlib writes each text (text drawn as paths) as a comment: title + labels
        texts = re.findall(rb"<!-- (.+?) -->", svg)
        assert len(texts) >= 3, f"chart without title/axis labels: {caption[:80]}"


def customers_with_clv(run) -> int:
    return int(run.query("select count(clv) as n from fct_customer_value_predictions")["n"][0])


def value_charts(run) -> int:
    """The customer-value charts of a build: without any CLV (a Gamma-Gamma fit that
    fails on a small sample) only the backtest chart can be drawn."""
    return EXPECTED_CHARTS["customer-value"] if customers_with_clv(run) else 1


def test_sections_have_the_expected_charts(report_build, html: str) -> None:
    by_section = {key: len(FIGURE.findall(body)) for key, body in sections(html).items()}
    assert by_section == {**EXPECTED_CHARTS, "customer-value": value_charts(report_build.run)}
    assert "could not be drawn" not in html


def test_table_of_contents_links_every_section(html: str) -> None:
    anchors = re.findall(r"<nav>.*?</nav>", html, re.S)[0]
    links = re.findall(r'href="#([^"]+)"', anchors)
    assert links == list(sections(html)), "one contents entry per section, in order"
    assert len(links) == len(rp.SECTIONS)


def test_summary_and_profiles_match_the_warehouse(report_build, html: str) -> None:
    run = report_build.run
    customers = int(run.query("select count(*) as n from dim_customers")["n"].iloc[0])
    summary = sections(html)["summary"]
    assert f"{customers:,}" in summary
    as_of = run.query("select max(as_of_date) as d from dim_customers")["d"].iloc[0]
    assert pd.Timestamp(as_of).strftime("%Y-%m-%d") in summary
    k = int(run.query("select k from diag_customer_segment_sweep where is_chosen")["k"].iloc[0])
    assert re.search(rf'<td>Customers</td><td class="num"[^>]*>{k}</td>', sections(html)["sweeps"])
    profiles = sections(html)["profiles"]
    names = run.query("select segment_name, goal from dim_customer_segments")
    for name, goal in names.itertuples(index=False):
        assert escape(name) in profiles and escape(goal) in profiles
    rfm = sections(html)["rfm"]
    for name in run.query("select rfm_segment from dim_rfm_segments")["rfm_segment"]:
        assert escape(name) in rfm


def test_first_section_says_currency_dates_and_value(report_build, html: str) -> None:
    """The executive summary names the currency of the build, the as-of date, when dbt
    built it (plain dbt: no warehouse_builds) and the revenue to the penny."""
    run = report_build.run
    assert list(sections(html))[0] == "summary"
    summary = sections(html)["summary"]
    settings = run.query("select * from diag_build_settings").iloc[0]
    assert settings["currency"] == "GBP"  # the var's default
    assert "GBP (£)" in summary
    assert pd.Timestamp(settings["as_of_date"]).strftime("%Y-%m-%d") in summary
    built = pd.Timestamp(settings["dbt_run_started_at"])
    assert built.strftime("%Y-%m-%d") in summary and built.strftime("%H:%M UTC") in summary
    revenue = float(run.query("select sum(monetary) as r from dim_customers")["r"].iloc[0])
    assert f'title="£{revenue:,.2f}"' in summary
    assert "What to do this week" in summary


def test_diagnostics_are_an_appendix_after_what_marketers_act_on(html: str) -> None:
    order = list(sections(html))
    appendix = [a for a, title, _ in rp.SECTIONS if title.startswith("Appendix")]
    assert {"sweeps", "customer-map", "rfm-pairs"} <= set(appendix)
    assert order[-len(appendix) :] == appendix
    assert order[:2] == ["summary", "segments"]


CARD = re.compile(r'<article class="segment-card" id="segment-(\d+)".*?</article>', re.S)
LINK = re.compile(r'<a class="contact-list" href="([^"]+)">')


def contact_lists_follow_the_warehouse(report: Path, database: Path) -> None:
    """Each segment card links one CSV beside the report, holding exactly the
    segment's customers of dim_customers; the summary links some of the same files."""
    page = report.read_text(encoding="utf-8")
    with duckdb.connect(str(database), read_only=True) as con:
        members = con.sql("select customer_id, segment_id from dim_customers").df()
    cards = {int(m.group(1)): m.group(0) for m in CARD.finditer(sections(page)["segments"])}
    assert sorted(cards) == sorted(members["segment_id"].dropna().astype(int).unique())
    for segment_id, card in cards.items():
        (href,) = LINK.findall(card)
        assert not href.startswith(("/", "file:", "http")), "a link relative to the report"
        path = report.parent / unescape(href)
        assert path.is_file(), href
        listed = pd.read_csv(path, dtype={"customer_id": str})
        expected = members.loc[members["segment_id"] == segment_id, "customer_id"]
        assert sorted(listed["customer_id"]) == sorted(expected), href
        assert (listed["segment_id"] == segment_id).all()
        assert listed["customer_id"].is_unique
    summary_links = set(LINK.findall(sections(page)["summary"]))
    card_links = {LINK.findall(card)[0] for card in cards.values()}
    assert summary_links and summary_links <= card_links


def test_contact_lists_hold_each_segments_customers(report_build) -> None:
    contact_lists_follow_the_warehouse(report_build.report, report_build.run.database)


def test_contact_lists_of_uci_hold_each_segments_customers(uci_build, uci_mall_report) -> None:
    contact_lists_follow_the_warehouse(uci_mall_report, uci_build.database)


def test_segment_cards_show_size_value_goal_and_action(report_build, html: str) -> None:
    cards = {int(m.group(1)): m.group(0) for m in CARD.finditer(sections(html)["segments"])}
    profile = report_build.run.query(
        "select segment_id, customers, revenue, goal, recommended_action from dim_customer_segments"
    )
    for row in profile.itertuples(index=False):
        card = cards[int(row.segment_id)]
        assert f"<dd>{int(row.customers):,}</dd>" in card
        assert f'title="£{float(row.revenue):,.2f}"' in card
        assert escape(row.goal) in card and escape(row.recommended_action) in card
        assert "spend trend" in card


def chart_texts(payload: str) -> list[str]:
    """The texts of an embedded chart (matplotlib writes each as a comment)."""
    svg = base64.b64decode(payload).decode("utf-8")
    return re.findall(r"<!-- (.+?) -->", svg)


def assert_fit_and_holdout_told(run, section: str) -> None:
    """The full fit's parameters (or why a model did not converge) and the holdout
    totals of the warehouse are in the section's text."""
    fit = run.query(
        "select model, parameter, value, converged, reason from diag_customer_value_parameters "
        "where fit_name = 'full' and parameter <> 'frequency_value_correlation'"
    )
    names = {"bg_nbd": "BG/NBD (repeat purchases)", "gamma_gamma": "Gamma-Gamma (order value)"}
    for model, rows in fit.groupby("model"):
        if rows["converged"].all():
            for parameter, value in rows[["parameter", "value"]].itertuples(index=False):
                assert f"{parameter} = {value:.4g}" in section, (model, parameter)
        else:
            reason = rows["reason"].iloc[0]
            assert escape(f"The {names[model]} fit did not converge: {reason}.") in section
    total = run.query("select * from diag_customer_value_backtest where breakdown = 'total'")
    predicted, actual = total[["predicted_purchases", "actual_purchases"]].iloc[0]
    assert f"predicted {predicted:,.1f} repeat purchases" in section
    assert f"they made {actual:,.0f}" in section


def test_customer_value_section_tells_the_fit_and_the_holdout(report_build, html: str) -> None:
    run = report_build.run
    section = sections(html)["customer-value"]
    with_clv = customers_with_clv(run)
    charts = FIGURE.findall(section)
    assert len(charts) == value_charts(run)
    if with_clv:
        assert f"Predicted CLV of the {with_clv:,} customers with one" in charts[0][2]
    else:
        assert "No customer has a predicted CLV" in section
    assert_fit_and_holdout_told(run, section)
    assert "Backtest: predicted vs actual, by decile" in chart_texts(charts[-1][0])


def test_customer_value_section_of_uci_follows_the_warehouse(uci_build, uci_mall_report) -> None:
    section = sections(uci_mall_report.read_text(encoding="utf-8"))["customer-value"]
    charts = FIGURE.findall(section)
    assert len(charts) == UCI_VALUE_CHARTS
    predictions = uci_build.query("select segment_id, clv from fct_customer_value_predictions")
    with_clv = int(predictions["clv"].notna().sum())
    assert with_clv > 1000
    assert f"Predicted CLV of the {with_clv:,} customers with one" in charts[0][2]
    by_segment = predictions.groupby("segment_id")["clv"].agg(["sum", "mean"]).sort_index()
    shares = by_segment["sum"] / by_segment["sum"].sum()
    labels = [t for t in chart_texts(charts[1][0]) if t.endswith("per customer")]
    assert labels == [
        f" {money(total)} total ({share:.0%}), mean {mean:,.0f} per customer"
        for total, share, mean in zip(by_segment["sum"], shares, by_segment["mean"], strict=True)
    ], "one bar label per segment in id order, from a groupby of the predictions"
    assert_fit_and_holdout_told(uci_build, section)
    assert "Backtest: predicted vs actual, by decile" in chart_texts(charts[2][0])


def test_same_warehouse_gives_the_same_bytes(report_build, tmp_path: Path) -> None:
    again = rp.write_report(report_build.run.database, tmp_path / "again.html")
    assert again.read_bytes() == report_build.report.read_bytes()
    lists = sorted((report_build.report.parent / "contact_lists").iterdir())
    assert lists and [p.name for p in lists] == sorted(p.name for p in lists)
    for path in lists:
        assert (tmp_path / "contact_lists" / path.name).read_bytes() == path.read_bytes()


def without_optional_segmentations(source: Path, copy: Path, how: str) -> None:
    """Copy the warehouse with the country, product and demographic tables and the
    customer-value marts dropped or emptied."""
    shutil.copy(source, copy)
    names = sorted(name for name in tables(copy) if OPTIONAL_TABLES.fullmatch(name))
    assert names, "the build has country, product and demographic tables"
    with duckdb.connect(str(copy)) as con:
        for name in names:
            con.sql(f'create table "_empty" as select * from "{name}" limit 0')
            con.sql(f'drop {kind(con, name)} "{name}"')
            if how == "empty":
                con.sql(f'alter table "_empty" rename to "{name}"')
            else:
                con.sql('drop table "_empty"')


@pytest.mark.parametrize("how", ["dropped", "empty"])
def test_missing_segmentations_are_reported_not_fatal(
    report_build, tmp_path: Path, how: str
) -> None:
    copy = tmp_path / "partial.duckdb"
    without_optional_segmentations(report_build.run.database, copy, how)
    html = rp.write_report(copy, tmp_path / "partial.html").read_text()
    parts = sections(html)
    for key, note in NOT_BUILT.items():
        assert note in parts[key], key
        assert not FIGURE.findall(parts[key]), key
    assert "not built" in parts["sweeps"]
    assert len(FIGURE.findall(parts["profiles"])) == EXPECTED_CHARTS["profiles"]
    assert "could not be drawn" not in html


def kind(con: duckdb.DuckDBPyConnection, name: str) -> str:
    table_type = con.sql(
        f"select table_type from information_schema.tables where table_name = '{name}'"
    ).fetchone()[0]
    return "view" if table_type == "VIEW" else "table"


def test_command_line_prints_progress_per_section(report_build, tmp_path: Path) -> None:
    out = tmp_path / "cli" / "report.html"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "retail_segments.report",
            "--database",
            str(report_build.run.database),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    progress = re.findall(r"^\[report\] (.+): \d+\.\d s$", completed.stdout, re.M)
    assert progress == [title for _, title, _ in rp.SECTIONS]
    assert f"Report: {out}" in completed.stdout
    assert out.read_bytes() == report_build.report.read_bytes()


def test_missing_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="No warehouse at"):
        rp.main(["--database", str(tmp_path / "nope.duckdb"), "--out", str(tmp_path / "r.html")])


def test_clustered_features_come_from_diag_segment_models(report_build) -> None:
    wh = Warehouse(report_build.run.database)
    try:
        models = wh.models()
    finally:
        wh.close()
    customer = models["customer"]
    assert customer.configured, "diag_segment_models has a customer row"
    # dbt_project.yml: customer_segment_features and customer_segment_log_features
    assert customer.features == ("recency_days", "frequency", "monetary")
    assert customer.log_features == ("recency_days", "frequency", "monetary")
    assert customer.k is not None and customer.k >= 2
    assert models["demographic"].features == ("age", "annual_income", "spending_score")
    assert models["demographic"].log_features == ()


# --------------------------------------------------------------------------- exports

# export file name -> the warehouse view it is written from
EXPORTS = {
    name: f"export_{name}"
    for name in (
        "customer_segments",
        "customer_segment_profiles",
        "rfm_segments",
        "customer_product_recommendations",
        "country_segments",
        "product_segments",
        "customer_value_predictions",
        "customer_value_backtest",
    )
}


def canonical(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return frame


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_exports_read_back_equal_to_the_warehouse(report_build, name: str) -> None:
    table = EXPORTS[name]
    present = tables(report_build.run.database)
    if table not in present:
        pytest.skip(f"{table} is not built in this project version")
    expected = report_build.run.query(f'select * from "{table}"')
    parquet = report_build.exports / f"{name}.parquet"
    csv = report_build.exports / f"{name}.csv"
    assert parquet.exists() and csv.exists(), f"missing export files for {name}"
    with duckdb.connect() as con:
        from_parquet = con.sql(f"select * from read_parquet('{parquet}')").df()
        # the CSV read back with the warehouse's column types; DuckDB writes an empty text
        # quoted ("") and a null as nothing, so quoted empties are read as texts
        types = {
            c: str(t)
            for c, t in zip(
                expected.columns,
                con.sql(f"select * from read_parquet('{parquet}') limit 0").types,
                strict=True,
            )
        }
        from_csv = con.sql(
            f"select * from read_csv('{csv}', header = true, columns = {types!r}, "
            "allow_quoted_nulls = false)"
        ).df()
    assert len(from_parquet) == len(expected) == len(from_csv)
    assert list(from_parquet.columns) == list(expected.columns) == list(from_csv.columns)
    pd.testing.assert_frame_equal(canonical(from_parquet), canonical(expected))
    pd.testing.assert_frame_equal(
        canonical(from_csv), canonical(expected), check_dtype=False, rtol=1e-9
    )
