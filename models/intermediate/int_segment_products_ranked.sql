-- One row per k-means segment and product its customers bought: how many of them
-- bought it, and its rank in the segment (most buyers first, ties by stock code).
with

customer_products as (

    select * from {{ ref('int_customer_products_segmented') }}

),

final as (

    select
        segment_id,
        stock_code,
        count(*) as segment_buyers,
        {{ retail_segments.as_bigint(
            'row_number() over (partition by segment_id order by count(*) desc, stock_code)'
        ) }} as segment_rank

    from customer_products
    group by 1, 2

)

select * from final
