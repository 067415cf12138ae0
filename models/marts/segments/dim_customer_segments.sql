{{ config(
    contract=retail_segments.contract_for_features({
        'customer_segment_features': ['recency_days', 'frequency', 'monetary'],
    }),
) }}
{%- set features = retail_segments.column_names_var('customer_segment_features') -%}
-- One row per k-means customer segment: size, value, the mean and median of every
-- customer feature, the centroid in original units, the playbook's goal and
-- recommended action for its feature levels, and the predicted value of its customers.
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

predicted_values as (

    select * from {{ ref('int_customer_segments_valued') }}

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
        cast(profiles.outliers as {{ dbt.type_bigint() }}) as outliers,
        cast(profiles.revenue as decimal(18, 2)) as revenue,
        round(cast(profiles.revenue / sum(profiles.revenue) over () as double), 6) as revenue_share,
        {{- retail_segments.segment_profile_columns('profiles', 'centroids', retail_segments.customer_profile_columns(), features) }}
        playbook_matches.goal,
        playbook_matches.recommended_action,
        coalesce(predicted_values.customers_with_clv, 0) as customers_with_clv,
        predicted_values.total_clv,
        predicted_values.mean_clv,
        predicted_values.median_clv,
        predicted_values.clv_share,
        predicted_values.expected_purchases,
        predicted_values.mean_p_alive,
        coalesce(predicted_values.high_churn_risk_customers, 0) as high_churn_risk_customers,
        predicted_values.horizon_days

    from centroids
    inner join profiles
        on centroids.segment_id = profiles.segment_id
    left join playbook_matches
        on centroids.segment_id = playbook_matches.segment_id
    left join predicted_values
        on centroids.segment_id = predicted_values.segment_id

)

select * from final
