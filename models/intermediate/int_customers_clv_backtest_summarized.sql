-- One row per customer who first bought before the backtest holdout: the summary of
-- the calibration period (as int_customers_clv_summarized, at the holdout's start)
-- and the purchase days they actually made in the holdout.
with

backtest_window as (

    select * from {{ ref('int_clv_backtest_window') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

customer_days as (

    select
        purchase_days.customer_id,
        min(purchase_days.purchase_date) as first_purchase_date,
        max(purchase_days.purchase_date) filter (
            where purchase_days.purchase_date < backtest_window.holdout_start_date
        ) as last_purchase_date,
        count(*) filter (
            where purchase_days.purchase_date < backtest_window.holdout_start_date
        ) as purchase_days,
        -- summed exactly, as in int_customers_clv_summarized
        cast(sum(cast(purchase_days.purchase_value as decimal(18, 4))) filter (
            where purchase_days.purchase_date < backtest_window.holdout_start_date
        ) as double) as total_value,
        {{ retail_segments.arg_min('purchase_days.purchase_value', 'purchase_days.purchase_date') }} as first_day_value,
        count(*) filter (
            where purchase_days.purchase_date >= backtest_window.holdout_start_date
        ) as holdout_purchases,
        coalesce(cast(sum(cast(purchase_days.purchase_value as decimal(18, 4))) filter (
            where purchase_days.purchase_date >= backtest_window.holdout_start_date
        ) as double), 0) as holdout_value

    from purchase_days
    cross join backtest_window
    where backtest_window.holdout_days >= 1
    group by 1

),

final as (

    select
        customer_days.customer_id,
        customer_days.first_purchase_date,
        customer_days.last_purchase_date,
        {{ retail_segments.clv_summary_columns('customer_days', 'backtest_window.holdout_start_date') }},
        customer_days.holdout_purchases,
        customer_days.holdout_value,
        {{ retail_segments.double_divide('backtest_window.holdout_days', retail_segments.clv_time_unit_days() ~ '.0') }} as holdout_length,
        backtest_window.holdout_start_date,
        backtest_window.calibration_end_date,
        {{ retail_segments.string_literal(retail_segments.clv_time_unit()) }} as time_unit

    from customer_days
    cross join backtest_window
    where customer_days.first_purchase_date < backtest_window.holdout_start_date

)

select * from final
