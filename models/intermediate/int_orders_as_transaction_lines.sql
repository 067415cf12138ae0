-- Each order of an orders export as one transaction line with the columns of
-- stg_retail__transaction_lines, so that classification and every fact downstream
-- read orders and line items alike (see macro order_payment_statuses).
{%- set statuses = retail_segments.order_payment_statuses() %}
{%- set bounds = retail_segments.valid_value_bounds() %}
with

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

customers as (

    select * from {{ ref('stg_shop__customers') }}

),

payment_classified as (

    select
        *,
        case
            when payment_status in ('{{ statuses["sale"] | join("', '") }}') then 'sale'
            when payment_status in ('{{ statuses["cancellation"] | join("', '") }}') then 'cancellation'
            else 'unpaid'
        end as payment_class

    from orders

),

duplicate_groups as (

    -- raw values that occur more than once, with the first row that has them: one
    -- grouped aggregate (it spills) instead of a window over every order; it reads
    -- the orders itself, as a second reader of the orders CTE would make DuckDB
    -- hold that CTE in memory
    select
        raw_line_hash,
        min(source_line_number) as first_line_number

    from {{ ref('stg_shop__orders') }}
    group by 1
    having count(*) > 1

),

final as (

    select
        payment_classified.source_line_number,
        payment_classified.order_id as invoice_no,
        -- placeholder product: one line stands for the whole order
        cast('ORDER' as {{ dbt.type_string() }}) as stock_code,
        cast(null as {{ dbt.type_string() }}) as description,
        -- a refunded order is one returned unit, as on a cancellation invoice
        cast(
            case when payment_classified.payment_class = 'cancellation' then -1 else 1 end
            as {{ dbt.type_bigint() }}
        ) as quantity,
        payment_classified.order_total as unit_price,
        payment_classified.paid_at as invoiced_at,
        payment_classified.payment_date as invoice_date,
        payment_classified.customer_id,
        coalesce(customers.country, 'Unspecified') as country,
        payment_classified.payment_class = 'cancellation' as is_cancellation_invoice,
        false as is_adjustment_invoice,
        payment_classified.payment_class = 'unpaid' as is_unpaid_order,
        cast(null as {{ dbt.type_string() }}) as quantity_text,
        payment_classified.order_total_text as unit_price_text,
        payment_classified.payment_date_text as invoice_date_text,
        -- a copy of an earlier order: the line it repeats
        case
            when payment_classified.source_line_number > duplicate_groups.first_line_number
                then duplicate_groups.first_line_number
        end as duplicate_of_line_number,
        false as is_quantity_out_of_range,
        coalesce(
            not (
                {{ retail_segments.is_finite(retail_segments.try_cast_as('payment_classified.order_total_text', 'double')) }}
                and abs({{ retail_segments.try_cast_as('payment_classified.order_total_text', 'double') }})
                <= {{ bounds['max_abs_unit_price'] }}
            ),
            false
        ) as is_price_out_of_range,
        -- payment dates are read as written (day/month evidence is a line-item rule)
        false as is_ambiguous_date

    from payment_classified
    left join customers
        on payment_classified.customer_id = customers.customer_id
    left join duplicate_groups
        on payment_classified.raw_line_hash = duplicate_groups.raw_line_hash

)

select * from final
