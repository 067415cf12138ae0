{%- set every = retail_segments.history_every() %}
-- depends_on: {{ ref('int_transaction_lines_classified') }}
-- One row per as-of date the segment history gets rows for in this build: the
-- build's own as-of date, plus (var history_every) every week, month or quarter
-- end after the first valid line and before the build's as-of date.
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

{%- if every %}

classified as (

    select * from {{ ref('int_transaction_lines_classified') }}

),

data_span as (

    select min(invoice_date) as first_valid_date

    from classified
    where line_status in ('sale', 'cancellation')

),

period_starts as (

    -- the first day of every week (Monday), month or quarter from the first valid line on
    select
        {{ retail_segments.timestamp_series(
            'cast(date_trunc(' ~ retail_segments.string_literal(every) ~ ', data_span.first_valid_date) as timestamp)',
            'cast(as_of.as_of_date as timestamp)',
            every,
        ) }} as period_start

    from data_span
    cross join as_of

),

period_ends as (

    -- the last day of each period: Sunday, or the month or quarter end
    select cast(period_start + {{ retail_segments.interval_of(every) }} - interval 1 day as date) as as_of_date

    from period_starts

),

interval_dates as (

    select period_ends.as_of_date

    from period_ends
    cross join data_span
    cross join as_of
    where
        period_ends.as_of_date > data_span.first_valid_date
        and period_ends.as_of_date < as_of.as_of_date

),

{%- else %}

interval_dates as (

    -- no var history_every: only the build's own as-of date
    select cast(null as date) as as_of_date
    where false

),

{%- endif %}

final as (

    select
        as_of_date,
        true as is_build_date

    from as_of

    union all

    select
        as_of_date,
        false as is_build_date

    from interval_dates

)

select * from final
