{#- A SQL interval of one `unit` (day, week, month, quarter or year), to add to a
    date or timestamp. -#}
{% macro interval_of(unit) -%}
    {{ return(adapter.dispatch('interval_of', 'retail_segments')(unit)) }}
{%- endmacro %}

{% macro default__interval_of(unit) -%}
    interval 1 {{ unit }}
{%- endmacro %}

{% macro spark__interval_of(unit) -%}
    {#- Spark's interval literals have no quarter -#}
    {%- if unit == 'quarter' -%}
        interval 3 month
    {%- else -%}
        interval 1 {{ unit }}
    {%- endif -%}
{%- endmacro %}
