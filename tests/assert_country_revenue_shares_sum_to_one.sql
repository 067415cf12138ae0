-- Country revenue shares add up to 1 and country revenue adds up to the revenue of
-- all customers (both built from the same sales lines before the as-of date).
with

countries as (

    select
        sum(revenue_share) as total_share,
        sum(revenue) as country_revenue
    from {{ ref('dim_countries') }}

),

customers as (

    select sum(monetary) as customer_revenue from {{ ref('dim_customers') }}

)

select *
from countries
cross join customers
where
    abs(total_share - 1) > 0.0001
    or abs(country_revenue - customer_revenue) > 0.01 * (select count(*) from {{ ref('dim_customers') }})
