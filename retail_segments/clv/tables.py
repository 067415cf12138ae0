"""What the customer-value dbt Python models call: fits, predictions and the backtest
as tables.

* :func:`parameters_table`: both models fitted on the full summary (``fit_name``
  ``full``) and on the backtest calibration summary (``backtest``), one row per
  parameter, with the frequency / value correlation check;
* :func:`predictions_table`: one row per customer of the full summary;
* :func:`backtest_table`: one row per customer of the calibration period, with
  the purchases predicted for the holdout, the naive calibration-rate forecast and
  what the customer actually did.

A model that could not be fitted gives null values with the reason in a text
column, never a number from a failed fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retail_segments.clv import bgnbd, gamma_gamma
from retail_segments.clv._optimize import FitResult
from retail_segments.clv.checks import fit_warning
from retail_segments.clv.settings import ClvSettings
from retail_segments.clv.value import churn_risk_band, discounted_purchases

SUMMARY_COLUMNS = ("repeat_purchases", "time_to_last_purchase", "time_observed")
CORRELATION = "frequency_value_correlation"
NO_CORRELATION = "fewer than 3 repeat buyers, or no spread in x or value"
PARAMETER_COLUMNS = {
    "fit_name": "string",
    "model": "string",
    "parameter": "string",
    "value": "float64",
    "time_unit": "string",
    "n_customers": "int64",
    "log_likelihood": "float64",
    "converged": "bool",
    "reason": "string",
    "fit_warning": "string",
    "fitted_as_of": "datetime64[us]",
}
# the churn-risk band of every customer when the BG/NBD fit is degenerate
UNKNOWN_CHURN_RISK = "unknown"


def _text(values: Any) -> pd.Series:
    """A text column that DuckDB reads as VARCHAR even when empty or all null (an object
    column of no or only null values would become an integer column)."""
    return pd.Series(np.asarray(values, dtype=object), dtype="string")


def _arrays(summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    x, t_x, big_t = (summary[c].to_numpy(dtype=float) for c in SUMMARY_COLUMNS)
    mean_value = summary["mean_repeat_value"].astype(float).fillna(0.0).to_numpy()
    return x, t_x, big_t, mean_value


def fit_both(summary: pd.DataFrame) -> tuple[FitResult, FitResult, float]:
    """BG/NBD, Gamma-Gamma and the frequency / mean value correlation of repeat buyers.

    The rows are put in customer order first: the log-likelihood sums, and so the
    estimates to the last bit, then do not depend on the order the warehouse
    returned them in, and rebuilding the same input gives the same table.
    """
    summary = summary.sort_values("customer_id", kind="stable")
    x, t_x, big_t, mean_value = _arrays(summary)
    if len(x) == 0:
        reason = "no customers"
        return (
            FitResult.failed(bgnbd.MODEL, bgnbd.PARAMETERS, 0, reason),
            FitResult.failed(gamma_gamma.MODEL, gamma_gamma.PARAMETERS, 0, reason),
            float("nan"),
        )
    return (
        bgnbd.fit(x, t_x, big_t),
        gamma_gamma.fit(x, mean_value),
        gamma_gamma.frequency_value_correlation(x, mean_value),
    )


def _fit_rows(
    fit_name: str, summary: pd.DataFrame, date_column: str, settings: ClvSettings
) -> list[dict[str, Any]]:
    bg, gg, correlation = fit_both(summary)
    fitted_as_of = pd.Timestamp(summary[date_column].iloc[0]) if len(summary) else pd.NaT
    rows = []
    for fit in (bg, gg):
        warning = fit_warning(fit)
        for name, value in fit.parameters.items():
            rows.append(
                {
                    "fit_name": fit_name,
                    "model": fit.model,
                    "parameter": name,
                    "value": value if fit.converged else np.nan,
                    "n_customers": fit.n_customers,
                    "log_likelihood": fit.log_likelihood if fit.converged else np.nan,
                    "converged": fit.converged,
                    "reason": fit.reason,
                    "fit_warning": warning,
                }
            )
    rows.append(
        {
            "fit_name": fit_name,
            "model": gamma_gamma.MODEL,
            "parameter": CORRELATION,
            "value": correlation,
            "n_customers": gg.n_customers,
            "log_likelihood": np.nan,
            "converged": gg.converged,
            "reason": "" if np.isfinite(correlation) else NO_CORRELATION,
            "fit_warning": None,
        }
    )
    for row in rows:
        row.update(time_unit=settings.time_unit, fitted_as_of=fitted_as_of)
    return rows


def parameters_table(
    summary: pd.DataFrame, backtest_summary: pd.DataFrame, config: Mapping[str, Any] | None
) -> pd.DataFrame:
    """One row per fit, model and parameter (the correlation check included)."""
    settings = ClvSettings.from_config(config)
    rows = _fit_rows("full", summary, "as_of_date", settings)
    rows += _fit_rows("backtest", backtest_summary, "holdout_start_date", settings)
    table = pd.DataFrame(rows, columns=list(PARAMETER_COLUMNS))
    return table.astype(PARAMETER_COLUMNS)


def _warnings_of(parameters: pd.DataFrame, fit_name: str) -> dict[str, str]:
    """The ``fit_warning`` of each model of ``fit_name`` that has one."""
    if "fit_warning" not in parameters:
        return {}
    rows = parameters[(parameters.fit_name == fit_name) & parameters.fit_warning.notna()]
    rows = rows[rows.fit_warning != ""]
    return {str(m): str(w) for m, w in zip(rows.model, rows.fit_warning, strict=True)}


def _parameters_of(
    parameters: pd.DataFrame, fit_name: str
) -> tuple[bgnbd.BgNbdParameters | str, gamma_gamma.GammaGammaParameters | str]:
    """The fitted parameters of ``fit_name``, or for each model the reason it has none."""
    fits = parameters[(parameters.fit_name == fit_name) & (parameters.parameter != CORRELATION)]

    def one(model: str, names: tuple[str, ...], kind: type) -> Any:
        rows = fits[fits.model == model].set_index("parameter")
        if rows.empty:
            return f"{model} was not fitted"
        if not bool(rows.converged.iloc[0]):
            return f"{model} not fitted: {rows.reason.iloc[0]}"
        return kind(**{name: float(rows.value[name]) for name in names})

    bg = one(bgnbd.MODEL, bgnbd.PARAMETERS, bgnbd.BgNbdParameters)
    gg = one(gamma_gamma.MODEL, gamma_gamma.PARAMETERS, gamma_gamma.GammaGammaParameters)
    return bg, gg


def predictions_table(
    summary: pd.DataFrame, parameters: pd.DataFrame, config: Mapping[str, Any] | None
) -> pd.DataFrame:
    """Per customer: P(alive), expected purchases, order value and CLV over the horizon.

    ``prediction_note`` is empty when every value is there and the fits are sound,
    and otherwise says why values are null (a model that could not be fitted;
    Gamma-Gamma with q <= 1) or not informative (a degenerate fit, see
    :mod:`.checks`). A degenerate BG/NBD fit keeps its P(alive) and expected
    purchases but gives every customer the churn-risk band ``unknown``.
    """
    settings = ClvSettings.from_config(config)
    bg, gg = _parameters_of(parameters, "full")
    warnings = _warnings_of(parameters, "full")
    x, t_x, big_t, mean_value = _arrays(summary)
    n = len(x)
    nan = np.full(n, np.nan)
    notes: list[str] = []
    alive, purchases, discounted = nan, nan, nan
    if isinstance(bg, str):
        notes.append(bg)
    else:
        alive = bgnbd.p_alive(bg, x, t_x, big_t)
        purchases = bgnbd.expected_purchases(bg, settings.horizon, x, t_x, big_t)
        discounted = discounted_purchases(
            bg,
            x,
            t_x,
            big_t,
            horizon_days=settings.horizon_days,
            unit_days=settings.unit_days,
            monthly_discount_rate=settings.monthly_discount_rate,
        )
    order_value = nan
    from_first = np.zeros(n, dtype=bool)
    if isinstance(gg, str):
        notes.append(gg)
    else:
        order_value = gamma_gamma.expected_order_value(gg, x, mean_value)
        if "first_purchase_value" in summary and np.isnan(order_value).any():
            first = gamma_gamma.expected_order_value_from_first_purchase(
                gg, summary["first_purchase_value"].astype(float).to_numpy()
            )
            from_first = np.isnan(order_value) & (x == 0) & ~np.isnan(first)
            order_value = np.where(from_first, first, order_value)
    churn_risk = churn_risk_band(alive)
    if not isinstance(bg, str) and bgnbd.MODEL in warnings:
        notes.append(
            f"{bgnbd.MODEL} fit degenerate, P(alive) and churn risk not informative: "
            f"{warnings[bgnbd.MODEL]}"
        )
        churn_risk = np.full(n, UNKNOWN_CHURN_RISK, dtype=object)
    gg_warning = []
    if not isinstance(gg, str) and gamma_gamma.MODEL in warnings:
        gg_warning = [f"{gamma_gamma.MODEL} fit degenerate: {warnings[gamma_gamma.MODEL]}"]
    note = np.full(n, "; ".join([*notes, *gg_warning]), dtype=object)
    if not isinstance(gg, str) and np.isnan(order_value).any():
        infinite = (
            f"gamma_gamma q = {gg.q:.4g} <= 1: spend so heavy-tailed has no finite "
            "mean order value for a customer without repeat purchases"
        )
        # the customers without a value: this note says more than the fit's q <= 1 warning
        note[np.isnan(order_value)] = "; ".join([*notes, infinite])
    if from_first.any():
        note[from_first] = "; ".join(
            [
                *notes,
                f"gamma_gamma q = {gg.q:.4g} <= 1: no finite population mean order value, so "
                "this customer without repeat purchases gets the conditional mean given the "
                "first purchase day's value",
            ]
        )
    return pd.DataFrame(
        {
            "customer_id": _text(summary["customer_id"]),
            "p_alive": alive,
            "expected_purchases": purchases,
            "expected_order_value": order_value,
            "clv": discounted * order_value,
            "churn_risk": _text(churn_risk),
            "horizon_days": np.full(n, settings.horizon_days, dtype="int64"),
            "prediction_note": _text(note),
        }
    )


def backtest_table(
    backtest_summary: pd.DataFrame, parameters: pd.DataFrame, config: Mapping[str, Any] | None
) -> pd.DataFrame:
    """Per calibration customer: holdout purchases predicted by the backtest fit, by the
    calibration rate (x / T x holdout length) and actually made; and the holdout value
    predicted (purchases x Gamma-Gamma order value, undiscounted) and actually spent."""
    ClvSettings.from_config(config)
    bg, gg = _parameters_of(parameters, "backtest")
    x, t_x, big_t, mean_value = _arrays(backtest_summary)
    holdout = backtest_summary["holdout_length"].to_numpy(dtype=float)
    n = len(x)
    predicted = np.full(n, np.nan)
    order_value = np.full(n, np.nan)
    notes = [fit for fit in (bg, gg) if isinstance(fit, str)]
    notes += [
        f"{model} fit degenerate: {warning}"
        for model, warning in _warnings_of(parameters, "backtest").items()
    ]
    if not isinstance(bg, str):
        predicted = bgnbd.expected_purchases(bg, holdout, x, t_x, big_t)
    if not isinstance(gg, str):
        order_value = gamma_gamma.expected_order_value(gg, x, mean_value)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(big_t > 0, x / big_t, 0.0) * holdout
    return pd.DataFrame(
        {
            "customer_id": _text(backtest_summary["customer_id"]),
            "calibration_repeat_purchases": x.astype("int64"),
            "predicted_purchases": predicted,
            "rate_baseline_purchases": rate,
            "actual_purchases": backtest_summary["holdout_purchases"].to_numpy(dtype="int64"),
            "predicted_value": predicted * order_value,
            "actual_value": backtest_summary["holdout_value"].to_numpy(dtype=float),
            "prediction_note": _text(np.full(n, "; ".join(notes), dtype=object)),
        }
    )
