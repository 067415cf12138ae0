"""Every product's k-means segment at the k chosen by int_product_kmeans_sweep."""

from retail_segments.dbt_models import assignments_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("segmentation")
    sweep = to_frame(dbt.ref("int_product_kmeans_sweep"))
    return assignments_table(to_frame(dbt.ref("dim_products")), sweep, settings)
