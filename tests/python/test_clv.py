"""BG/NBD and Gamma-Gamma (retail_segments.clv) against published figures and simulations.

The CDNOW reproduction computes the customer summary from the raw file in pandas
here and compares the fits with Fader, Hardie & Lee (2005) and Fader & Hardie
(2013). The simulations plant known parameters and check that the formulas
predict what the simulated customers do, within four standard errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from scipy.special import hyp2f1
from support.cdnow import cdnow_summary

from retail_segments.clv import bgnbd, checks, gamma_gamma, simulate, tables
from retail_segments.clv._optimize import FitResult
from retail_segments.clv.settings import ClvSettings
from retail_segments.clv.value import DAYS_PER_MONTH, churn_risk_band, discounted_purchases

PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LOG_LIKELIHOOD = -9582.4
PUBLISHED_GAMMA_GAMMA = {"p": 6.25, "q": 3.74, "v": 15.44}
PLANTED = bgnbd.BgNbdParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
PLANTED_GG = gamma_gamma.GammaGammaParameters(p=6.25, q=3.74, v=15.44)


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return cdnow_summary()


@pytest.fixture(scope="module")
def simulated() -> simulate.SimulatedCustomers:
    """40,000 customers with the CDNOW parameters: first purchase in weeks 0-12 of 39."""
    rng = np.random.default_rng(20050101)
    return simulate.simulate_bgnbd(PLANTED, rng.uniform(27, 39, 40_000), 39.0, rng)


def test_bgnbd_reproduces_the_published_cdnow_fit(cdnow: pd.DataFrame) -> None:
    assert len(cdnow) == 2357 and (cdnow.x > 0).sum() == 946  # the published sample
    fit = bgnbd.fit(cdnow.x, cdnow.t_x, cdnow["T"])
    assert fit.converged, fit.reason
    for name, published in PUBLISHED_BGNBD.items():
        assert fit.value(name) == pytest.approx(published, rel=0.01), name
    assert fit.log_likelihood == pytest.approx(PUBLISHED_LOG_LIKELIHOOD, abs=0.1)


def test_gamma_gamma_reproduces_the_published_cdnow_fit_on_repeat_days(
    cdnow: pd.DataFrame,
) -> None:
    fit = gamma_gamma.fit(cdnow.x, cdnow.mean_repeat_value)
    assert fit.converged, fit.reason
    assert fit.n_customers == 946
    for name, published in PUBLISHED_GAMMA_GAMMA.items():
        assert fit.value(name) == pytest.approx(published, rel=0.01), name
    # the published fit is on repeat purchases only: the mean over every purchase day
    # (first included) gives a very different p, so the choice matters
    all_days = gamma_gamma.fit(cdnow.x, cdnow.mean_value_all_days)
    assert abs(all_days.value("p") / PUBLISHED_GAMMA_GAMMA["p"] - 1) > 0.5
    # Fader & Hardie (2013) report a correlation of 0.11 between x and mean value
    correlation = gamma_gamma.frequency_value_correlation(cdnow.x, cdnow.mean_repeat_value)
    assert correlation == pytest.approx(0.11, abs=0.01)


@pytest.mark.parametrize("model", ["bg_nbd", "gamma_gamma"])
def test_analytic_gradients_equal_finite_differences(cdnow: pd.DataFrame, model: str) -> None:
    x, t_x, big_t, m = (cdnow[c].to_numpy(float) for c in ("x", "t_x", "T", "mean_repeat_value"))
    if model == "bg_nbd":
        theta = np.array([0.3, 5.0, 0.9, 2.0])

        def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
            return bgnbd.negative_log_likelihood(v, x, t_x, big_t)
    else:
        theta = np.array([5.0, 4.0, 12.0])
        repeat = x > 0

        def objective(v: np.ndarray) -> tuple[float, np.ndarray]:
            return gamma_gamma.negative_log_likelihood(v, x[repeat], m[repeat])

    _, gradient = objective(theta)
    step = 1e-6 * theta
    numeric = [
        (objective(theta + step * e)[0] - objective(theta - step * e)[0]) / (2 * step @ e)
        for e in np.eye(len(theta))
    ]
    np.testing.assert_allclose(gradient, numeric, rtol=1e-5)


def standard_errors(objective, theta: np.ndarray) -> np.ndarray:
    """Standard errors from the inverse Hessian (finite differences of the gradient)."""
    step = 1e-5 * theta
    columns = [
        (objective(theta + step * e)[1] - objective(theta - step * e)[1]) / (2 * step @ e)
        for e in np.eye(len(theta))
    ]
    hessian = np.array(columns)
    return np.sqrt(np.diag(np.linalg.inv((hessian + hessian.T) / 2)))


def test_bgnbd_recovers_planted_parameters(simulated: simulate.SimulatedCustomers) -> None:
    s = simulated
    fit = bgnbd.fit(s.x, s.t_x, s.T)
    assert fit.converged, fit.reason
    estimate = np.array([fit.value(n) for n in bgnbd.PARAMETERS])
    errors = standard_errors(lambda v: bgnbd.negative_log_likelihood(v, s.x, s.t_x, s.T), estimate)
    planted = np.array([getattr(PLANTED, n) for n in bgnbd.PARAMETERS])
    assert np.all(errors < 0.15 * planted), errors  # the data pins them down
    assert np.all(np.abs(estimate - planted) < 4 * errors), (estimate, planted, errors)


def test_gamma_gamma_recovers_planted_parameters(simulated: simulate.SimulatedCustomers) -> None:
    rng = np.random.default_rng(7)
    x = np.maximum(simulated.x, 1.0)  # every customer a repeat buyer: more data
    mean_value, _ = simulate.simulate_mean_values(PLANTED_GG, x, rng)
    fit = gamma_gamma.fit(x, mean_value)
    assert fit.converged, fit.reason
    estimate = np.array([fit.value(n) for n in gamma_gamma.PARAMETERS])
    errors = standard_errors(
        lambda v: gamma_gamma.negative_log_likelihood(v, x, mean_value), estimate
    )
    planted = np.array([PLANTED_GG.p, PLANTED_GG.q, PLANTED_GG.v])
    assert np.all(errors < 0.15 * planted), errors
    assert np.all(np.abs(estimate - planted) < 4 * errors), (estimate, planted, errors)


def groups_of(x: np.ndarray) -> dict[str, np.ndarray]:
    return {"x=0": x == 0, "x=1": x == 1, "x=2-3": (x >= 2) & (x <= 3), "x>=4": x >= 4}


def test_expected_purchases_match_a_monte_carlo_simulation(
    simulated: simulate.SimulatedCustomers,
) -> None:
    s = simulated
    predicted = bgnbd.expected_purchases(PLANTED, 39.0, s.x, s.t_x, s.T)
    for name, members in {"all": np.ones(len(s.x), bool), **groups_of(s.x)}.items():
        actual = s.future_purchases[members]
        error = actual.std() / np.sqrt(len(actual))
        assert abs(predicted[members].mean() - actual.mean()) < 4 * error, name


def test_p_alive_matches_the_simulated_share_alive(simulated: simulate.SimulatedCustomers) -> None:
    s = simulated
    alive = bgnbd.p_alive(PLANTED, s.x, s.t_x, s.T)
    assert np.all(alive[s.x == 0] == 1.0)
    for name, members in groups_of(s.x).items():
        share = s.alive_at_T[members].mean()
        error = max(np.sqrt(share * (1 - share) / members.sum()), 1e-3)
        assert abs(alive[members].mean() - share) < 4 * error, name


def test_expected_purchases_of_a_new_customer_match_the_simulation() -> None:
    rng = np.random.default_rng(3)
    s = simulate.simulate_bgnbd(PLANTED, np.zeros(40_000), 52.0, rng)
    expected = bgnbd.expected_purchases_new_customer(PLANTED, np.array([52.0]))[0]
    error = s.future_purchases.std() / np.sqrt(len(s.x))
    assert abs(expected - s.future_purchases.mean()) < 4 * error
    # and it is the conditional expectation of a customer just acquired (x=0, T=0)
    conditional = bgnbd.expected_purchases(PLANTED, 52.0, np.zeros(1), np.zeros(1), np.zeros(1))
    assert conditional[0] == pytest.approx(expected, rel=1e-12)


def expected_by_quadrature(p: bgnbd.BgNbdParameters, t: float, x: float, t_x: float, T: float):  # noqa: N803
    """P(alive) x E over the posterior (lambda ~ Gamma(r+x, alpha+T), dropout ~ Beta(a, b+x))
    of the individual expectation (1 - exp(-lambda p t)) / p: one numerical integral over p,
    no hypergeometric function."""

    def integrand(q: float) -> float:
        no_purchase = np.exp(-(p.r + x) * np.log1p(q * t / (p.alpha + T)))
        return -np.expm1(np.log(no_purchase)) / q * stats.beta.pdf(q, p.a, p.b + x)

    upper = min(1.0, 60 * (p.a + 1) / (p.b + x))  # the posterior mass of p is below this
    value, _ = integrate.quad(integrand, 0, upper, limit=500, epsabs=0, epsrel=1e-10)
    alive = bgnbd.p_alive(p, np.array([x]), np.array([t_x]), np.array([T]))[0]
    return alive * value


def textbook_expected_purchases(
    parameters: bgnbd.BgNbdParameters,
    t: float | np.ndarray,
    x: np.ndarray,
    t_x: np.ndarray,
    T: np.ndarray,  # noqa: N803
) -> np.ndarray:
    """Equation (10) of Fader, Hardie & Lee (2005) as published (NaN at large x): the
    independent form the stable one is compared with."""
    p = parameters
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))  # noqa: N806
    z = t / (p.alpha + T + t)
    with np.errstate(all="ignore"):
        head = (p.a + p.b + x - 1) / (p.a - 1)
        bracket = 1 - ((p.alpha + T) / (p.alpha + T + t)) ** (p.r + x) * hyp2f1(
            p.r + x, p.b + x, p.a + p.b + x - 1, z
        )
        dropout = np.where(
            x > 0, p.a / (p.b + x - 1) * ((p.alpha + T) / (p.alpha + t_x)) ** (p.r + x), 0.0
        )
        return head * bracket / (1 + dropout)


@pytest.mark.parametrize(
    ("x", "t_x"), [(0, 0), (3, 150.0), (40, 300.0), (800, 360.0), (5000, 364.0), (20000, 364.5)]
)
def test_expected_purchases_stay_finite_and_exact_for_thousands_of_repeats(
    x: int, t_x: float
) -> None:
    days = bgnbd.BgNbdParameters(r=0.243, alpha=4.414 * 7, a=0.793, b=2.426)  # time in days
    arrays = (np.array([float(x)]), np.array([t_x]), np.array([365.0]))
    stable = bgnbd.expected_purchases(days, 365.0, *arrays)[0]
    assert np.isfinite(stable)
    assert stable == pytest.approx(expected_by_quadrature(days, 365.0, x, t_x, 365.0), rel=1e-6)
    textbook = textbook_expected_purchases(days, 365.0, *arrays)[0]
    if x <= 40:  # where the published form still works, both agree
        assert textbook == pytest.approx(stable, rel=1e-9)
    if x >= 5000:
        assert not np.isfinite(textbook)  # the published form breaks down here


def test_expected_purchases_are_continuous_through_a_equal_1() -> None:
    arrays = (np.array([0.0, 4.0]), np.array([0.0, 30.0]), np.array([39.0, 39.0]))
    at_one = bgnbd.BgNbdParameters(r=0.243, alpha=4.414, a=1.0, b=2.426)
    below = bgnbd.BgNbdParameters(r=0.243, alpha=4.414, a=1.0 - 1e-4, b=2.426)
    above = bgnbd.BgNbdParameters(r=0.243, alpha=4.414, a=1.0 + 1e-4, b=2.426)
    value = bgnbd.expected_purchases(at_one, 39.0, *arrays)
    neighbours = (
        bgnbd.expected_purchases(below, 39.0, *arrays)
        + bgnbd.expected_purchases(above, 39.0, *arrays)
    ) / 2
    np.testing.assert_allclose(value, neighbours, rtol=1e-6)
    new = bgnbd.expected_purchases_new_customer(at_one, np.array([39.0]))
    just_acquired = bgnbd.expected_purchases(at_one, 39.0, np.zeros(1), np.zeros(1), np.zeros(1))
    assert np.isfinite(new).all() and new[0] == pytest.approx(just_acquired[0], rel=1e-9)


def test_gamma_gamma_expected_value_matches_the_simulated_true_means(
    simulated: simulate.SimulatedCustomers,
) -> None:
    rng = np.random.default_rng(11)
    mean_value, true_mean = simulate.simulate_mean_values(PLANTED_GG, simulated.x, rng)
    predicted = gamma_gamma.expected_order_value(PLANTED_GG, simulated.x, mean_value)
    for name, members in groups_of(simulated.x).items():
        error = true_mean[members].std() / np.sqrt(members.sum())
        assert abs(predicted[members].mean() - true_mean[members].mean()) < 4 * error, name
    assert np.all(predicted[simulated.x == 0] == pytest.approx(PLANTED_GG.population_mean))


def test_discounted_purchases_match_simulated_discounted_purchases(
    simulated: simulate.SimulatedCustomers,
) -> None:
    s, rate = simulated, 0.05
    predicted = discounted_purchases(
        PLANTED, s.x, s.t_x, s.T, horizon_days=273, unit_days=7, monthly_discount_rate=rate
    )
    # each simulated future purchase discounted at the end of its month (the last one partial)
    days = s.future_time * 7
    month_end = np.minimum(np.ceil(days / DAYS_PER_MONTH) * DAYS_PER_MONTH, 273)
    weights = (1 + rate) ** -(month_end / DAYS_PER_MONTH)
    actual = np.bincount(s.future_owner, weights=weights, minlength=len(s.x))
    error = actual.std() / np.sqrt(len(actual))
    assert abs(predicted.mean() - actual.mean()) < 4 * error
    undiscounted = discounted_purchases(
        PLANTED, s.x, s.t_x, s.T, horizon_days=273, unit_days=7, monthly_discount_rate=0
    )
    expected = bgnbd.expected_purchases(PLANTED, 39.0, s.x, s.t_x, s.T)
    np.testing.assert_allclose(undiscounted, expected, rtol=1e-10)
    assert np.all(predicted < undiscounted)


def test_churn_risk_bands_follow_the_documented_cut_offs() -> None:
    bands = churn_risk_band(np.array([0.0, 0.29, 0.3, 0.69, 0.7, 1.0, np.nan]))
    assert bands.tolist() == ["high", "high", "medium", "medium", "low", "low", None]


# ---- edge cases -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "t_x", "T", "reason"),
    [
        ([0, 0, 0], [0, 0, 0], [5, 8, 9], "no customer made a repeat purchase"),
        ([2], [3], [5], "1 customer(s): at least 2 are needed"),
        ([], [], [], "0 customer(s)"),
        ([0, 0], [0, 0], [0, 0], "no customer made a repeat purchase"),
        ([5, 5, 5, 5], [10, 10, 10, 10], [10, 10, 10, 10], "the optimum is on a bound"),
    ],
    ids=["no repeat buyers", "single customer", "no customers", "all bought once", "no dropout"],
)
def test_bgnbd_data_that_cannot_identify_the_model_gives_a_reason(x, t_x, T, reason) -> None:  # noqa: N803
    fit = bgnbd.fit(np.array(x, float), np.array(t_x, float), np.array(T, float))
    assert not fit.converged
    assert reason in fit.reason
    with pytest.raises(ValueError, match="did not converge"):
        bgnbd.BgNbdParameters.from_fit(fit)


def test_a_fit_stopped_before_convergence_gives_no_parameters(cdnow: pd.DataFrame) -> None:
    stopped = bgnbd.fit(cdnow.x, cdnow.t_x, cdnow["T"], max_iterations=3)
    assert not stopped.converged and "without converging" in stopped.reason
    assert stopped.log_likelihood < PUBLISHED_LOG_LIKELIHOOD - 1  # really not there yet
    spend = gamma_gamma.fit(cdnow.x, cdnow.mean_repeat_value, max_iterations=2)
    assert not spend.converged and "without converging" in spend.reason
    # dropout the data cannot pin down: a and b run off together
    runaway = bgnbd.fit(np.array([3.0, 0, 1]), np.array([3.0, 0, 1]), np.array([5.0, 5, 5]))
    assert not runaway.converged and runaway.reason
    assert runaway.value("a") > 1e5


@pytest.mark.parametrize(
    ("x", "t_x", "T", "message"),
    [
        ([1, 2], [6, 1], [5, 5], "t_x .* exceeds T"),
        ([1, -1], [1, 0], [5, 5], "x has negative values"),
        ([1, 2], [1, np.nan], [5, 5], "t_x has missing"),
        ([1.5, 2], [1, 1], [5, 5], "whole numbers"),
        ([0, 2], [1, 1], [5, 5], "t_x must be 0"),
    ],
)
def test_bgnbd_rejects_invalid_summaries(x, t_x, T, message) -> None:  # noqa: N803
    with pytest.raises(ValueError, match=message):
        bgnbd.fit(np.array(x, float), np.array(t_x, float), np.array(T, float))


def test_gamma_gamma_without_spread_or_repeat_buyers_gives_a_reason() -> None:
    same = gamma_gamma.fit(np.array([1.0, 2, 3]), np.array([10.0, 10, 10]))
    assert not same.converged and "same mean value" in same.reason
    one = gamma_gamma.fit(np.array([0.0, 2]), np.array([0.0, 10]))
    assert not one.converged and "1 repeat buyer(s)" in one.reason
    with pytest.raises(ValueError, match="positive, finite mean repeat value"):
        gamma_gamma.fit(np.array([1.0, 2]), np.array([0.0, 10]))
    infinite_mean = gamma_gamma.GammaGammaParameters(p=2.0, q=0.9, v=3.0)
    assert np.isnan(infinite_mean.population_mean)
    # one-off buyers have no finite expectation; repeat buyers do: 2 (3 + 3 x 5) / (6 - 0.1)
    values = gamma_gamma.expected_order_value(infinite_mean, [0, 3], [0, 5])
    assert np.isnan(values[0]) and values[1] == pytest.approx(36 / 5.9)


def summary_frame(x, t_x, T, mean_value, as_of: str = "2011-01-01") -> pd.DataFrame:  # noqa: N803
    return pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(len(x))],
            "repeat_purchases": x,
            "time_to_last_purchase": t_x,
            "time_observed": T,
            "mean_repeat_value": mean_value,
            "as_of_date": pd.Timestamp(as_of),
            "holdout_start_date": pd.Timestamp(as_of),
            "holdout_length": 4.0,
            "holdout_purchases": 0,
            "holdout_value": 0.0,
        }
    )


def test_tables_reproduce_cdnow_and_give_reasons_instead_of_numbers(cdnow: pd.DataFrame) -> None:
    summary = summary_frame(cdnow.x, cdnow.t_x, cdnow["T"], cdnow.mean_repeat_value)
    nobody_repeats = summary_frame([0, 0], [0, 0], [3, 4], [None, None])
    config = {"time_unit": "weeks", "horizon_days": 273, "monthly_discount_rate": 0.0}
    parameters = tables.parameters_table(summary, nobody_repeats, config)
    full = parameters[parameters.fit_name == "full"].set_index("parameter")
    assert full.fit_warning.isna().all()  # the published fit is sound
    for name, published in {**PUBLISHED_BGNBD, **PUBLISHED_GAMMA_GAMMA}.items():
        assert full.value[name] == pytest.approx(published, rel=0.01)
    backtest = parameters[parameters.fit_name == "backtest"]
    assert backtest.value.isna().all() and not backtest.converged.any()
    fitted = backtest[backtest.parameter != tables.CORRELATION]
    assert fitted.reason.str.contains("no customer made a repeat purchase|0 repeat buyer").all()
    assert backtest.reason[backtest.parameter == tables.CORRELATION].eq(tables.NO_CORRELATION).all()

    predictions = tables.predictions_table(summary, parameters, config)
    assert predictions.prediction_note.eq("").all()
    assert predictions.p_alive.between(0, 1).all()
    # without discount, CLV = expected purchases x expected order value
    np.testing.assert_allclose(
        predictions.clv, predictions.expected_purchases * predictions.expected_order_value
    )
    # weeks 40-78 of the raw file hold 1,882 repeat purchase days; the fit predicts
    # 1,653 (12% short, as the BG/NBD tracking plots of CDNOW undershoot late weeks)
    assert predictions.expected_purchases.sum() == pytest.approx(1882, rel=0.15)

    failed = tables.predictions_table(nobody_repeats, backtest.assign(fit_name="full"), config)
    assert (
        failed[["p_alive", "expected_purchases", "expected_order_value", "clv"]].isna().all().all()
    )
    assert failed.churn_risk.isna().all()
    assert failed.prediction_note.str.contains("bg_nbd not fitted: no customer made").all()


def test_predictions_of_heavy_tailed_spend_name_the_customers_without_a_value() -> None:
    summary = summary_frame([0, 2, 5], [0, 3.0, 4.0], [6.0, 6.0, 6.0], [None, 20.0, 30.0])
    rows = []
    for model, names, values in (
        ("bg_nbd", bgnbd.PARAMETERS, PUBLISHED_BGNBD.values()),
        ("gamma_gamma", gamma_gamma.PARAMETERS, (6.25, 0.8, 15.44)),
    ):
        for name, value in zip(names, values, strict=True):
            rows.append({"fit_name": "full", "model": model, "parameter": name, "value": value})
    parameters = pd.DataFrame(rows).assign(converged=True, reason="")
    predictions = tables.predictions_table(summary, parameters, None)
    assert predictions.clv.isna().tolist() == [True, False, False]
    assert "no finite mean order value" in predictions.prediction_note[0]
    assert predictions.prediction_note[1:].eq("").all()
    assert predictions.p_alive.notna().all()
    # with the fit_warning of the fitted table, the repeat buyers' values carry it
    warning = checks.fit_warning(
        FitResult("gamma_gamma", {"p": 6.25, "q": 0.8, "v": 15.44}, -1.0, 2, True, "", 1)
    )
    flagged = parameters.assign(
        fit_warning=np.where(parameters.model == "gamma_gamma", warning, None)
    )
    notes = tables.predictions_table(summary, flagged, None).prediction_note
    assert notes[0] == predictions.prediction_note[0]  # the specific note, not both
    assert notes[1:].str.startswith("gamma_gamma fit degenerate: q = 0.8 <= 1").all()


def test_heavy_tailed_spend_gives_one_off_buyers_the_value_given_their_first_purchase() -> None:
    """q <= 1: the one-off buyer's expected order value is the Gamma-Gamma posterior mean
    after one observed purchase of the first day's value, which is also what the
    repeat-buyer formula gives for x = 1, m = m1."""
    summary = summary_frame([0, 0, 2], [0, 0, 3.0], [6.0, 6.0, 6.0], [None, None, 20.0])
    summary["first_purchase_value"] = [40.0, None, 25.0]
    g = gamma_gamma.GammaGammaParameters(p=6.25, q=0.8, v=15.44)
    rows = [
        {"fit_name": "full", "model": model, "parameter": name, "value": value}
        for model, names, values in (
            ("bg_nbd", bgnbd.PARAMETERS, PUBLISHED_BGNBD.values()),
            ("gamma_gamma", gamma_gamma.PARAMETERS, (g.p, g.q, g.v)),
        )
        for name, value in zip(names, values, strict=True)
    ]
    parameters = pd.DataFrame(rows).assign(converged=True, reason="")
    predictions = tables.predictions_table(summary, parameters, None)
    by_hand = 6.25 * (15.44 + 40.0) / (6.25 + 0.8 - 1)
    assert predictions.expected_order_value[0] == pytest.approx(by_hand)
    assert by_hand == pytest.approx(gamma_gamma.expected_order_value(g, [1], [40.0])[0])
    assert "conditional mean given the first purchase day" in predictions.prediction_note[0]
    # no first value: still no number, and the note says why
    assert np.isnan(predictions.expected_order_value[1])
    assert "no finite mean order value" in predictions.prediction_note[1]
    # a repeat buyer keeps the usual posterior mean of its repeat purchases
    assert predictions.expected_order_value[2] == pytest.approx(
        gamma_gamma.expected_order_value(g, [2], [20.0])[0]
    )
    assert predictions.prediction_note[2] == ""
    # a finite population mean is kept for one-off buyers: the first value is not used
    sound = parameters.assign(value=np.where(parameters.parameter == "q", 3.74, parameters.value))
    kept = tables.predictions_table(summary, sound, None).expected_order_value
    population = gamma_gamma.GammaGammaParameters(p=6.25, q=3.74, v=15.44).population_mean
    assert kept[0] == pytest.approx(population) and kept[1] == pytest.approx(population)


def test_the_fit_does_not_depend_on_the_order_of_the_rows(cdnow: pd.DataFrame) -> None:
    summary = summary_frame(cdnow.x, cdnow.t_x, cdnow["T"], cdnow.mean_repeat_value)
    shuffled = summary.sample(frac=1.0, random_state=5)
    first = tables.parameters_table(summary, summary, None)
    second = tables.parameters_table(shuffled, shuffled, None)
    pd.testing.assert_frame_equal(first, second, check_exact=True)


def test_tables_on_no_customers_have_rows_with_reasons_and_no_predictions() -> None:
    empty = summary_frame([], [], [], [])
    parameters = tables.parameters_table(empty, empty, None)
    assert len(parameters) == 2 * 8
    assert parameters.value.isna().all()
    assert set(parameters.reason) == {"no customers", tables.NO_CORRELATION}
    assert len(tables.predictions_table(empty, parameters, None)) == 0
    assert len(tables.backtest_table(empty, parameters, None)) == 0


def test_settings_name_the_bad_option() -> None:
    with pytest.raises(ValueError, match="'time_unit'"):
        ClvSettings.from_config({"time_unit": "fortnights"})
    with pytest.raises(ValueError, match="'monthly_discount_rate'"):
        ClvSettings.from_config({"monthly_discount_rate": 1.5})
    with pytest.raises(ValueError, match="'horizon_days'"):
        ClvSettings.from_config({"horizon_days": "365"})
    assert ClvSettings.from_config({"time_unit": "days"}).horizon == 365


def test_a_fit_of_planted_parameters_has_no_warning(simulated: simulate.SimulatedCustomers) -> None:
    fit = bgnbd.fit(simulated.x, simulated.t_x, simulated.T)
    assert fit.converged and checks.fit_warning(fit) is None
    rng = np.random.default_rng(7)
    x = np.maximum(simulated.x, 1.0)
    mean_value, _ = simulate.simulate_mean_values(PLANTED_GG, x, rng)
    assert checks.fit_warning(gamma_gamma.fit(x, mean_value)) is None


@pytest.fixture(scope="module")
def never_lapsing() -> simulate.SimulatedCustomers:
    """Customers who (almost) never lapse: dropout p ~ Beta(0.5, 50,000), mean 1e-5."""
    rng = np.random.default_rng(12)
    planted = bgnbd.BgNbdParameters(r=0.5, alpha=4.0, a=0.5, b=50_000.0)
    return simulate.simulate_bgnbd(planted, rng.uniform(27, 39, 5_000), 39.0, rng)


def test_customers_who_never_lapse_drive_a_to_zero_and_get_a_warning(
    never_lapsing: simulate.SimulatedCustomers,
) -> None:
    s = never_lapsing
    fit = bgnbd.fit(s.x, s.t_x, s.T)
    # the optimum is interior (converged), but the dropout mixing has collapsed
    assert fit.converged, fit.reason
    assert fit.value("a") / (fit.value("a") + fit.value("b")) < checks.MIN_DROPOUT_PROBABILITY
    warning = checks.fit_warning(fit)
    assert warning is not None and "degenerate dropout" in warning
    assert bgnbd.p_alive(bgnbd.BgNbdParameters.from_fit(fit), s.x, s.t_x, s.T).min() > 0.99

    summary = summary_frame(s.x, s.t_x, s.T, np.where(s.x > 0, 10.0 + s.x, np.nan))
    parameters = tables.parameters_table(summary, summary, None)
    bg_rows = parameters[parameters.model == "bg_nbd"]
    assert bg_rows.fit_warning.str.contains("degenerate dropout").all()
    correlation = parameters[parameters.parameter == tables.CORRELATION]
    assert correlation.fit_warning.isna().all()
    predictions = tables.predictions_table(summary, parameters, None)
    assert predictions.churn_risk.eq(tables.UNKNOWN_CHURN_RISK).all()
    assert predictions.prediction_note.str.contains("bg_nbd fit degenerate").all()
    assert predictions.p_alive.notna().all()  # kept, with the note
    backtest = tables.backtest_table(summary, parameters, None)
    assert backtest.prediction_note.str.contains("bg_nbd fit degenerate").all()


@pytest.mark.parametrize(
    ("model", "parameters", "expected"),
    [
        ("gamma_gamma", {"p": 6.25, "q": 0.8, "v": 15.44}, "q = 0.8 <= 1"),
        ("gamma_gamma", {"p": 6.25, "q": 3.74, "v": 2e5}, "v = 2e+05 within a factor"),
        ("bg_nbd", {"r": 0.243, "alpha": 4.414, "a": 0.003, "b": 18_788.0}, "degenerate dropout"),
        ("bg_nbd", {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, None),
    ],
)
def test_fit_warning_names_the_degenerate_parameter(model, parameters, expected) -> None:
    fit = FitResult(model, parameters, -100.0, 50, converged=True, reason="", iterations=9)
    warning = checks.fit_warning(fit)
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and expected in warning
    failed = FitResult(model, parameters, -100.0, 50, converged=False, reason="x", iterations=9)
    assert checks.fit_warning(failed) is None  # the reason already says it
