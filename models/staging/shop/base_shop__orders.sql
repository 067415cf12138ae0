{#- the file path is never rendered into SQL text here (not even a comment): the
    reader macro quotes it -#}
{%- do source('shop', 'orders') -%}
-- The orders export (source shop.orders) exactly as it is: one row per
-- order in file order, every value as text, columns renamed to the standard names
-- (see macro read_orders). Zero rows unless var input_shape is `orders`.
{{ retail_segments.read_orders() }}
