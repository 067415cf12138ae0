{{ config(location=retail_segments.export_location('customer_value_predictions', 'parquet')) }}

select * from {{ ref('fct_customer_value_predictions') }}
order by customer_id
