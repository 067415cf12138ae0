"""K-means on the customer attribute table for every k in the range: one row per k."""

from retail_segments.dbt_models import sweep_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("segmentation")
    return sweep_table(to_frame(dbt.ref("stg_attributes__customers")), settings)
