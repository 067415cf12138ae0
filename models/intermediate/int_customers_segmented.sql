{{ config(materialized='view') }}
-- One row per customer: the customer facts with the k-means segment (and its
-- playbook goal and action) and the RFM scores and named RFM segment (with the RFM
-- playbook's goal and action) side by side, and how long the customer has been in
-- each over the segment history (int_customer_segment_changes).
with

customers as (

    select * from {{ ref('int_customers_summarized') }}

),

kmeans as (

    select * from {{ ref('int_customer_segments_assigned') }}

),

kmeans_playbook as (

    select * from {{ ref('int_customer_segments_matched_to_playbook') }}

),

rfm as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

rfm_playbook as (

    select * from {{ ref('rfm_segment_playbook') }}

),

segment_changes as (

    select * from {{ ref('int_customer_segment_changes') }}

),

final as (

    select
        customers.*,
        kmeans.segment_id,
        kmeans.segment_name,
        round(kmeans.distance_to_centroid, 6) as distance_to_centroid,
        kmeans.is_outlier,
        kmeans_playbook.goal as segment_goal,
        kmeans_playbook.recommended_action as segment_action,
        rfm.recency_score,
        rfm.frequency_score,
        rfm.monetary_score,
        rfm.rfm_cell,
        rfm.rfm_score,
        rfm.value_tier,
        rfm.rfm_segment,
        rfm_playbook.goal as rfm_goal,
        rfm_playbook.recommended_action as rfm_action,
        segment_changes.previous_rfm_segment,
        segment_changes.rfm_segment_since,
        segment_changes.rfm_segment_as_of_dates,
        segment_changes.tracked_segment_id,
        segment_changes.tracked_segment_name,
        segment_changes.previous_tracked_segment_id,
        segment_changes.previous_tracked_segment_name,
        segment_changes.tracked_segment_since,
        segment_changes.tracked_segment_as_of_dates

    from customers
    inner join kmeans
        on customers.customer_id = kmeans.customer_id
    inner join rfm
        on customers.customer_id = rfm.customer_id
    left join kmeans_playbook
        on kmeans.segment_id = kmeans_playbook.segment_id
    left join rfm_playbook
        on rfm.rfm_segment = rfm_playbook.rfm_segment
    left join segment_changes
        on customers.customer_id = segment_changes.customer_id

)

select * from final
