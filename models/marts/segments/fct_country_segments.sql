-- One row per country: its k-means spending tier (segment 1 = highest mean revenue)
-- beside the country facts the tiers were built from.
with

countries as (

    select * from {{ ref('dim_countries') }}

),

assignments as (

    select * from {{ ref('int_country_kmeans_assignments') }}

),

final as (

    select
        countries.country,
        assignments.segment_id,
        assignments.segment_name,
        countries.revenue,
        countries.customers,
        countries.invoices,
        countries.avg_order_value,
        countries.revenue_share,
        assignments.is_outlier,
        round(assignments.distance_to_centroid, 6) as distance_to_centroid

    from countries
    inner join assignments
        on countries.country = assignments.country

)

select * from final
