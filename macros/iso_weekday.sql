{#- The ISO day of the week of a date or timestamp (SQL): 1 for Monday to 7 for Sunday. -#}
{% macro iso_weekday(expression) -%}
    {{ return(adapter.dispatch('iso_weekday', 'retail_segments')(expression)) }}
{%- endmacro %}

{% macro default__iso_weekday(expression) -%}
    extract(isodow from {{ expression }})
{%- endmacro %}

{% macro spark__iso_weekday(expression) -%}
    extract(dayofweek_iso from {{ expression }})
{%- endmacro %}
