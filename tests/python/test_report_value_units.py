"""The report's customer-value section and charts on small hand-made data: no dbt build.

The charts' numbers are read back from the matplotlib figures (bar heights and
widths, histogram bins) and compared with pandas computations on the hand-made
frames, made here independently of the report's code.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support.warehouses import make_warehouse

from retail_segments import report as rp
from retail_segments.report import value_figures as vf
from retail_segments.report.blocks import Figure, Note, figure_count
from retail_segments.report.sections import Context
from retail_segments.report.style import plt
from retail_segments.report.value_section import section_customer_value
from retail_segments.report.warehouse import Warehouse

NAMES = {1: "Best", 2: "Mid", 3: "Low"}
NO_GAMMA_GAMMA = "gamma_gamma not fitted: the optimum is on a bound of p"
HOLDOUT_START, AS_OF = pd.Timestamp("2023-10-03"), pd.Timestamp("2024-01-01")


def predictions(n: int = 90) -> pd.DataFrame:
    """Customers of three segments with a skewed CLV (two without one)."""
    rng = np.random.default_rng(7)
    segment = np.arange(n) % 3 + 1
    clv = rng.lognormal(6.0, 0.6, n) * (4 - segment)
    clv[0] = 400 * np.median(clv)  # one customer worth far more than the others
    clv[[5, 50]] = np.nan
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:03d}" for i in range(n)],
            "segment_id": segment,
            "segment_name": [NAMES[s] for s in segment],
            "clv": clv,
            "expected_purchases": rng.gamma(2.0, 1.0, n),
            "horizon_days": 365,
            "prediction_note": np.where(np.isnan(clv), "too few purchases", ""),
        }
    )


def segment_profile(members: pd.DataFrame) -> pd.DataFrame:
    """dim_customer_segments' value columns, rows out of segment order."""
    grouped = members.groupby(["segment_id", "segment_name"], as_index=False)["clv"]
    profile = grouped.agg(total_clv="sum", mean_clv="mean")
    return profile.assign(customers=30).iloc[[2, 0, 1]].reset_index(drop=True)


def holdout_customers(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(11)
    predicted = rng.gamma(1.0, 2.0, n)
    return pd.DataFrame(
        {
            "predicted": predicted,
            "actual": rng.poisson(predicted).astype(float),
            "rate": rng.gamma(1.0, 2.0, n),
        }
    )


def backtest_row(breakdown: str, number: int, group: pd.DataFrame) -> dict[str, object]:
    error = (group["predicted"] - group["actual"]).abs()
    return {
        "breakdown": breakdown,
        "group_number": number,
        "group_label": f"{breakdown} {number}",
        "customers": len(group),
        "predicted_purchases": group["predicted"].sum(),
        "actual_purchases": group["actual"].sum(),
        "rate_baseline_purchases": group["rate"].sum(),
        "predicted_value": 50 * group["predicted"].sum(),
        "actual_value": 45 * group["actual"].sum(),
        "mae": error.mean(),
        "rmse": float(np.sqrt((error**2).mean())),
        "mae_zero_baseline": group["actual"].mean(),
        "rmse_zero_baseline": float(np.sqrt((group["actual"] ** 2).mean())),
        "mae_rate_baseline": (group["rate"] - group["actual"]).abs().mean(),
        "rmse_rate_baseline": 1.0,
        "holdout_days": 90,
        "holdout_start_date": HOLDOUT_START,
        "as_of_date": AS_OF,
        "backtest_note": "",
    }


def backtest(customers: pd.DataFrame) -> pd.DataFrame:
    """diag_customer_value_backtest of `customers`: total, deciles (shuffled), frequencies."""
    ranked = customers.assign(decile=np.ceil(customers["predicted"].rank(method="first") / 20))
    rows = [backtest_row("total", 0, ranked)]
    for decile in (7, 2, 10, 1, 5, 3, 9, 4, 8, 6):
        rows.append(backtest_row("prediction_decile", decile, ranked[ranked["decile"] == decile]))
    rows.append(backtest_row("calibration_repeat_purchases", 0, ranked.head(50)))
    return pd.DataFrame(rows)


def parameters(gamma_gamma_converged: bool = True) -> pd.DataFrame:
    values = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "v": 15.44}
    rows = []
    for fit in ("full", "backtest"):
        for parameter, value in values.items():
            model = "bg_nbd" if parameter in ("r", "alpha", "a", "b") else "gamma_gamma"
            failed = model == "gamma_gamma" and not gamma_gamma_converged and fit == "full"
            rows.append(
                {
                    "fit_name": fit,
                    "model": model,
                    "parameter": parameter,
                    "value": np.nan if failed else value,
                    "time_unit": "weeks",
                    "n_customers": 2357 if model == "bg_nbd" else 946,
                    "log_likelihood": np.nan if failed else -9582.43,
                    "converged": not failed,
                    "reason": "the optimum is on a bound of p" if failed else "",
                    "fitted_as_of": AS_OF,
                }
            )
    return pd.DataFrame(rows)


def value_tables(**changes: pd.DataFrame | None) -> dict[str, pd.DataFrame]:
    """The customer-value marts (a None in `changes` leaves that table out)."""
    members = predictions()
    tables = {
        "fct_customer_value_predictions": members,
        "dim_customer_segments": segment_profile(members),
        "diag_customer_value_parameters": parameters(),
        "diag_customer_value_backtest": backtest(holdout_customers()),
    } | changes
    return {name: frame for name, frame in tables.items() if frame is not None}


def section_of(tmp_path: Path, tables: dict[str, pd.DataFrame]) -> tuple:
    wh = Warehouse(make_warehouse(tmp_path / "value.duckdb", tables))
    try:
        return section_customer_value(Context.of(wh))
    finally:
        wh.close()


def notes(blocks: tuple) -> str:
    return "\n".join(b.text for b in blocks if isinstance(b, Note))


# --------------------------------------------------------------------------- charts


def test_clv_histogram_counts_each_customer_with_a_value_once() -> None:
    values = predictions()["clv"].dropna()
    fig = vf.draw_clv_histogram(values, 365)
    ax = fig.axes[0]
    bins = [(p.get_x(), p.get_x() + p.get_width(), p.get_height()) for p in ax.patches]
    plt.close(fig)
    assert ax.get_xscale() == "log", "the largest value is 400 times the median: log axis"
    assert sum(height for *_, height in bins) == len(values) == 88
    for i, (left, right, height) in enumerate(bins):
        last = i == len(bins) - 1
        inside = (values >= left) & ((values <= right) if last else (values < right))
        assert height == inside.sum(), f"bin {i} ({left:.1f} to {right:.1f})"
    assert bins[-1][2] == 1, "the one large customer is alone in the last bin"


def test_clv_histogram_is_linear_when_the_values_are_not_skewed() -> None:
    values = pd.Series(np.linspace(100.0, 300.0, 50))
    fig = vf.draw_clv_histogram(values, 180)
    ax = fig.axes[0]
    plt.close(fig)
    assert ax.get_xscale() == "linear"
    assert sum(p.get_height() for p in ax.patches) == 50
    assert ax.get_xlabel() == "predicted CLV over 180 days (currency units)"


def test_segment_bars_are_each_segments_total_clv_with_its_mean() -> None:
    members = predictions()
    expected = members.groupby("segment_id")["clv"].agg(["sum", "mean"]).sort_index()
    fig = vf.draw_segment_values(segment_profile(members), 365)
    ax = fig.axes[0]
    widths = [p.get_width() for p in ax.patches]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    texts = [t.get_text() for t in ax.texts]
    plt.close(fig)
    assert np.allclose(widths, expected["sum"].to_numpy())
    assert labels == ["1 · Best", "2 · Mid", "3 · Low"]
    for text, (segment, mean) in zip(texts, expected["mean"].items(), strict=True):
        assert f"mean {mean:,.0f} per customer" in text, segment
    shares = expected["sum"] / expected["sum"].sum()
    assert [f"({s:.0%})" in t for s, t in zip(shares, texts, strict=True)] == [True] * 3


def test_backtest_bars_are_predicted_and_actual_purchases_by_decile() -> None:
    customers = holdout_customers()
    ordered = customers.sort_values("predicted", kind="stable")
    by_decile = [ordered.iloc[start : start + 20].sum() for start in range(0, 200, 20)]
    fig = vf.draw_backtest_deciles(vf.decile_rows(backtest(customers)))
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    ticks = [int(t) for t in ax.get_xticks()]
    plt.close(fig)
    assert ticks == list(range(1, 11))
    assert np.allclose(heights[:10], [d["predicted"] for d in by_decile])
    assert np.allclose(heights[10:], [d["actual"] for d in by_decile])
    assert ax.get_title(loc="left") == "Backtest: predicted vs actual, by decile"


# --------------------------------------------------------------------------- the section


def test_section_tells_the_fit_and_draws_three_charts(tmp_path: Path) -> None:
    blocks = section_of(tmp_path, value_tables())
    assert figure_count(blocks) == 3
    captions = [b.caption for b in blocks if isinstance(b, Figure)]
    assert "88 customers" in captions[0] and "log scale" in captions[0]
    text = notes(blocks)
    for name, value in parameters().query("fit_name == 'full'")[["parameter", "value"]].values:
        assert f"{name} = {value:.4g}" in text
    customers = holdout_customers()
    predicted, actual = customers["predicted"].sum(), customers["actual"].sum()
    assert f"predicted {predicted:,.1f} repeat purchases" in text
    assert f"of the {len(customers)} customers; they made {actual:,.0f}" in text
    assert "90 days, 2023-10-03 to 2023-12-31" in text
    assert "did not converge" not in text


def test_a_fit_that_did_not_converge_is_said_and_not_drawn(tmp_path: Path) -> None:
    members = predictions().assign(clv=np.nan, prediction_note=NO_GAMMA_GAMMA)
    tables = value_tables(
        fct_customer_value_predictions=members,
        dim_customer_segments=segment_profile(members),
        diag_customer_value_parameters=parameters(gamma_gamma_converged=False),
    )
    blocks = section_of(tmp_path, tables)
    text = notes(blocks)
    assert (
        "The Gamma-Gamma (order value) fit did not converge: the optimum is on a bound of p."
        in text
    )
    assert f"No customer has a predicted CLV: {NO_GAMMA_GAMMA}." in text
    assert "r = 0.243" in text, "the BG/NBD fit that converged is still told"
    assert figure_count(blocks) == 1, "only the backtest chart"
    assert "by decile" in blocks[-1].caption


def test_a_backtest_that_could_not_forecast_says_why(tmp_path: Path) -> None:
    failed = backtest(holdout_customers()).assign(predicted_purchases=np.nan)
    params = parameters()
    bg_nbd_backtest = (params["fit_name"] == "backtest") & (params["model"] == "bg_nbd")
    params.loc[bg_nbd_backtest, ["value", "converged", "reason"]] = [np.nan, False, "no repeat"]
    tables = value_tables(
        diag_customer_value_backtest=failed, diag_customer_value_parameters=params
    )
    blocks = section_of(tmp_path, tables)
    text = notes(blocks)
    assert "The backtest could not forecast the holdout." in text
    assert "The BG/NBD (repeat purchases) fit did not converge: no repeat." in text
    assert figure_count(blocks) == 2, "the distribution and the segments, no backtest chart"


def test_no_holdout_gives_the_backtest_note(tmp_path: Path) -> None:
    row = backtest_row("total", 0, holdout_customers().head(0))
    empty = pd.DataFrame([row | {"backtest_note": "all purchases on the last day"}])
    blocks = section_of(tmp_path, value_tables(diag_customer_value_backtest=empty))
    assert "No backtest: all purchases on the last day." in notes(blocks)
    assert figure_count(blocks) == 2


def test_profiles_without_the_value_columns_get_a_note(tmp_path: Path) -> None:
    # a warehouse built before dim_customer_segments carried the predicted value
    old = segment_profile(predictions()).drop(columns=["total_clv", "mean_clv"])
    blocks = section_of(tmp_path, value_tables(dim_customer_segments=old))
    assert "Segment values not built: dim_customer_segments has no total_clv." in notes(blocks)
    assert figure_count(blocks) == 2, "the distribution and the backtest"


@pytest.mark.parametrize("how", ["dropped", "empty"])
def test_missing_customer_value_tables_are_reported_not_fatal(tmp_path: Path, how: str) -> None:
    marts = (
        "fct_customer_value_predictions",
        "diag_customer_value_parameters",
        "diag_customer_value_backtest",
    )
    changes = {name: None if how == "dropped" else value_tables()[name].head(0) for name in marts}
    database = make_warehouse(tmp_path / "partial.duckdb", value_tables(**changes))
    html = rp.write_report(database, tmp_path / "report.html").read_text(encoding="utf-8")
    section = html.split('<section id="customer-value">')[1].split("</section>")[0]
    why = "is not in the warehouse" if how == "dropped" else "is empty"
    for what, table in (
        ("The customer-value fit was", "diag_customer_value_parameters"),
        ("Predicted customer values were", "fct_customer_value_predictions"),
        ("The customer-value backtest was", "diag_customer_value_backtest"),
    ):
        assert f"{what} not built ({table} {why})." in section
    assert "<figure" not in section
    assert "could not be drawn" not in html
