{%- set bins = var('rfm_tier_bins') %}
{%- set low_max = retail_segments.integer_var('rfm_tier_bins.low_max', 3, bins['low_max']) %}
{%- set mid_max = retail_segments.integer_var('rfm_tier_bins.mid_max', low_max, bins['mid_max']) %}
-- One row per as-of date and customer: the RFM scores, cell, score, value tier and
-- named RFM segment of int_customers_rfm_scored, scored within each as-of date
-- (macro rfm_score with a partition), every date at once.
with

customers as (

    select * from {{ ref('int_customers_history_summarized') }}

),

rfm_map as (

    select * from {{ ref('rfm_segment_map') }}

),

scored as (

    select
        as_of_date,
        customer_id,
        {{ retail_segments.rfm_score('recency_days desc, customer_id', partition_by='as_of_date') }}
            as recency_score,
        {{ retail_segments.rfm_score('frequency, customer_id', partition_by='as_of_date') }} as frequency_score,
        {{ retail_segments.rfm_score('monetary, customer_id', partition_by='as_of_date') }} as monetary_score

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
