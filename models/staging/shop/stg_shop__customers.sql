with

source as (

    select * from {{ ref('base_shop__customers') }}

),

parsed as (

    select
        source_line_number,
        {{ retail_segments.normalize_customer_id('customer_id') }} as customer_id,
        coalesce(nullif(trim(country), ''), 'Unspecified') as country

    from source

),

ranked as (

    -- a customer listed twice keeps the first row of the file
    select
        *,
        row_number() over (
            partition by customer_id
            order by source_line_number
        ) as customer_row

    from parsed
    where customer_id is not null

),

final as (

    select
        customer_id,
        country,
        source_line_number

    from ranked
    where customer_row = 1

)

select * from final
