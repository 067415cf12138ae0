-- The valid sales lines the facts are measured on: those before the as-of date.
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

sales_lines as (

    select * from {{ ref('fct_sales_lines') }}

),

final as (

    select sales_lines.*
    from sales_lines
    cross join as_of
    where sales_lines.invoice_date < as_of.as_of_date

)

select * from final
