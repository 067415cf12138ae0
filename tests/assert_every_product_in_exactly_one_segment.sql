-- Every product of dim_products has exactly one k-means segment, and no segment
-- holds a product that is not in dim_products.
with

products as (

    select stock_code from {{ ref('dim_products') }}

),

segments as (

    select
        stock_code,
        count(*) as rows_per_product
    from {{ ref('fct_product_segments') }}
    group by 1

)

select
    coalesce(products.stock_code, segments.stock_code) as stock_code,
    segments.rows_per_product

from products
full outer join segments
    on products.stock_code = segments.stock_code
where segments.rows_per_product is distinct from 1 or products.stock_code is null
