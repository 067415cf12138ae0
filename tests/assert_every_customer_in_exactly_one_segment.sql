-- Every customer of dim_customers has exactly one k-means segment and one RFM
-- segment, and no segment holds a customer that is not in dim_customers.
with

customers as (

    select customer_id from {{ ref('dim_customers') }}

),

segments as (

    select
        customer_id,
        count(*) as rows_per_customer
    from {{ ref('fct_customer_segments') }}
    group by 1

)

select
    coalesce(customers.customer_id, segments.customer_id) as customer_id,
    segments.rows_per_customer

from customers
full outer join segments
    on customers.customer_id = segments.customer_id
where segments.rows_per_customer is distinct from 1 or customers.customer_id is null
