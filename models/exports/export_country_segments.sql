{{ config(location=retail_segments.export_location('country_segments', 'parquet')) }}

select
    country,
    segment_id,
    segment_name,
    revenue,
    customers,
    invoices,
    avg_order_value,
    revenue_share,
    is_outlier,
    distance_to_centroid
from {{ ref('dim_countries') }}
order by country
