{#- Select the transactions file (var transactions_path) with its columns renamed to
    the standard names: invoice_no, stock_code, description, quantity, invoice_date,
    unit_price, customer_id, country (all text), and
    unmapped_values (the file's other columns, for the duplicate key). Columns are found by name through
    transactions_column_aliases() or the var transactions_columns; a file whose
    required columns cannot be found stops the build with an error that lists what
    is missing and what the file has (see read_mapped_file). With input_shape
    `orders` (or enabled = false) the file is not read and the select has zero rows.
    `path` reads one file of the var's glob instead (read_transactions_by_file), and
    `line_offset` is added to its line numbers. -#}
{% macro read_transactions(path=none, enabled=true, line_offset=0) -%}
    {{ return(retail_segments.read_mapped_file(
        path=var('transactions_path') if path is none else path,
        aliases=retail_segments.transactions_column_aliases(),
        required=['invoice_no', 'stock_code', 'quantity', 'invoice_date', 'unit_price', 'customer_id'],
        optional=['description', 'country'],
        overrides_var='transactions_columns',
        label='transactions',
        path_var='transactions_path',
        encoding=var('transactions_encoding', 'auto'),
        enabled=enabled and retail_segments.input_shape() == 'line_items',
        not_found_hint="Generate the demo data with `python3 run.py build`, or pass your own file: "
            ~ "dbt build --vars '{transactions_path: path/to/file.csv}'.",
        with_unmapped_values=true,
        line_offset=line_offset,
    )) }}
{%- endmacro %}
