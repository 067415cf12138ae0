{{ config(materialized='view') }}
-- One row per customer of the attribute table (var customers_path; empty without
-- one): the attributes, the demographic k-means segment and whether the customer
-- also bought something in the transactions.
with

attributes as (

    select * from {{ ref('stg_attributes__customers') }}

),

assignments as (

    select * from {{ ref('int_demographic_segments_assigned') }}

),

customers as (

    select * from {{ ref('int_customers_summarized') }}

),

final as (

    select
        attributes.customer_id,
        assignments.segment_id,
        assignments.segment_name,
        attributes.gender,
        attributes.age,
        attributes.annual_income,
        attributes.spending_score,
        customers.customer_id is not null as has_purchases,
        customers.monetary,
        assignments.is_outlier,
        round(assignments.distance_to_centroid, 6) as distance_to_centroid

    from attributes
    inner join assignments
        on attributes.customer_id = assignments.customer_id
    left join customers
        on attributes.customer_id = customers.customer_id

)

select * from final
