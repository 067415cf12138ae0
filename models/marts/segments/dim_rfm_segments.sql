-- One row per named RFM segment (the 11 of the standard map): how many customers,
-- what they are worth, and what to do.
with

customer_segments as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

playbook as (

    select * from {{ ref('rfm_segment_playbook') }}

),

summary as (

    select
        rfm_segment,
        count(*) as customers,
        sum(monetary) as revenue,
        avg(recency_days) as avg_recency_days,
        avg(frequency) as avg_frequency,
        avg(monetary) as avg_monetary,
        avg(rfm_score) as avg_rfm_score

    from customer_segments
    group by 1

),

final as (

    select
        playbook.rfm_segment,
        coalesce(summary.customers, 0) as customers,
        round(coalesce(summary.customers, 0) / cast(sum(summary.customers) over () as double), 6) as customer_share,
        cast(coalesce(summary.revenue, 0) as decimal(18, 2)) as revenue,
        round(cast(coalesce(summary.revenue, 0) / sum(summary.revenue) over () as double), 6) as revenue_share,
        round(summary.avg_recency_days, 2) as avg_recency_days,
        round(summary.avg_frequency, 2) as avg_frequency,
        round(cast(summary.avg_monetary as double), 2) as avg_monetary,
        round(summary.avg_rfm_score, 2) as avg_rfm_score,
        playbook.goal,
        playbook.recommended_action

    from playbook
    left join summary
        on playbook.rfm_segment = summary.rfm_segment

)

select * from final
