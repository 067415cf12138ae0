{#- The date `days` days before the date `date_expression` (both SQL), as a
    timestamp or date (callers cast it to a date). -#}
{% macro days_before(date_expression, days) -%}
    {{ return(adapter.dispatch('days_before', 'retail_segments')(date_expression, days)) }}
{%- endmacro %}

{% macro default__days_before(date_expression, days) -%}
    {{ dbt.dateadd('day', '-1 * ' ~ days, date_expression) }}
{%- endmacro %}

{% macro duckdb__days_before(date_expression, days) -%}
    {{ date_expression }} - {{ days }} * interval 1 day
{%- endmacro %}

{% macro spark__days_before(date_expression, days) -%}
    date_sub({{ date_expression }}, {{ days }})
{%- endmacro %}
