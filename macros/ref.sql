{#- dbt's ref without the database (catalog) name. DuckDB names a file's catalog
    after the file, and views keep the names they were written with: a view that
    reads "warehouse"."main"."x" breaks when the file is renamed (the publish step
    renames the building file), copied, or attached by a BI tool under another
    name. "main"."x" resolves in the view's own database whatever it is called. -#}
{% macro ref() -%}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if relation is not none and relation.include is defined -%}
        {{ return(relation.include(database=false)) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}
