{#- The customer-value summary columns (x, t_x, T, mean repeat value, first purchase
    day's value) from a relation
    with one row per customer and the columns first_purchase_date,
    last_purchase_date, purchase_days, total_value and first_day_value, observed
    until the day before `observed_until` (a date expression), in the time unit of
    the var `clv_time_unit`. -#}
{% macro clv_summary_columns(customer_days, observed_until) -%}
    {%- set unit_days = retail_segments.clv_time_unit_days() -%}
    {{ customer_days }}.purchase_days - 1 as repeat_purchases,
        {{ retail_segments.double_divide(
            retail_segments.days_between(customer_days ~ '.first_purchase_date', customer_days ~ '.last_purchase_date'),
            unit_days ~ '.0',
        ) }} as time_to_last_purchase,
        {{ retail_segments.double_divide(
            '(' ~ retail_segments.days_between(customer_days ~ '.first_purchase_date', observed_until) ~ ' - 1)',
            unit_days ~ '.0',
        ) }} as time_observed,
        case
            when {{ customer_days }}.purchase_days > 1
                then
                    {{ retail_segments.double_divide(
                        '(' ~ customer_days ~ '.total_value - ' ~ customer_days ~ '.first_day_value)',
                        '(' ~ customer_days ~ '.purchase_days - 1)',
                    ) }}
        end as mean_repeat_value,
        {{ customer_days }}.first_day_value as first_purchase_value
{%- endmacro %}
