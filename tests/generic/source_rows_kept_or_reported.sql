{#- Lists the rows of a file (its base model) that staging set aside, with the
    reason: a blank id, or a second row for the same id (the first row of the file
    is kept). Use with severity warn: the build goes on and the rows are named, so
    nothing is dropped silently. Both models carry source_line_number. -#}
{% test source_rows_kept_or_reported(model, source_model, id_column) %}

with

raw_rows as (

    select
        source_line_number,
        {{ id_column }} as raw_id
    from {{ source_model }}

),

kept as (

    select source_line_number from {{ model }}

)

select
    raw_rows.source_line_number,
    raw_rows.raw_id,
    case
        when nullif(trim(raw_rows.raw_id), '') is null then 'missing id'
        else 'duplicate id (first row kept)'
    end as reason

from raw_rows
left join kept
    on raw_rows.source_line_number = kept.source_line_number
where kept.source_line_number is null

{% endtest %}
