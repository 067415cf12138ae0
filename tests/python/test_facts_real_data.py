"""The marts built on the real UCI files equal an independent pandas computation."""

from __future__ import annotations

import pandas as pd
import pytest
from reference_rules import classify, country_revenue, customer_facts, read_raw
from support.builds import DbtRun, shared_file
from support.customer_value import predictions_are_complete
from support.playbook import assert_every_segment_gets_a_specific_rule

# needs the UCI builds, requested by name at run time, which conftest's marker cannot see
pytestmark = pytest.mark.integration
BUILDS = {
    "uci": ("uci_build", "online_retail.csv.gz"),
    "uci2": ("uci2_build", "online_retail_ii.csv.gz"),
}


@pytest.fixture(scope="module", params=list(BUILDS))
def built(request: pytest.FixtureRequest) -> tuple[DbtRun, pd.DataFrame]:
    fixture, name = BUILDS[request.param]
    run = request.getfixturevalue(fixture)
    return run, classify(read_raw(shared_file(name)))


def test_every_raw_line_is_accounted_for(built: tuple[DbtRun, pd.DataFrame]) -> None:
    run, expected = built
    counts = run.query(
        """
        select
            (select count(*) from base_retail__transaction_lines) as raw_lines,
            (select count(*) from fct_sales_lines) as sales,
            (select count(*) from fct_cancellation_lines) as cancellations,
            (select count(*) from fct_rejected_lines) as rejected
        """
    ).iloc[0]
    assert counts.raw_lines == len(expected)
    assert counts.raw_lines == counts.sales + counts.cancellations + counts.rejected
    assert counts.sales == (expected.line_status == "sale").sum()
    assert counts.cancellations == (expected.line_status == "cancellation").sum()


def test_rejection_reasons_match_the_documented_rules(built: tuple[DbtRun, pd.DataFrame]) -> None:
    run, expected = built
    actual = run.query("select rejection_reason, count(*) as n from fct_rejected_lines group by 1")
    actual_counts = dict(zip(actual.rejection_reason, actual.n, strict=True))
    expected_counts = expected.rejection_reason.value_counts().to_dict()
    assert actual_counts == expected_counts
    # the same lines, not only the same counts
    rejected_ids = run.query(
        "select line_id, rejection_reason from fct_rejected_lines order by line_id"
    )
    reference = expected[expected.rejection_reason.notna()]
    assert rejected_ids.line_id.tolist() == (reference.index + 1).tolist()
    assert rejected_ids.rejection_reason.tolist() == reference.rejection_reason.tolist()


def test_customer_rfm_equals_pandas_for_every_customer(built: tuple[DbtRun, pd.DataFrame]) -> None:
    run, expected = built
    facts, as_of = customer_facts(expected)
    actual = run.query(
        "select customer_id, recency_days, frequency, monetary, as_of_date from dim_customers"
    ).set_index("customer_id")
    assert pd.Timestamp(actual.as_of_date.iloc[0]) == as_of
    assert len(actual) == len(facts)
    assert set(actual.index) == set(facts.index)
    joined = facts.join(actual.add_suffix("_dbt"))
    assert (joined.recency_days == joined.recency_days_dbt).all()
    assert (joined.frequency == joined.frequency_dbt).all()
    assert (joined.monetary - joined.monetary_dbt.astype(float)).abs().max() < 0.006
    total = run.query("select sum(monetary) as revenue from dim_customers").revenue.iloc[0]
    assert float(total) == pytest.approx(facts.monetary.sum(), abs=0.01 * len(facts))


def test_country_revenue_equals_pandas(built: tuple[DbtRun, pd.DataFrame]) -> None:
    run, expected = built
    reference = country_revenue(expected)
    actual = run.query("select country, revenue from dim_countries").set_index("country").revenue
    assert set(actual.index) == set(reference.index)
    difference = (actual.astype(float) - reference.reindex(actual.index)).abs()
    assert difference.max() < 0.006


def test_customer_value_predictions_parameters_and_backtest(
    built: tuple[DbtRun, pd.DataFrame],
) -> None:
    run, _ = built
    predictions = predictions_are_complete(run)
    assert predictions.clv_rank.dropna().sort_values().tolist() == list(
        range(1, predictions.clv.notna().sum() + 1)
    )
    backtest = run.query("select * from diag_customer_value_backtest")
    assert set(backtest.breakdown) == {"total", "prediction_decile", "calibration_repeat_purchases"}
    assert (backtest.holdout_days == 90).all()


def test_every_customer_segment_gets_a_specific_playbook_rule(
    built: tuple[DbtRun, pd.DataFrame],
) -> None:
    run, _ = built
    assert_every_segment_gets_a_specific_rule(run)
