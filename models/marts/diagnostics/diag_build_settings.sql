-- One row: what a reader of this build needs besides the data: the currency of the
-- money columns (var currency), the as-of date of the facts and when dbt built
-- them (dbt's run_started_at, UTC). `run.py build` also records the published
-- build in warehouse_builds; a plain dbt build has only this row.
with

as_of as (

    select * from {{ ref('int_as_of_date') }}

),

final as (

    select
        {{ retail_segments.string_literal(retail_segments.currency_code()) }} as currency,
        as_of.as_of_date,
        as_of.as_of_date_source,
        cast({{ retail_segments.string_literal(run_started_at.strftime('%Y-%m-%d %H:%M:%S')) }} as timestamp)
            as dbt_run_started_at

    from as_of

)

select * from final
