"""Every row of int_countries_summarized with its segment from int_country_segments_fitted."""

from retail_segments.dbt_models import assignments_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    features = to_frame(dbt.ref("int_countries_summarized"))
    segments = to_frame(dbt.ref("int_country_segments_fitted"))
    return assignments_table(features, segments)
