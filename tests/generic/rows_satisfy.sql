{#- Every row satisfies every named condition, checked in ONE scan of the model
    (line-level tables are large: one test per column would scan them once each).
    Fails with one row per broken condition and how many rows break it. -#}
{% test rows_satisfy(model, conditions) %}

with

checks as (

    select
        {%- for name, expression in conditions.items() %}
        sum(case when coalesce({{ expression }}, false) then 0 else 1 end) as {{ name }}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}

    from {{ model }}

),

failures as (

    {% for name in conditions -%}
    select
        '{{ name }}' as failed_condition,
        {{ name }} as failing_rows
    from checks
    where {{ name }} > 0
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

)

select * from failures

{% endtest %}
