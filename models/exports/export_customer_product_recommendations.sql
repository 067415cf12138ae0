{{ config(location=retail_segments.export_location('customer_product_recommendations', 'parquet')) }}

select * from {{ ref('fct_customer_product_recommendations') }}
order by customer_id, recommendation_rank
