{{ config(
    contract=retail_segments.contract_for_features({
        'customer_segment_features': ['recency_days', 'frequency', 'monetary'],
    }),
    location=retail_segments.export_location('customer_segment_profiles', 'parquet'),
) }}

select * from {{ ref('dim_customer_segments') }}
order by segment_id
