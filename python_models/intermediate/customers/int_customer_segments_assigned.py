"""Every row of int_customers_summarized with its segment from int_customer_segments_fitted."""

from retail_segments.dbt_models import assignments_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    features = to_frame(dbt.ref("int_customers_summarized"))
    segments = to_frame(dbt.ref("int_customer_segments_fitted"))
    return assignments_table(features, segments)
