-- a view: the lines are stored once, in int_transaction_lines_classified
{{ config(materialized='view') }}
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
        -quantity as returned_quantity,
        unit_price,
        -line_amount as returned_value,
        invoiced_at,
        invoice_date,
        customer_id,
        country

    from classified
    where line_status = 'cancellation'

)

select * from final
