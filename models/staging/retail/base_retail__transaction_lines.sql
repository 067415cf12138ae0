{#- the file path is never rendered into SQL text here (not even a comment): the
    reader macro quotes it -#}
{%- do source('retail', 'transactions') -%}
{{ config(materialized='view') }}
-- The transactions file (source retail.transactions) exactly as it is:
-- one row per line in file order, every value as text, columns renamed to the
-- standard names (see macro read_transactions).
{{ retail_segments.read_transactions() }}
