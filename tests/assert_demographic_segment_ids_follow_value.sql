-- Segment 1 is the segment with the highest mean of the value column (var
-- demographic_segment_value_column, spending score by default): the mean never
-- rises from one segment id to the next.
{%- set value_column = retail_segments.column_names_var('demographic_segment_value_column', single=true) %}
with

members as (

    select
        segment_id,
        {{ value_column }} as value

    from {{ ref('dim_customer_demographics') }}

),

segments as (

    select
        segment_id,
        avg(value) as value,
        lead(avg(value)) over (order by segment_id) as next_value

    from members
    group by 1

)

select *
from segments
where next_value > value
