"""Benchmark: the customer-value fit and predictions at 500,000 customers.

    PYTHONPATH=. .venv/bin/python benchmarks/clv_fit.py
    PYTHONPATH=. .venv/bin/python benchmarks/clv_fit.py --customers 100000 500000

Simulates customers with the CDNOW parameters (BG/NBD r=0.243, alpha=4.414,
a=0.793, b=2.426 in weeks; Gamma-Gamma p=6.25, q=3.74, v=15.44), first purchases
spread over a year, observed for a year after that, and times what a build runs
(:mod:`retail_segments.clv.tables`): the parameter table (BG/NBD and Gamma-Gamma
fitted on the full and on the backtest summary, here the same frame) and the
predictions table (P(alive), expected purchases, order value, CLV over 365 days,
discounted monthly). Prints the seconds of each, the fitted parameters, the peak
memory the fit and predictions allocate (tracemalloc, which numpy reports to) and
the process's peak resident memory (simulation included). One thread.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from retail_segments.clv import simulate, tables  # noqa: E402
from retail_segments.clv.bgnbd import BgNbdParameters  # noqa: E402
from retail_segments.clv.gamma_gamma import GammaGammaParameters  # noqa: E402

PLANTED = BgNbdParameters(r=0.243, alpha=4.414, a=0.793, b=2.426)
PLANTED_GG = GammaGammaParameters(p=6.25, q=3.74, v=15.44)
CONFIG = {"time_unit": "weeks", "horizon_days": 365, "monthly_discount_rate": 0.01}


def summary(n: int, seed: int = 0) -> pd.DataFrame:
    """The summary table the SQL model would give for n simulated customers."""
    rng = np.random.default_rng(seed)
    customers = simulate.simulate_bgnbd(PLANTED, rng.uniform(52, 104, n), 0.0, rng)
    mean_value, _ = simulate.simulate_mean_values(PLANTED_GG, customers.x, rng)
    return pd.DataFrame(
        {
            "customer_id": np.arange(n).astype(str),
            "repeat_purchases": customers.x,
            "time_to_last_purchase": customers.t_x,
            "time_observed": customers.T,
            "mean_repeat_value": mean_value,
            "as_of_date": pd.Timestamp("2024-01-01"),
            "holdout_start_date": pd.Timestamp("2024-01-01"),
        }
    )


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, nargs="+", default=[500_000])
    args = parser.parse_args()
    for n in args.customers:
        frame = summary(n)
        tracemalloc.start()
        start = time.perf_counter()
        parameters = tables.parameters_table(frame, frame, CONFIG)
        fitted = time.perf_counter()
        predictions = tables.predictions_table(frame, parameters, CONFIG)
        predicted = time.perf_counter()
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        full = parameters[parameters.fit_name == "full"]
        values = ", ".join(f"{p}={v:.4g}" for p, v in zip(full.parameter, full.value, strict=True))
        print(f"{n:,} customers ({int((frame.repeat_purchases > 0).sum()):,} repeat buyers)")
        print(f"  parameters: {values}")
        print(f"  fit (both models, twice: full and backtest): {fitted - start:.2f} s")
        print(f"  one fit of both models: {(fitted - start) / 2:.2f} s")
        print(f"  predictions ({len(predictions):,} rows): {predicted - fitted:.2f} s")
        print(f"  peak memory allocated by fit + predictions: {traced_peak / 2**20:.0f} MiB")
        print(f"  peak resident memory of the process so far: {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
