{#- The JSON value at `path` (e.g. '$.features') of the JSON text `expression`, as
    JSON text (a list stays '["a","b"]'; a string keeps its quotes on DuckDB, not on
    Spark: trim them with trim_characters). -#}
{% macro json_text_at(expression, path) -%}
    {{ return(adapter.dispatch('json_text_at', 'retail_segments')(expression, path)) }}
{%- endmacro %}

{% macro default__json_text_at(expression, path) -%}
    cast(json_extract({{ expression }}, '{{ path }}') as {{ dbt.type_string() }})
{%- endmacro %}

{% macro duckdb__json_text_at(expression, path) -%}
    cast(json_extract({{ expression }}, '{{ path }}') as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__json_text_at(expression, path) -%}
    get_json_object({{ expression }}, '{{ path }}')
{%- endmacro %}
