{{ config(materialized='view') }}
-- One row per country: the country facts with the country's k-means spending tier.
with

countries as (

    select * from {{ ref('int_countries_summarized') }}

),

assignments as (

    select * from {{ ref('int_country_segments_assigned') }}

),

final as (

    select
        countries.*,
        assignments.segment_id,
        assignments.segment_name,
        assignments.is_outlier,
        round(assignments.distance_to_centroid, 6) as distance_to_centroid

    from countries
    inner join assignments
        on countries.country = assignments.country

)

select * from final
