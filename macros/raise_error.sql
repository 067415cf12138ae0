{#- An expression that stops the query with the text `message` (SQL) when it is
    evaluated, e.g. in a case branch that must never be reached. -#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error', 'retail_segments')(message)) }}
{%- endmacro %}

{% macro default__raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}

{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}
