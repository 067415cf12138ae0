{{ config(materialized='view') }}
-- One row per product: the product facts with the product's share of revenue and
-- its k-means segment.
with

products as (

    select * from {{ ref('int_products_summarized') }}

),

assignments as (

    select * from {{ ref('int_product_segments_assigned') }}

),

final as (

    select
        products.*,
        round(cast(products.revenue / sum(products.revenue) over () as double), 8) as revenue_share,
        assignments.segment_id,
        assignments.segment_name,
        assignments.is_outlier,
        round(assignments.distance_to_centroid, 6) as distance_to_centroid

    from products
    inner join assignments
        on products.stock_code = assignments.stock_code

)

select * from final
