"""Every row of stg_attributes__customers with its segment from int_demographic_segments_fitted."""

from retail_segments.dbt_models import assignments_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    features = to_frame(dbt.ref("stg_attributes__customers"))
    segments = to_frame(dbt.ref("int_demographic_segments_fitted"))
    return assignments_table(features, segments)
