-- One row per customer invoice (sales and cancellations) before the as-of date.
{#- an orders export has no units -#}
{%- if retail_segments.input_shape() == 'orders' %}
{%- set units_expression = 'cast(null as ' ~ dbt.type_bigint() ~ ')' %}
{%- else %}
{%- set units_expression = 'sum(units)' %}
{%- endif %}
with

lines as (

    select * from {{ ref('int_transaction_lines_in_period') }}

),

customer_lines as (

    -- values and units as positive numbers on both kinds of invoice
    select
        customer_id,
        invoice_no,
        line_status as invoice_type,
        invoiced_at,
        case when line_status = 'cancellation' then -line_amount else line_amount end as line_value,
        case when line_status = 'cancellation' then -quantity else quantity end as units

    from lines

),

final as (

    select
        customer_id,
        invoice_no,
        invoice_type,
        min(invoiced_at) as invoiced_at,
        sum(line_value) as invoice_value,
        {{ units_expression }} as units,
        cast(min(invoiced_at) as date) as invoice_date

    from customer_lines
    group by 1, 2, 3

)

select * from final
