{#- A SQL string literal holding `value` exactly: single quotes are doubled, so a
    path, a format or a label from a var is always data, never SQL (a folder called
    o'brien works; a crafted value cannot end the string). On Spark, whose literals
    read backslash escapes, a backslash is doubled and a quote escaped with one. -#}
{% macro string_literal(value) -%}
    {{ return(adapter.dispatch('string_literal', 'retail_segments')(value)) }}
{%- endmacro %}

{% macro default__string_literal(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}

{% macro spark__string_literal(value) -%}
    {{ return("'" ~ (value | string | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}
