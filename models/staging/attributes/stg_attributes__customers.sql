with

source as (

    select * from {{ ref('base_attributes__customers') }}

),

parsed as (

    select
        source_line_number,
        {{ retail_segments.normalize_customer_id('customer_id') }} as customer_id,
        case
            when lower(trim(gender)) in ('m', 'male', 'man') then 'Male'
            when lower(trim(gender)) in ('f', 'female', 'woman') then 'Female'
            when nullif(trim(gender), '') is not null then 'Other'
        end as gender,
        {{ retail_segments.try_cast_as('trim(age)', 'double') }} as age,
        {{ retail_segments.try_cast_as('trim(annual_income)', 'double') }} as annual_income,
        {{ retail_segments.try_cast_as('trim(spending_score)', 'double') }} as spending_score

    from source

),

first_rows as (

    -- a customer listed twice keeps the first row of the file
    {{ retail_segments.first_row_per_key('parsed', 'customer_id', 'source_line_number') }}

),

final as (

    select
        customer_id,
        gender,
        age,
        annual_income,
        spending_score,
        source_line_number

    from first_rows

)

select * from final
