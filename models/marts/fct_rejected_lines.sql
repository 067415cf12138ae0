-- a view: the lines are stored once, in int_transaction_lines_classified
{{ config(materialized='view') }}
with

classified as (

    select * from {{ ref('int_transaction_lines_classified') }}

),

final as (

    select
        source_line_number as line_id,
        rejection_reason,
        invoice_no,
        stock_code,
        description,
        quantity_text as raw_quantity,
        unit_price_text as raw_unit_price,
        invoice_date_text as raw_invoice_date,
        customer_id,
        country,
        -- set on exact copies only (int_transaction_lines_classified)
        duplicate_of_line_number as duplicate_of_line_id

    from classified
    where line_status = 'rejected'

)

select * from final
