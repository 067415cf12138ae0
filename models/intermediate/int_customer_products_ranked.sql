-- One row per customer and product they bought: the product's rank in the
-- customer's segment and its position among the customer's bought products by
-- that rank (1 = their product ranked highest). Narrow, so that the one window
-- over every bought pair spills instead of running out of memory at 10^8 lines.
with

customer_products as (

    select * from {{ ref('int_customer_products_segmented') }}

),

segment_products as (

    select * from {{ ref('int_segment_products_ranked') }}

),

final as (

    select
        customer_products.customer_id,
        customer_products.segment_id,
        segment_products.segment_rank,
        {{ retail_segments.as_bigint(
            'row_number() over (partition by customer_products.customer_id'
            ~ ' order by segment_products.segment_rank)'
        ) }} as bought_position

    from customer_products
    inner join segment_products
        on
            customer_products.segment_id = segment_products.segment_id
            and customer_products.stock_code = segment_products.stock_code

)

select * from final
