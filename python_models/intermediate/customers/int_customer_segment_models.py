"""The stored customer k-means models: one row per model version and segment.

Incremental and never fully refreshed: each build reads the stored versions and
adds a version only on a first fit, a refit (var customer_segment_refit) or drift.
"""

from retail_segments.dbt_models import stored_models_table, to_frame


def model(dbt, session):
    dbt.config(
        materialized="incremental",
        incremental_strategy="delete+insert",
        unique_key="model_version",
        full_refresh=False,
    )
    previous = session.sql(f"select * from {dbt.this}") if dbt.is_incremental else None
    as_of = to_frame(dbt.ref("int_as_of_date"))["as_of_date"].iloc[0]
    return stored_models_table(
        previous,
        to_frame(dbt.ref("int_customer_segments_fitted")),
        to_frame(dbt.ref("int_customers_summarized")),
        as_of,
        dbt.config.get("history"),
    )
