-- One row per customer with purchases before the as-of date: the facts every
-- customer segmentation and dim_customers are built from.
{#- each aggregate reads the sales lines itself (only the columns it needs, from the
    in-period view): DuckDB materializes whole a CTE that two CTEs read #}
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

invoices as (

    select * from {{ ref('int_customer_invoices_aggregated') }}

),

months as (

    select * from {{ ref('int_customer_months_spend') }}

),

sales_invoices as (

    select * from invoices
    where invoice_type = 'sale'

),

purchase_summary as (

    select
        customer_id,
        min(invoiced_at) as first_purchase_at,
        max(invoiced_at) as last_purchase_at,
        count(*) as frequency,
        sum(invoice_value) as monetary,
        sum(units) as units,
        count(distinct invoice_date) as purchase_days

    from sales_invoices
    group by 1

),

cancellation_summary as (

    select
        customer_id,
        count(*) as cancellation_count,
        sum(invoice_value) as returned_value

    from invoices
    where invoice_type = 'cancellation'
    group by 1

),

line_summary as (

    select
        customer_id,
        count(distinct stock_code) as distinct_products

    from {{ ref('int_transaction_lines_in_period') }}
    where line_status = 'sale'
    group by 1

),

country_ranked as (

    select
        customer_id,
        country,
        row_number() over (
            partition by customer_id
            order by sum(line_amount) desc, country
        ) as country_rank

    from {{ ref('int_transaction_lines_in_period') }}
    where line_status = 'sale'
    group by 1, 2

),

weekday_ranked as (

    select
        customer_id,
        {{ retail_segments.iso_weekday('invoiced_at') }} as iso_weekday,
        row_number() over (
            partition by customer_id
            order by count(*) desc, {{ retail_segments.iso_weekday('invoiced_at') }}
        ) as weekday_rank

    from sales_invoices
    group by 1, 2

),

hour_ranked as (

    select
        customer_id,
        extract(hour from invoiced_at) as purchase_hour,
        row_number() over (
            partition by customer_id
            order by count(*) desc, extract(hour from invoiced_at)
        ) as hour_rank

    from sales_invoices
    group by 1, 2

),

monthly_sums as (

    -- exact decimal sums: the spread and the slope below do not depend on the order
    -- in which rows reach the aggregate (stddev_pop and regr_slope add doubles in
    -- row order, which moved the rounded trend of some customers between builds)
    select
        customer_id,
        count(*) as observed_months,
        avg(spend) as monthly_spend_mean,
        sum(spend) as sum_spend,
        sum(spend * spend) as sum_spend_squared,
        sum(month_index) as sum_month,
        sum(month_index * month_index) as sum_month_squared,
        sum(month_index * spend) as sum_month_spend

    from months
    group by 1

),

monthly_summary as (

    select
        customer_id,
        observed_months,
        monthly_spend_mean,
        sqrt(
            greatest(cast(observed_months * sum_spend_squared - sum_spend * sum_spend as double), 0)
        ) / observed_months as monthly_spend_std,
        -- least-squares slope of spend against the month index
        case
            when observed_months > 1
                then
                    cast(observed_months * sum_month_spend - sum_month * sum_spend as double)
                    / cast(observed_months * sum_month_squared - sum_month * sum_month as double)
        end as monthly_spend_trend

    from monthly_sums

),

attributes as (

    -- the customer attribute table (var customers_path); empty without one
    select * from {{ ref('stg_attributes__customers') }}

),

final as (

    select
        purchase_summary.customer_id,
        country_ranked.country as main_country,
        as_of.as_of_date,
        purchase_summary.first_purchase_at,
        purchase_summary.last_purchase_at,
        {{ retail_segments.days_between('cast(purchase_summary.last_purchase_at as date)', 'as_of.as_of_date') }}
            as recency_days,
        {{ retail_segments.days_between('cast(purchase_summary.first_purchase_at as date)', 'as_of.as_of_date') }}
            as tenure_days,
        purchase_summary.frequency,
        cast(purchase_summary.monetary as decimal(18, 2)) as monetary,
        cast(coalesce(cancellation_summary.returned_value, 0) as decimal(18, 2)) as returned_value,
        {% if retail_segments.input_shape() == 'orders' -%}
        -- line-level facts: an orders export has no units or products
        cast(null as {{ dbt.type_bigint() }}) as units,
        cast(null as {{ dbt.type_bigint() }}) as distinct_products,
        {%- else -%}
        cast(purchase_summary.units as {{ dbt.type_bigint() }}) as units,
        line_summary.distinct_products,
        {%- endif %}
        {{ retail_segments.decimal_quotient('purchase_summary.monetary', 'purchase_summary.frequency', 18, 2) }} as avg_order_value,
        purchase_summary.purchase_days,
        case
            when purchase_summary.purchase_days > 1
                then round(
                    {{ retail_segments.days_between('cast(purchase_summary.first_purchase_at as date)', 'cast(purchase_summary.last_purchase_at as date)') }}
                    / cast(purchase_summary.purchase_days - 1 as double),
                    4
                )
        end as avg_days_between_purchases,
        case weekday_ranked.iso_weekday
            when 1 then 'Monday'
            when 2 then 'Tuesday'
            when 3 then 'Wednesday'
            when 4 then 'Thursday'
            when 5 then 'Friday'
            when 6 then 'Saturday'
            when 7 then 'Sunday'
        end as favourite_weekday,
        cast(hour_ranked.purchase_hour as integer) as favourite_hour,
        coalesce(cancellation_summary.cancellation_count, 0) as cancellation_count,
        round(
            coalesce(cancellation_summary.cancellation_count, 0)
            / cast(purchase_summary.frequency + coalesce(cancellation_summary.cancellation_count, 0) as double),
            6
        ) as cancellation_rate,
        monthly_summary.observed_months,
        round(cast(monthly_summary.monthly_spend_mean as double), 4) as monthly_spend_mean,
        round(cast(monthly_summary.monthly_spend_std as double), 4) as monthly_spend_std,
        round(cast(monthly_summary.monthly_spend_trend as double), 4) as monthly_spend_trend,
        attributes.gender,
        attributes.age,
        attributes.annual_income,
        attributes.spending_score

    from purchase_summary
    cross join as_of
    left join cancellation_summary
        on purchase_summary.customer_id = cancellation_summary.customer_id
    left join line_summary
        on purchase_summary.customer_id = line_summary.customer_id
    left join country_ranked
        on
            purchase_summary.customer_id = country_ranked.customer_id
            and country_ranked.country_rank = 1
    left join weekday_ranked
        on
            purchase_summary.customer_id = weekday_ranked.customer_id
            and weekday_ranked.weekday_rank = 1
    left join hour_ranked
        on
            purchase_summary.customer_id = hour_ranked.customer_id
            and hour_ranked.hour_rank = 1
    left join monthly_summary
        on purchase_summary.customer_id = monthly_summary.customer_id
    left join attributes
        on purchase_summary.customer_id = attributes.customer_id

)

select * from final
