{#- The value of a true/false var, validated (true or false, as YAML writes them),
    so that a typo such as "yes" stops the build with an error naming the var
    instead of being read as true. -#}
{% macro boolean_var(name, default=false) -%}
    {%- set raw = var(name, default) -%}
    {%- if raw is sameas true or raw is sameas false -%}
        {{ return(raw) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error(
        "The var " ~ name ~ " must be true or false; got " ~ (raw | string | tojson) ~ "."
    ) }}
{%- endmacro %}
