-- One row per country with sales before the as-of date: the facts the country
-- segments and dim_countries are built from.
with

sales_lines as (

    select * from {{ ref('int_transaction_lines_in_period') }}
    where line_status = 'sale'

),

country_summary as (

    select
        country,
        count(distinct customer_id) as customers,
        count(distinct invoice_no) as invoices,
        sum(quantity) as units,
        sum(line_amount) as revenue

    from sales_lines
    group by 1

),

final as (

    select
        country,
        customers,
        invoices,
        {% if retail_segments.input_shape() == 'orders' -%}
        -- an orders export has no units
        cast(null as {{ dbt.type_bigint() }}) as units,
        {%- else -%}
        cast(units as {{ dbt.type_bigint() }}) as units,
        {%- endif %}
        cast(revenue as decimal(18, 2)) as revenue,
        {{ retail_segments.decimal_quotient('revenue', 'invoices', 18, 2) }} as avg_order_value,
        round(cast(revenue / sum(revenue) over () as double), 6) as revenue_share

    from country_summary

)

select * from final
