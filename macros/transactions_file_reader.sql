{#- The relation that reads a data file as text columns: read_parquet for
    *.parquet (with file_row_number, the row's position in the file, so that line
    numbers need no single-threaded window), otherwise read_csv (plain or gzipped)
    with the given encoding. Every column is read as text; staging parses the types
    so that a bad value rejects one line instead of failing the whole file. On Spark
    (which has no reader function in SQL with a header option) a temporary view of
    the file, created here, named after the path and encoding. -#}
{% macro transactions_file_reader(path, encoding) -%}
    {{ return(adapter.dispatch('transactions_file_reader', 'retail_segments')(path, encoding)) }}
{%- endmacro %}

{% macro default__transactions_file_reader(path, encoding) -%}
    {%- if retail_segments.is_parquet_path(path) -%}
        read_parquet({{ retail_segments.string_literal(path) }}, file_row_number = true)
    {%- else -%}
        read_csv(
            {{ retail_segments.string_literal(path) }},
            header = true,
            all_varchar = true,
            encoding = {{ retail_segments.string_literal(encoding) }}
        )
    {%- endif -%}
{%- endmacro %}

{% macro spark__transactions_file_reader(path, encoding) -%}
    {%- set view = 'retail_segments_file_' ~ local_md5(path ~ '|' ~ encoding) -%}
    {%- set charsets = {'utf-8': 'UTF-8', 'latin-1': 'ISO-8859-1', 'utf-16': 'UTF-16'} -%}
    {%- if retail_segments.is_parquet_path(path) -%}
        {%- set create -%}
            create or replace temporary view {{ view }}
            using parquet
            options (path {{ retail_segments.string_literal(path) }})
        {%- endset -%}
    {%- else -%}
        {#- RFC 4180 quoting (a quote inside a field is doubled), every column text -#}
        {%- set create -%}
            create or replace temporary view {{ view }}
            using csv
            options (
                path {{ retail_segments.string_literal(path) }},
                header 'true',
                inferSchema 'false',
                quote '"',
                escape '"',
                encoding {{ retail_segments.string_literal(charsets.get(encoding, encoding)) }}
            )
        {%- endset -%}
    {%- endif -%}
    {%- if execute -%}
        {%- do run_query(create) -%}
    {%- endif -%}
    {{ return(view) }}
{%- endmacro %}
