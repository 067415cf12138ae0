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

first_rows as (

    -- a customer listed twice keeps the first row of the file
    {{ retail_segments.first_row_per_key('parsed', 'customer_id', 'source_line_number') }}

),

final as (

    select
        customer_id,
        country,
        source_line_number

    from first_rows

)

select * from final
