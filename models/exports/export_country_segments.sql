{{ config(location=retail_segments.export_location('country_segments', 'parquet')) }}

select * from {{ ref('fct_country_segments') }}
order by country
