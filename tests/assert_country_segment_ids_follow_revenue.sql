-- Segment 1 is the highest-spending tier: the mean revenue per country never rises
-- from one segment id to the next, and the tier labels (var country_segment_labels)
-- appear in their order, "High spending" before "Medium spending" before "Low
-- spending".
{%- set labels = var('country_segment_labels') %}
with

segments as (

    select
        segment_id,
        segment_name,
        avg_revenue,
        lead(avg_revenue) over (order by segment_id) as next_avg_revenue,
        case segment_name
            {%- for label in labels %}
            when {{ retail_segments.string_literal(label) }} then {{ loop.index }}
            {%- endfor %}
        end as label_position

    from {{ ref('dim_country_segments') }}

),

labelled as (

    select
        *,
        lead(label_position) over (order by segment_id) as next_label_position
    from segments
    where label_position is not null

)

select
    segment_id,
    segment_name,
    'mean revenue rises' as problem
from segments
where next_avg_revenue > avg_revenue

union all

select
    segment_id,
    segment_name,
    'labels out of order' as problem
from labelled
where next_label_position <= label_position
