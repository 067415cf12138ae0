{{ config(location=retail_segments.export_location('product_segments', 'parquet')) }}

select
    stock_code,
    description,
    segment_id,
    segment_name,
    units,
    invoices,
    customers,
    revenue,
    avg_unit_price,
    revenue_share,
    is_outlier,
    distance_to_centroid
from {{ ref('dim_products') }}
order by stock_code
