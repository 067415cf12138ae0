"""Every country's k-means segment at the k chosen by int_country_kmeans_sweep."""

from retail_segments.dbt_models import assignments_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("segmentation")
    sweep = to_frame(dbt.ref("int_country_kmeans_sweep"))
    return assignments_table(to_frame(dbt.ref("dim_countries")), sweep, settings)
