{#- the file path is never rendered into SQL text here (not even a comment): the
    reader macro quotes it -#}
{%- do source('retail', 'transactions') -%}
{#- A view over a single Parquet file, which numbers its own rows (file_row_number)
    and is read in parallel by each reader, only the columns it needs. A CSV file (or
    several files) is read once into a table instead: its lines are numbered by a
    window that follows the file order only while DuckDB preserves insertion order
    (off in profiles.yml, so that big builds spill; on while this model runs), and a
    CSV read, often of a gzipped file, is not worth repeating for the three models
    that read the lines. Always a table on Spark: its reader is a temporary view,
    which no view may read, and the line numbers are fixed once (see
    source_row_number). -#}
{%- set incremental = retail_segments.boolean_var('transactions_incremental') %}
{#- With the var transactions_incremental, an incremental table that each build
    extends with the files it has not read yet (macro read_transactions_by_file). -#}
{{ config(
    materialized='incremental' if incremental
        else 'view' if retail_segments.line_numbers_from_file() and target.type != 'spark'
        else 'table',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{{ retail_segments.set_preserve_insertion_order(not retail_segments.line_numbers_from_file()) }}",
    post_hook="{{ retail_segments.set_preserve_insertion_order(false) }}",
) }}
-- The transactions file (source retail.transactions) exactly as it is:
-- one row per line in file order, every value as text, columns renamed to the
-- standard names (see macro read_transactions).
{{ retail_segments.read_transactions_by_file() if incremental else retail_segments.read_transactions() }}
