-- Every customer of the attribute table has exactly one demographic segment, and no
-- segment holds a customer that is not in the attribute table.
with

attributes as (

    select customer_id from {{ ref('stg_attributes__customers') }}

),

segments as (

    select customer_id, count(*) as rows_per_customer
    from {{ ref('fct_customer_demographic_segments') }}
    group by 1

)

select
    coalesce(attributes.customer_id, segments.customer_id) as customer_id,
    segments.rows_per_customer

from attributes
full outer join segments
    on attributes.customer_id = segments.customer_id
where segments.rows_per_customer is distinct from 1 or attributes.customer_id is null
