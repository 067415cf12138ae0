-- One row per customer and product they bought before the as-of date. A grouped
-- aggregate (it spills to disk; a distinct over the lines joined to their segments
-- ran out of memory at 10^8 lines), and a model of its own so that it runs while
-- the customer k-means runs, not after it.
with

sales_lines as (

    select * from {{ ref('int_transaction_lines_in_period') }}
    where line_status = 'sale'

),

final as (

    select
        customer_id,
        stock_code

    from sales_lines
    group by 1, 2

)

select * from final
