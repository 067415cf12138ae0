{{ config(
    contract=retail_segments.contract_for_features({
        'demographic_segment_features': ['age', 'annual_income', 'spending_score'],
        'demographic_segment_categorical_features': [],
    }),
) }}
{%- set features = retail_segments.column_names_var('demographic_segment_features') -%}
{%- set categorical = retail_segments.column_names_var('demographic_segment_categorical_features') -%}
{%- set profile_columns = ['age', 'annual_income', 'spending_score'] -%}
-- One row per demographic segment: size and share of customers, gender mix, the
-- mean and median of every attribute, the centroid in original units, and what the
-- members who also bought spent.
with

demographic_segments as (

    select * from {{ ref('int_customer_demographics_segmented') }}

),

centroids as (

    select * from {{ ref('int_demographic_segments_fitted') }}

),

profiles as (

    select
        segment_id,
        count(*) as customers,
        sum(case when is_outlier then 1 else 0 end) as outliers,
        avg(case when gender = 'Female' then 1 when gender is not null then 0 end) as female_share,
        avg(case when gender = 'Male' then 1 when gender is not null then 0 end) as male_share,
        {{- retail_segments.segment_profile_aggregates(profile_columns) }}
        sum(case when has_purchases then 1 else 0 end) as purchasing_customers,
        sum(monetary) as revenue

    from demographic_segments
    group by 1

),

final as (

    select
        centroids.segment_id,
        centroids.segment_name,
        profiles.customers,
        round(profiles.customers / cast(sum(profiles.customers) over () as double), 6) as customer_share,
        cast(profiles.outliers as {{ dbt.type_bigint() }}) as outliers,
        round(profiles.female_share, 6) as female_share,
        round(profiles.male_share, 6) as male_share,
        {{- retail_segments.segment_profile_columns('profiles', 'centroids', profile_columns, features | reject('in', categorical) | list) }}
        cast(profiles.purchasing_customers as {{ dbt.type_bigint() }}) as purchasing_customers,
        cast(coalesce(profiles.revenue, 0) as decimal(18, 2)) as revenue,
        round(
            cast(coalesce(profiles.revenue / nullif(sum(profiles.revenue) over (), 0), 0) as double), 6
        ) as revenue_share

    from centroids
    inner join profiles
        on centroids.segment_id = profiles.segment_id

)

select * from final
