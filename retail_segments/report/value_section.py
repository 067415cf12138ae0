"""The "Predicted customer value" section: notes and charts from the customer-value marts.

The fit (`diag_customer_value_parameters`) is told in words, with the reason when a
model did not converge; the distribution of predicted CLV and the value of each
k-means segment are drawn when customers have a CLV; the backtest
(`diag_customer_value_backtest`) gives the holdout totals and the decile chart. A
table that is missing or empty, a fit that failed or a build without a holdout gets
a note instead of its chart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

import pandas as pd

from retail_segments.report import value_figures as vf
from retail_segments.report.blocks import Block, Note
from retail_segments.report.tables import fmt_number, money
from retail_segments.report.warehouse import VALUE_BACKTEST, VALUE_PARAMETERS, VALUE_PREDICTIONS

if TYPE_CHECKING:
    from retail_segments.report.sections import Context

# model -> its name in the text, its parameters, whom it is fitted on
MODELS = {
    "bg_nbd": ("BG/NBD (repeat purchases)", ("r", "alpha", "a", "b"), "customers"),
    "gamma_gamma": ("Gamma-Gamma (order value)", ("p", "q", "v"), "repeat buyers"),
}
DEFAULT_HORIZON_DAYS = 365


def has_rows(frame: pd.DataFrame | None) -> TypeGuard[pd.DataFrame]:
    return frame is not None and not frame.empty


def absent(frame: pd.DataFrame | None, table: str, what: str) -> Note:
    """The note for a table that is not in the warehouse or is empty."""
    why = "is not in the warehouse" if frame is None else "is empty"
    return Note(f"{what} not built ({table} {why}).")


def fmt_parameter(value: float) -> str:
    return f"{value:.4g}"


def reason_of(rows: pd.DataFrame) -> str:
    reasons = [str(r) for r in rows["reason"].dropna() if str(r).strip()]
    return reasons[0] if reasons else "no reason recorded"


def fit_note(parameters: pd.DataFrame, fit_name: str, model: str) -> Note:
    """One model of one fit in words: its parameters, or why it did not converge."""
    name, names, fitted_on = MODELS[model]
    rows = parameters[
        (parameters["fit_name"] == fit_name)
        & (parameters["model"] == model)
        & parameters["parameter"].isin(names)
    ]
    if rows.empty:
        return Note(f"{name}: no {fit_name} fit in {VALUE_PARAMETERS}.")
    if not rows["converged"].fillna(False).astype(bool).all() or rows["value"].isna().any():
        return Note(f"The {name} fit did not converge: {reason_of(rows)}.")
    by_name = dict(zip(rows["parameter"], rows["value"].astype(float), strict=True))
    values = ", ".join(f"{p} = {fmt_parameter(by_name[p])}" for p in names)
    first = rows.iloc[0]
    return Note(
        f"{name}: {values}, fitted on {int(first['n_customers']):,} {fitted_on} as of "
        f"{fmt_number(pd.Timestamp(first['fitted_as_of']))} (time in {first['time_unit']}, "
        f"log-likelihood {float(first['log_likelihood']):,.1f})."
    )


def correlation_note(parameters: pd.DataFrame) -> list[Note]:
    rows = parameters[
        (parameters["fit_name"] == "full")
        & (parameters["parameter"] == "frequency_value_correlation")
        & parameters["value"].notna()
    ]
    if rows.empty:
        return []
    value = float(rows["value"].iloc[0])
    return [
        Note(
            f"Correlation of repeat purchases and mean order value among repeat buyers: "
            f"{value:.3f} (Gamma-Gamma assumes none)."
        )
    ]


def fit_blocks(parameters: pd.DataFrame | None) -> list[Block]:
    if not has_rows(parameters):
        return [absent(parameters, VALUE_PARAMETERS, "The customer-value fit was")]
    notes = [fit_note(parameters, "full", model) for model in MODELS]
    return [*notes, *correlation_note(parameters)]


def horizon_of(predictions: pd.DataFrame) -> int:
    horizons = predictions["horizon_days"].dropna() if "horizon_days" in predictions else []
    return int(horizons.iloc[0]) if len(horizons) else DEFAULT_HORIZON_DAYS


def no_value_note(predictions: pd.DataFrame) -> Note:
    notes = predictions["prediction_note"].dropna().astype(str)
    notes = notes[notes.str.strip() != ""]
    why = f": {notes.mode().iloc[0]}" if not notes.empty else ""
    return Note(
        f"No customer has a predicted CLV{why}. The distribution of predicted value and "
        "the value by segment are not drawn."
    )


def value_blocks(predictions: pd.DataFrame | None, profile: pd.DataFrame | None) -> list[Block]:
    """The CLV histogram and the value of each k-means segment."""
    if not has_rows(predictions):
        return [absent(predictions, VALUE_PREDICTIONS, "Predicted customer values were")]
    if vf.predicted_values(predictions).empty:
        return [no_value_note(predictions)]
    horizon = horizon_of(predictions)
    blocks: list[Block] = [vf.clv_histogram_figure(predictions, horizon)]
    if not has_rows(profile):
        blocks.append(absent(profile, "dim_customer_segments", "Segment values were"))
    elif "total_clv" not in profile.columns:
        blocks.append(Note("Segment values not built: dim_customer_segments has no total_clv."))
    elif profile["total_clv"].isna().all():
        blocks.append(Note("Segment values not built: no segment has a total_clv."))
    else:
        blocks.append(vf.segment_values_figure(profile, horizon))
    return blocks


def holdout_span(total: pd.Series) -> str:
    start = fmt_number(pd.Timestamp(total["holdout_start_date"]))
    end = fmt_number(pd.Timestamp(total["as_of_date"]) - pd.Timedelta(days=1))
    return f"{int(total['holdout_days'])} days, {start} to {end}"


def holdout_note(total: pd.Series) -> Note:
    """The holdout totals: predicted vs actual repeat purchases, errors, sales value."""
    predicted, actual = float(total["predicted_purchases"]), float(total["actual_purchases"])
    change = f" ({predicted / actual - 1:+.0%})" if actual > 0 else ""
    value = ""
    if pd.notna(total["predicted_value"]):
        value = (
            f" Sales value: {money(float(total['predicted_value']))} predicted, "
            f"{money(float(total['actual_value']))} actual."
        )
    return Note(
        f"Holdout ({holdout_span(total)}): the models fitted on the purchases before it "
        f"predicted {predicted:,.1f} repeat purchases (purchase days) of the "
        f"{int(total['customers']):,} customers; they made {actual:,.0f}{change}. Mean "
        f"absolute error per customer {float(total['mae']):.3f}, against "
        f"{float(total['mae_zero_baseline']):.3f} forecasting zero and "
        f"{float(total['mae_rate_baseline']):.3f} repeating the calibration rate.{value}"
    )


def backtest_blocks(backtest: pd.DataFrame | None, parameters: pd.DataFrame | None) -> list[Block]:
    if not has_rows(backtest):
        return [absent(backtest, VALUE_BACKTEST, "The customer-value backtest was")]
    totals = backtest[backtest["breakdown"] == "total"]
    if totals.empty or int(totals["customers"].iloc[0]) == 0:
        note = "" if totals.empty else str(totals["backtest_note"].iloc[0] or "").strip()
        why = note.rstrip(".") if note else "no customer bought before the holdout"
        return [Note(f"No backtest: {why}.")]
    total = totals.iloc[0]
    if pd.isna(total["predicted_purchases"]):
        failed = [fit_note(parameters, "backtest", "bg_nbd")] if has_rows(parameters) else []
        return [Note("The backtest could not forecast the holdout."), *failed]
    blocks: list[Block] = [holdout_note(total)]
    if str(total["backtest_note"] or "").strip():
        blocks.append(Note(str(total["backtest_note"])))
    deciles = vf.decile_rows(backtest)
    if not deciles.empty and deciles["predicted_purchases"].notna().all():
        blocks.append(vf.backtest_deciles_figure(deciles, holdout_span(total)))
    return blocks


def section_customer_value(ctx: Context) -> tuple[Block, ...]:
    wh = ctx.wh
    parameters = wh.value_parameters()
    return (
        *fit_blocks(parameters),
        *value_blocks(wh.value_predictions(), wh.profile("customer")),
        *backtest_blocks(wh.value_backtest(), parameters),
    )
