"""BG/NBD and Gamma-Gamma fitted on the full and on the backtest calibration summary."""

from retail_segments.clv.tables import parameters_table
from retail_segments.dbt_models import to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    summary = to_frame(dbt.ref("int_customers_clv_summarized"))
    backtest = to_frame(dbt.ref("int_customers_clv_backtest_summarized"))
    return parameters_table(summary, backtest, dbt.config.get("clv"))
