select * from {{ ref('int_countries_segmented') }}
