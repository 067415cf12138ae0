"""The drift check of the stored customer k-means model at each build's as-of date.

Incremental and never fully refreshed: a build replaces its own date's row only.
"""

from retail_segments.dbt_models import model_check_table, to_frame


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="as_of_date",
        full_refresh=False,
    )
    as_of = to_frame(dbt.ref("int_as_of_date"))["as_of_date"].iloc[0]
    return model_check_table(
        to_frame(dbt.ref("int_customer_segment_models")),
        to_frame(dbt.ref("int_customer_segments_fitted")),
        to_frame(dbt.ref("int_customers_summarized")),
        as_of,
        dbt.config.get("history"),
    )
