-- One row: the date every customer, country and product fact is measured at. The
-- build stops here, saying what happened, when no line of the file is valid (with
-- the top rejection reasons and their likely cause) or when the var as_of_date is
-- not after the first valid line (there would be no facts).
{%- if var('as_of_date', '') %}
{%- set as_of_expression = retail_segments.date_literal(var('as_of_date'), 'as_of_date') %}
{%- set as_of_source = 'var as_of_date' %}
{%- else %}
{%- set as_of_expression = 'cast(' ~ dbt.dateadd('day', 1, 'last_valid_date') ~ ' as date)' %}
{%- set as_of_source = 'day after the last invoice' %}
{%- endif %}
{%- set path_var = 'orders_path' if retail_segments.input_shape() == 'orders' else 'transactions_path' %}
{%- set file_name = var(path_var, '') ~ ' (var ' ~ path_var ~ ')' %}
with

classified as (

    select * from {{ ref('int_transaction_lines_classified') }}

),

-- one scan of the lines, grouped by reason (a handful of rows): a CTE read twice is
-- materialized, so the totals and the top reasons both come from this small one
lines_by_reason as (

    select
        rejection_reason,
        count(*) as lines,
        sum(case when line_status in ('sale', 'cancellation') then 1 else 0 end) as valid_lines,
        min(case when line_status in ('sale', 'cancellation') then invoice_date end) as first_valid_date,
        max(case when line_status in ('sale', 'cancellation') then invoice_date end) as last_valid_date,
        -- what the rejected lines look like, for the likely cause (the regexes run on
        -- rejected lines only: the cause is reported only when every line is rejected)
        sum(
            case
                when
                    line_status = 'rejected'
                    and {{ retail_segments.regex_matches('unit_price_text', '^-?[0-9]+,[0-9]{1,4}$') }}
                    then 1
                else 0
            end
        ) as decimal_comma_prices,
        sum(
            case
                when line_status = 'rejected' and {{ retail_segments.regex_matches('unit_price_text', '[£$€¥]') }}
                    then 1
                else 0
            end
        ) as currency_sign_prices,
        min(case when rejection_reason = 'unparseable_date' then invoice_date_text end) as unparseable_date_example
    from classified
    group by 1

),

line_counts as (

    select
        coalesce(sum(lines), 0) as lines,
        sum(valid_lines) as valid_lines,
        min(first_valid_date) as first_valid_date,
        max(last_valid_date) as last_valid_date,
        sum(decimal_comma_prices) as decimal_comma_prices,
        sum(currency_sign_prices) as currency_sign_prices,
        min(unparseable_date_example) as unparseable_date_example
    from lines_by_reason

),

top_reasons as (

    select
        {{ retail_segments.string_agg_ordered(
            "rejection_reason || ' (' || lines || ' lines)'", "', '", 'lines desc, rejection_reason asc'
        ) }} as reasons
    from lines_by_reason
    where rejection_reason is not null

),

diagnosis as (

    select
        line_counts.*,
        coalesce(top_reasons.reasons, 'none') as reasons,
        case
            when line_counts.decimal_comma_prices > 0
                then 'prices written with a decimal comma (e.g. 2,55): write them with a decimal point'
            when line_counts.currency_sign_prices > 0
                then 'prices carrying a currency sign (e.g. £2.55): export plain numbers'
            when line_counts.unparseable_date_example is not null
                then concat(
                    'dates such as "', line_counts.unparseable_date_example,
                    '" match none of the var transactions_timestamp_formats: add their format'
                )
            else 'a wrong delimiter or column mapping (var transactions_columns), or numbers it cannot parse'
        end as likely_cause

    from line_counts
    cross join top_reasons

),

{%- set no_valid_line_message -%}
concat(
                    'File ', {{ retail_segments.string_literal(file_name) }}, ': every one of its ', lines,
                    ' lines was rejected, so there is nothing to measure. Reasons: ', reasons,
                    '. Likely cause: ', likely_cause,
                    '. The table int_transaction_lines_classified holds every line with its reason.'
                )
{%- endset %}
{%- set early_as_of_date_message -%}
concat(
                    'The var as_of_date (', {{ as_of_expression }}, ') is not after the first valid line of file ',
                    {{ retail_segments.string_literal(file_name) }}, ' (', first_valid_date, '; the last is ',
                    last_valid_date, '): facts count the lines before the as-of date, and there are none. ',
                    'Set as_of_date after ', first_valid_date, ', or leave it empty for the day after the last invoice.'
                )
{%- endset %}

checked as (

    select
        case
            when valid_lines = 0
                then {{ retail_segments.raise_error(no_valid_line_message) }}
            {%- if var('as_of_date', '') %}
            when {{ as_of_expression }} <= first_valid_date
                then {{ retail_segments.raise_error(early_as_of_date_message) }}
            {%- endif %}
            else {{ as_of_expression }}
        end as as_of_date

    from diagnosis

),

final as (

    select
        cast(as_of_date as date) as as_of_date,
        {{ retail_segments.string_literal(as_of_source) }} as as_of_date_source

    from checked

)

select * from final
