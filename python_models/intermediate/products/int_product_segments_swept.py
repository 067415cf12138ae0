"""K-means on int_products_summarized for every k in the configured range: one row per k."""

from retail_segments.dbt_models import sweep_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    features = to_frame(dbt.ref("int_products_summarized"))
    return sweep_table(features, dbt.config.get("segmentation"))
