{#- A 1-5 score for one RFM dimension: quintiles (ntile 5) of the customers ordered
    from worst to best, ties broken by customer id so that the same input always
    gives the same scores. With fewer than five customers the scores are spread
    evenly over 1-5 by rank (two customers: 1 and 5; three: 1, 3, 5) and a lone
    customer scores 3. `order_by` must order from worst to best. -#}
{% macro rfm_score(order_by, customer_count='count(*) over ()') -%}
    case
        when {{ customer_count }} >= 5
            then ntile(5) over (order by {{ order_by }})
        when {{ customer_count }} = 1
            then 3
        else cast(
            1 + round(
                4.0 * (row_number() over (order by {{ order_by }}) - 1)
                / ({{ customer_count }} - 1)
            ) as integer
        )
    end
{%- endmacro %}
