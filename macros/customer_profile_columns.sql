{#- The numeric dim_customers columns profiled per segment (mean and median). -#}
{% macro customer_profile_columns() -%}
    {{ return([
        'recency_days', 'frequency', 'monetary', 'returned_value', 'tenure_days', 'units',
        'distinct_products', 'avg_order_value', 'avg_days_between_purchases',
        'cancellation_rate', 'monthly_spend_mean', 'monthly_spend_std', 'monthly_spend_trend',
    ]) }}
{%- endmacro %}
