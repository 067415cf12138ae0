{#- The integer quotient of the integers `dividend` and `divisor` (SQL), rounded
    toward zero. -#}
{% macro integer_divide(dividend, divisor) -%}
    {{ return(adapter.dispatch('integer_divide', 'retail_segments')(dividend, divisor)) }}
{%- endmacro %}

{% macro default__integer_divide(dividend, divisor) -%}
    cast(trunc({{ dividend }} / {{ divisor }}) as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro duckdb__integer_divide(dividend, divisor) -%}
    {{ dividend }} // {{ divisor }}
{%- endmacro %}

{% macro spark__integer_divide(dividend, divisor) -%}
    {{ dividend }} div {{ divisor }}
{%- endmacro %}
