{{ config(materialized='view') }}
-- One row per as-of date and customer: the segment history (int_customer_segment_history,
-- the table that persists across builds).
select * from {{ ref('int_customer_segment_history') }}
