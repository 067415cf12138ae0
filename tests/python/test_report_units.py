"""The report's parts on small hand-made data: no dbt build needed.

A tiny warehouse (fixture `tiny_warehouse`) holds the marts the report reads,
made here from data frames: customers in three segments, a demographic
segmentation, an empty country table (no countries clustered) and no product
table at all.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.warehouses import make_warehouse

from retail_segments import report as rp
from retail_segments.report import other_figures, page
from retail_segments.report.blocks import Cell, Figure, Note, Section, Table, figure_count
from retail_segments.report.models import DEFAULT_MODELS, model_from_row, models_from_rows
from retail_segments.report.projection import pca_2d
from retail_segments.report.sections import Context, section_demographics, section_pairplot
from retail_segments.report.warehouse import Warehouse

SEGMENTS = pd.DataFrame({"segment_id": [1, 2, 3], "segment_name": ["Best", "Mid", "Low"]})
# The charts of each section of the tiny warehouse, stated explicitly.
TINY_CHARTS = {
    "summary": 0,
    "segments": 0,
    "sweeps": 2,  # customers and demographics; countries empty, products missing
    "customer-map": 1,
    "rfm-pairs": 1,
    "profiles": 2,
    "rfm": 2,
    "history": 0,  # no segment history marts
    "countries": 0,  # dim_countries is empty
    "products": 0,  # dim_products is missing
    "demographics": 5,
    "customer-value": 0,  # no customer-value marts (test_report_value_units.py has them)
}


def customers(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    segment = np.arange(n) % 3 + 1
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "as_of_date": pd.Timestamp("2024-01-01"),
            "recency_days": rng.integers(1, 300, n),
            "frequency": rng.integers(1, 20, n) * (4 - segment),
            "monetary": rng.gamma(2.0, 100.0, n) * (4 - segment),
            "segment_id": segment,
            "segment_name": SEGMENTS.set_index("segment_id").loc[segment, "segment_name"].values,
            "is_outlier": np.arange(n) % 17 == 0,
            "recency_score": np.arange(n) % 5 + 1,
            "frequency_score": np.arange(n) // 12 % 5 + 1,
        }
    )


def customer_profile() -> pd.DataFrame:
    return SEGMENTS.assign(
        customers=20,
        customer_share=1 / 3,
        revenue_share=[0.6, 0.3, 0.1],
        avg_recency_days=[20.0, 90.0, 200.0],
        avg_frequency=[30.0, 12.0, 4.0],
        avg_monetary=[600.0, 400.0, 200.0],
        centroid_frequency_z=[1.0, 0.0, -1.0],
        centroid_monetary_z=[1.2, 0.1, -1.1],
        goal=["Keep <them> & grow", "Grow", "Win back"],
        recommended_action=["Thank", "Cross-sell", "Discount"],
    )


def people(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(2)
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "segment_id": np.arange(n) % 3 + 1,
            "segment_name": np.array(["Best", "Mid", "Low"])[np.arange(n) % 3],
            "gender": np.where(np.arange(n) % 2 == 0, "Female", "Male"),
            "age": rng.integers(18, 70, n).astype(float),
            "annual_income": rng.integers(15, 140, n).astype(float),
            "spending_score": rng.integers(1, 100, n).astype(float),
        }
    )


def sweep() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "k": [2, 3, 4],
            "inertia": [90.0, 50.0, 40.0],
            "silhouette": [0.4, 0.5, 0.3],
            "is_chosen": [False, True, False],
            "selection_rule": "knee at k=3 -> k=3",
        }
    )


def model_row(segmentation: str, features: list[str], logs: list[str]) -> dict[str, object]:
    return {
        "segmentation": segmentation,
        "k": 3,
        "features": json.dumps(features),
        "log_features": json.dumps(logs),
        "categorical_features": "[]",
        "value_column": "monetary",
        "settings_json": json.dumps({"features": features, "log_features": logs}),
    }


TINY_TABLES = {
    "dim_customers": customers(),
    "dim_customer_segments": customer_profile(),
    "diag_customer_segment_sweep": sweep(),
    "diag_demographic_segment_sweep": sweep(),
    "diag_country_segment_sweep": sweep().head(0),
    "dim_countries": pd.DataFrame(
        {"country": ["X"], "revenue": [1.0], "segment_id": [1], "segment_name": ["Best"]}
    ).head(0),
    "dim_customer_demographics": people(),
    "dim_demographic_segments": SEGMENTS.assign(customers=13, customer_share=1 / 3, avg_age=40.0),
    "dim_rfm_segments": pd.DataFrame(
        {
            "rfm_segment": ["Champions", "Can't Lose Them"],
            "customers": [35, 25],
            "customer_share": [35 / 60, 25 / 60],
            "revenue_share": [0.7, 0.3],
            "avg_recency_days": [10.0, 200.0],
            "avg_monetary": [500.0, 300.0],
            "goal": ["Reward", "Win back"],
            "recommended_action": ["Early access", "Call them"],
        }
    ),
    "rfm_segment_map": pd.DataFrame(
        {
            "recency_score": np.repeat(np.arange(1, 6), 5),
            "frequency_score": np.tile(np.arange(1, 6), 5),
            "rfm_segment": np.where(
                np.repeat(np.arange(1, 6), 5) >= 3, "Champions", "Can't Lose Them"
            ),
        }
    ),
    "diag_segment_models": pd.DataFrame(
        [
            # a customer clustering on two features, only one of them log-scaled
            model_row("customer", ["frequency", "monetary"], ["monetary"]),
            model_row("demographic", ["age", "annual_income", "spending_score"], []),
        ]
    ),
}


@pytest.fixture(scope="module")
def tiny_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("tiny") / "tiny.duckdb", TINY_TABLES)


@pytest.fixture(scope="module")
def tiny_report(tiny_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = rp.write_report(tiny_warehouse, tmp_path_factory.mktemp("out") / "report.html")
    return out.read_text(encoding="utf-8")


def sections_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'<section id="([^"]+)">(.*?)</section>', html, re.S))


# --------------------------------------------------------------------------- template


def test_template_escapes_every_text() -> None:
    figure = Figure("PHN2Zz48L3N2Zz4=", caption="a < b & c", alt='say "hi"')
    table = Table(("<th>",), ((Cell("<script>alert(1)</script>", "num", "#4e79a7"),),), "cap & co")
    section = Section("one", "Title <i>", (Note("<b>bold?</b>"), figure, table))
    html = page.render_page([section], subtitle="Warehouse <x>.duckdb")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 1, "only the page's own sorting script"
    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert "<figcaption>a &lt; b &amp; c</figcaption>" in html
    assert 'alt="say &#34;hi&#34;"' in html
    assert "<h2>Title &lt;i&gt;</h2>" in html and "Warehouse &lt;x&gt;.duckdb" in html
    assert '<span class="swatch" style="background:#4e79a7"></span>' in html
    assert '<td class="num">' in html and "<caption>cap &amp; co</caption>" in html
    assert '<table class="sortable">' in html


def test_style_sheet_is_inlined_into_the_one_file() -> None:
    css = page.template_text(page.STYLESHEET)
    html = page.render_page([Section("a", "A", ())], subtitle="s")
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert style and style.group(1).strip() == css.strip()
    assert '"Segoe UI"' in style.group(1), "the style sheet is not escaped"
    assert "<link" not in html and "@import" not in html
    assert html.startswith("<!DOCTYPE html>") and html.count("<section") == 1


# --------------------------------------------------------------------------- settings


def test_settings_are_read_from_a_diag_segment_models_row() -> None:
    row = model_row("customer", ["recency_days", "monetary"], ["monetary"])
    model = model_from_row(row | {"categorical_features": None, "k": 4})
    assert model.segmentation == "customer" and model.k == 4
    assert model.features == ("recency_days", "monetary")
    assert model.log_features == ("monetary",)
    assert model.categorical_features == ()
    assert model.value_column == "monetary" and model.configured
    assert model.settings["log_features"] == ["monetary"]
    assert model_from_row(row | {"features": "frequency, monetary"}).features == (
        "frequency",
        "monetary",
    )
    usable = model.usable(["customer_id", "monetary"])
    assert usable.features == ("monetary",) and usable.log_features == ("monetary",)


def test_models_default_to_the_project_settings_without_the_table() -> None:
    models = models_from_rows([model_row("country", ["revenue"], [])])
    assert models["country"].features == ("revenue",) and models["country"].configured
    assert models["customer"] == DEFAULT_MODELS["customer"]
    assert not models["customer"].configured
    assert models["customer"].log_features == ("recency_days", "frequency", "monetary")


def test_warehouse_reads_the_configured_customer_features(tiny_warehouse: Path) -> None:
    wh = Warehouse(tiny_warehouse)
    try:
        model = wh.models()["customer"]
        as_of = wh.as_of()
    finally:
        wh.close()
    assert model.features == ("frequency", "monetary") and model.log_features == ("monetary",)
    assert as_of is not None and str(as_of.date) == "2024-01-01"


# --------------------------------------------------------------------------- sections


def test_demographic_charts_from_a_small_frame() -> None:
    figures = other_figures.demographic_figures(people(), SEGMENTS)
    assert len(figures) == 4  # distributions, violins by gender, age and income scatter
    assert all(f.svg_base64 and f.caption for f in figures)
    no_gender = other_figures.demographic_figures(people().drop(columns="gender"), SEGMENTS)
    assert len(no_gender) == 3


def test_sections_draw_from_the_tiny_warehouse(tiny_warehouse: Path) -> None:
    wh = Warehouse(tiny_warehouse)
    try:
        ctx = Context.of(wh)
        assert figure_count(section_demographics(ctx)) == 5
        pairs = section_pairplot(ctx)
    finally:
        wh.close()
    assert figure_count(pairs) == 1
    caption = pairs[0].caption  # type: ignore[union-attr]
    assert "frequency, monetary" in caption and "recency" not in caption


def test_report_of_the_tiny_warehouse_has_the_expected_charts(tiny_report: str) -> None:
    parts = sections_of(tiny_report)
    charts = {key: body.count('<figure class="chart">') for key, body in parts.items()}
    assert charts == TINY_CHARTS
    assert "Country segments were not built" in parts["countries"]
    assert "Product segments were not built" in parts["products"]
    assert "fct_customer_value_predictions is not in the warehouse" in parts["customer-value"]
    assert "log1p(monetary)" in parts["customer-map"] and "log1p(frequency)" not in tiny_report
    assert "Keep &lt;them&gt; &amp; grow" in parts["profiles"]
    assert "Can&#39;t Lose Them" in parts["rfm"]
    assert "could not be drawn" not in tiny_report


def test_a_broken_section_does_not_lose_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = dict(TINY_TABLES)
    broken["dim_rfm_segments"] = TINY_TABLES["dim_rfm_segments"].drop(columns="revenue_share")
    database = make_warehouse(tmp_path / "broken.duckdb", broken)
    html = rp.write_report(database, tmp_path / "report.html").read_text(encoding="utf-8")
    parts = sections_of(html)
    assert "This section could not be drawn: KeyError" in parts["rfm"]
    assert parts["customer-map"].count("<figure") == TINY_CHARTS["customer-map"]
    assert parts["demographics"].count("<figure") == TINY_CHARTS["demographics"]
    out = capsys.readouterr().out
    assert "[report] RFM segments: FAILED (KeyError" in out
    timings = re.findall(r"^\[report\] (.+): \d+\.\d s$", out, re.M)
    assert timings == [title for _, title, _ in rp.SECTIONS]


def test_pca_orientation_is_fixed() -> None:
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(200, 3)) * [3.0, 1.0, 0.2]
    scores, components, variance = pca_2d(matrix)
    flipped = pca_2d(-matrix)[1]
    assert np.allclose(components, flipped)
    assert variance[0] > variance[1] > 0
    assert scores.shape == (200, 2)


def test_a_warehouse_without_segment_columns_is_reported_not_fatal(tmp_path: Path) -> None:
    unsegmented = {
        "dim_customers": customers().drop(columns=["segment_id", "segment_name"]),
        "dim_products": pd.DataFrame({"stock_code": ["A"], "units": [1], "revenue": [2.0]}),
    }
    database = make_warehouse(tmp_path / "plain.duckdb", unsegmented)
    parts = sections_of(rp.write_report(database, tmp_path / "r.html").read_text())
    assert "Customer segments were not built." in parts["customer-map"]
    assert "dim_products has no segment columns" in parts["products"]
    assert "could not be drawn" not in "".join(parts.values())


def test_axis_labels_name_the_report_currency_while_it_is_written(
    tiny_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The labels are drawn as paths in the SVG, so they are read while the report is
    written (the contact lists come after the charts, inside the same step)."""
    from retail_segments.report import figures, style

    labels: list[str] = []
    original = rp.write_contact_lists

    def recording(*args: object) -> list[Path]:
        labels.append(style.in_money_units("revenue (sales value, currency units)"))
        labels.append(figures.feature_unit("monetary"))
        return original(*args)

    monkeypatch.setattr(rp, "write_contact_lists", recording)
    rp.write_report(tiny_warehouse, tmp_path / "report.html", currency="EUR")
    assert labels == ["revenue (sales value, EUR)", "sales value, EUR"]
    # outside the report the labels stay generic
    assert figures.feature_unit("monetary") == "sales value, currency units"
