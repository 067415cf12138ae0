select * from {{ ref('int_customer_demographics_segmented') }}
