{#- The value of `value` on the row with the smallest `order_by` (an aggregate). -#}
{% macro arg_min(value, order_by) -%}
    {{ return(adapter.dispatch('arg_min', 'retail_segments')(value, order_by)) }}
{%- endmacro %}

{% macro default__arg_min(value, order_by) -%}
    min_by({{ value }}, {{ order_by }})
{%- endmacro %}

{% macro duckdb__arg_min(value, order_by) -%}
    arg_min({{ value }}, {{ order_by }})
{%- endmacro %}
