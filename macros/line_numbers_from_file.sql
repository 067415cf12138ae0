{#- True when the line source numbers its rows itself: the input is one Parquet
    file of line items (read_parquet's file_row_number). Otherwise the lines are
    numbered by a window that needs the file order (see source_row_number). -#}
{% macro line_numbers_from_file() -%}
    {%- set path = retail_segments.project_path(var('transactions_path', '')) -%}
    {{ return(
        retail_segments.input_shape() == 'line_items'
        and retail_segments.is_parquet_path(path)
        and '*' not in path and '?' not in path and '[' not in path
    ) }}
{%- endmacro %}
