{#- The position of each row in the file it is read from (1-based), used as the line
    id. A single Parquet file gives it for free (read_parquet's file_row_number, read
    in parallel); a CSV file (or several files) is numbered by a window without ORDER
    BY, which on DuckDB streams a file scan in file order while
    preserve_insertion_order is on (the line models set it, see
    int_transaction_lines_classified) but runs on one thread. The Python test suite
    checks line numbers against the file. -#}
{% macro source_row_number(from_file_row_number) -%}
    {{ return(adapter.dispatch('source_row_number', 'retail_segments')(from_file_row_number)) }}
{%- endmacro %}

{% macro default__source_row_number(from_file_row_number) -%}
    {%- if from_file_row_number -%}
        file_row_number + 1
    {%- else -%}
        row_number() over ()
    {%- endif -%}
{%- endmacro %}

{% macro spark__source_row_number(from_file_row_number) -%}
    {#- Spark numbers rows by the order of its scan: a task reads its split of the file
        from start to end, and monotonically_increasing_id grows with the split (the
        upper bits) and the row within it, so ordering by it is the file order of a
        single file, read straight from the scan (a gzipped file is one split). This
        window runs on one partition, as DuckDB's does on one thread. -#}
    cast(row_number() over (order by monotonically_increasing_id()) as bigint)
{%- endmacro %}
