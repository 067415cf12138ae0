{#- A k-means sweep has exactly one chosen k, and it is the number of segments in
    the segment table; a segmentation with nothing to segment (no products in an
    orders export, no attribute table) has neither sweep rows nor segments. Fails
    with a row when not. (One row per k is the `unique` test on k.) -#}
{% test one_chosen_k(model, segments) %}

with

sweep as (

    select * from {{ model }}

),

checks as (

    select
        sum(case when is_chosen then 1 else 0 end) as chosen_rows,
        max(case when is_chosen then k end) as chosen_k,
        (select count(*) from {{ segments }}) as segments

    from sweep

)

select *
from checks
where
    coalesce(chosen_rows, 0) <> case when segments > 0 then 1 else 0 end
    or (segments > 0 and chosen_k <> segments)

{% endtest %}
