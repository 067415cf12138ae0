{#- Lower-case a column name and keep only letters and digits, so that the loader
    can compare "Customer ID" with "CustomerID". -#}
{% macro normalize_column_name(name) -%}
    {{ return(modules.re.sub('[^a-z0-9]', '', name | lower)) }}
{%- endmacro %}
