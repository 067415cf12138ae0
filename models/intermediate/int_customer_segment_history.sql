{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='as_of_date',
        full_refresh=false,
        on_schema_change='fail',
    )
}}
-- The segment history: one row per as-of date and customer with the RFM cell,
-- score, tier and named segment, the k-means segment of the stored model and the
-- facts they come from. Incremental and never fully refreshed (full_refresh
-- false): a build deletes and inserts the rows of its own dates
-- (int_history_as_of_dates) and leaves every other date's rows as they are;
-- `python3 run.py build` carries the table over from the published warehouse.
with

customers as (

    select * from {{ ref('int_customers_history_summarized') }}

),

rfm as (

    select * from {{ ref('int_customers_history_rfm_scored') }}

),

kmeans as (

    select * from {{ ref('int_customer_history_segments_assigned') }}

),

final as (

    select
        customers.as_of_date,
        customers.customer_id,
        customers.recency_days,
        customers.frequency,
        customers.monetary,
        rfm.recency_score,
        rfm.frequency_score,
        rfm.monetary_score,
        rfm.rfm_cell,
        rfm.rfm_score,
        rfm.value_tier,
        rfm.rfm_segment,
        cast(kmeans.kmeans_segment_id as integer) as kmeans_segment_id,
        cast(kmeans.kmeans_segment_name as {{ dbt.type_string() }}) as kmeans_segment_name,
        cast(kmeans.kmeans_model_version as integer) as kmeans_model_version

    from customers
    inner join rfm
        on
            customers.as_of_date = rfm.as_of_date
            and customers.customer_id = rfm.customer_id
    inner join kmeans
        on
            customers.as_of_date = cast(kmeans.as_of_date as date)
            and customers.customer_id = kmeans.customer_id

)

select * from final
