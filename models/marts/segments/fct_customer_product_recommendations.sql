{%- set per_customer = retail_segments.integer_var('recommendations_per_customer', 0) %}
-- Per customer, the products most bought in their k-means segment that they have
-- not bought yet: the top `recommendations_per_customer` (default 3).
with

sales_lines as (

    select * from {{ ref('int_transaction_lines_in_period') }}
    where line_status = 'sale'

),

segments as (

    select * from {{ ref('int_customers_segmented') }}

),

products as (

    select * from {{ ref('int_products_summarized') }}

),

customer_products as (

    select distinct
        customer_id,
        stock_code

    from sales_lines

),

segment_products_ranked as (

    select
        segments.segment_id,
        customer_products.stock_code,
        count(*) as segment_buyers,
        row_number() over (
            partition by segments.segment_id
            order by count(*) desc, customer_products.stock_code
        ) as segment_rank

    from customer_products
    inner join segments
        on customer_products.customer_id = segments.customer_id
    group by 1, 2

),

customer_bought as (

    select
        customer_id,
        count(*) as products_bought
    from customer_products
    group by 1

),

candidates as (

    -- a customer has bought at most products_bought of their segment's top
    -- products, so the top (N + products_bought) always hold N new ones
    select
        segments.customer_id,
        segments.segment_id,
        segments.segment_name,
        segment_products_ranked.stock_code,
        segment_products_ranked.segment_buyers,
        segment_products_ranked.segment_rank

    from segments
    inner join customer_bought
        on segments.customer_id = customer_bought.customer_id
    inner join segment_products_ranked
        on
            segments.segment_id = segment_products_ranked.segment_id
            and segment_products_ranked.segment_rank
            <= customer_bought.products_bought + {{ per_customer }}

),

not_yet_bought as (

    select
        candidates.*,
        row_number() over (
            partition by candidates.customer_id
            order by candidates.segment_rank
        ) as recommendation_rank

    from candidates
    left join customer_products
        on
            candidates.customer_id = customer_products.customer_id
            and candidates.stock_code = customer_products.stock_code
    where customer_products.stock_code is null

),

segment_sizes as (

    select
        segment_id,
        count(*) as segment_customers
    from segments
    group by 1

),

final as (

    select
        not_yet_bought.customer_id,
        not_yet_bought.recommendation_rank,
        not_yet_bought.stock_code,
        products.description,
        not_yet_bought.segment_id,
        not_yet_bought.segment_name,
        not_yet_bought.segment_buyers,
        round(
            not_yet_bought.segment_buyers / cast(segment_sizes.segment_customers as double),
            6
        ) as segment_penetration

    from not_yet_bought
    inner join segment_sizes
        on not_yet_bought.segment_id = segment_sizes.segment_id
    left join products
        on not_yet_bought.stock_code = products.stock_code
    where not_yet_bought.recommendation_rank <= {{ per_customer }}

)

select * from final
