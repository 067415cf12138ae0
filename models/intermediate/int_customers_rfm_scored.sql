-- One row per customer: quintile scores of recency, frequency and monetary value,
-- the RFM cell, score, value tier and named RFM segment (macro rfm_segment_ctes).
with

customers as (

    select * from {{ ref('int_customers_summarized') }}

),

rfm_map as (

    select * from {{ ref('rfm_segment_map') }}

),

{{ retail_segments.rfm_segment_ctes(['customer_id', 'recency_days', 'frequency', 'monetary']) }}

select * from final
