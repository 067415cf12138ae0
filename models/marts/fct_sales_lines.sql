with

classified as (

    select * from {{ ref('int_transaction_lines_classified') }}

),

final as (

    select
        source_line_number as line_id,
        invoice_no,
        stock_code,
        description,
        quantity,
        unit_price,
        cast(quantity * unit_price as decimal(18, 4)) as line_revenue,
        invoiced_at,
        invoice_date,
        customer_id,
        country

    from classified
    where line_status = 'sale'

)

select * from final
