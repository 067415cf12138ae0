{#- SQL that turns DuckDB's preserve_insertion_order on or off (a hook). Nothing on
    other engines, which do not promise file order anyway. -#}
{% macro set_preserve_insertion_order(enabled) -%}
    {{ return(adapter.dispatch('set_preserve_insertion_order', 'retail_segments')(enabled)) }}
{%- endmacro %}

{% macro default__set_preserve_insertion_order(enabled) -%}
    select 1
{%- endmacro %}

{% macro duckdb__set_preserve_insertion_order(enabled) -%}
    set preserve_insertion_order = {{ 'true' if enabled else 'false' }}
{%- endmacro %}
