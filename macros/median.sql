{#- The median of an expression (an aggregate), portable across warehouses. -#}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'retail_segments')(expression)) }}
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}
