-- Segment 1 holds the products with the highest mean revenue: the mean revenue per
-- product never rises from one segment id to the next.
with

segments as (

    select
        segment_id,
        avg_revenue,
        lead(avg_revenue) over (order by segment_id) as next_avg_revenue

    from {{ ref('dim_product_segments') }}

)

select *
from segments
where next_avg_revenue > avg_revenue
