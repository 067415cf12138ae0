{#- The one table of the lines as read: int_transaction_lines_classified reads it three
    times. Line numbers of a CSV file come from a window that follows the
    file order only while DuckDB preserves insertion order (off in profiles.yml, so
    that big builds spill); a single Parquet file numbers its rows itself, and the
    table is then written with insertion order off.

    The file is read four times, and only the first read parses every line: a CTE
    that two others select from is materialized by DuckDB (every line in memory), so
    the other reads select from the base model itself, each only the columns it
    needs. Exact duplicates are found in two grouped aggregates: a 64-bit key of
    every raw value finds the candidates (macro fast_hash), and grouping the few
    candidate lines on the raw values themselves keeps only true copies, so a key
    collision can never reject a line. -#}
{{ config(
    materialized='table',
    pre_hook="{{ retail_segments.set_preserve_insertion_order(not retail_segments.line_numbers_from_file()) }}",
) }}
{%- set bounds = retail_segments.valid_value_bounds() %}
{%- set formats = var('transactions_timestamp_formats') %}
{#- a date written d/d/yyyy (or dd/mm/yyyy...), whose first two numbers may be day or month -#}
{%- set day_month = '^([0-9]{1,2})/([0-9]{1,2})/' %}
{#- every raw value of a line, the columns not mapped too: equal in all of them is a copy -#}
{%- set raw_values = [
    'invoice_no', 'stock_code', 'description', 'quantity', 'invoice_date', 'unit_price',
    'customer_id', 'country', 'unmapped_values',
] %}
with

source as (

    select * from {{ ref('base_retail__transaction_lines') }}

),

repeated_keys as (

    -- the keys of raw values that occur more than once: candidates only, a 64-bit
    -- key may collide
    select {{ retail_segments.fast_hash(raw_values) }} as raw_line_key
    from {{ ref('base_retail__transaction_lines') }}
    group by 1
    having count(*) > 1

),

candidate_lines as (

    select
        source_line_number,
        {{ raw_values | join(',\n        ') }}

    from {{ ref('base_retail__transaction_lines') }}
    where {{ retail_segments.fast_hash(raw_values) }} in (select raw_line_key from repeated_keys)

),

copies as (

    -- exact: the candidates grouped on the raw values themselves (nulls equal)
    select
        {{ raw_values | join(',\n        ') }},
        min(source_line_number) as first_line_number

    from candidate_lines
    group by {{ raw_values | join(', ') }}
    having count(*) > 1

),

duplicate_lines as (

    -- every copy after the first, with the line it repeats
    select
        candidate_lines.source_line_number,
        copies.first_line_number as duplicate_of_line_number

    from candidate_lines
    inner join copies
        on
            {%- for column in raw_values %}
            {{ 'and ' if not loop.first }}candidate_lines.{{ column }} is not distinct from copies.{{ column }}
            {%- endfor %}
    where candidate_lines.source_line_number > copies.first_line_number

),

date_readings as (

    -- each distinct date text read as written and with its first two numbers
    -- swapped: a file has far fewer distinct timestamps than lines
    select
        invoice_date_text,
        {{ retail_segments.parse_timestamp('invoice_date_text', formats) }} as invoiced_at_as_written,
        case
            when regexp_matches(invoice_date_text, {{ retail_segments.string_literal(day_month) }})
                then {{ retail_segments.parse_timestamp(
                    "regexp_replace(invoice_date_text, " ~ retail_segments.string_literal(day_month)
                    ~ ", '\\2/\\1/')", formats
                ) }}
        end as invoiced_at_swapped

    from (
        select distinct nullif(trim(invoice_date), '') as invoice_date_text
        from {{ ref('base_retail__transaction_lines') }}
    ) as date_texts
    where invoice_date_text is not null

),

day_month_order as (

    -- the file's evidence, one aggregate: dates that can only be read as written
    -- (01/13/2011 with the month-first formats) and dates that can only be read the
    -- other way round (13/01/2011)
    select
        count(case when invoiced_at_swapped is null then invoiced_at_as_written end) as as_written_only_dates,
        count(case when invoiced_at_as_written is null then invoiced_at_swapped end) as swapped_only_dates

    from date_readings
    where invoice_date_text like '%/%'

),

trimmed as (

    select
        source.source_line_number,
        nullif(trim(source.invoice_no), '') as invoice_no,
        nullif(upper(trim(source.stock_code)), '') as stock_code,
        nullif(trim(source.description), '') as description,
        nullif(trim(source.quantity), '') as quantity_text,
        nullif(trim(source.invoice_date), '') as invoice_date_text,
        nullif(trim(source.unit_price), '') as unit_price_text,
        nullif(trim(source.customer_id), '') as customer_id_text,
        coalesce(nullif(trim(source.country), ''), 'Unspecified') as country,
        duplicate_lines.duplicate_of_line_number

    from source
    left join duplicate_lines
        on source.source_line_number = duplicate_lines.source_line_number

),

parsed as (

    select
        trimmed.source_line_number,
        trimmed.invoice_no,
        trimmed.stock_code,
        trimmed.description,
        trimmed.country,
        trimmed.duplicate_of_line_number,
        trimmed.quantity_text,
        trimmed.invoice_date_text,
        trimmed.unit_price_text,
        {{ retail_segments.try_cast_as('trimmed.quantity_text', 'double') }} as quantity_number,
        {{ retail_segments.try_cast_as('trimmed.unit_price_text', 'double') }} as unit_price_number,
        date_readings.invoiced_at_as_written,
        date_readings.invoiced_at_swapped,
        {{ retail_segments.normalize_customer_id('trimmed.customer_id_text') }} as customer_id

    from trimmed
    left join date_readings
        on trimmed.invoice_date_text = date_readings.invoice_date_text

),

dated as (

    select
        parsed.*,
        -- could be read either way, and the file's dates disagree on which
        coalesce(
            parsed.invoiced_at_swapped <> parsed.invoiced_at_as_written
            and day_month_order.as_written_only_dates > 0
            and day_month_order.swapped_only_dates > 0,
            false
        ) as is_ambiguous_date,
        case
            when parsed.invoiced_at_as_written is null then parsed.invoiced_at_swapped
            when
                parsed.invoiced_at_swapped is null
                or parsed.invoiced_at_swapped = parsed.invoiced_at_as_written
                then parsed.invoiced_at_as_written
            -- either way: as the unambiguous dates of the file are written
            when day_month_order.as_written_only_dates > 0 and day_month_order.swapped_only_dates > 0 then null
            when day_month_order.swapped_only_dates > 0 then parsed.invoiced_at_swapped
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
        duplicate_of_line_number,
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
