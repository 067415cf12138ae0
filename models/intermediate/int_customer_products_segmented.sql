-- One row per customer and product they bought before the as-of date, with the
-- customer's k-means segment: the pairs the recommendations rank. A table, because
-- two models read it; at 10^8 lines it holds about 76 million pairs.
with

sales_lines as (

    select * from {{ ref('int_transaction_lines_in_period') }}
    where line_status = 'sale'

),

segments as (

    select * from {{ ref('int_customers_segmented') }}

),

-- the pairs first, by a grouped aggregate (it spills to disk), then their segment:
-- a distinct over the joined lines ran out of memory at 10^8 lines
customer_products as (

    select
        customer_id,
        stock_code

    from sales_lines
    group by 1, 2

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
