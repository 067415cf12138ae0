{#- Days in the time unit of the customer-value summaries (var `clv_time_unit`):
    1 for `days`, 7 for `weeks`; any other value stops the build with an error
    naming the var. -#}
{% macro clv_time_unit_days() -%}
    {%- set units = {'days': 1, 'weeks': 7} -%}
    {%- set unit = var('clv_time_unit') | string | trim | lower -%}
    {%- if unit not in units -%}
        {{ exceptions.raise_compiler_error(
            "The var clv_time_unit must be days or weeks; got " ~ (var('clv_time_unit') | string | tojson) ~ "."
        ) }}
    {%- endif -%}
    {{ return(units[unit]) }}
{%- endmacro %}
