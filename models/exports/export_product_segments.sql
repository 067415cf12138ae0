{{ config(location=retail_segments.export_location('product_segments', 'parquet')) }}

select * from {{ ref('fct_product_segments') }}
order by stock_code
