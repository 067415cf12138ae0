"""Large inputs: the sampled sweep and fit agree with the full ones, and change nothing below.

Expectations come from independent runs with sampling disabled
(``sweep_sample_size=0``) and from scikit-learn itself, never from the code path
under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs
from sklearn.ensemble import IsolationForest
from sklearn.metrics import adjusted_rand_score

from retail_segments.clustering import ClusteringResult, cluster
from retail_segments.preprocessing import _isolation_outliers
from retail_segments.settings import SegmentationSettings
from retail_segments.sweep import sample_rows, sweep_k

N_LARGE = 60_000  # above the default sweep_sample_size, small enough for the full path


def planted_frame(n: int, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    """Four planted groups in 3 features (value column ``a``), ids shuffled."""
    centers = np.array([[0.0, 0.0, 0.0], [6.0, 0.0, 1.0], [0.0, 6.0, -1.0], [6.0, 6.0, 5.0]])
    x, group = make_blobs(n_samples=n, centers=centers, cluster_std=1.0, random_state=seed)
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    frame.insert(0, "id", np.random.default_rng(seed).permutation(n))
    return frame, group


def settings(**options: object) -> SegmentationSettings:
    base: dict[str, object] = {
        "id_column": "id",
        "features": ("a", "b", "c"),
        "value_column": "a",
        "k_max": 6,
        "silhouette_sample_size": 2_000,
    }
    return SegmentationSettings(**{**base, **options})  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def large() -> tuple[pd.DataFrame, np.ndarray, ClusteringResult, ClusteringResult]:
    frame, group = planted_frame(N_LARGE)
    full = cluster(frame, settings(sweep_sample_size=0))
    sampled = cluster(frame, settings())
    return frame, group, full, sampled


# --------------------------------------------------------------------------- agreement


def test_sampled_path_agrees_with_the_full_path(large) -> None:
    frame, group, full, sampled = large
    assert sampled.k == full.k == 4
    by_id = full.assignments.set_index("id")["segment_id"]
    sampled_ids = sampled.assignments.set_index("id")["segment_id"]
    ari = adjusted_rand_score(by_id.loc[frame["id"]], sampled_ids.loc[frame["id"]])
    assert ari >= 0.95
    planted = adjusted_rand_score(group, sampled_ids.loc[frame["id"]])
    assert planted >= 0.95


def test_sampled_sweep_reports_the_sample(large) -> None:
    frame, _, full, sampled = large
    n_fit = int(full.sweep["n_fit_rows"].iloc[0])
    assert n_fit == N_LARGE - int(full.assignments["is_outlier"].sum())
    assert (sampled.sweep["n_fit_rows"] == 20_000).all()
    warnings = sampled.sweep["warnings"].iloc[0]
    assert f"uniform sample of 20,000 of the {n_fit:,} non-outlier rows" in warnings
    assert "seed random_state=42" in warnings
    assert "silhouette on 2,000 of them" in warnings
    assert (
        sampled.sweep["selection_rule"]
        .iloc[0]
        .endswith(f"(on a sample of 20,000 of {n_fit:,} rows)")
    )
    assert any(
        "final k-means: 10 k-means++ restarts on the sweep's sample" in w for w in sampled.warnings
    )
    assert "sample" not in full.sweep["warnings"].iloc[0]
    assert "sample" not in full.sweep["selection_rule"].iloc[0]


def test_every_row_is_assigned_and_ids_follow_the_value(large) -> None:
    frame, _, _, sampled = large
    assignments = sampled.assignments
    assert len(assignments) == len(frame)
    assert set(assignments["id"]) == set(frame["id"])
    assert assignments["segment_id"].between(1, sampled.k).all()
    value = frame.set_index("id")["a"].loc[assignments["id"]].to_numpy()
    means = pd.Series(value).groupby(assignments["segment_id"].to_numpy()).mean()
    assert list(means.index) == list(range(1, sampled.k + 1))
    assert means.is_monotonic_decreasing
    assert sampled.segments["n_members"].sum() == len(frame)


# --------------------------------------------------------------------------- determinism


def small_sampled_settings(**options: object) -> SegmentationSettings:
    return settings(sweep_sample_size=1_000, k_max=4, **options)


def test_the_sample_is_deterministic_and_order_free() -> None:
    frame, _ = planted_frame(4_000, seed=5)
    first = sweep_k(frame, small_sampled_settings())
    again = sweep_k(frame, small_sampled_settings())
    shuffled = sweep_k(frame.sample(frac=1.0, random_state=1), small_sampled_settings())
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    pd.testing.assert_frame_equal(first, shuffled, check_exact=True)
    other_seed = sweep_k(frame, small_sampled_settings(random_state=7))
    assert (other_seed["n_fit_rows"] == 1_000).all()
    assert not np.array_equal(first["inertia"], other_seed["inertia"])


def test_sample_rows_only_above_the_threshold() -> None:
    config = settings()
    assert sample_rows(20_000, config) is None
    assert sample_rows(1_000_000, settings(sweep_sample_size=0)) is None
    rows = sample_rows(20_001, config)
    assert rows is not None and rows.size == 20_000
    assert np.all(np.diff(rows) > 0)
    expected = np.sort(np.random.default_rng(42).choice(20_001, 20_000, replace=False))
    np.testing.assert_array_equal(rows, expected)


# --------------------------------------------------------------------------- nothing changes


def compare_results(left: ClusteringResult, right: ClusteringResult) -> None:
    pd.testing.assert_frame_equal(left.sweep, right.sweep, check_exact=True)
    pd.testing.assert_frame_equal(left.assignments, right.assignments, check_exact=True)
    columns = [c for c in left.segments.columns if c != "settings_json"]
    pd.testing.assert_frame_equal(left.segments[columns], right.segments[columns], check_exact=True)


def test_at_or_below_the_threshold_results_are_unchanged() -> None:
    """5,000 rows: the defaults give bit for bit what sampling disabled gives."""
    frame, _ = planted_frame(5_000, seed=11)
    default = cluster(frame, settings(k_max=4))
    disabled = cluster(frame, settings(k_max=4, sweep_sample_size=0))
    compare_results(default, disabled)
    n_fit = int(default.sweep["n_fit_rows"].iloc[0])
    at_threshold = cluster(frame, settings(k_max=4, sweep_sample_size=n_fit))
    compare_results(at_threshold, disabled)


def test_isolation_outliers_equal_fit_predict() -> None:
    rng = np.random.default_rng(1)
    for n in (60, 3_000):
        x = rng.standard_normal((n, 3)) ** 3
        for contamination in (0.02, 0.1, 0.5):
            config = settings(outlier_contamination=contamination, random_state=9)
            forest = IsolationForest(contamination=contamination, random_state=9)
            expected = forest.fit(x).predict(x) == -1
            np.testing.assert_array_equal(_isolation_outliers(x, config), expected)


# --------------------------------------------------------------------------- settings


def test_scale_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="sweep_sample_size must be 0 .* or >= 1000"):
        SegmentationSettings.from_config(
            {"id_column": "id", "features": ["a"], "sweep_sample_size": 999}
        )
    with pytest.raises(ValueError, match="sampled_silhouette_size must be >= 2"):
        SegmentationSettings.from_config(
            {"id_column": "id", "features": ["a"], "sampled_silhouette_size": 1}
        )


def test_settings_json_keeps_its_old_form_at_the_defaults() -> None:
    default = settings()
    assert "sweep_sample_size" not in default.to_json()
    assert "sampled_silhouette_size" not in default.to_json()
    assert SegmentationSettings.from_json(default.to_json()) == default
    custom = settings(sweep_sample_size=0, sampled_silhouette_size=3_000)
    assert '"sweep_sample_size": 0' in custom.to_json()
    assert SegmentationSettings.from_json(custom.to_json()) == custom


def test_a_sample_missing_a_distinct_point_is_not_used() -> None:
    """4 common points and 1 rare one, k=5 forced: a sample without the rare point
    could not hold 5 clusters, so sweep and fit use every row."""
    n = 3_000
    common = np.repeat(np.arange(4.0), (n - 1) // 4 + 1)[: n - 1]
    frame = pd.DataFrame({"id": np.arange(n), "a": np.append(common, 100.0)})
    frame["b"] = frame["a"] * 2.0
    frame["c"] = -frame["a"]
    config = settings(sweep_sample_size=1_000, detect_outliers=False, k=5)
    rows = sample_rows(n, config)
    assert rows is not None and n - 1 not in rows  # the rare point sorts last
    result = cluster(frame, config)
    assert (result.sweep["n_fit_rows"] == n).all()
    assert result.k == 5
    assert result.segments["n_members"].tolist()[0] == 1
    assert not any("sample" in w for w in result.warnings)
