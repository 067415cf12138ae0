-- One row per fit, model and parameter of the customer-value models: the BG/NBD and
-- Gamma-Gamma estimates of the full and the backtest fit, with the frequency /
-- value correlation that checks the Gamma-Gamma independence assumption.
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
        cast(fitted_as_of as date) as fitted_as_of

    from fitted

)

select * from final
