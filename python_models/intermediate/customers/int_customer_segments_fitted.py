"""The customer segmentation fitted once at the chosen k: one row per segment."""

from retail_segments.dbt_models import segments_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    features = to_frame(dbt.ref("int_customers_summarized"))
    sweep = to_frame(dbt.ref("int_customer_segments_swept"))
    return segments_table(features, sweep, dbt.config.get("segmentation"))
