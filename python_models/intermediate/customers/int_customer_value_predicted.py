"""P(alive), expected purchases, order value and CLV per customer, from the full fit."""

from retail_segments.clv.tables import predictions_table
from retail_segments.dbt_models import to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    summary = to_frame(dbt.ref("int_customers_clv_summarized"))
    parameters = to_frame(dbt.ref("int_customer_value_fitted"))
    return predictions_table(summary, parameters, dbt.config.get("clv"))
