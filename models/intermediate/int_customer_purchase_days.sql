-- One row per customer and purchase day before the as-of date, with the day's sales
-- value: the purchases the customer-value models count (several invoices of one day
-- are one purchase, as in Fader, Hardie & Lee 2005).
with

sales_lines as (

    select * from {{ ref('int_transaction_lines_in_period') }}
    where line_status = 'sale'

),

final as (

    select
        customer_id,
        invoice_date as purchase_date,
        cast(sum(line_amount) as double) as purchase_value

    from sales_lines
    group by 1, 2

)

select * from final
