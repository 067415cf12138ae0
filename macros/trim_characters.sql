{#- The text `expression` without the leading and trailing characters that are in
    `characters` (SQL text, e.g. "'\"'"). Spark's two-argument trim takes its
    arguments the other way round, so the standard form is written there. -#}
{% macro trim_characters(expression, characters) -%}
    {{ return(adapter.dispatch('trim_characters', 'retail_segments')(expression, characters)) }}
{%- endmacro %}

{% macro default__trim_characters(expression, characters) -%}
    trim(both {{ characters }} from {{ expression }})
{%- endmacro %}

{% macro duckdb__trim_characters(expression, characters) -%}
    trim({{ expression }}, {{ characters }})
{%- endmacro %}
