"""Checks of the customer-value marts shared by the tests of several builds."""

from __future__ import annotations

import pandas as pd

from support.builds import DbtRun


def predictions_are_complete(run: DbtRun) -> pd.DataFrame:
    """The predictions of a build with enough data: one row per customer, every value set."""
    counts = run.query(
        """
        select
            (select count(*) from dim_customers) as customers,
            (select count(*) from fct_customer_value_predictions) as predictions,
            (select count(p_alive) from fct_customer_value_predictions) as with_p_alive,
            (
                select count(*) from fct_customer_value_predictions
                where repeat_purchases > 0 and clv is not null
            ) as repeat_buyers_with_clv,
            (
                select count(*) from fct_customer_value_predictions where repeat_purchases > 0
            ) as repeat_buyers,
            (
                select count(*) from diag_customer_value_parameters
                where parameter <> 'frequency_value_correlation' and not converged
            ) as failed_fits
        """
    ).iloc[0]
    assert counts.predictions == counts.customers > 0
    assert counts.with_p_alive == counts.customers
    assert counts.repeat_buyers_with_clv == counts.repeat_buyers > 0
    assert counts.failed_fits == 0
    total = run.query("select * from diag_customer_value_backtest where breakdown = 'total'")
    assert total.customers.iloc[0] > 0 and total.predicted_purchases.notna().all()
    return run.query("select * from fct_customer_value_predictions")
