-- Every country of dim_countries has exactly one k-means segment, and no segment
-- holds a country that is not in dim_countries.
with

countries as (

    select country from {{ ref('dim_countries') }}

),

segments as (

    select
        country,
        count(*) as rows_per_country
    from {{ ref('fct_country_segments') }}
    group by 1

)

select
    coalesce(countries.country, segments.country) as country,
    segments.rows_per_country

from countries
full outer join segments
    on countries.country = segments.country
where segments.rows_per_country is distinct from 1 or countries.country is null
