-- One row per stored customer k-means model version and segment, with the match
-- of a refit's segments to the earlier ones (int_customer_segment_models).
with

stored as (

    select * from {{ ref('int_customer_segment_models') }}

),

final as (

    select
        model_version,
        cast(fitted_as_of as date) as fitted_as_of,
        created_reason,
        segment_id,
        segment_name,
        fit_segment_id,
        matched_distance,
        k,
        n_customers,
        reference_inertia_per_customer,
        features_json,
        centroid_z_json,
        preprocessor_json,
        settings_json

    from stored

)

select * from final
