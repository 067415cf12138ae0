{{ config(location=retail_segments.export_location('customer_segments', 'parquet')) }}

select * from {{ ref('fct_customer_segments') }}
order by customer_id
