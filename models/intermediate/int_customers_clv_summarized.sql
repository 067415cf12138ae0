-- One row per customer with purchases before the as-of date: the summary the BG/NBD
-- and Gamma-Gamma models are fitted on (x, t_x, T and the mean repeat value), in the
-- time unit of the var clv_time_unit.
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

purchase_days as (

    select * from {{ ref('int_customer_purchase_days') }}

),

customer_days as (

    select
        customer_id,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date,
        count(*) as purchase_days,
        -- summed exactly (the day values are sums of decimal amounts): a sum of doubles
        -- depends on the order the rows arrive in, which a parallel scan does not fix
        cast(sum(cast(purchase_value as decimal(18, 4))) as double) as total_value,
        {{ retail_segments.arg_min('purchase_value', 'purchase_date') }} as first_day_value

    from purchase_days
    group by 1

),

final as (

    select
        customer_days.customer_id,
        customer_days.first_purchase_date,
        customer_days.last_purchase_date,
        {{ retail_segments.clv_summary_columns('customer_days', 'as_of.as_of_date') }},
        as_of.as_of_date,
        {{ retail_segments.string_literal(retail_segments.clv_time_unit()) }} as time_unit

    from customer_days
    cross join as_of

)

select * from final
