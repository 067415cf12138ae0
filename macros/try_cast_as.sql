{#- Cast that turns values which cannot be cast into nulls instead of failing.
    dbt.safe_cast is a plain cast on DuckDB, so cleaning models use this. -#}
{% macro try_cast_as(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast_as', 'retail_segments')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast_as(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro bigquery__try_cast_as(expression, data_type) -%}
    safe_cast({{ expression }} as {{ data_type }})
{%- endmacro %}
