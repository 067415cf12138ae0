{#- How many files the path (or glob) `path` names, at compile time. Spark SQL
    cannot list files: there it is 1 for a plain path and 2 for a glob, and a
    missing file stops the build when Spark reads it (`run.py build` checks the
    input files before dbt starts). -#}
{% macro count_data_files(path) -%}
    {{ return(adapter.dispatch('count_data_files', 'retail_segments')(path)) }}
{%- endmacro %}

{% macro default__count_data_files(path) -%}
    {{ return(run_query("select count(*) from glob(" ~ retail_segments.string_literal(path) ~ ")").columns[0].values()[0]) }}
{%- endmacro %}

{% macro spark__count_data_files(path) -%}
    {{ return(2 if ('*' in path or '?' in path or '[' in path) else 1) }}
{%- endmacro %}
