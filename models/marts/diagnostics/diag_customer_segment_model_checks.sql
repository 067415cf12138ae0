-- One row per as-of date a build checked the stored customer k-means model at:
-- the drift figures and what the build decided (int_customer_segment_model_checks).
with

checks as (

    select * from {{ ref('int_customer_segment_model_checks') }}

),

final as (

    select
        cast(as_of_date as date) as as_of_date,
        checked_model_version,
        reference_inertia_per_customer,
        inertia_per_customer,
        inertia_change,
        max_feature_mean_shift,
        outlier_share,
        refit_requested,
        drift_detected,
        decision,
        model_version

    from checks

)

select * from final
