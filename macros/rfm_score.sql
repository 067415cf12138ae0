{#- A 1-5 score for one RFM dimension: quintiles (ntile 5) of the customers ordered
    from worst to best, ties broken by customer id so that the same input always
    gives the same scores. With fewer than five customers the scores are spread
    evenly over 1-5 by rank (two customers: 1 and 5; three: 1, 3, 5) and a lone
    customer scores 3. `order_by` must order from worst to best; `partition_by`
    (optional) scores each partition on its own (the segment history scores every
    as-of date at once). -#}
{% macro rfm_score(order_by, customer_count=none, partition_by=none) -%}
    {%- set partition = ('partition by ' ~ partition_by ~ ' ') if partition_by else '' -%}
    {%- set count_sql = customer_count or ('count(*) over (' ~ partition | trim ~ ')') -%}
    {#- a bigint on every engine (ntile is an int on Spark) -#}
    {%- set score -%}
    case
        when {{ count_sql }} >= 5
            then ntile(5) over ({{ partition }}order by {{ order_by }})
        when {{ count_sql }} = 1
            then 3
        else cast(
            1 + round(
                4.0 * (row_number() over ({{ partition }}order by {{ order_by }}) - 1)
                / ({{ count_sql }} - 1)
            ) as integer
        )
    end
    {%- endset -%}
    {{ retail_segments.as_bigint(score) }}
{%- endmacro %}
