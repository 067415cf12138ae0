"""Every as-of date and customer of int_customers_history_summarized with the segment
of the latest stored model (int_customer_segment_models): ids that keep their meaning."""

from retail_segments.dbt_models import history_assignments_table, to_frame


def model(dbt, session):
    dbt.config(materialized="table")
    frame = to_frame(dbt.ref("int_customers_history_summarized"))
    store = to_frame(dbt.ref("int_customer_segment_models"))
    return history_assignments_table(frame, store)
