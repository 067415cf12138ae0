-- One row: the holdout of the customer-value backtest, the last clv_holdout_days
-- before the as-of date, shortened to half the days the data spans when it is
-- shorter than twice that (so the calibration period is at least as long).
{%- set requested_days = retail_segments.integer_var('clv_holdout_days', 1) %}
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

span as (

    select
        min(as_of.as_of_date) as as_of_date,
        {{ dbt.datediff('min(purchase_days.purchase_date)', 'min(as_of.as_of_date)', 'day') }} as span_days

    from as_of
    left join purchase_days
        on true

),

windowed as (

    select
        as_of_date,
        span_days,
        cast(least({{ requested_days }}, {{ retail_segments.integer_divide('coalesce(span_days, 0)', 2) }}) as integer) as holdout_days

    from span

),

final as (

    select
        as_of_date,
        {{ requested_days }} as holdout_days_requested,
        holdout_days,
        cast({{ retail_segments.days_before('as_of_date', 'holdout_days') }} as date) as holdout_start_date,
        cast({{ retail_segments.days_before('as_of_date', '(holdout_days + 1)') }} as date) as calibration_end_date,
        case
            when span_days is null then 'no purchases before the as-of date: no backtest'
            when holdout_days < 1
                then 'the purchases span ' || span_days || ' day(s): too short for a holdout'
            when holdout_days < {{ requested_days }}
                then
                    'holdout shortened to ' || holdout_days || ' days, half the '
                    || span_days || ' days the purchases span'
            else ''
        end as backtest_note

    from windowed

)

select * from final
