"""Benchmark: the customer k-means with and without the large-input sample.

    PYTHONPATH=. .venv/bin/python benchmarks/clustering_scale.py
    PYTHONPATH=. .venv/bin/python benchmarks/clustering_scale.py --sizes 50000 466200

For each size, synthetic RFM-like customers (four planted groups: lognormal
monetary, geometric frequency, uniform recency; monetary and frequency log1p)
are segmented twice with the project's code: the full path
(``sweep_sample_size=0``: every k-means and metric on every non-outlier row)
and the default sampled path.  Prints the wall-clock seconds of ``sweep_k`` and
``fit_segmentation``, the chosen k, and the adjusted Rand index between the two
assignments (and, when the chosen k differ, between the sampled fit and a full
fit at the sampled k).  Everything runs on one thread, like the dbt models.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from retail_segments.fit import fit_segmentation
from retail_segments.settings import SegmentationSettings
from retail_segments.sweep import chosen_k, sweep_k

T = TypeVar("T")
FEATURES = ("monetary", "frequency", "recency_days")


def customers(n: int, seed: int = 0) -> pd.DataFrame:
    """RFM-like customers in four planted groups of unequal size, ids shuffled."""
    rng = np.random.default_rng(seed)
    group = rng.choice(4, size=n, p=[0.1, 0.25, 0.35, 0.3])
    low = np.array([0.0, 60.0, 250.0, 450.0])[group]
    high = np.array([40.0, 180.0, 400.0, 700.0])[group]
    return pd.DataFrame(
        {
            "customer_id": rng.permutation(n),
            "monetary": rng.lognormal(np.array([8.0, 6.0, 4.5, 3.0])[group], 0.35),
            "frequency": rng.geometric(np.array([0.03, 0.15, 0.5, 0.95])[group]).astype(float),
            "recency_days": rng.uniform(low, high),
        }
    )


def settings(**options: object) -> SegmentationSettings:
    base: dict[str, object] = {
        "id_column": "customer_id",
        "features": FEATURES,
        "log_features": ("monetary", "frequency"),
        "value_column": "monetary",
    }
    return SegmentationSettings(**{**base, **options})  # type: ignore[arg-type]


def timed(step: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = step()
    return result, time.perf_counter() - start


def run(frame: pd.DataFrame, config: SegmentationSettings) -> dict[str, object]:
    sweep, sweep_s = timed(lambda: sweep_k(frame, config))
    k = chosen_k(sweep)
    fitted, fit_s = timed(lambda: fit_segmentation(frame, config, k))
    assert fitted.assignments is not None
    return {
        "k": k,
        "sweep_s": sweep_s,
        "fit_s": fit_s,
        "n_fit_rows": int(sweep["n_fit_rows"].iloc[0]),
        "labels": fitted.assignments["segment_id"].to_numpy(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[50_000, 500_000])
    args = parser.parse_args(argv)
    header = f"{'customers':>9} {'path':8} {'fit rows':>8} {'k':>2} {'sweep s':>8} {'fit s':>6}"
    print(header + f" {'total s':>8}  ARI vs full")
    for n in args.sizes:
        frame = customers(n)
        full = run(frame, settings(sweep_sample_size=0))
        sampled = run(frame, settings())
        ari = adjusted_rand_score(full["labels"], sampled["labels"])
        for name, result in (("full", full), ("sampled", sampled)):
            total = float(result["sweep_s"]) + float(result["fit_s"])  # type: ignore[arg-type]
            line = (
                f"{n:>9,} {name:8} {result['n_fit_rows']:>8,} {result['k']:>2} "
                f"{result['sweep_s']:>8.2f} {result['fit_s']:>6.2f} {total:>8.2f}"
            )
            print(line + (f"  {ari:.4f}" if name == "sampled" else ""))
        if full["k"] != sampled["k"]:
            same_k = fit_segmentation(frame, settings(sweep_sample_size=0), int(sampled["k"]))
            assert same_k.assignments is not None
            same = adjusted_rand_score(same_k.assignments["segment_id"], sampled["labels"])
            print(
                f"{'':>9} chosen k differ: ARI of the sampled fit vs a full fit at its k {same:.4f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
