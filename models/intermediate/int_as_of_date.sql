-- One row: the date every customer, country and product fact is measured at.
{%- if var('as_of_date', '') %}
{%- set as_of_expression = retail_segments.date_literal(var('as_of_date'), 'as_of_date') %}
{%- set as_of_source = 'var as_of_date' %}
{%- else %}
{%- set as_of_expression = 'cast(' ~ dbt.dateadd('day', 1, 'max(invoice_date)') ~ ' as date)' %}
{%- set as_of_source = 'day after the last invoice' %}
{%- endif %}
with

valid_lines as (

    select invoice_date
    from {{ ref('int_transaction_lines_classified') }}
    where line_status in ('sale', 'cancellation')

),

final as (

    select
        {{ as_of_expression }} as as_of_date,
        '{{ as_of_source }}' as as_of_date_source
    {%- if not var('as_of_date', '') %}
    from valid_lines
    {%- endif %}

)

select * from final
