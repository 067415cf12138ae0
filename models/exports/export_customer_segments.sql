{{ config(location=retail_segments.export_location('customer_segments', 'parquet')) }}

select
    customer_id,
    segment_id,
    segment_name,
    distance_to_centroid,
    is_outlier,
    segment_goal,
    segment_action,
    recency_score,
    frequency_score,
    monetary_score,
    rfm_cell,
    rfm_score,
    value_tier,
    rfm_segment,
    rfm_goal,
    rfm_action,
    recency_days,
    frequency,
    monetary,
    main_country
from {{ ref('dim_customers') }}
order by customer_id
