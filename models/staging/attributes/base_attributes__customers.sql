{#- the file path is never rendered into SQL text here (not even a comment): the
    reader macro quotes it -#}
{%- do source('attributes', 'customers') -%}
-- The customer attribute table (source attributes.customers) exactly as it
-- is: one row per line in file order, every value as text, columns renamed to the
-- standard names (see macro read_customer_attributes). Built only when the var
-- customers_path is set.
{{ retail_segments.read_customer_attributes() }}
