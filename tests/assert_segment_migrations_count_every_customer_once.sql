-- Every customer of the later date of each pair is counted exactly once per
-- segmentation in fct_customer_segment_migrations: the customers of each
-- (segmentation, to_as_of_date) sum to the history's customers of that date with a
-- segment, for every history date after the first (a missing date fails too).
with

migrations as (

    select * from {{ ref('fct_customer_segment_migrations') }}

),

history as (

    select * from {{ ref('fct_customer_segment_history') }}

),

counted as (

    select
        segmentation,
        to_as_of_date,
        sum(customers) as customers

    from migrations
    group by 1, 2

),

expected as (

    -- the customers of each date with a segment (every one for rfm; none for kmeans
    -- when the history has no k-means segments)
    select
        'rfm' as segmentation,
        as_of_date,
        count(*) as customers

    from history
    group by 1, 2

    union all

    select
        'kmeans' as segmentation,
        as_of_date,
        count(kmeans_segment_id) as customers

    from history
    group by 1, 2

),

later_dates as (

    -- every date but the first is the later date of a pair
    select
        expected.segmentation,
        expected.as_of_date,
        expected.customers

    from expected
    where expected.as_of_date > (select min(history.as_of_date) from history)

),

final as (

    select
        later_dates.segmentation,
        later_dates.as_of_date,
        coalesce(counted.customers, 0) as customers,
        later_dates.customers as expected_customers

    from later_dates
    left join counted
        on
            later_dates.segmentation = counted.segmentation
            and later_dates.as_of_date = counted.to_as_of_date
    where coalesce(counted.customers, 0) <> later_dates.customers

)

select * from final
