{{ config(location=retail_segments.export_location('customer_value_backtest', 'parquet')) }}

-- the total first, then the deciles and the calibration frequencies, in group order
select * from {{ ref('diag_customer_value_backtest') }}
order by
    case breakdown when 'total' then 0 when 'prediction_decile' then 1 else 2 end,
    group_number
