-- One row per customer: their k-means segment and RFM segment side by side, with
-- what marketing should do about each.
with

customers as (

    select * from {{ ref('dim_customers') }}

),

kmeans as (

    select * from {{ ref('int_customer_kmeans_assignments') }}

),

kmeans_segments as (

    select * from {{ ref('dim_customer_segments') }}

),

rfm as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

rfm_map as (

    select * from {{ ref('rfm_segment_map') }}

),

rfm_playbook as (

    select * from {{ ref('rfm_segment_playbook') }}

),

final as (

    select
        customers.customer_id,
        kmeans.segment_id,
        kmeans.segment_name,
        round(kmeans.distance_to_centroid, 6) as distance_to_centroid,
        kmeans.is_outlier,
        kmeans_segments.goal as segment_goal,
        kmeans_segments.recommended_action as segment_action,
        rfm.recency_score,
        rfm.frequency_score,
        rfm.monetary_score,
        rfm.rfm_cell,
        rfm.rfm_score,
        rfm.value_tier,
        rfm_map.rfm_segment,
        rfm_playbook.goal as rfm_goal,
        rfm_playbook.recommended_action as rfm_action,
        customers.recency_days,
        customers.frequency,
        customers.monetary,
        customers.main_country

    from customers
    inner join kmeans
        on customers.customer_id = kmeans.customer_id
    inner join kmeans_segments
        on kmeans.segment_id = kmeans_segments.segment_id
    inner join rfm
        on customers.customer_id = rfm.customer_id
    inner join rfm_map
        on
            rfm.recency_score = rfm_map.recency_score
            and rfm.frequency_score = rfm_map.frequency_score
    inner join rfm_playbook
        on rfm_map.rfm_segment = rfm_playbook.rfm_segment

)

select * from final
