-- Nothing is lost: every line of the file (every order, for input_shape orders) is
-- exactly one of a sale, a cancellation or a rejected line. One aggregate per table
-- instead of a join of every line: the reader numbers the raw lines 1..N, the
-- classified lines have unique ids (tested on int_transaction_lines_classified), so
-- N classified lines with ids from 1 to N are exactly the raw lines; the three line
-- marts split them by status. Fails with a row when a count differs.
-- depends_on: {{ ref('base_retail__transaction_lines') }}
-- depends_on: {{ ref('base_shop__orders') }}
with

raw_lines as (

    {% if retail_segments.input_shape() == 'orders' -%}
    select count(*) as lines from {{ ref('base_shop__orders') }}
    {%- else -%}
    select count(*) as lines from {{ ref('base_retail__transaction_lines') }}
    {%- endif %}

),

classified as (

    select
        count(*) as lines,
        min(source_line_number) as first_line,
        max(source_line_number) as last_line,
        sum(case when line_status = 'sale' then 1 else 0 end) as sales,
        sum(case when line_status = 'cancellation' then 1 else 0 end) as cancellations,
        sum(case when line_status = 'rejected' then 1 else 0 end) as rejected

    from {{ ref('int_transaction_lines_classified') }}

),

marts as (

    select
        (select count(*) from {{ ref('fct_sales_lines') }}) as sales,
        (select count(*) from {{ ref('fct_cancellation_lines') }}) as cancellations,
        (select count(*) from {{ ref('fct_rejected_lines') }}) as rejected

),

final as (

    select
        raw_lines.lines as raw_lines,
        classified.lines as classified_lines,
        classified.first_line,
        classified.last_line,
        marts.sales,
        marts.cancellations,
        marts.rejected

    from raw_lines
    cross join classified
    cross join marts
    where
        classified.lines <> raw_lines.lines
        or (raw_lines.lines > 0 and (classified.first_line <> 1 or classified.last_line <> raw_lines.lines))
        or marts.sales <> classified.sales
        or marts.cancellations <> classified.cancellations
        or marts.rejected <> classified.rejected
        or marts.sales + marts.cancellations + marts.rejected <> raw_lines.lines

)

select * from final
