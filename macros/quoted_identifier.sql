{#- A SQL identifier holding `name` exactly: the quote character inside is doubled,
    so a column header from a file is always a name, never SQL. Double quotes, or
    backticks on Spark. -#}
{% macro quoted_identifier(name) -%}
    {{ return(adapter.dispatch('quoted_identifier', 'retail_segments')(name)) }}
{%- endmacro %}

{% macro default__quoted_identifier(name) -%}
    {{ return('"' ~ (name | string | replace('"', '""')) ~ '"') }}
{%- endmacro %}

{% macro spark__quoted_identifier(name) -%}
    {{ return('`' ~ (name | string | replace('`', '``')) ~ '`') }}
{%- endmacro %}
