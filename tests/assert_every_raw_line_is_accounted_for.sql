-- Nothing is lost: every line of the file (every order, for input_shape orders) is
-- exactly one of a sale, a cancellation or a rejected line. Fails with a row when
-- the counts differ or a line id is missing or appears twice across the three tables.
-- depends_on: {{ ref('base_retail__transaction_lines') }}
-- depends_on: {{ ref('base_shop__orders') }}
with

raw_lines as (

    {% if retail_segments.input_shape() == 'orders' -%}
    select source_line_number as line_id from {{ ref('base_shop__orders') }}
    {%- else -%}
    select source_line_number as line_id from {{ ref('base_retail__transaction_lines') }}
    {%- endif %}

),

accounted as (

    select
        line_id,
        'sale' as line_status
    from {{ ref('fct_sales_lines') }}
    union all
    select
        line_id,
        'cancellation' as line_status
    from {{ ref('fct_cancellation_lines') }}
    union all
    select
        line_id,
        'rejected' as line_status
    from {{ ref('fct_rejected_lines') }}

),

per_line as (

    select
        coalesce(raw_lines.line_id, accounted.line_id) as line_id,
        count(raw_lines.line_id) as raw_count,
        count(accounted.line_id) as accounted_count

    from raw_lines
    full outer join accounted
        on raw_lines.line_id = accounted.line_id
    group by 1

)

select *
from per_line
where raw_count <> 1 or accounted_count <> 1
