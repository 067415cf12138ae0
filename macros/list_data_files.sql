{#- The files a path (or glob) names, sorted by name, at compile time: the file list
    of an incremental build (read_transactions_by_file). Spark SQL cannot list files,
    so there the incremental build stops with an error that says so. -#}
{% macro list_data_files(path) -%}
    {{ return(adapter.dispatch('list_data_files', 'retail_segments')(path)) }}
{%- endmacro %}

{% macro default__list_data_files(path) -%}
    {%- set listed = run_query(
        'select file from glob(' ~ retail_segments.string_literal(path) ~ ') order by file'
    ) -%}
    {{ return(listed.columns[0].values() | list) }}
{%- endmacro %}

{% macro spark__list_data_files(path) -%}
    {{ exceptions.raise_compiler_error(
        "The var transactions_incremental reads new files only, which needs the list of files "
        ~ "a path names: Spark SQL cannot list files. Build on Spark without it (every file is "
        ~ "read), or build incrementally on DuckDB."
    ) }}
{%- endmacro %}
