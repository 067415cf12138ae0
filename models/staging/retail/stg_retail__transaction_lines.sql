{#- The lines with typed values: a view (int_transaction_lines_classified reads it
    three times, each time only the columns it needs, and writes the lines to disk
    once, classified). The base model is a view over a Parquet file and a table of
    a CSV file.

    The two file-wide facts a line needs come from small tables, each from one
    grouped aggregate: whether the line copies an earlier one
    (stg_retail__transaction_line_copies) and what its date text reads as
    (stg_retail__invoice_dates). -#}
{#- a table on Spark, where the lines feed several models and no cheap reader
    numbers them -#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}
{%- set bounds = retail_segments.valid_value_bounds() %}
with

source as (

    select * from {{ ref('base_retail__transaction_lines') }}

),

copies as (

    select * from {{ ref('stg_retail__transaction_line_copies') }}

),

invoice_dates as (

    select * from {{ ref('stg_retail__invoice_dates') }}

),

trimmed as (

    select
        source_line_number,
        nullif(trim(invoice_no), '') as invoice_no,
        nullif(upper(trim(stock_code)), '') as stock_code,
        nullif(trim(description), '') as description,
        nullif(trim(quantity), '') as quantity_text,
        nullif(trim(invoice_date), '') as invoice_date_text,
        nullif(trim(unit_price), '') as unit_price_text,
        nullif(trim(customer_id), '') as customer_id_text,
        coalesce(nullif(trim(country), ''), 'Unspecified') as country

    from source

),

parsed as (

    select
        trimmed.source_line_number,
        trimmed.invoice_no,
        trimmed.stock_code,
        trimmed.description,
        trimmed.country,
        trimmed.quantity_text,
        trimmed.invoice_date_text,
        trimmed.unit_price_text,
        {{ retail_segments.try_cast_as('trimmed.quantity_text', 'double') }} as quantity_number,
        {{ retail_segments.try_cast_as('trimmed.unit_price_text', 'double') }} as unit_price_number,
        invoice_dates.invoiced_at,
        coalesce(invoice_dates.is_ambiguous_date, false) as is_ambiguous_date,
        {{ retail_segments.normalize_customer_id('trimmed.customer_id_text') }} as customer_id,
        copies.duplicate_of_line_number

    from trimmed
    left join invoice_dates
        on trimmed.invoice_date_text = invoice_dates.invoice_date_text
    left join copies
        on trimmed.source_line_number = copies.source_line_number

),

final as (

    select
        source_line_number,
        invoice_no,
        stock_code,
        description,
        case
            when
                {{ retail_segments.is_finite('quantity_number') }}
                and abs(quantity_number) <= {{ bounds['max_abs_quantity'] }}
                and quantity_number = floor(quantity_number)
                then cast(quantity_number as {{ dbt.type_bigint() }})
        end as quantity,
        case
            when {{ retail_segments.is_finite('unit_price_number') }} and abs(unit_price_number) <= {{ bounds['max_abs_unit_price'] }}
                then {{ retail_segments.try_cast_as('unit_price_text', 'decimal(18, 4)') }}
        end as unit_price,
        invoiced_at,
        cast(invoiced_at as date) as invoice_date,
        customer_id,
        country,
        left(invoice_no, 1) = 'C' as is_cancellation_invoice,
        left(invoice_no, 1) = 'A' as is_adjustment_invoice,
        -- line items carry no payment status (see int_orders_as_transaction_lines)
        false as is_unpaid_order,
        quantity_text,
        unit_price_text,
        invoice_date_text,
        duplicate_of_line_number,
        -- a number, but not finite or beyond the plausible range (NaN, inf, 1e19)
        coalesce(
            not ({{ retail_segments.is_finite('quantity_number') }} and abs(quantity_number) <= {{ bounds['max_abs_quantity'] }}),
            false
        ) as is_quantity_out_of_range,
        coalesce(
            not ({{ retail_segments.is_finite('unit_price_number') }} and abs(unit_price_number) <= {{ bounds['max_abs_unit_price'] }}),
            false
        ) as is_price_out_of_range,
        is_ambiguous_date

    from parsed

)

select * from final
