"""Holdout purchases per calibration customer: the backtest fit's forecast and the actual."""

from retail_segments.clv.tables import backtest_table
from retail_segments.dbt_models import to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    backtest = to_frame(dbt.ref("int_customers_clv_backtest_summarized"))
    parameters = to_frame(dbt.ref("int_customer_value_fitted"))
    return backtest_table(backtest, parameters, dbt.config.get("clv"))
