{#- the file path is never rendered into SQL text here (not even a comment): the
    reader macro quotes it -#}
{%- do source('shop', 'customers') -%}
-- The customers table of the orders export (source shop.customers) exactly
-- as it is: one row per line in file order, customer id and country as text (see
-- macro read_order_customers). Zero rows unless var input_shape is `orders` and var
-- order_customers_path is set.
{{ retail_segments.read_order_customers() }}
