{%- set features = var('customer_segment_features') -%}
{%- set playbook_features = ['recency_days', 'frequency', 'monetary'] -%}
-- One row per k-means customer segment: size, value, the mean and median of every
-- customer feature, the centroid in original units, and the playbook's goal and
-- recommended action for its feature levels.
with

customers as (

    select * from {{ ref('dim_customers') }}

),

assignments as (

    select * from {{ ref('int_customer_kmeans_assignments') }}

),

centroids as (

    select * from {{ ref('int_customer_kmeans_centroids') }}

),

playbook as (

    select * from {{ ref('customer_segment_playbook') }}

),

members as (

    select
        assignments.segment_id,
        assignments.is_outlier,
        customers.*

    from assignments
    inner join customers
        on assignments.customer_id = customers.customer_id

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

playbook_matches as (

    select
        centroids.segment_id,
        playbook.goal,
        playbook.recommended_action,
        row_number() over (
            partition by centroids.segment_id
            order by playbook.priority
        ) as match_rank

    from centroids
    inner join playbook
        on {{ retail_segments.playbook_rule_matches('playbook', 'centroids', playbook_features, features) }}

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
        on
            centroids.segment_id = playbook_matches.segment_id
            and playbook_matches.match_rank = 1

)

select * from final
