-- One row per segmentation (rfm, kmeans), pair of consecutive as-of dates of the
-- segment history and from-segment -> to-segment: the customers who moved so and
-- what they spent between the two dates. Every customer of the later date is
-- counted once; customers without a row at the earlier date come from 'New'. (No
-- kmeans rows when the history has no k-means segments, see the history's docs.)
with

history as (

    select * from {{ ref('int_customer_segment_history') }}

),

history_dates as (

    select distinct as_of_date

    from history

),

date_pairs as (

    select
        lag(as_of_date) over (order by as_of_date) as from_as_of_date,
        as_of_date as to_as_of_date

    from history_dates

),

moves as (

    select
        date_pairs.from_as_of_date,
        date_pairs.to_as_of_date,
        later.customer_id,
        earlier.rfm_segment as from_rfm_segment,
        later.rfm_segment as to_rfm_segment,
        earlier.kmeans_segment_id as from_kmeans_segment_id,
        earlier.kmeans_segment_name as from_kmeans_segment_name,
        later.kmeans_segment_id as to_kmeans_segment_id,
        later.kmeans_segment_name as to_kmeans_segment_name,
        later.monetary - coalesce(earlier.monetary, 0) as period_revenue

    from date_pairs
    inner join history as later
        on date_pairs.to_as_of_date = later.as_of_date
    left join history as earlier
        on
            date_pairs.from_as_of_date = earlier.as_of_date
            and later.customer_id = earlier.customer_id
    where date_pairs.from_as_of_date is not null

),

segment_moves as (

    select
        'rfm' as segmentation,
        from_as_of_date,
        to_as_of_date,
        cast(null as integer) as from_segment_id,
        coalesce(from_rfm_segment, 'New') as from_segment,
        cast(null as integer) as to_segment_id,
        to_rfm_segment as to_segment,
        period_revenue

    from moves

    union all

    select
        'kmeans' as segmentation,
        from_as_of_date,
        to_as_of_date,
        from_kmeans_segment_id as from_segment_id,
        coalesce(from_kmeans_segment_name, 'New') as from_segment,
        to_kmeans_segment_id as to_segment_id,
        to_kmeans_segment_name as to_segment,
        period_revenue

    from moves
    -- none when the stored model's features are not history facts (null segments)
    where to_kmeans_segment_id is not null

),

final as (

    select
        segmentation,
        from_as_of_date,
        to_as_of_date,
        from_segment_id,
        from_segment,
        to_segment_id,
        to_segment,
        (
            from_segment = to_segment
            and coalesce(from_segment_id, -1) = coalesce(to_segment_id, -1)
        ) as is_same_segment,
        count(*) as customers,
        cast(sum(period_revenue) as decimal(18, 2)) as revenue

    from segment_moves
    group by 1, 2, 3, 4, 5, 6, 7

)

select * from final
