{%- set bins = var('rfm_tier_bins') %}
{%- set low_max = retail_segments.integer_var('rfm_tier_bins.low_max', 3, bins['low_max']) %}
{%- set mid_max = retail_segments.integer_var('rfm_tier_bins.mid_max', low_max, bins['mid_max']) %}
-- One row per customer: quintile scores of recency, frequency and monetary value,
-- the RFM cell, score, value tier and named RFM segment.
with

customers as (

    select * from {{ ref('int_customers_summarized') }}

),

rfm_map as (

    select * from {{ ref('rfm_segment_map') }}

),

scored as (

    select
        customer_id,
        recency_days,
        frequency,
        monetary,
        -- 5 = most recent: order from the longest ago to the most recent
        {{ retail_segments.rfm_score('recency_days desc, customer_id') }} as recency_score,
        {{ retail_segments.rfm_score('frequency, customer_id') }} as frequency_score,
        {{ retail_segments.rfm_score('monetary, customer_id') }} as monetary_score

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

select * from final
