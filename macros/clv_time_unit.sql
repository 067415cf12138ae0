{#- The time unit of the customer-value summaries (var `clv_time_unit`), checked:
    `days` or `weeks` (trimmed, lower case); any other value stops the build with an
    error naming the var. -#}
{% macro clv_time_unit() -%}
    {%- set unit = var('clv_time_unit') | string | trim | lower -%}
    {%- if unit not in ['days', 'weeks'] -%}
        {{ exceptions.raise_compiler_error(
            "The var clv_time_unit must be days or weeks; got " ~ (var('clv_time_unit') | string | tojson) ~ "."
        ) }}
    {%- endif -%}
    {{ return(unit) }}
{%- endmacro %}
