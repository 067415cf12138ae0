{%- set per_customer = retail_segments.integer_var('recommendations_per_customer', 0) %}
-- Per customer, the products most bought in their k-means segment that they have
-- not bought yet: the top `recommendations_per_customer` (default 3).
--
-- Shaped for 10^8 lines (4.7 million customers): the bought pairs, the segment
-- ranking and the ranked pairs are tables of their own (int_customer_products_*,
-- int_segment_products_ranked), and every join here is on equality. A customer's
-- N-th new product sits at segment rank N + K, K the bought products ranked above
-- it: the bought products with fewer than N new ones above them (segment rank
-- minus their position among the customer's bought products is below N). So each
-- customer gets the N + K candidate ranks 1 .. N and N + 1 .. N + K, instead of a
-- join of every customer with every product of the segment.
with

segments as (

    select * from {{ ref('int_customers_segmented') }}

),

segment_products as (

    select * from {{ ref('int_segment_products_ranked') }}

),

bought_ranks as (

    select * from {{ ref('int_customer_products_ranked') }}

),

products as (

    select * from {{ ref('int_products_summarized') }}

),

blocking as (

    -- the K bought products ranked above the customer's N-th new product
    select
        customer_id,
        segment_id,
        segment_rank,
        bought_position

    from bought_ranks
    where segment_rank - bought_position < {{ per_customer }}

),

top_products as (

    -- filtered before the join: as a join condition, DuckDB would pair every
    -- customer with every product of the segment first
    select
        segment_id,
        segment_rank

    from segment_products
    where segment_rank <= {{ per_customer }}

),

candidate_ranks as (

    -- the ranks 1 .. N + K by equality joins only: 1 .. N for every customer, and
    -- N + i for the i-th blocking product
    select
        segments.customer_id,
        segments.segment_id,
        top_products.segment_rank

    from segments
    inner join top_products
        on segments.segment_id = top_products.segment_id

    union all

    select
        customer_id,
        segment_id,
        bought_position + {{ per_customer }} as segment_rank

    from blocking

),

not_yet_bought as (

    select
        candidate_ranks.customer_id,
        candidate_ranks.segment_id,
        segment_products.stock_code,
        segment_products.segment_buyers,
        {{ retail_segments.as_bigint(
            'row_number() over (partition by candidate_ranks.customer_id'
            ~ ' order by candidate_ranks.segment_rank)'
        ) }} as recommendation_rank

    from candidate_ranks
    inner join segment_products
        on
            candidate_ranks.segment_id = segment_products.segment_id
            and candidate_ranks.segment_rank = segment_products.segment_rank
    left join blocking
        on
            candidate_ranks.customer_id = blocking.customer_id
            and candidate_ranks.segment_rank = blocking.segment_rank
    where blocking.segment_rank is null

),

segment_sizes as (

    select
        segment_id,
        segment_name,
        count(*) as segment_customers
    from segments
    group by 1, 2

),

final as (

    select
        not_yet_bought.customer_id,
        not_yet_bought.recommendation_rank,
        not_yet_bought.stock_code,
        products.description,
        not_yet_bought.segment_id,
        segment_sizes.segment_name,
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
