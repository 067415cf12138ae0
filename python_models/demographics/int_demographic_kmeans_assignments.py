"""Every attribute-table customer's demographic k-means segment at the chosen k."""

from retail_segments.dbt_models import assignments_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("segmentation")
    sweep = to_frame(dbt.ref("int_demographic_kmeans_sweep"))
    return assignments_table(to_frame(dbt.ref("stg_attributes__customers")), sweep, settings)
