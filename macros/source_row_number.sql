{#- The position of each row in the file it is read from (1-based), used as the line
    id. On DuckDB a window without ORDER BY over a file scan streams rows in file
    order (preserve_insertion_order is on in profiles.yml); the Python test suite
    checks line numbers against the file. -#}
{% macro source_row_number() -%}
    {{ return(adapter.dispatch('source_row_number', 'retail_segments')()) }}
{%- endmacro %}

{% macro default__source_row_number() -%}
    row_number() over ()
{%- endmacro %}
