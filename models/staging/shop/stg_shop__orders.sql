with

source as (

    select * from {{ ref('base_shop__orders') }}

),

trimmed as (

    select
        source_line_number,
        nullif(trim(order_id), '') as order_id,
        nullif(trim(customer_id), '') as customer_id_text,
        nullif(trim(order_total), '') as order_total_text,
        nullif(trim(payment_status), '') as payment_status_text,
        nullif(trim(payment_date), '') as payment_date_text,
        -- every raw value (the unmapped columns too), to find exact duplicates of an
        -- earlier row
        md5(concat_ws(
            '|',
            coalesce(order_id, '<null>'),
            coalesce(customer_id, '<null>'),
            coalesce(order_total, '<null>'),
            coalesce(payment_status, '<null>'),
            coalesce(payment_date, '<null>'),
            coalesce(unmapped_values, '<null>')
        )) as raw_line_hash

    from source

),

parsed as (

    select
        source_line_number,
        order_id,
        {{ retail_segments.normalize_customer_id('customer_id_text') }} as customer_id,
        {{ retail_segments.try_cast_as('order_total_text', 'decimal(18, 4)') }} as order_total,
        replace(replace(lower(payment_status_text), ' ', '_'), '-', '_') as payment_status,
        {{ retail_segments.parse_timestamp('payment_date_text', var('transactions_timestamp_formats')) }}
            as paid_at,
        order_total_text,
        payment_date_text,
        raw_line_hash

    from trimmed

),

final as (

    select
        source_line_number,
        order_id,
        customer_id,
        order_total,
        payment_status,
        paid_at,
        cast(paid_at as date) as payment_date,
        order_total_text,
        payment_date_text,
        raw_line_hash

    from parsed

)

select * from final
