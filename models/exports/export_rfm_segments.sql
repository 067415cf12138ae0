{{ config(location=retail_segments.export_location('rfm_segments', 'parquet')) }}

-- in the table's order (the RFM playbook's, best segments first)
select * from {{ ref('dim_rfm_segments') }}
