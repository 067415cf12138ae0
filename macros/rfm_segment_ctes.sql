{#- The CTEs `scored`, `cells` and `final` that turn one row per customer of the
    CTE `customers` (columns recency_days, frequency, monetary, customer_id) into
    RFM quintile scores, the RFM cell, score, value tier (var rfm_tier_bins) and the
    named RFM segment of the CTE `rfm_map` (seed rfm_segment_map: recency x
    frequency). `carried` are the columns of `customers` kept in front of the
    scores; with `partition_by` each partition (the segment history's as-of date)
    is scored on its own. -#}
{% macro rfm_segment_ctes(carried, partition_by=none) -%}
    {%- set bins = var('rfm_tier_bins') -%}
    {%- set low_max = retail_segments.integer_var('rfm_tier_bins.low_max', 3, bins['low_max']) -%}
    {%- set mid_max = retail_segments.integer_var('rfm_tier_bins.mid_max', low_max, bins['mid_max']) -%}
scored as (

    select
        {%- for column in carried %}
        {{ column }},
        {%- endfor %}
        -- 5 = most recent: order from the longest ago to the most recent
        {{ retail_segments.rfm_score('recency_days desc, customer_id', partition_by=partition_by) }}
            as recency_score,
        {{ retail_segments.rfm_score('frequency, customer_id', partition_by=partition_by) }} as frequency_score,
        {{ retail_segments.rfm_score('monetary, customer_id', partition_by=partition_by) }} as monetary_score

    from customers

),

cells as (

    select
        *,
        cast(recency_score as {{ dbt.type_string() }})
        || cast(frequency_score as {{ dbt.type_string() }})
        || cast(monetary_score as {{ dbt.type_string() }}) as rfm_cell,
        recency_score + frequency_score + monetary_score as rfm_score,
        case
            when recency_score + frequency_score + monetary_score <= {{ low_max }} then 'Low'
            when recency_score + frequency_score + monetary_score <= {{ mid_max }} then 'Mid'
            else 'High'
        end as value_tier

    from scored

),

final as (

    -- the named RFM segment of the cell (seed rfm_segment_map: recency x frequency)
    select
        cells.*,
        rfm_map.rfm_segment

    from cells
    left join rfm_map
        on
            cells.recency_score = rfm_map.recency_score
            and cells.frequency_score = rfm_map.frequency_score

)
{%- endmacro %}
