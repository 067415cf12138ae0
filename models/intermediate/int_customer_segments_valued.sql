-- One row per k-means customer segment with customers: the predicted value of its
-- customers (total, mean and median CLV over the horizon, expected purchases,
-- P(alive), churn-risk counts), for the segment profiles of dim_customer_segments.
with

predictions as (

    select * from {{ ref('int_customer_value_predicted') }}

),

customers as (

    select * from {{ ref('int_customers_segmented') }}

),

final as (

    select
        customers.segment_id,
        count(predictions.clv) as customers_with_clv,
        round(sum(predictions.clv), 2) as total_clv,
        round(avg(predictions.clv), 4) as mean_clv,
        round({{ retail_segments.median('predictions.clv') }}, 4) as median_clv,
        round(
            sum(predictions.clv) / sum(sum(predictions.clv)) over (), 6
        ) as clv_share,
        round(sum(predictions.expected_purchases), 4) as expected_purchases,
        round(avg(predictions.p_alive), 6) as mean_p_alive,
        count(*) filter (where predictions.churn_risk = 'high') as high_churn_risk_customers,
        any_value(predictions.horizon_days) as horizon_days

    from customers
    inner join predictions
        on customers.customer_id = predictions.customer_id
    where customers.segment_id is not null
    group by 1

)

select * from final
