{#- One row per distinct invoice date text of the transactions file, read with the
    formats of the var transactions_timestamp_formats: a file has far fewer distinct
    timestamps than lines, so each is parsed once. A date written d/d/yyyy is also
    read with its first two numbers swapped, and the file decides which reading
    holds, by one aggregate over its dates (see invoiced_at in the properties). -#}
{%- set formats = var('transactions_timestamp_formats') %}
{#- a date written d/d/yyyy (or dd/mm/yyyy...), whose first two numbers may be day or month -#}
{%- set day_month = '^([0-9]{1,2})/([0-9]{1,2})/' %}
with

date_texts as (

    select distinct nullif(trim(invoice_date), '') as invoice_date_text
    from {{ ref('base_retail__transaction_lines') }}

),

readings as (

    select
        invoice_date_text,
        {{ retail_segments.parse_timestamp('invoice_date_text', formats) }} as invoiced_at_as_written,
        -- d/d/yyyy text read the other way round: its first two numbers swapped
        case
            when {{ retail_segments.regex_matches('invoice_date_text', day_month) }}
                then {{ retail_segments.parse_timestamp(
                    retail_segments.regex_replace('invoice_date_text', day_month, '\\2/\\1/'), formats
                ) }}
        end as invoiced_at_swapped

    from date_texts
    where invoice_date_text is not null

),

day_month_order as (

    -- the file's evidence, one aggregate: dates that can only be read as written
    -- (01/13/2011 with the month-first formats) and dates that can only be read the
    -- other way round (13/01/2011)
    select
        count(case when invoiced_at_swapped is null then invoiced_at_as_written end) as as_written_only_dates,
        count(case when invoiced_at_as_written is null then invoiced_at_swapped end) as swapped_only_dates

    from readings
    where invoice_date_text like '%/%'

),

final as (

    select
        readings.invoice_date_text,
        case
            when readings.invoiced_at_as_written is null then readings.invoiced_at_swapped
            when
                readings.invoiced_at_swapped is null
                or readings.invoiced_at_swapped = readings.invoiced_at_as_written
                then readings.invoiced_at_as_written
            -- either way: as the unambiguous dates of the file are written
            when day_month_order.as_written_only_dates > 0 and day_month_order.swapped_only_dates > 0 then null
            when day_month_order.swapped_only_dates > 0 then readings.invoiced_at_swapped
            else readings.invoiced_at_as_written
        end as invoiced_at,
        -- could be read either way, and the file's dates disagree on which
        coalesce(
            readings.invoiced_at_swapped <> readings.invoiced_at_as_written
            and day_month_order.as_written_only_dates > 0
            and day_month_order.swapped_only_dates > 0,
            false
        ) as is_ambiguous_date

    from readings
    cross join day_month_order

)

select * from final
