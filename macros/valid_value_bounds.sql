{#- The plausible range of a line's values; a value outside it rejects the line with
    its own reason (see int_transaction_lines_classified) instead of failing the
    build: quantities and unit prices of at most 1,000,000,000 in absolute value
    (finite), line amounts (quantity x price) below 10^13, which keeps every sum in
    decimal(18, 4), and invoice dates from the var `earliest_invoice_date` (default
    1990-01-01) to the var `latest_invoice_date` (default: the day after the build
    runs). -#}
{% macro valid_value_bounds() -%}
    {%- set latest = var('latest_invoice_date', '') -%}
    {{ return({
        'max_abs_quantity': 1000000000,
        'max_abs_unit_price': 1000000000,
        'max_abs_line_amount': 10000000000000,
        'earliest_date': retail_segments.date_literal(var('earliest_invoice_date', '1990-01-01'), 'earliest_invoice_date'),
        'latest_date': retail_segments.date_literal(latest, 'latest_invoice_date') if latest
            else 'cast(' ~ dbt.dateadd('day', 1, 'current_date') ~ ' as date)',
    }) }}
{%- endmacro %}
