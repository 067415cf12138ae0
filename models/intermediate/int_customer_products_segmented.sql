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

final as (

    select distinct
        sales_lines.customer_id,
        segments.segment_id,
        sales_lines.stock_code

    from sales_lines
    inner join segments
        on sales_lines.customer_id = segments.customer_id

)

select * from final
