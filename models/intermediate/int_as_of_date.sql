-- One row: the date every customer, country and product fact is measured at.
with

valid_lines as (

    select invoice_date from {{ ref('fct_sales_lines') }}
    union all
    select invoice_date from {{ ref('fct_cancellation_lines') }}

),

final as (

    select
        {% if var('as_of_date', '') -%}
        cast('{{ var("as_of_date") }}' as date) as as_of_date,
        'var as_of_date' as as_of_date_source
        {%- else -%}
        cast({{ dbt.dateadd('day', 1, 'max(invoice_date)') }} as date) as as_of_date,
        'day after the last invoice' as as_of_date_source
        {%- endif %}

    from valid_lines

)

select * from final
