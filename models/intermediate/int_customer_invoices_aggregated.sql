-- One row per customer invoice (sales and cancellations) before the as-of date.
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

sales_lines as (

    select * from {{ ref('fct_sales_lines') }}

),

cancellation_lines as (

    select * from {{ ref('fct_cancellation_lines') }}

),

sales_invoices as (

    select
        sales_lines.customer_id,
        sales_lines.invoice_no,
        'sale' as invoice_type,
        min(sales_lines.invoiced_at) as invoiced_at,
        sum(sales_lines.line_revenue) as invoice_value,
        {% if retail_segments.input_shape() == 'orders' -%}
        -- an orders export has no units
        cast(null as {{ dbt.type_bigint() }}) as units
        {%- else -%}
        sum(sales_lines.quantity) as units
        {%- endif %}

    from sales_lines
    cross join as_of
    where sales_lines.invoice_date < as_of.as_of_date
    group by 1, 2

),

cancellation_invoices as (

    select
        cancellation_lines.customer_id,
        cancellation_lines.invoice_no,
        'cancellation' as invoice_type,
        min(cancellation_lines.invoiced_at) as invoiced_at,
        sum(cancellation_lines.returned_value) as invoice_value,
        {% if retail_segments.input_shape() == 'orders' -%}
        cast(null as {{ dbt.type_bigint() }}) as units
        {%- else -%}
        sum(cancellation_lines.returned_quantity) as units
        {%- endif %}

    from cancellation_lines
    cross join as_of
    where cancellation_lines.invoice_date < as_of.as_of_date
    group by 1, 2

),

final as (

    select
        *,
        cast(invoiced_at as date) as invoice_date
    from sales_invoices
    union all
    select
        *,
        cast(invoiced_at as date) as invoice_date
    from cancellation_invoices

)

select * from final
