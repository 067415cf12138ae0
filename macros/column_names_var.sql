{#- The value of a var that names columns (a list, or one name with `single`), each
    validated as a plain lower-case column name (letters, digits, underscores), so a
    feature or value column from a var reaches SQL only as a name; otherwise the
    build stops with an error naming the var. -#}
{% macro column_names_var(name, single=false) -%}
    {%- set raw = var(name) -%}
    {%- set names = [raw] if single or raw is string else raw -%}
    {%- if names is mapping or names is not iterable -%}
        {{ exceptions.raise_compiler_error(
            "The var " ~ name ~ " must be a list of column names; got " ~ (raw | string | tojson) ~ "."
        ) }}
    {%- endif -%}
    {%- for column in names -%}
        {%- if column is not string or not modules.re.fullmatch('[a-z_][a-z0-9_]*', column) -%}
            {{ exceptions.raise_compiler_error(
                "The var " ~ name ~ " must name columns in lower case with letters, digits and "
                ~ "underscores (e.g. monetary); got " ~ (column | string | tojson) ~ "."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names[0] if single else names | list) }}
{%- endmacro %}
