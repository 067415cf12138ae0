-- One row per customer: the predicted value (P(alive), expected purchases, expected
-- order value, CLV over the horizon, churn risk) ranked overall and within the
-- customer's k-means segment, next to the segments and the model's inputs.
with

predictions as (

    select * from {{ ref('int_customer_value_predicted') }}

),

summaries as (

    select * from {{ ref('int_customers_clv_summarized') }}

),

customers as (

    select * from {{ ref('int_customers_segmented') }}

),

joined as (

    select
        predictions.customer_id,
        customers.segment_id,
        customers.segment_name,
        customers.rfm_segment,
        customers.value_tier,
        summaries.as_of_date,
        summaries.repeat_purchases,
        round(summaries.time_to_last_purchase, 6) as time_to_last_purchase,
        round(summaries.time_observed, 6) as time_observed,
        round(summaries.mean_repeat_value, 4) as mean_repeat_value,
        summaries.time_unit,
        round(predictions.p_alive, 6) as p_alive,
        round(predictions.expected_purchases, 6) as expected_purchases,
        round(predictions.expected_order_value, 4) as expected_order_value,
        round(predictions.clv, 4) as clv,
        predictions.churn_risk,
        predictions.horizon_days,
        predictions.prediction_note

    from predictions
    inner join summaries
        on predictions.customer_id = summaries.customer_id
    inner join customers
        on predictions.customer_id = customers.customer_id

),

final as (

    select
        *,
        case
            when clv is not null
                then {{ retail_segments.as_bigint(
                    'row_number() over (order by clv desc nulls last, customer_id asc)'
                ) }}
        end as clv_rank,
        case
            when clv is not null
                then {{ retail_segments.as_bigint(
                    'row_number() over (partition by segment_id order by clv desc nulls last, customer_id asc)'
                ) }}
        end as clv_rank_in_segment

    from joined

)

select * from final
