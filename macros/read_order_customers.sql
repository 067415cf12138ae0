{#- Select the customers table of an orders export (var order_customers_path) with
    its columns renamed to customer_id and country (text), found through
    order_customers_column_aliases() or the var order_customers_columns. Read only
    with input_shape `orders` and a non-empty path; otherwise zero rows (every
    order's country is then `Unspecified`). -#}
{% macro read_order_customers() -%}
    {{ return(retail_segments.read_mapped_file(
        path=var('order_customers_path', ''),
        aliases=retail_segments.order_customers_column_aliases(),
        required=['customer_id', 'country'],
        optional=[],
        overrides_var='order_customers_columns',
        label='order customers',
        path_var='order_customers_path',
        encoding=var('transactions_encoding', 'auto'),
        enabled=retail_segments.input_shape() == 'orders' and (var('order_customers_path', '') or '') != '',
        not_found_hint="Pass the customers table of the orders export (customer id and country), "
            ~ "or leave order_customers_path empty to have every country `Unspecified`.",
    )) }}
{%- endmacro %}
