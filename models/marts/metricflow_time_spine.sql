-- One row per day from 1990 (var earliest_invoice_date's default) to 2040: the time
-- spine MetricFlow joins metrics to (metric_time, cumulative and offset metrics).
with

days as (

    select cast(range as date) as date_day
    from range(date '1990-01-01', date '2041-01-01', interval 1 day)

)

select date_day from days
