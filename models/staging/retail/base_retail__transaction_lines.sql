{#- the file path is never rendered into SQL text here (not even a comment): the
    reader macro quotes it -#}
{%- do source('retail', 'transactions') -%}
{#- a table on Spark: its reader is a temporary view, which no view may read, and
    the line numbers are fixed once (see source_row_number) -#}
{{ config(materialized='table' if target.type == 'spark' else 'view') }}
-- The transactions file (source retail.transactions) exactly as it is:
-- one row per line in file order, every value as text, columns renamed to the
-- standard names (see macro read_transactions).
{{ retail_segments.read_transactions() }}
