-- One row per as-of date of int_history_as_of_dates and customer with a sale before
-- it: recency, frequency, monetary value and tenure, computed for every date at
-- once (one join of the invoices to the dates). The same definitions as
-- int_customers_summarized, so the build's own date gives the same values.
with

history_dates as (

    select * from {{ ref('int_history_as_of_dates') }}

),

classified as (

    select * from {{ ref('int_transaction_lines_classified') }}

),

invoice_days as (

    -- sale lines grouped by invoice and day: a date boundary never splits a group
    select
        customer_id,
        invoice_no,
        invoice_date,
        min(invoiced_at) as invoiced_at,
        sum(line_amount) as invoice_value

    from classified
    where line_status = 'sale'
    group by 1, 2, 3

),

dated_invoices as (

    select
        history_dates.as_of_date,
        invoice_days.customer_id,
        invoice_days.invoice_no,
        min(invoice_days.invoiced_at) as invoiced_at,
        sum(invoice_days.invoice_value) as invoice_value

    from invoice_days
    inner join history_dates
        on invoice_days.invoice_date < history_dates.as_of_date
    group by 1, 2, 3

),

purchase_summary as (

    select
        as_of_date,
        customer_id,
        min(invoiced_at) as first_purchase_at,
        max(invoiced_at) as last_purchase_at,
        count(*) as frequency,
        sum(invoice_value) as monetary

    from dated_invoices
    group by 1, 2

),

final as (

    select
        as_of_date,
        customer_id,
        first_purchase_at,
        last_purchase_at,
        {{ retail_segments.days_between('cast(last_purchase_at as date)', 'as_of_date') }} as recency_days,
        {{ retail_segments.days_between('cast(first_purchase_at as date)', 'as_of_date') }} as tenure_days,
        frequency,
        cast(monetary as decimal(18, 2)) as monetary,
        {{ retail_segments.decimal_quotient('monetary', 'frequency', 18, 2) }} as avg_order_value

    from purchase_summary

)

select * from final
