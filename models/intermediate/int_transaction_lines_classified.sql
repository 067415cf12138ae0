-- Reads the line-item path or the order path, whichever var input_shape selects.
-- Both are parents in every shape (the other one is empty), so the DAG, the docs
-- and the unit tests do not change with the shape.
-- depends_on: {{ ref('stg_retail__transaction_lines') }}
-- depends_on: {{ ref('int_orders_as_transaction_lines') }}
with

lines as (

    {% if retail_segments.input_shape() == 'orders' -%}
    select * from {{ ref('int_orders_as_transaction_lines') }}
    {%- else -%}
    select * from {{ ref('stg_retail__transaction_lines') }}
    {%- endif %}

),

non_product_codes as (

    select * from {{ ref('non_product_stock_codes') }}

),

flagged as (

    select
        lines.*,
        row_number() over (
            partition by lines.raw_line_hash
            order by lines.source_line_number
        ) > 1 as is_exact_duplicate,
        exists(
            select 1
            from non_product_codes
            where
                (non_product_codes.match_type = 'exact' and lines.stock_code = non_product_codes.stock_code)
                or (
                    non_product_codes.match_type = 'prefix'
                    and {{ dbt.position('non_product_codes.stock_code', 'lines.stock_code') }} = 1
                )
        ) as is_non_product_code

    from lines

),

classified as (

    select
        *,
        -- exactly one reason per rejected line: the first rule that applies, in this order
        case
            when invoice_no is null then 'missing_invoice'
            when stock_code is null then 'missing_stock_code'
            when is_unpaid_order then 'unpaid_order'
            when invoiced_at is null then 'unparseable_date'
            when quantity is null then 'unparseable_quantity'
            when unit_price is null then 'unparseable_price'
            when is_exact_duplicate then 'exact_duplicate'
            when is_adjustment_invoice then 'bad_debt_adjustment'
            when is_non_product_code then 'non_product_code'
            when customer_id is null then 'missing_customer'
            when quantity = 0 then 'zero_quantity'
            when unit_price <= 0 then 'non_positive_price'
            when is_cancellation_invoice and quantity > 0 then 'cancellation_with_positive_quantity'
            when not is_cancellation_invoice and quantity < 0 then 'negative_quantity_without_cancellation'
        end as rejection_reason

    from flagged

),

final as (

    select
        *,
        case
            when rejection_reason is not null then 'rejected'
            when is_cancellation_invoice then 'cancellation'
            else 'sale'
        end as line_status,
        -- signed: negative on a cancellation line; null on a rejected line
        case
            when rejection_reason is null then cast(quantity * unit_price as decimal(18, 4))
        end as line_amount

    from classified

)

select * from final
