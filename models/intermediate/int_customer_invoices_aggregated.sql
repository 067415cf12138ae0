-- One row per customer invoice (sales and cancellations) before the as-of date.
{#- an orders export has no units -#}
{%- if retail_segments.input_shape() == 'orders' %}
{%- set units_expression = 'cast(null as ' ~ dbt.type_bigint() ~ ')' %}
{%- else %}
{%- set units_expression = 'sum(units)' %}
{%- endif %}
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

sales_lines as (

    select * from {{ ref('int_sales_lines_in_period') }}

),

cancellation_lines as (

    select cancellation_lines.*
    from {{ ref('fct_cancellation_lines') }} as cancellation_lines
    cross join as_of
    where cancellation_lines.invoice_date < as_of.as_of_date

),

customer_lines as (

    select
        customer_id,
        invoice_no,
        'sale' as invoice_type,
        invoiced_at,
        line_revenue as line_value,
        quantity as units
    from sales_lines
    union all
    select
        customer_id,
        invoice_no,
        'cancellation' as invoice_type,
        invoiced_at,
        returned_value as line_value,
        returned_quantity as units
    from cancellation_lines

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
