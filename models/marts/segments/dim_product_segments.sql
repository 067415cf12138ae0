{{ config(
    contract=retail_segments.contract_for_features({
        'product_segment_features': ['units', 'invoices', 'customers', 'revenue', 'avg_unit_price'],
    }),
) }}
{%- set features = retail_segments.column_names_var('product_segment_features') -%}
{%- set profile_columns = ['units', 'invoices', 'customers', 'revenue', 'avg_unit_price'] -%}
-- One row per product segment: size and share of products, revenue and share of
-- revenue, the mean and median of every product fact, the centroid in original
-- units and the segment's best-selling products.
with

product_segments as (

    select * from {{ ref('int_products_segmented') }}

),

centroids as (

    select * from {{ ref('int_product_segments_fitted') }}

),

products_ranked as (

    -- each product's place by revenue in its segment (for the five best sellers: the
    -- same on every engine, where dbt.listagg's limit and order are not)
    select
        *,
        row_number() over (partition by segment_id order by revenue desc, stock_code asc) as revenue_rank

    from product_segments

),

profiles as (

    select
        segment_id,
        count(*) as products,
        sum(case when is_outlier then 1 else 0 end) as outliers,
        sum(units) as units,
        sum(revenue) as revenue,
        {{- retail_segments.segment_profile_aggregates(profile_columns) }}
        -- the five products with the most revenue
        {{ retail_segments.string_agg_ordered(
            "case when revenue_rank <= 5 then coalesce(description, stock_code) end",
            "' | '",
            "revenue desc, stock_code asc",
        ) }} as top_products

    from products_ranked
    group by 1

),

final as (

    select
        centroids.segment_id,
        centroids.segment_name,
        profiles.products,
        round(profiles.products / cast(sum(profiles.products) over () as double), 6) as product_share,
        cast(profiles.outliers as {{ dbt.type_bigint() }}) as outliers,
        cast(profiles.units as {{ dbt.type_bigint() }}) as units,
        cast(profiles.revenue as decimal(18, 2)) as revenue,
        round(cast(profiles.revenue / sum(profiles.revenue) over () as double), 6) as revenue_share,
        {{- retail_segments.segment_profile_columns('profiles', 'centroids', profile_columns, features) }}
        profiles.top_products

    from centroids
    inner join profiles
        on centroids.segment_id = profiles.segment_id

)

select * from final
