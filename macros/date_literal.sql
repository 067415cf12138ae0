{#- A validated date literal for SQL: `value` must be a date written YYYY-MM-DD (a
    var, so never pasted into SQL as anything else); otherwise the build stops with
    an error naming the var. -#}
{% macro date_literal(value, var_name) -%}
    {%- set text = (value | string | trim) -%}
    {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
        {{ exceptions.raise_compiler_error(
            "The var " ~ var_name ~ " must be a date written YYYY-MM-DD, e.g. 2011-12-01; got "
            ~ (value | string | tojson) ~ "."
        ) }}
    {%- endif -%}
    {%- set parts = text.split('-') | map('int') | list -%}
    {%- if parts[1] < 1 or parts[1] > 12 or parts[2] < 1 or parts[2] > 31 -%}
        {{ exceptions.raise_compiler_error(
            "The var " ~ var_name ~ " is not a calendar date: " ~ text ~ " (YYYY-MM-DD)."
        ) }}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as date)") }}
{%- endmacro %}
