-- One row per day from 1990 (var earliest_invoice_date's default) to 2040: the time
-- spine MetricFlow joins metrics to (metric_time, cumulative and offset metrics).
-- The days are a series of timestamps (macro timestamp_series: generate_series on
-- DuckDB, sequence on Spark, whose generators cannot be nested in a cast).
with

day_starts as (

    select
        {{ retail_segments.timestamp_series(
            "timestamp '1990-01-01 00:00:00'",
            "timestamp '2040-12-31 00:00:00'",
            'day',
        ) }} as day_start

),

final as (

    select cast(day_start as date) as date_day
    from day_starts

)

select * from final
