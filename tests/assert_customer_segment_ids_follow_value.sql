-- Segment 1 is the most valuable: the mean of the value column
-- (var customer_segment_value_column) never rises from one segment id to the next.
{%- set value_column = retail_segments.column_names_var('customer_segment_value_column', single=true) %}
with

segments as (

    select
        segment_id,
        avg_{{ value_column }} as value,
        lead(avg_{{ value_column }}) over (order by segment_id) as next_value

    from {{ ref('dim_customer_segments') }}

)

select *
from segments
where next_value > value
