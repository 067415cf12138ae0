{#- The quotient of two numbers (SQL) as decimal(precision, scale), rounded as DuckDB
    rounds it: DuckDB divides in double and scales the double by 10^scale, rounding
    half away from zero (so 1.005 becomes 1.00, 0.125 becomes 0.13). Spark's decimal
    division is exact and rounds the exact value, which differs on such halves. -#}
{% macro decimal_quotient(dividend, divisor, precision, scale) -%}
    {{ return(adapter.dispatch('decimal_quotient', 'retail_segments')(dividend, divisor, precision, scale)) }}
{%- endmacro %}

{% macro default__decimal_quotient(dividend, divisor, precision, scale) -%}
    cast({{ dividend }} / {{ divisor }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro spark__decimal_quotient(dividend, divisor, precision, scale) -%}
    {%- set factor = 10 ** scale -%}
    cast(
        round(cast({{ dividend }} as double) / {{ divisor }} * {{ factor }}, 0) / {{ factor }}
        as decimal({{ precision }}, {{ scale }})
    )
{%- endmacro %}
