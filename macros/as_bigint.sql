{#- An integer expression (SQL) as a bigint on every engine: Spark's row_number,
    rank and ntile are an int, DuckDB's a bigint, which the marts' contracts declare. -#}
{% macro as_bigint(expression) -%}
    {{ return(adapter.dispatch('as_bigint', 'retail_segments')(expression)) }}
{%- endmacro %}

{% macro default__as_bigint(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro spark__as_bigint(expression) -%}
    cast({{ expression }} as bigint)
{%- endmacro %}
