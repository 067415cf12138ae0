{#- The exact copies among the lines of the transactions file: lines whose every raw
    value (the eight mapped ones and the unmapped columns) equals that of an earlier
    line, with the first line that has them. Two grouped aggregates, both of which
    spill: a 64-bit key of the raw values finds the candidates (macro fast_hash),
    then the few candidate lines are grouped on the raw values themselves, so a key
    collision never makes a line a copy. The file is read twice, each time for the
    raw values only. -#}
{%- set raw_values = [
    'invoice_no', 'stock_code', 'description', 'quantity', 'invoice_date', 'unit_price',
    'customer_id', 'country', 'unmapped_values',
] %}
{%- set conditions = [] %}
{%- for column in raw_values %}
{%- do conditions.append('candidate_lines.' ~ column ~ ' is not distinct from copies.' ~ column) %}
{%- endfor %}
with

repeated_keys as (

    -- keys of raw values that occur more than once: candidates, as keys may collide
    select {{ retail_segments.fast_hash(raw_values) }} as raw_line_key
    from {{ ref('base_retail__transaction_lines') }}
    group by 1
    having count(*) > 1

),

candidate_lines as (

    select
        source_line_number,
        {{ raw_values | join(',\n        ') }}

    from {{ ref('base_retail__transaction_lines') }}
    where {{ retail_segments.fast_hash(raw_values) }} in (select repeated_keys.raw_line_key from repeated_keys)

),

copies as (

    -- exact: the candidates grouped on the raw values themselves (nulls equal)
    select
        {{ raw_values | join(',\n        ') }},
        min(source_line_number) as first_line_number

    from candidate_lines
    group by {{ raw_values | join(', ') }}
    having count(*) > 1

),

final as (

    -- every copy after the first, with the line it repeats
    select
        candidate_lines.source_line_number,
        copies.first_line_number as duplicate_of_line_number

    from candidate_lines
    inner join copies
        on
            {{ conditions | join('\n            and ') }}
    where candidate_lines.source_line_number > copies.first_line_number

)

select * from final
