"""Tests for retail_segments.clustering: expectations computed independently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_blobs

from retail_segments.clustering import (
    FORCED_RULE,
    SWEEP_COLUMNS,
    ClusteringConfig,
    choose_k,
    chosen_k,
    cluster,
    fit_segments,
    prepare_features,
    sweep_k,
)

RFM = ("monetary", "frequency", "recency_days")


def rfm_frame(n: int = 240, seed: int = 7) -> pd.DataFrame:
    """Three customer groups (big/loyal, medium, small/lapsed) plus noise."""
    rng = np.random.default_rng(seed)
    group = rng.integers(0, 3, n)
    monetary = rng.lognormal(np.array([7.0, 5.0, 3.0])[group], 0.3)
    frequency = rng.poisson(np.array([20, 6, 1])[group]) + 1
    recency = rng.gamma(2.0, np.array([5.0, 30.0, 120.0])[group])
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:04d}" for i in rng.permutation(n)],
            "monetary": monetary,
            "frequency": frequency.astype(float),
            "recency_days": recency,
            "country": rng.choice(["UK", "FR", "DE"], n),
        }
    )


def rfm_config(**overrides: object) -> ClusteringConfig:
    base = {
        "features": RFM,
        "log_features": ("monetary", "frequency"),
        "value_column": "monetary",
        "k_max": 6,
    }
    return ClusteringConfig(**{**base, **overrides})  # type: ignore[arg-type]


def blobs_frame(centers: int | np.ndarray, seed: int = 0, std: float = 0.5) -> pd.DataFrame:
    x, _ = make_blobs(
        n_samples=300, centers=centers, n_features=3, cluster_std=std, random_state=seed
    )
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    frame.insert(0, "id", np.arange(len(frame)))
    return frame


def scaled_independently(frame: pd.DataFrame, config: ClusteringConfig) -> pd.DataFrame:
    """log1p + population z-score, written with plain pandas."""
    out = frame[list(config.features)].astype(float).copy()
    for column in config.log_features:
        out[column] = np.log1p(out[column])
    return (out - out.mean()) / out.std(ddof=0)


# --------------------------------------------------------------------------- config


def test_from_mapping_parses_dbt_style_values() -> None:
    config = ClusteringConfig.from_mapping(
        {
            "features": ["monetary", "frequency"],
            "log_features": "monetary",
            "categorical_features": None,
            "k": "4",
            "k_min": "3",
            "k_max": 8.0,
            "detect_outliers": "false",
            "outlier_contamination": "0.05",
            "value_column": "",
        }
    )
    assert config.features == ("monetary", "frequency")
    assert config.log_features == ("monetary",)
    assert config.categorical_features == ()
    assert (config.k, config.k_min, config.k_max) == (4, 3, 8)
    assert config.detect_outliers is False
    assert config.outlier_contamination == pytest.approx(0.05)
    assert config.value_column is None


@pytest.mark.parametrize("value", ["0", 0, None, "none", ""])
def test_from_mapping_k_zero_or_empty_means_choose(value: object) -> None:
    assert ClusteringConfig.from_mapping({"features": ["a"], "k": value}).k is None


def test_from_mapping_unknown_key_lists_allowed_keys() -> None:
    with pytest.raises(ValueError, match="n_clusters") as info:
        ClusteringConfig.from_mapping({"features": ["a"], "n_clusters": 3})
    assert "k_max" in str(info.value) and "value_column" in str(info.value)


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"features": ["a"], "detect_outliers": "maybe"}, "true/false"),
        ({"features": ["a"], "k": "four"}, "integer"),
        ({"features": ["a"], "log_features": ["b"]}, "not in features"),
        ({"features": ["a"], "k_min": 5, "k_max": 3}, "k_min <= k_max"),
        ({"k": 3}, "features"),
    ],
)
def test_from_mapping_rejects_bad_values(mapping: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ClusteringConfig.from_mapping(mapping)


# --------------------------------------------------------------------------- features


def test_prepare_features_scales_like_an_independent_zscore() -> None:
    frame = rfm_frame()
    config = rfm_config()
    prepared = prepare_features(frame, config)
    expected = scaled_independently(frame, config).to_numpy()
    assert prepared.feature_names == RFM
    np.testing.assert_allclose(prepared.matrix, expected, atol=1e-9)
    np.testing.assert_allclose(prepared.to_original_units(prepared.matrix), frame[list(RFM)])
    assert prepared.warnings == ()


def test_missing_column_lists_missing_and_available() -> None:
    frame = rfm_frame(20)
    with pytest.raises(ValueError) as info:
        prepare_features(
            frame, rfm_config(features=("monetary", "tenure", "spend"), log_features=())
        )
    text = str(info.value)
    assert "'tenure'" in text and "'spend'" in text
    assert "available columns" in text and "recency_days" in text


def test_all_null_feature_is_a_clear_error() -> None:
    frame = rfm_frame(20)
    frame["recency_days"] = np.nan
    with pytest.raises(ValueError, match=r"'recency_days' is null in all 20 rows") as info:
        prepare_features(frame, rfm_config())
    assert "remove it from the clustering features" in str(info.value)


def test_negative_value_in_log_feature_names_feature_and_count() -> None:
    frame = rfm_frame(30)
    frame.loc[[2, 5, 9], "monetary"] = -1.5
    with pytest.raises(ValueError, match=r"'monetary' has 3 negative value\(s\)"):
        prepare_features(frame, rfm_config())


def test_non_numeric_feature_suggests_categorical() -> None:
    with pytest.raises(ValueError, match="categorical_features"):
        prepare_features(rfm_frame(20), rfm_config(features=(*RFM, "country")))


def test_nulls_are_filled_with_the_median_and_counted() -> None:
    frame = rfm_frame()
    holes = frame.copy()
    holes.loc[[0, 10, 20], "recency_days"] = np.nan
    holes.loc[[3], "monetary"] = np.nan
    config = rfm_config(k=3)
    fit_holes = fit_segments(holes, "customer_id", config, 3)
    filled = holes.copy()
    for column in ("recency_days", "monetary"):
        filled[column] = filled[column].fillna(holes[column].median())
    fit_filled = fit_segments(filled, "customer_id", config, 3)
    pd.testing.assert_frame_equal(fit_holes.assignments, fit_filled.assignments)
    joined = " | ".join(fit_holes.warnings)
    assert "'recency_days': 3 null value(s) filled with the median" in joined
    assert "'monetary': 1 null value(s)" in joined


def test_constant_feature_is_dropped_with_warning() -> None:
    frame = rfm_frame()
    frame["tenure"] = 12.0
    config = rfm_config(features=(*RFM, "tenure"))
    result = cluster(frame, "customer_id", config)
    assert any("'tenure' is constant" in w for w in result.warnings)
    assert "tenure" not in result.centroids.columns
    assert "tenure_z" not in result.centroids.columns
    assert result.k >= 2


def test_categorical_feature_is_encoded_as_share() -> None:
    rng = np.random.default_rng(3)
    n = 200
    gender = rng.choice(["Female", "Male"], n)
    age = np.where(gender == "Male", 30.0, 60.0) + rng.normal(0, 2, n)
    frame = pd.DataFrame({"person": np.arange(n), "gender": gender, "age": age})
    config = ClusteringConfig(
        features=("gender", "age"), categorical_features=("gender",), value_column="age"
    )
    prepared = prepare_features(frame, config)
    assert prepared.feature_names == ("gender_Male", "age")
    np.testing.assert_array_equal(prepared.original[:, 0], (gender == "Male").astype(float))
    fit = fit_segments(frame, "person", config, 2)
    merged = fit.assignments.merge(frame, on="person")
    members = merged[~merged["is_outlier"]]
    share = (members["gender"] == "Male").groupby(members["segment_id"]).mean()
    centroids = fit.centroids.set_index("segment_id")
    np.testing.assert_allclose(centroids["gender_Male"], share.sort_index(), atol=1e-9)
    # segment 1 has the highest mean age: the women
    assert centroids.loc[1, "gender_Male"] == pytest.approx(0.0, abs=1e-12)
    assert centroids.loc[2, "gender_Male"] == pytest.approx(1.0, abs=1e-12)


# --------------------------------------------------------------------------- sweep


def test_sweep_has_one_row_per_k_with_valid_metrics() -> None:
    sweep = sweep_k(rfm_frame(), rfm_config(k_min=2, k_max=6))
    assert tuple(sweep.columns) == SWEEP_COLUMNS
    assert sweep["k"].tolist() == [2, 3, 4, 5, 6]
    assert sweep["k"].dtype == np.int64
    assert sweep["is_chosen"].dtype == bool
    assert sweep["is_chosen"].sum() == 1
    assert sweep["silhouette"].between(-1, 1).all()
    assert (sweep["davies_bouldin"] >= 0).all()
    assert (sweep["calinski_harabasz"] >= 0).all()
    inertia = sweep["inertia"].to_numpy()
    assert (np.diff(inertia) <= 0.02 * inertia[:-1]).all()
    assert sweep["selection_rule"].nunique() == 1
    assert "knee" in sweep["selection_rule"].iloc[0]
    assert (sweep["warnings"] == "").all()


@pytest.mark.parametrize("centers", [3, 4, 5])
@pytest.mark.parametrize("seed", [0, 1])
def test_choose_k_finds_the_number_of_blobs(centers: int, seed: int) -> None:
    frame = blobs_frame(centers, seed)
    sweep = sweep_k(frame, ClusteringConfig(features=("a", "b", "c")))
    assert chosen_k(sweep) == centers


def test_choose_k_finds_five_unequal_explicit_blobs() -> None:
    centers = np.array([[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10]], dtype=float)
    x, _ = make_blobs(
        n_samples=[40, 70, 100, 130, 160], centers=centers, cluster_std=0.8, random_state=5
    )
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    assert chosen_k(sweep_k(frame, ClusteringConfig(features=("a", "b", "c")))) == 5


def test_silhouette_is_sampled_above_sample_size_and_stays_deterministic() -> None:
    frame = blobs_frame(4)
    config = ClusteringConfig(features=("a", "b", "c"), silhouette_sample_size=120)
    first, second = sweep_k(frame, config), sweep_k(frame, config)
    assert first.to_csv() == second.to_csv()
    full = sweep_k(frame, ClusteringConfig(features=("a", "b", "c")))
    assert not np.allclose(first["silhouette"], full["silhouette"])
    np.testing.assert_allclose(first["inertia"], full["inertia"])


def synthetic_sweep(inertia: list[float], silhouette: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {"k": range(2, 2 + len(inertia)), "inertia": inertia, "silhouette": silhouette}
    )


def test_choose_k_keeps_the_knee_when_silhouette_agrees() -> None:
    sweep = synthetic_sweep([100, 60, 20, 18, 16, 15], [0.5, 0.55, 0.6, 0.5, 0.45, 0.4])
    k, rule = choose_k(sweep)
    assert k == 4
    assert "knee" in rule and "kept" in rule


def test_choose_k_walks_towards_clearly_better_silhouette() -> None:
    # knee at k=4 but silhouette keeps rising to k=6 (0.3 above the knee)
    sweep = synthetic_sweep([100, 60, 20, 18, 16, 15], [0.2, 0.3, 0.4, 0.55, 0.7, 0.3])
    k, rule = choose_k(sweep)
    assert k == 6
    assert "moved" in rule


def test_choose_k_walk_stops_once_within_margin() -> None:
    # best silhouette at k=2 (0.50); knee k=4 (0.40) -> k=3 (0.47) is within 0.05
    sweep = synthetic_sweep([100, 60, 20, 18, 16, 15], [0.5, 0.47, 0.4, 0.3, 0.3, 0.3])
    assert choose_k(sweep)[0] == 3


def test_choose_k_without_knee_uses_best_silhouette() -> None:
    sweep = synthetic_sweep([10, 9], [0.3, 0.6])
    k, rule = choose_k(sweep)
    assert k == 3
    assert "no knee" in rule


def test_choose_k_honours_forced_rows() -> None:
    sweep = synthetic_sweep([100, 60, 20], [0.5, 0.6, 0.7])
    sweep["is_chosen"] = sweep["k"] == 2
    sweep["selection_rule"] = FORCED_RULE
    assert choose_k(sweep) == (2, FORCED_RULE)


# --------------------------------------------------------------------------- fit


def test_same_input_gives_byte_identical_outputs() -> None:
    frame = rfm_frame()
    first = cluster(frame, "customer_id", rfm_config())
    second = cluster(frame.copy(), "customer_id", rfm_config())
    assert first.assignments.to_csv() == second.assignments.to_csv()
    assert first.centroids.to_csv() == second.centroids.to_csv()
    assert first.sweep.to_csv() == second.sweep.to_csv()


def test_input_row_order_does_not_change_results() -> None:
    frame = rfm_frame(300)
    shuffled = frame.sample(frac=1.0, random_state=11)
    original = cluster(frame, "customer_id", rfm_config())
    permuted = cluster(shuffled, "customer_id", rfm_config())
    assert original.assignments.to_csv() == permuted.assignments.to_csv()
    assert original.centroids.to_csv() == permuted.centroids.to_csv()
    assert original.sweep.to_csv() == permuted.sweep.to_csv()


def test_every_row_is_assigned_exactly_once_sorted_by_id() -> None:
    frame = rfm_frame()
    result = cluster(frame, "customer_id", rfm_config())
    ids = result.assignments["customer_id"]
    assert len(result.assignments) == len(frame)
    assert sorted(ids) == sorted(frame["customer_id"])
    assert ids.is_unique and ids.is_monotonic_increasing
    assert set(result.assignments["segment_id"]) == set(range(1, result.k + 1))
    assert result.assignments["segment_id"].dtype == np.int64
    assert result.assignments["is_outlier"].dtype == bool


def test_segment_ids_follow_mean_value_column_descending() -> None:
    frame = rfm_frame()
    result = cluster(frame, "customer_id", rfm_config(value_column="frequency"))
    merged = result.assignments.merge(frame, on="customer_id")
    means = merged.groupby("segment_id")["frequency"].mean()
    assert means.index.tolist() == list(range(1, result.k + 1))
    assert means.is_monotonic_decreasing
    assert means.iloc[0] == means.max()


def test_value_column_need_not_be_a_feature() -> None:
    frame = rfm_frame()
    frame["margin"] = -frame["monetary"]  # segment 1 = lowest spend
    fit = fit_segments(frame, "customer_id", rfm_config(value_column="margin"), 3)
    merged = fit.assignments.merge(frame, on="customer_id")
    means = merged.groupby("segment_id")["monetary"].mean()
    assert means.is_monotonic_increasing


def test_outliers_are_flagged_left_out_and_assigned_to_nearest_centroid() -> None:
    frame = blobs_frame(np.array([[0, 0, 0], [8, 8, 0], [0, 8, 8]]), seed=2)
    extremes = pd.DataFrame(
        {"id": [1000, 1001, 1002], "a": [40.0, -30, 4], "b": [40.0, 4, -30], "c": [0, 30, 40]}
    )
    frame = pd.concat([frame, extremes], ignore_index=True)
    config = ClusteringConfig(features=("a", "b", "c"), value_column="a")
    result = cluster(frame, "id", config)
    out = result.assignments.set_index("id")
    assert out.loc[[1000, 1001, 1002], "is_outlier"].all()
    n_outliers = int(out["is_outlier"].sum())
    assert 3 <= n_outliers <= 0.05 * len(frame)
    assert (result.sweep["n_fit_rows"] == len(frame) - n_outliers).all()

    z = scaled_independently(frame, config).set_index(frame["id"])
    centroid_z = result.centroids.set_index("segment_id")[["a_z", "b_z", "c_z"]]
    dist = np.linalg.norm(z.to_numpy()[:, None, :] - centroid_z.to_numpy()[None], axis=2)
    np.testing.assert_allclose(out["distance_to_centroid"], dist.min(axis=1), atol=1e-9)
    np.testing.assert_array_equal(out["segment_id"], centroid_z.index[dist.argmin(axis=1)])
    # centroids are the means of the non-outlier members only
    inliers = z[~out["is_outlier"].to_numpy()]
    means = inliers.groupby(out.loc[inliers.index, "segment_id"]).mean()
    np.testing.assert_allclose(means.to_numpy(), centroid_z.to_numpy(), atol=1e-6)


def test_centroids_in_original_units_invert_log_and_scaling() -> None:
    frame = rfm_frame()
    config = rfm_config()
    fit = fit_segments(frame, "customer_id", config, 3)
    for _, row in fit.centroids.iterrows():
        for feature in RFM:
            raw = row[f"{feature}_z"]
            transformed = frame[feature].astype(float)
            if feature in config.log_features:
                transformed = np.log1p(transformed)
            expected = raw * transformed.std(ddof=0) + transformed.mean()
            if feature in config.log_features:
                expected = np.expm1(expected)
            assert row[feature] == pytest.approx(expected, rel=1e-9)
    assert fit.centroids["n_members"].sum() == len(frame)


def test_forced_k_overrides_choice() -> None:
    frame = blobs_frame(5)
    config = ClusteringConfig.from_mapping({"features": ["a", "b", "c"], "k": "3"})
    result = cluster(frame, "id", config)
    assert result.k == 3
    chosen = result.sweep[result.sweep["is_chosen"]]
    assert chosen["k"].tolist() == [3]
    assert (result.sweep["selection_rule"] == FORCED_RULE).all()
    assert len(result.centroids) == 3


def test_forced_k_outside_range_is_added_to_sweep() -> None:
    sweep = sweep_k(blobs_frame(3), ClusteringConfig(features=("a", "b", "c"), k_max=4, k=7))
    assert sweep["k"].tolist() == [2, 3, 4, 7]
    assert chosen_k(sweep) == 7


def test_forced_k_larger_than_possible_names_k_and_maximum() -> None:
    frame = pd.DataFrame({"id": range(6), "x": [1.0, 1, 2, 2, 3, 3]})
    config = ClusteringConfig(features=("x",), k=5)
    with pytest.raises(ValueError, match=r"k=5 .*maximum possible k=3"):
        sweep_k(frame, config)
    with pytest.raises(ValueError, match=r"k=4 .*maximum possible k=3"):
        fit_segments(frame, "id", config, 4)


# --------------------------------------------------------------------------- edge cases


def assert_single_segment(result: object, n_rows: int) -> None:
    assert result.k == 1  # type: ignore[attr-defined]
    assignments = result.assignments  # type: ignore[attr-defined]
    assert len(assignments) == n_rows
    assert (assignments["segment_id"] == 1).all()
    assert result.sweep["k"].tolist() == [1]  # type: ignore[attr-defined]
    assert result.sweep["silhouette"].isna().all()  # type: ignore[attr-defined]
    assert any("single segment" in w for w in result.warnings)  # type: ignore[attr-defined]


def test_one_row_is_a_single_segment() -> None:
    frame = pd.DataFrame({"id": ["only"], "x": [3.0], "y": [1.0]})
    result = cluster(frame, "id", ClusteringConfig(features=("x", "y")))
    assert_single_segment(result, 1)
    assert result.assignments["distance_to_centroid"].iloc[0] == 0.0
    assert result.centroids["n_members"].tolist() == [1]


def test_two_rows_are_a_single_segment() -> None:
    frame = pd.DataFrame({"id": [2, 1], "x": [3.0, 5.0], "y": [1.0, 2.0]})
    result = cluster(frame, "id", ClusteringConfig(features=("x", "y")))
    assert_single_segment(result, 2)
    assert result.assignments["id"].tolist() == [1, 2]
    # both points are one unit (in z-space, per axis) from their mean
    np.testing.assert_allclose(result.assignments["distance_to_centroid"], np.sqrt(2.0))


def test_identical_rows_are_a_single_segment_without_outliers() -> None:
    frame = pd.DataFrame({"id": range(80), "x": 2.0, "y": 7.0})
    result = cluster(frame, "id", ClusteringConfig(features=("x", "y")))
    assert_single_segment(result, 80)
    assert not result.assignments["is_outlier"].any()
    assert (result.assignments["distance_to_centroid"] == 0).all()
    assert any("all features are constant" in w for w in result.warnings)


def test_fewer_rows_than_k_min_reduces_k_with_warning() -> None:
    frame = pd.DataFrame({"id": range(4), "x": [0.0, 1.0, 10.0, 11.0]})
    result = cluster(frame, "id", ClusteringConfig(features=("x",), k_min=5, k_max=8))
    assert result.sweep["k"].tolist() == [3]
    assert result.k == 3
    assert any("reduced from [5, 8] to [3, 3]" in w for w in result.warnings)
    assert result.sweep["warnings"].iloc[0] != ""


def test_duplicate_ids_are_rejected() -> None:
    frame = pd.DataFrame({"id": [1, 1, 2], "x": [0.0, 1.0, 2.0]})
    with pytest.raises(ValueError, match="duplicated"):
        fit_segments(frame, "id", ClusteringConfig(features=("x",)), 1)


def test_outlier_detection_can_be_switched_off_and_needs_fifty_rows() -> None:
    frame = rfm_frame(200)
    off = cluster(frame, "customer_id", rfm_config(detect_outliers=False))
    assert not off.assignments["is_outlier"].any()
    assert (off.sweep["n_fit_rows"] == 200).all()
    small = cluster(rfm_frame(49), "customer_id", rfm_config())
    assert not small.assignments["is_outlier"].any()


def test_non_numeric_value_column_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"Value column 'country' has \d+ non-numeric"):
        fit_segments(rfm_frame(30), "customer_id", rfm_config(value_column="country"), 2)


def test_id_dtype_is_preserved() -> None:
    frame = rfm_frame(60)
    frame["customer_id"] = frame["customer_id"].astype("string[pyarrow]")
    fit = fit_segments(frame, "customer_id", rfm_config(), 2)
    assert fit.assignments["customer_id"].dtype == frame["customer_id"].dtype
