"""K-means on stg_attributes__customers for every k in the configured range: one row per k."""

from retail_segments.dbt_models import sweep_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    features = to_frame(dbt.ref("stg_attributes__customers"))
    return sweep_table(features, dbt.config.get("segmentation"))
