{#- The whole days from the date `start` to the date `end` (SQL), as a bigint on
    every engine (dbt.datediff is an int on Spark, a bigint on DuckDB). -#}
{% macro days_between(start, end) -%}
    {{ return(adapter.dispatch('days_between', 'retail_segments')(start, end)) }}
{%- endmacro %}

{% macro default__days_between(start, end) -%}
    {{ dbt.datediff(start, end, 'day') }}
{%- endmacro %}

{% macro spark__days_between(start, end) -%}
    cast({{ dbt.datediff(start, end, 'day') }} as bigint)
{%- endmacro %}
