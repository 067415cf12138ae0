{#- The quotient of two numbers (SQL) as a double, as DuckDB's `/` gives it for
    integers and decimals; Spark's `/` keeps a decimal operand's decimal type. -#}
{% macro double_divide(dividend, divisor) -%}
    {{ return(adapter.dispatch('double_divide', 'retail_segments')(dividend, divisor)) }}
{%- endmacro %}

{% macro default__double_divide(dividend, divisor) -%}
    cast({{ dividend }} as {{ dbt.type_float() }}) / {{ divisor }}
{%- endmacro %}

{% macro duckdb__double_divide(dividend, divisor) -%}
    {{ dividend }} / {{ divisor }}
{%- endmacro %}

{% macro spark__double_divide(dividend, divisor) -%}
    cast({{ dividend }} as double) / {{ divisor }}
{%- endmacro %}
