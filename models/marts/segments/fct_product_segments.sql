-- One row per product: its k-means segment (segment 1 = highest mean revenue) beside
-- the product facts the segments were built from.
with

products as (

    select * from {{ ref('dim_products') }}

),

assignments as (

    select * from {{ ref('int_product_kmeans_assignments') }}

),

final as (

    select
        products.stock_code,
        products.description,
        assignments.segment_id,
        assignments.segment_name,
        products.units,
        products.invoices,
        products.customers,
        products.revenue,
        products.avg_unit_price,
        round(cast(products.revenue / sum(products.revenue) over () as double), 8) as revenue_share,
        assignments.is_outlier,
        round(assignments.distance_to_centroid, 6) as distance_to_centroid

    from products
    inner join assignments
        on products.stock_code = assignments.stock_code

)

select * from final
