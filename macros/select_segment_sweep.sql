{#- The published form of a k-means sweep model (one row per k): metrics rounded to
    6 decimals so the tables are stable to read and compare, plus the chosen k and
    the rule that chose it. Every segmentation's sweep mart is this select. -#}
{% macro select_segment_sweep(sweep_relation) -%}
with

sweep as (

    select * from {{ sweep_relation }}

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
{%- endmacro %}
