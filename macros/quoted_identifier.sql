{#- A SQL identifier holding `name` exactly: double quotes inside are doubled, so a
    column header from a file is always a name, never SQL. -#}
{% macro quoted_identifier(name) -%}
    {{ return('"' ~ (name | string | replace('"', '""')) ~ '"') }}
{%- endmacro %}
