-- The customer-value backtest: the backtest fit's forecast of the holdout against
-- what customers did, with the errors of two naive forecasts (zero; the calibration
-- rate), in total, by decile of the forecast and by calibration repeat purchases.
{#- breakdown -> its group number; the total (no group by) has a row even without customers #}
{%- set breakdowns = {
    'total': '0',
    'prediction_decile': 'prediction_decile',
    'calibration_repeat_purchases': 'frequency_group',
} %}
with

backtest_window as (

    select * from {{ ref('int_clv_backtest_window') }}

),

backtested as (

    select * from {{ ref('int_customer_value_backtested') }}

),

scored as (

    select
        *,
        ntile(10) over (order by predicted_purchases, customer_id) as prediction_decile,
        least(calibration_repeat_purchases, 7) as frequency_group,
        abs(predicted_purchases - actual_purchases) as model_error,
        abs(rate_baseline_purchases - actual_purchases) as rate_error,
        cast(actual_purchases as double) as zero_error

    from backtested

),

grouped as (

    {% for breakdown, key in breakdowns.items() -%}
    select
        '{{ breakdown }}' as breakdown,
        {{ key }} as group_number,
        count(*) as customers,
        sum(predicted_purchases) as predicted_purchases,
        sum(actual_purchases) as actual_purchases,
        sum(rate_baseline_purchases) as rate_baseline_purchases,
        sum(predicted_value) as predicted_value,
        sum(actual_value) as actual_value,
        avg(model_error) as mae,
        sqrt(avg(model_error * model_error)) as rmse,
        avg(zero_error) as mae_zero_baseline,
        sqrt(avg(zero_error * zero_error)) as rmse_zero_baseline,
        avg(rate_error) as mae_rate_baseline,
        sqrt(avg(rate_error * rate_error)) as rmse_rate_baseline

    from scored
    {% if key != '0' -%}
    group by 1, 2
    {% endif -%}
    {% if not loop.last %}
    union all

    {% endif -%}
    {%- endfor %}

),

final as (

    -- the total row is there even without a holdout: zero customers, the note says why
    select
        grouped.breakdown,
        grouped.group_number,
        case
            when grouped.breakdown = 'total' then 'all customers'
            when grouped.breakdown = 'prediction_decile'
                then 'decile ' || grouped.group_number
            when grouped.group_number = 7 then '7+ repeat purchases'
            else grouped.group_number || ' repeat purchases'
        end as group_label,
        grouped.customers,
        round(grouped.predicted_purchases, 4) as predicted_purchases,
        cast(coalesce(grouped.actual_purchases, 0) as {{ dbt.type_bigint() }}) as actual_purchases,
        round(grouped.rate_baseline_purchases, 4) as rate_baseline_purchases,
        round(grouped.predicted_value, 2) as predicted_value,
        round(coalesce(grouped.actual_value, 0), 2) as actual_value,
        round(grouped.mae, 6) as mae,
        round(grouped.rmse, 6) as rmse,
        round(grouped.mae_zero_baseline, 6) as mae_zero_baseline,
        round(grouped.rmse_zero_baseline, 6) as rmse_zero_baseline,
        round(grouped.mae_rate_baseline, 6) as mae_rate_baseline,
        round(grouped.rmse_rate_baseline, 6) as rmse_rate_baseline,
        backtest_window.holdout_days,
        backtest_window.holdout_start_date,
        backtest_window.as_of_date,
        backtest_window.backtest_note

    from grouped
    cross join backtest_window

)

select * from final
