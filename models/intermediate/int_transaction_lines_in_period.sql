-- a view: the lines are stored once, in int_transaction_lines_classified, and each
-- reader scans only the columns it needs
{#- a table on Spark: the DuckDB stage of the Spark build reads the Spark stage's
    Parquet files, and a view has none (macro attach_spark_stage) -#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}
-- The valid lines every fact is measured on: sales and cancellations dated before
-- the as-of date. Sales have a positive line_amount, cancellations a negative one.
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

classified as (

    select * from {{ ref('int_transaction_lines_classified') }}

),

final as (

    select
        classified.source_line_number as line_id,
        classified.line_status,
        classified.invoice_no,
        classified.stock_code,
        classified.description,
        classified.quantity,
        classified.unit_price,
        classified.line_amount,
        classified.invoiced_at,
        classified.invoice_date,
        classified.customer_id,
        classified.country

    from classified
    cross join as_of
    where
        classified.line_status in ('sale', 'cancellation')
        and classified.invoice_date < as_of.as_of_date

)

select * from final
