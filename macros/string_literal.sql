{#- A SQL string literal holding `value` exactly: single quotes are doubled, so a
    path, a format or a label from a var is always data, never SQL (a folder called
    o'brien works; a crafted value cannot end the string). -#}
{% macro string_literal(value) -%}
    {{ return("'" ~ (value | string | replace("'", "''")) ~ "'") }}
{%- endmacro %}
