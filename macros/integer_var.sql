{#- The value of an integer var, validated (a whole number, at least `minimum`), so
    that it reaches SQL only as a number; otherwise the build stops with an error
    naming the var. `value` defaults to var(name). -#}
{% macro integer_var(name, minimum=none, value=none) -%}
    {%- set raw = var(name) if value is none else value -%}
    {%- if raw is sameas true or raw is sameas false or not modules.re.fullmatch('-?[0-9]+', raw | string | trim) -%}
        {{ exceptions.raise_compiler_error(
            "The var " ~ name ~ " must be a whole number; got " ~ (raw | string | tojson) ~ "."
        ) }}
    {%- endif -%}
    {%- set number = raw | int -%}
    {%- if minimum is not none and number < minimum -%}
        {{ exceptions.raise_compiler_error(
            "The var " ~ name ~ " must be at least " ~ minimum ~ "; got " ~ number ~ "."
        ) }}
    {%- endif -%}
    {{ return(number) }}
{%- endmacro %}
