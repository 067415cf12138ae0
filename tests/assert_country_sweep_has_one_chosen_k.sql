-- The sweep has one row per k over a gap-free range and exactly one chosen k,
-- which is the number of segments in use.
with

sweep as (

    select * from {{ ref('fct_country_segment_sweep') }}

),

checks as (

    select
        count(*) as sweep_rows,
        max(k) - min(k) + 1 as k_range,
        sum(case when is_chosen then 1 else 0 end) as chosen_rows,
        max(case when is_chosen then k end) as chosen_k,
        (select count(*) from {{ ref('dim_country_segments') }}) as segments

    from sweep

)

select *
from checks
where sweep_rows <> k_range or chosen_rows <> 1 or chosen_k <> segments
