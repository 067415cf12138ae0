{#- The table function that reads a data file as text columns: read_parquet for
    *.parquet (with file_row_number, the row's position in the file, so that line
    numbers need no single-threaded window), otherwise read_csv (plain or gzipped)
    with the given encoding. Every column is read as text; staging parses the types
    so that a bad value rejects one line instead of failing the whole file. -#}
{% macro transactions_file_reader(path, encoding) -%}
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
