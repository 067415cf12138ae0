{%- set per_customer = retail_segments.integer_var('recommendations_per_customer', 0) %}
-- Per customer, the products most bought in their k-means segment that they have
-- not bought yet: the top `recommendations_per_customer` (default 3).
--
--
--
-- Shaped for 10^8 lines (4.7 million customers): the only big steps are the
-- distinct (customer, product) pairs and one narrow window over them, and every
-- join is on equality. A customer's N-th new product sits at segment rank N + K, K
-- the bought products ranked above it: the bought products with fewer than N new
-- ones above them (segment rank minus their position among the customer's bought
-- products is below N). So each customer gets the N + K candidate ranks 1 .. N and
-- N + 1 .. N + K, instead of a join of every customer with every product of the
-- segment.
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

bought_ranks as (

    -- the segment rank of every product a customer bought, and its position among
    -- them (narrow: four numbers and the customer id)
    select
        customer_products.customer_id,
        segments.segment_id,
        segment_products_ranked.segment_rank,
        row_number() over (
            partition by customer_products.customer_id
            order by segment_products_ranked.segment_rank
        ) as bought_position

    from customer_products
    inner join segments
        on customer_products.customer_id = segments.customer_id
    inner join segment_products_ranked
        on
            segments.segment_id = segment_products_ranked.segment_id
            and customer_products.stock_code = segment_products_ranked.stock_code

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

    from segment_products_ranked
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
        segment_products_ranked.stock_code,
        segment_products_ranked.segment_buyers,
        row_number() over (
            partition by candidate_ranks.customer_id
            order by candidate_ranks.segment_rank
        ) as recommendation_rank

    from candidate_ranks
    inner join segment_products_ranked
        on
            candidate_ranks.segment_id = segment_products_ranked.segment_id
            and candidate_ranks.segment_rank = segment_products_ranked.segment_rank
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
