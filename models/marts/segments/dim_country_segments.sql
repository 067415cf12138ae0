{{ config(
    contract=retail_segments.contract_for_features({
        'country_segment_features': ['revenue', 'customers', 'avg_order_value'],
    }),
) }}
{%- set features = retail_segments.column_names_var('country_segment_features') -%}
{%- set profile_columns = ['revenue', 'customers', 'invoices', 'avg_order_value'] -%}
-- One row per country segment (spending tier): size, customers and revenue with
-- their shares, the mean and median of the country facts, the centroid in
-- original units, and the member countries.
with

country_segments as (

    select * from {{ ref('int_countries_segmented') }}

),

centroids as (

    select * from {{ ref('int_country_segments_fitted') }}

),

profiles as (

    select
        segment_id,
        count(*) as countries,
        sum(customers) as customers,
        sum(revenue) as revenue,
        {{- retail_segments.segment_profile_aggregates(profile_columns) }}
        {{ retail_segments.string_agg_ordered("country", "', '", "revenue desc, country") }} as country_list

    from country_segments
    group by 1

),

final as (

    select
        centroids.segment_id,
        centroids.segment_name,
        profiles.countries,
        round(profiles.countries / cast(sum(profiles.countries) over () as double), 6) as country_share,
        cast(profiles.customers as {{ dbt.type_bigint() }}) as customers,
        round(profiles.customers / cast(sum(profiles.customers) over () as double), 6) as customer_share,
        cast(profiles.revenue as decimal(18, 2)) as revenue,
        round(cast(profiles.revenue / sum(profiles.revenue) over () as double), 6) as revenue_share,
        {{- retail_segments.segment_profile_columns('profiles', 'centroids', profile_columns, features) }}
        profiles.country_list

    from centroids
    inner join profiles
        on centroids.segment_id = profiles.segment_id

)

select * from final
