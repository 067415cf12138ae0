{%- set features = retail_segments.column_names_var('customer_segment_features') -%}
-- One row per k-means customer segment: size, value, the mean and median of every
-- customer feature, the centroid in original units, and the playbook's goal and
-- recommended action for its feature levels.
with

members as (

    select * from {{ ref('int_customers_segmented') }}

),

centroids as (

    select * from {{ ref('int_customer_segments_fitted') }}

),

playbook_matches as (

    select * from {{ ref('int_customer_segments_matched_to_playbook') }}

),

profiles as (

    select
        segment_id,
        count(*) as customers,
        sum(case when is_outlier then 1 else 0 end) as outliers,
        {{- retail_segments.segment_profile_aggregates(retail_segments.customer_profile_columns()) }}
        sum(monetary) as revenue

    from members
    group by 1

),

final as (

    select
        centroids.segment_id,
        centroids.segment_name,
        profiles.customers,
        round(profiles.customers / cast(sum(profiles.customers) over () as double), 6) as customer_share,
        profiles.outliers,
        cast(profiles.revenue as decimal(18, 2)) as revenue,
        round(cast(profiles.revenue / sum(profiles.revenue) over () as double), 6) as revenue_share,
        {{- retail_segments.segment_profile_columns('profiles', 'centroids', retail_segments.customer_profile_columns(), features) }}
        playbook_matches.goal,
        playbook_matches.recommended_action

    from centroids
    inner join profiles
        on centroids.segment_id = profiles.segment_id
    left join playbook_matches
        on centroids.segment_id = playbook_matches.segment_id

)

select * from final
