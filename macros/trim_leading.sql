{#- The text `expression` without the leading characters that are in `characters`
    (SQL text, e.g. "'0'"). Spark's two-argument ltrim takes its arguments the other
    way round, so the standard form is written there. -#}
{% macro trim_leading(expression, characters) -%}
    {{ return(adapter.dispatch('trim_leading', 'retail_segments')(expression, characters)) }}
{%- endmacro %}

{% macro default__trim_leading(expression, characters) -%}
    trim(leading {{ characters }} from {{ expression }})
{%- endmacro %}

{% macro duckdb__trim_leading(expression, characters) -%}
    ltrim({{ expression }}, {{ characters }})
{%- endmacro %}
