-- One row per customer and month, from the month of the customer's first purchase
-- to the last month with sales before the as-of date, with that month's sales (0 when
-- the customer bought nothing): the series behind the monthly spend features.
with

invoices as (

    select * from {{ ref('int_customer_invoices_aggregated') }}
    where invoice_type = 'sale'

),

months as (

    -- every month in which the business sold anything
    select distinct cast({{ dbt.date_trunc('month', 'invoice_date') }} as date) as spend_month
    from invoices

),

customer_first_months as (

    select
        customer_id,
        cast(min({{ dbt.date_trunc('month', 'invoice_date') }}) as date) as first_month

    from invoices
    group by 1

),

monthly_sales as (

    select
        customer_id,
        cast({{ dbt.date_trunc('month', 'invoice_date') }} as date) as spend_month,
        sum(invoice_value) as spend

    from invoices
    group by 1, 2

),

final as (

    select
        customer_first_months.customer_id,
        months.spend_month,
        {{ dbt.datediff('customer_first_months.first_month', 'months.spend_month', 'month') }} as month_index,
        coalesce(monthly_sales.spend, 0) as spend

    from customer_first_months
    inner join months
        on customer_first_months.first_month <= months.spend_month
    left join monthly_sales
        on
            customer_first_months.customer_id = monthly_sales.customer_id
            and months.spend_month = monthly_sales.spend_month

)

select * from final
