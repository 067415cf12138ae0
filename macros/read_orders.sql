{#- Select the orders file (var orders_path) with its columns renamed to the
    standard names: order_id, customer_id, order_total, payment_status, payment_date
    (all text), found through orders_column_aliases() or the var orders_columns, plus
    unmapped_values (the file's other columns, for the duplicate key).
    Read only with input_shape `orders`; otherwise the select has zero rows. -#}
{% macro read_orders() -%}
    {{ return(retail_segments.read_mapped_file(
        path=var('orders_path', ''),
        aliases=retail_segments.orders_column_aliases(),
        required=['order_id', 'customer_id', 'order_total', 'payment_status', 'payment_date'],
        optional=[],
        overrides_var='orders_columns',
        label='orders',
        path_var='orders_path',
        encoding=var('transactions_encoding', 'auto'),
        enabled=retail_segments.input_shape() == 'orders',
        with_unmapped_values=true,
        not_found_hint="Pass the orders export: dbt build --vars "
            ~ "'{input_shape: orders, orders_path: path/to/orders.csv, order_customers_path: path/to/customers.csv}'.",
    )) }}
{%- endmacro %}
