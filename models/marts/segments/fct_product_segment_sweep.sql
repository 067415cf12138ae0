-- The k sweep behind the product segments: one row per k tried, with the
-- quality metrics, and the k that was chosen and why.
with

sweep as (

    select * from {{ ref('int_product_kmeans_sweep') }}

),

final as (

    select
        k,
        round(inertia, 6) as inertia,
        round(silhouette, 6) as silhouette,
        round(calinski_harabasz, 6) as calinski_harabasz,
        round(davies_bouldin, 6) as davies_bouldin,
        n_fit_rows,
        is_chosen,
        selection_rule,
        warnings

    from sweep

)

select * from final
