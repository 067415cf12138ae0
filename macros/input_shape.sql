{#- The shape of the input (var input_shape): `line_items` (one row per invoice
    line, var transactions_path) or `orders` (one row per order, vars orders_path
    and order_customers_path). Any other value stops the build. -#}
{% macro input_shape() -%}
    {%- set shape = (var('input_shape', 'line_items') or 'line_items') | string | trim | lower -%}
    {%- if shape not in ['line_items', 'orders'] -%}
        {{ exceptions.raise_compiler_error(
            "Unknown input_shape '" ~ var('input_shape') ~ "': use line_items (a file of invoice lines, "
            ~ "var transactions_path) or orders (an orders export, vars orders_path and order_customers_path)."
        ) }}
    {%- endif -%}
    {{ return(shape) }}
{%- endmacro %}
