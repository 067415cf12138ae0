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
        payment_classified.raw_line_hash,
        false as is_quantity_out_of_range,
        coalesce(
            not (
                isfinite({{ retail_segments.try_cast_as('payment_classified.order_total_text', 'double') }})
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

)

select * from final
