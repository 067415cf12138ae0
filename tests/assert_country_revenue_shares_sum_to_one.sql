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

    select
        sum(monetary) as customer_revenue,
        count(*) as customer_count
    from {{ ref('dim_customers') }}

)

select
    countries.total_share,
    countries.country_revenue,
    customers.customer_revenue
from countries
cross join customers
where
    abs(countries.total_share - 1) > 0.0001
    or abs(countries.country_revenue - customers.customer_revenue)
    > 0.01 * customers.customer_count
