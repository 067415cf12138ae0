-- One row per as-of date and customer: the RFM scores, cell, score, value tier and
-- named RFM segment of int_customers_rfm_scored (macro rfm_segment_ctes), scored
-- within each as-of date, every date at once.
with

customers as (

    select * from {{ ref('int_customers_history_summarized') }}

),

rfm_map as (

    select * from {{ ref('rfm_segment_map') }}

),

{{ retail_segments.rfm_segment_ctes(['as_of_date', 'customer_id'], partition_by='as_of_date') }}

select * from final
