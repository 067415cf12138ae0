"""The HTML segmentation report (retail_segments.report) and the BI exports.

One small warehouse (20,000 demo lines with customer attributes, fixture
`report_build` in conftest.py) is built once; the report is generated from it.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from retail_segments import report as rp

FIGURE = re.compile(
    r'<figure class="chart"><img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" '
    r'alt="([^"]+)"><figcaption>(.+?)</figcaption></figure>',
    re.S,
)


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
    for forbidden in ("<script", "<link", "@import", "url(", 'src="http', "src='http", "<iframe"):
        assert forbidden not in lowered, f"the report must not load anything: found {forbidden}"
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


def test_sections_have_the_expected_charts(report_build, html: str) -> None:
    present = tables(report_build.run.database)
    by_section = {key: len(FIGURE.findall(body)) for key, body in sections(html).items()}
    sweeps = [t for t in present if re.fullmatch(r"fct_\w+_segment_sweep", t)]
    assert "fct_customer_segment_sweep" in sweeps
    assert by_section["summary"] == 0
    assert by_section["sweeps"] == len(sweeps)
    assert by_section["customer-map"] == 1
    assert by_section["rfm-pairs"] == 1
    assert by_section["profiles"] == 2
    assert by_section["rfm"] == 2
    for key, fact, dim in (
        ("countries", "fct_country_segments", "dim_country_segments"),
        ("products", "fct_product_segments", "dim_product_segments"),
    ):
        expected = (1 + (dim in present)) if fact in present else 0
        assert by_section[key] == expected, key
    expected_demo = 0
    if "fct_customer_demographic_segments" in present:
        expected_demo = 4 + ("dim_demographic_segments" in present)
    assert by_section["demographics"] == expected_demo
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
    as_of = run.query("select as_of_date from int_as_of_date")["as_of_date"].iloc[0]
    assert pd.Timestamp(as_of).strftime("%Y-%m-%d") in summary
    k = int(run.query("select k from fct_customer_segment_sweep where is_chosen")["k"].iloc[0])
    assert re.search(rf"<td>Customers</td><td class='num'>{k}</td>", summary)
    profiles = sections(html)["profiles"]
    names = run.query("select segment_name, goal from dim_customer_segments")
    for name, goal in names.itertuples(index=False):
        assert rp.esc(name) in profiles and rp.esc(goal) in profiles
    rfm = sections(html)["rfm"]
    for name in run.query("select rfm_segment from dim_rfm_segments")["rfm_segment"]:
        assert rp.esc(name) in rfm


def test_same_warehouse_gives_the_same_bytes(report_build, tmp_path: Path) -> None:
    again = rp.write_report(report_build.run.database, tmp_path / "again.html")
    assert again.read_bytes() == report_build.report.read_bytes()


def test_missing_segmentations_are_reported_not_fatal(report_build, tmp_path: Path) -> None:
    copy = tmp_path / "partial.duckdb"
    shutil.copy(report_build.run.database, copy)
    names = sorted(tables(copy))
    with duckdb.connect(str(copy)) as con:
        for name in names:
            if re.match(r"(fct|dim)_(country|product|demographic|customer_demographic)_", name):
                con.sql(f'drop {kind(con, name)} "{name}"')
    html = rp.write_report(copy, tmp_path / "partial.html").read_text()
    parts = sections(html)
    assert "Country segments were not built" in parts["countries"]
    assert "Product segments were not built" in parts["products"]
    assert "Demographic segments were not built" in parts["demographics"]
    assert "not built" in parts["summary"]
    assert len(FIGURE.findall(parts["profiles"])) == 2


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


def test_log_features_are_recognised_from_the_centroids(report_build) -> None:
    wh = rp.Warehouse(report_build.run.database)
    try:
        customers = wh.table("dim_customers")
        features = rp.clustered_features(wh, customers)
        assert features == ["recency_days", "frequency", "monetary"]
        assert rp.infer_log_features(wh, customers, features) == features
    finally:
        wh.close()


def test_pca_orientation_is_fixed() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(200, 3)) * [3.0, 1.0, 0.2]
    scores, components, variance = rp.pca_2d(matrix)
    flipped = rp.pca_2d(-matrix)[1]
    assert np.allclose(components, flipped)
    assert variance[0] > variance[1] > 0
    assert scores.shape == (200, 2)


# --------------------------------------------------------------------------- exports

EXPORTS = {
    "customer_segments": "fct_customer_segments",
    "customer_segment_profiles": "dim_customer_segments",
    "rfm_segments": "dim_rfm_segments",
    "customer_product_recommendations": "fct_customer_product_recommendations",
    "country_segments": "fct_country_segments",
    "product_segments": "fct_product_segments",
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
        # the CSV read back with the warehouse's column types
        types = {
            c: str(t)
            for c, t in zip(
                expected.columns,
                con.sql(f"select * from read_parquet('{parquet}') limit 0").types,
                strict=True,
            )
        }
        from_csv = con.sql(
            f"select * from read_csv('{csv}', header = true, columns = {types!r})"
        ).df()
    assert len(from_parquet) == len(expected) == len(from_csv)
    assert list(from_parquet.columns) == list(expected.columns) == list(from_csv.columns)
    pd.testing.assert_frame_equal(canonical(from_parquet), canonical(expected))
    pd.testing.assert_frame_equal(
        canonical(from_csv), canonical(expected), check_dtype=False, rtol=1e-9
    )
