-- One row per customer and product they bought before the as-of date, with the
-- customer's k-means segment: the pairs the recommendations rank. A view: the pairs
-- are stored once (int_customer_products_aggregated, about 76 million at 10^8
-- lines) and each of the two readers joins them to the small segment table.
{{ config(materialized='view') }}

with

customer_products as (

    select * from {{ ref('int_customer_products_aggregated') }}

),

segments as (

    select * from {{ ref('int_customers_segmented') }}

),

final as (

    select
        customer_products.customer_id,
        segments.segment_id,
        customer_products.stock_code

    from customer_products
    inner join segments
        on customer_products.customer_id = segments.customer_id

)

select * from final
