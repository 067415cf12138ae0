-- One row per fit, model and parameter of the customer-value models: the BG/NBD and
-- Gamma-Gamma estimates of the full and the backtest fit, with the frequency /
-- value correlation that checks the Gamma-Gamma independence assumption, and
-- fit_warning when a converged fit is degenerate (retail_segments/clv/checks.py).
with

fitted as (

    select * from {{ ref('int_customer_value_fitted') }}

),

final as (

    select
        fit_name,
        model,
        parameter,
        value,
        time_unit,
        n_customers,
        log_likelihood,
        converged,
        reason,
        fit_warning,
        cast(fitted_as_of as date) as fitted_as_of

    from fitted

)

select * from final
