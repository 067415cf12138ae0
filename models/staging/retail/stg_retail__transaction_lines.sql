{#- The one table of the lines as read: int_transaction_lines_classified reads it four
    times, and as a view DuckDB kept those reads in one materialized CTE of every
    line in memory. Line numbers of a CSV file come from a window that follows the
    file order only while DuckDB preserves insertion order (off in profiles.yml, so
    that big builds spill); a single Parquet file numbers its rows itself, and the
    table is then written with insertion order off. -#}
{{ config(
    materialized='table',
    pre_hook="{{ retail_segments.set_preserve_insertion_order(not retail_segments.line_numbers_from_file()) }}",
) }}
{%- set bounds = retail_segments.valid_value_bounds() %}
{%- set formats = var('transactions_timestamp_formats') %}
{#- a date written d/d/yyyy (or dd/mm/yyyy...), whose first two numbers may be day or month -#}
{%- set day_month = '^([0-9]{1,2})/([0-9]{1,2})/' %}
with

source as (

    select * from {{ ref('base_retail__transaction_lines') }}

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
        coalesce(nullif(trim(country), ''), 'Unspecified') as country,
        -- every raw value, the columns not mapped too, to find exact duplicates of an
        -- earlier line
        md5(concat_ws(
            '|',
            coalesce(invoice_no, '<null>'),
            coalesce(stock_code, '<null>'),
            coalesce(description, '<null>'),
            coalesce(quantity, '<null>'),
            coalesce(invoice_date, '<null>'),
            coalesce(unit_price, '<null>'),
            coalesce(customer_id, '<null>'),
            coalesce(country, '<null>'),
            coalesce(unmapped_values, '<null>')
        )) as raw_line_hash

    from source

),

parsed as (

    select
        source_line_number,
        invoice_no,
        stock_code,
        description,
        country,
        raw_line_hash,
        quantity_text,
        invoice_date_text,
        unit_price_text,
        customer_id_text,
        {{ retail_segments.try_cast_as('quantity_text', 'double') }} as quantity_number,
        {{ retail_segments.try_cast_as('unit_price_text', 'double') }} as unit_price_number,
        {{ retail_segments.parse_timestamp('invoice_date_text', formats) }} as invoiced_at_as_written,
        -- d/d/yyyy text read the other way round: its first two numbers swapped
        case
            when regexp_matches(invoice_date_text, {{ retail_segments.string_literal(day_month) }})
                then {{ retail_segments.parse_timestamp(
                    "regexp_replace(invoice_date_text, " ~ retail_segments.string_literal(day_month)
                    ~ ", '\\2/\\1/')", formats
                ) }}
        end as invoiced_at_swapped,
        {{ retail_segments.normalize_customer_id('customer_id_text') }} as customer_id

    from trimmed

),

day_month_order as (

    -- the file's evidence, one aggregate: lines that can only be read as written
    -- (01/13/2011 with the month-first formats) and lines that can only be read the
    -- other way round (13/01/2011)
    select
        count(case when invoiced_at_swapped is null then invoiced_at_as_written end) as as_written_only_lines,
        count(case when invoiced_at_as_written is null then invoiced_at_swapped end) as swapped_only_lines

    from parsed
    where invoice_date_text like '%/%'

),

dated as (

    select
        parsed.*,
        -- could be read either way, and the file's lines disagree on which
        coalesce(
            parsed.invoiced_at_swapped <> parsed.invoiced_at_as_written
            and day_month_order.as_written_only_lines > 0
            and day_month_order.swapped_only_lines > 0,
            false
        ) as is_ambiguous_date,
        case
            when parsed.invoiced_at_as_written is null then parsed.invoiced_at_swapped
            when
                parsed.invoiced_at_swapped is null
                or parsed.invoiced_at_swapped = parsed.invoiced_at_as_written
                then parsed.invoiced_at_as_written
            -- either way: as the unambiguous lines of the file are written
            when day_month_order.as_written_only_lines > 0 and day_month_order.swapped_only_lines > 0 then null
            when day_month_order.swapped_only_lines > 0 then parsed.invoiced_at_swapped
            else parsed.invoiced_at_as_written
        end as invoiced_at

    from parsed
    cross join day_month_order

),

final as (

    select
        source_line_number,
        invoice_no,
        stock_code,
        description,
        case
            when
                isfinite(quantity_number)
                and abs(quantity_number) <= {{ bounds['max_abs_quantity'] }}
                and quantity_number = floor(quantity_number)
                then cast(quantity_number as {{ dbt.type_bigint() }})
        end as quantity,
        case
            when isfinite(unit_price_number) and abs(unit_price_number) <= {{ bounds['max_abs_unit_price'] }}
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
        raw_line_hash,
        -- a number, but not finite or beyond the plausible range (NaN, inf, 1e19)
        coalesce(
            not (isfinite(quantity_number) and abs(quantity_number) <= {{ bounds['max_abs_quantity'] }}),
            false
        ) as is_quantity_out_of_range,
        coalesce(
            not (isfinite(unit_price_number) and abs(unit_price_number) <= {{ bounds['max_abs_unit_price'] }}),
            false
        ) as is_price_out_of_range,
        is_ambiguous_date

    from dated

)

select * from final
