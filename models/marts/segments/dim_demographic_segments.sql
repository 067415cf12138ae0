{%- set features = var('demographic_segment_features') -%}
{%- set categorical = var('demographic_segment_categorical_features') -%}
{%- set profile_columns = ['age', 'annual_income', 'spending_score'] -%}
-- One row per demographic segment: size and share of customers, gender mix, the
-- mean and median of every attribute, the centroid in original units, and what the
-- members who also bought spent.
with

demographic_segments as (

    select * from {{ ref('fct_customer_demographic_segments') }}

),

centroids as (

    select * from {{ ref('int_demographic_kmeans_centroids') }}

),

profiles as (

    select
        segment_id,
        count(*) as customers,
        sum(case when is_outlier then 1 else 0 end) as outliers,
        avg(case when gender = 'Female' then 1.0 when gender is not null then 0.0 end) as female_share,
        avg(case when gender = 'Male' then 1.0 when gender is not null then 0.0 end) as male_share,
        {%- for column in profile_columns %}
        avg({{ column }}) as avg_{{ column }},
        {{ retail_segments.median(column) }} as median_{{ column }},
        {%- endfor %}
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
        {%- for column in profile_columns %}
        round(cast(profiles.avg_{{ column }} as double), 4) as avg_{{ column }},
        round(cast(profiles.median_{{ column }} as double), 4) as median_{{ column }},
        {%- endfor %}
        {%- for feature in features if feature not in categorical %}
        round(centroids.centroid_{{ feature }}, 4) as centroid_{{ feature }},
        centroids.{{ feature }}_level,
        {%- endfor %}
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
