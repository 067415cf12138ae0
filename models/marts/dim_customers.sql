select * from {{ ref('int_customers_segmented') }}
