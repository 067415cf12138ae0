-- One row per customer of the build's as-of date: how long they have been in their
-- current RFM and k-means segment over the segment history up to that date (the
-- first date of the current run, the number of history dates in it) and the
-- segment they were in before it (null when they have never been in another).
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

history as (

    select * from {{ ref('int_customer_segment_history') }}

),

history_to_date as (

    select history.*

    from history
    cross join as_of
    where history.as_of_date <= as_of.as_of_date

),

flagged as (

    select
        customer_id,
        as_of_date,
        rfm_segment,
        kmeans_segment_id,
        kmeans_segment_name,
        -- 1 on a customer's first row and wherever the segment differs from the row before
        case
            when coalesce(lag(rfm_segment) over (partition by customer_id order by as_of_date) = rfm_segment, false)
                then 0
            else 1
        end as rfm_changed,
        case
            when
                coalesce(
                    lag(kmeans_segment_id) over (partition by customer_id order by as_of_date) = kmeans_segment_id,
                    false
                )
                then 0
            else 1
        end as kmeans_changed,
        lag(rfm_segment) over (partition by customer_id order by as_of_date) as previous_rfm_segment,
        lag(kmeans_segment_id) over (partition by customer_id order by as_of_date) as previous_kmeans_segment_id,
        lag(kmeans_segment_name) over (partition by customer_id order by as_of_date)
            as previous_kmeans_segment_name

    from history_to_date

),

runs as (

    select
        *,
        sum(rfm_changed) over (partition by customer_id order by as_of_date) as rfm_run,
        sum(kmeans_changed) over (partition by customer_id order by as_of_date) as kmeans_run

    from flagged

),

rfm_runs as (

    select
        customer_id,
        rfm_run,
        min(as_of_date) as since,
        count(*) as as_of_dates,
        -- the segment before the run: the lag on its first row (the one row flagged)
        max(case when rfm_changed = 1 then previous_rfm_segment end) as previous_segment

    from runs
    group by 1, 2

),

kmeans_runs as (

    select
        customer_id,
        kmeans_run,
        min(as_of_date) as since,
        count(*) as as_of_dates,
        max(case when kmeans_changed = 1 then previous_kmeans_segment_id end) as previous_segment_id,
        max(case when kmeans_changed = 1 then previous_kmeans_segment_name end) as previous_segment_name

    from runs
    group by 1, 2

),

current_rows as (

    select runs.*

    from runs
    cross join as_of
    where runs.as_of_date = as_of.as_of_date

),

final as (

    select
        current_rows.customer_id,
        current_rows.kmeans_segment_id as tracked_segment_id,
        current_rows.kmeans_segment_name as tracked_segment_name,
        kmeans_runs.previous_segment_id as previous_tracked_segment_id,
        kmeans_runs.previous_segment_name as previous_tracked_segment_name,
        kmeans_runs.since as tracked_segment_since,
        kmeans_runs.as_of_dates as tracked_segment_as_of_dates,
        rfm_runs.previous_segment as previous_rfm_segment,
        rfm_runs.since as rfm_segment_since,
        rfm_runs.as_of_dates as rfm_segment_as_of_dates

    from current_rows
    inner join rfm_runs
        on
            current_rows.customer_id = rfm_runs.customer_id
            and current_rows.rfm_run = rfm_runs.rfm_run
    inner join kmeans_runs
        on
            current_rows.customer_id = kmeans_runs.customer_id
            and current_rows.kmeans_run = kmeans_runs.kmeans_run

)

select * from final
