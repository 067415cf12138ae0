"""One row per country k-means segment: name, centroid and feature levels."""

from retail_segments.dbt_models import centroids_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("segmentation")
    sweep = to_frame(dbt.ref("int_country_kmeans_sweep"))
    return centroids_table(to_frame(dbt.ref("dim_countries")), sweep, settings)
