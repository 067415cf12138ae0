-- Every one of the 25 recency x frequency cells has exactly one segment name.
with

scores as (

    select 1 as score
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5

),

cells as (

    select
        recency.score as recency_score,
        frequency.score as frequency_score
    from scores as recency
    cross join scores as frequency

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

coverage as (

    select
        cells.recency_score,
        cells.frequency_score,
        count(segment_map.rfm_segment) as names

    from cells
    left join segment_map
        on
            cells.recency_score = segment_map.recency_score
            and cells.frequency_score = segment_map.frequency_score
    group by 1, 2

)

select * from coverage
where names <> 1
