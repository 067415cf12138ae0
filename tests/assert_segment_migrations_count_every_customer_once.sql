-- Every customer of the later date of each pair is counted exactly once per
-- segmentation in fct_customer_segment_migrations: the customers of each
-- (segmentation, to_as_of_date) sum to the history's customers of that date.
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

    select
        as_of_date,
        count(*) as customers

    from history
    group by 1

),

final as (

    select
        counted.segmentation,
        counted.to_as_of_date,
        counted.customers,
        expected.customers as expected_customers

    from counted
    left join expected
        on counted.to_as_of_date = expected.as_of_date
    where expected.customers is null or counted.customers <> expected.customers

)

select * from final
