"""Tests for retail_segments.clustering: expectations computed independently."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pandas as pd
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

from retail_segments.clustering import (
    FORCED_RULE,
    SWEEP_COLUMNS,
    FittedSegmentation,
    assign_segments,
    cluster,
    fit_segmentation,
    prepare_features,
)
from retail_segments.dbt_models import assignments_table, segments_table, sweep_table, to_frame
from retail_segments.settings import SegmentationSettings
from retail_segments.sweep import choose_k, chosen_k, sweep_k

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


def settings(**options: object) -> SegmentationSettings:
    """Settings with the id column ``id`` unless given."""
    return SegmentationSettings(**{"id_column": "id", **options})  # type: ignore[arg-type]


def rfm_config(**overrides: object) -> SegmentationSettings:
    base = {
        "id_column": "customer_id",
        "features": RFM,
        "log_features": ("monetary", "frequency"),
        "value_column": "monetary",
        "k_max": 6,
    }
    return SegmentationSettings(**{**base, **overrides})  # type: ignore[arg-type]


def blobs_frame(centers: int | np.ndarray, seed: int = 0, std: float = 0.5) -> pd.DataFrame:
    x, _ = make_blobs(
        n_samples=300, centers=centers, n_features=3, cluster_std=std, random_state=seed
    )
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    frame.insert(0, "id", np.arange(len(frame)))
    return frame


def scaled_independently(frame: pd.DataFrame, config: SegmentationSettings) -> pd.DataFrame:
    """log1p + population z-score, written with plain pandas."""
    out = frame[list(config.features)].astype(float).copy()
    for column in config.log_features:
        out[column] = np.log1p(out[column])
    return (out - out.mean()) / out.std(ddof=0)


# --------------------------------------------------------------------------- settings

DBT_RENDERED = {
    "id_column": "customer_id",
    "features": ["recency_days", "frequency", "monetary"],
    "log_features": ["recency_days", "frequency", "monetary"],
    "k": 0,
    "k_min": 2,
    "k_max": 10,
    "value_column": "monetary",
    "random_state": 42,
    "outlier_contamination": 0.02,
    "naming": {
        "method": "describe",
        "term_order": "vocabulary",
        "vocabulary": {"monetary": ["Low spend", "High spend"], "frequency": ["rare", "often"]},
    },
}


def test_from_config_accepts_what_dbt_renders() -> None:
    result = SegmentationSettings.from_config(DBT_RENDERED)
    assert result.features == ("recency_days", "frequency", "monetary")
    assert (result.k, result.forced_k, result.k_min, result.k_max) == (0, None, 2, 10)
    assert result.outlier_contamination == 0.02
    assert result.level_threshold == 0.5
    assert result.naming.method == "describe"
    assert result.naming.single_segment_name == "All"
    assert result.naming.options() == {
        "method": "describe",
        "threshold": 0.5,
        "max_terms": 3,
        "term_order": "vocabulary",
        "vocabulary": {"monetary": ("Low spend", "High spend"), "frequency": ("rare", "often")},
    }


def test_default_naming_is_ranked() -> None:
    result = SegmentationSettings.from_config({"id_column": "id", "features": ["a"]})
    assert result.naming.options() == {
        "method": "ranked",
        "labels": ("High spending", "Medium spending", "Low spending"),
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"features": []}, "features must name at least one column"),
        ({"features": ["a", "a"]}, r"Duplicate names in features: \['a', 'a'\]"),
        (
            {"features": ["a"], "log_features": ["b"]},
            r"log_features \['b'\] are not in features \['a'\]",
        ),
        (
            {"features": ["a"], "categorical_features": ["c"]},
            r"categorical_features \['c'\] are not in features",
        ),
        (
            {"features": ["a"], "log_features": ["a"], "categorical_features": ["a"]},
            r"Features \['a'\] cannot be both log and categorical",
        ),
        ({"k_min": 5, "k_max": 3}, r"Need 1 <= k_min <= k_max, got k_min=5, k_max=3"),
        ({"k_min": 0}, r"Need 1 <= k_min <= k_max, got k_min=0"),
        ({"k": -2}, r"Forced k must be >= 1 \(or 0 to choose\), got -2"),
        ({"outlier_contamination": 0.7}, r"outlier_contamination must be in \(0, 0.5\], got 0.7"),
        ({"outlier_contamination": 0}, r"outlier_contamination must be in \(0, 0.5\]"),
        ({"n_init": 0}, "silhouette_sample_size must be >= 2 and n_init >= 1"),
        ({"silhouette_sample_size": 1}, "silhouette_sample_size must be >= 2"),
        ({"n_clusters": 3}, r"Unknown segmentation option\(s\) \['n_clusters'\]; allowed: .*k_max"),
        ({"id_column": ""}, "needs an id_column"),
        ({"value_column": ""}, r"option 'value_column': String should have at least 1 character"),
        ({"k": "4"}, r"option 'k': Input should be a valid integer \(got '4'\)"),
        ({"k_max": 8.0}, r"option 'k_max': Input should be a valid integer"),
        ({"k": True}, r"option 'k': Input should be a valid integer"),
        ({"features": "monetary,frequency"}, r"option 'features': Input should be a valid tuple"),
        (
            {"detect_outliers": "false"},
            r"option 'detect_outliers': Input should be a valid boolean",
        ),
        ({"outlier_contamination": "0.05"}, r"option 'outlier_contamination': .*valid number"),
        ({"naming": {"method": "clever"}}, r"option 'naming': .*'describe', 'ranked', 'archetype'"),
        (
            {"naming": {"method": "describe"}},
            r"option 'naming.describe.vocabulary': Field required",
        ),
        (
            {"naming": {"method": "ranked", "vocabulary": {"a": ["x", "y"]}}},
            r"option 'naming.ranked.vocabulary': Extra inputs are not permitted",
        ),
        ({"naming": {"method": "ranked", "labels": ["A", "A"]}}, "labels must be unique"),
        (
            {"naming": {"method": "describe", "vocabulary": {"a": ["only one"]}}},
            r"option 'naming.describe.vocabulary': Vocabulary entry for 'a' must be \(low_word, "
            r"high_word\), got \['only one'\]",
        ),
        (
            {"naming": {"method": "describe", "vocabulary": {"a": ["x", "y"]}, "max_terms": 0}},
            "max_terms",
        ),
    ],
)
def test_from_config_names_the_bad_option(changes: dict[str, object], message: str) -> None:
    config = {"id_column": "id", "features": ["a", "b"], **changes}
    with pytest.raises(ValueError, match=message):
        SegmentationSettings.from_config(config)


def test_several_problems_are_reported_together() -> None:
    config = {"id_column": "id", "features": ["a"], "k": "3", "k_min": "2"}
    with pytest.raises(ValueError, match="option 'k'.*; option 'k_min'"):
        SegmentationSettings.from_config(config)


def test_settings_are_frozen() -> None:
    result = SegmentationSettings.from_config(DBT_RENDERED)
    with pytest.raises(ValueError, match="frozen"):
        result.k = 3  # type: ignore[misc]


def test_settings_json_round_trip_keeps_vocabulary_order() -> None:
    vocabulary = {"z_last": ["low z", "high z"], "a_first": ["low a", "high a"]}
    original = SegmentationSettings.from_config(
        {**DBT_RENDERED, "naming": {"method": "describe", "vocabulary": vocabulary}}
    )
    text = original.to_json()
    assert SegmentationSettings.from_json(text) == original
    assert SegmentationSettings.from_json(text).to_json() == text
    data = json.loads(text)
    assert list(data) == sorted(data)
    assert list(data["naming"]) == sorted(data["naming"])
    assert list(data["naming"]["vocabulary"]) == ["z_last", "a_first"]


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
    fit_holes = fit_segmentation(holes, config, 3)
    filled = holes.copy()
    for column in ("recency_days", "monetary"):
        filled[column] = filled[column].fillna(holes[column].median())
    fit_filled = fit_segmentation(filled, config, 3)
    pd.testing.assert_frame_equal(fit_holes.assignments, fit_filled.assignments)
    joined = " | ".join(fit_holes.warnings)
    assert "'recency_days': 3 null value(s) filled with the median" in joined
    assert "'monetary': 1 null value(s)" in joined


def test_constant_feature_is_dropped_with_warning() -> None:
    frame = rfm_frame()
    frame["tenure"] = 12.0
    config = rfm_config(features=(*RFM, "tenure"))
    result = cluster(frame, config)
    assert any("'tenure' is constant (12) and was dropped" in w for w in result.warnings)
    assert "tenure" not in result.fitted.preprocessor.feature_names
    # the segments table still has the feature's columns: member mean, z 0, mid
    segments = result.segments
    assert (segments["centroid_tenure"] == 12.0).all()
    assert (segments["centroid_tenure_z"] == 0.0).all()
    assert (segments["tenure_level"] == "mid").all()
    assert result.k >= 2


def test_categorical_feature_is_encoded_as_share() -> None:
    rng = np.random.default_rng(3)
    n = 200
    gender = rng.choice(["Female", "Male"], n)
    age = np.where(gender == "Male", 30.0, 60.0) + rng.normal(0, 2, n)
    frame = pd.DataFrame({"person": np.arange(n), "gender": gender, "age": age})
    config = settings(
        id_column="person",
        features=("gender", "age"),
        categorical_features=("gender",),
        value_column="age",
    )
    prepared = prepare_features(frame, config)
    assert prepared.feature_names == ("gender_Male", "age")
    np.testing.assert_array_equal(prepared.original[:, 0], (gender == "Male").astype(float))
    fit = fit_segmentation(frame, config, 2)
    merged = fit.assignments.merge(frame, on="person")
    members = merged[~merged["is_outlier"]]
    share = (members["gender"] == "Male").groupby(members["segment_id"]).mean()
    centroids = fit.centroids()
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
    sweep = sweep_k(frame, settings(features=("a", "b", "c")))
    assert chosen_k(sweep) == centers


def test_choose_k_finds_five_unequal_explicit_blobs() -> None:
    centers = np.array([[0, 0, 0], [10, 0, 0], [0, 10, 0], [0, 0, 10], [10, 10, 10]], dtype=float)
    x, _ = make_blobs(
        n_samples=[40, 70, 100, 130, 160], centers=centers, cluster_std=0.8, random_state=5
    )
    frame = pd.DataFrame(x, columns=["a", "b", "c"])
    assert chosen_k(sweep_k(frame, settings(features=("a", "b", "c")))) == 5


def test_silhouette_is_sampled_above_sample_size_and_stays_deterministic() -> None:
    frame = blobs_frame(4)
    config = settings(features=("a", "b", "c"), silhouette_sample_size=120)
    first, second = sweep_k(frame, config), sweep_k(frame, config)
    assert first.to_csv() == second.to_csv()
    full = sweep_k(frame, settings(features=("a", "b", "c")))
    assert not np.allclose(first["silhouette"], full["silhouette"])
    np.testing.assert_allclose(first["inertia"], full["inertia"])


@pytest.mark.parametrize("silhouette_sample_size", [120, 10_000])
def test_shared_distances_give_scikit_learns_silhouette_bit_for_bit(
    silhouette_sample_size: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sweep's one distance matrix scores every k as silhouette_score would."""
    import retail_segments.sweep as sweep_module

    frame = blobs_frame(4)
    config = settings(features=("a", "b", "c"), silhouette_sample_size=silhouette_sample_size)
    shared = sweep_k(frame, config)
    monkeypatch.setattr(sweep_module, "SHARED_DISTANCES_MAX_ROWS", 1)  # per k, as before
    per_k = sweep_k(frame, config)
    assert shared["silhouette"].notna().all()
    assert shared["silhouette"].tolist() == per_k["silhouette"].tolist()
    assert shared.to_csv() == per_k.to_csv()


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
    first = cluster(frame, rfm_config())
    second = cluster(frame.copy(), rfm_config())
    assert first.assignments.to_csv() == second.assignments.to_csv()
    assert first.segments.to_csv() == second.segments.to_csv()
    assert first.sweep.to_csv() == second.sweep.to_csv()


def test_input_row_order_does_not_change_results() -> None:
    frame = rfm_frame(300)
    shuffled = frame.sample(frac=1.0, random_state=11)
    original = cluster(frame, rfm_config())
    permuted = cluster(shuffled, rfm_config())
    assert original.assignments.to_csv() == permuted.assignments.to_csv()
    assert original.segments.to_csv() == permuted.segments.to_csv()
    assert original.sweep.to_csv() == permuted.sweep.to_csv()


def test_every_row_is_assigned_exactly_once_sorted_by_id() -> None:
    frame = rfm_frame()
    result = cluster(frame, rfm_config())
    ids = result.assignments["customer_id"]
    assert len(result.assignments) == len(frame)
    assert sorted(ids) == sorted(frame["customer_id"])
    assert ids.is_unique and ids.is_monotonic_increasing
    assert set(result.assignments["segment_id"]) == set(range(1, result.k + 1))
    assert result.assignments["segment_id"].dtype == np.int64
    assert result.assignments["is_outlier"].dtype == bool


def test_segment_ids_follow_mean_value_column_descending() -> None:
    frame = rfm_frame()
    result = cluster(frame, rfm_config(value_column="frequency"))
    merged = result.assignments.merge(frame, on="customer_id")
    means = merged.groupby("segment_id")["frequency"].mean()
    assert means.index.tolist() == list(range(1, result.k + 1))
    assert means.is_monotonic_decreasing
    assert means.iloc[0] == means.max()


def test_value_column_need_not_be_a_feature() -> None:
    frame = rfm_frame()
    frame["margin"] = -frame["monetary"]  # segment 1 = lowest spend
    fit = fit_segmentation(frame, rfm_config(value_column="margin"), 3)
    merged = fit.assignments.merge(frame, on="customer_id")
    means = merged.groupby("segment_id")["monetary"].mean()
    assert means.is_monotonic_increasing


def test_outliers_are_flagged_left_out_and_assigned_to_nearest_centroid() -> None:
    frame = blobs_frame(np.array([[0, 0, 0], [8, 8, 0], [0, 8, 8]]), seed=2)
    extremes = pd.DataFrame(
        {"id": [1000, 1001, 1002], "a": [40.0, -30, 4], "b": [40.0, 4, -30], "c": [0, 30, 40]}
    )
    frame = pd.concat([frame, extremes], ignore_index=True)
    config = settings(features=("a", "b", "c"), value_column="a")
    result = cluster(frame, config)
    out = result.assignments.set_index("id")
    assert out.loc[[1000, 1001, 1002], "is_outlier"].all()
    n_outliers = int(out["is_outlier"].sum())
    assert 3 <= n_outliers <= 0.05 * len(frame)
    assert (result.sweep["n_fit_rows"] == len(frame) - n_outliers).all()

    z = scaled_independently(frame, config).set_index(frame["id"])
    centroid_z = result.segments.set_index("segment_id")[
        ["centroid_a_z", "centroid_b_z", "centroid_c_z"]
    ]
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
    table = fit_segmentation(frame, config, 3).segments_table()
    for _, row in table.iterrows():
        for feature in RFM:
            raw = row[f"centroid_{feature}_z"]
            transformed = frame[feature].astype(float)
            if feature in config.log_features:
                transformed = np.log1p(transformed)
            expected = raw * transformed.std(ddof=0) + transformed.mean()
            if feature in config.log_features:
                expected = np.expm1(expected)
            assert row[f"centroid_{feature}"] == pytest.approx(expected, rel=1e-9)
            level = "high" if raw >= 0.5 else "low" if raw <= -0.5 else "mid"
            assert row[f"{feature}_level"] == level
    assert table["n_members"].sum() == len(frame)


def test_forced_k_overrides_choice() -> None:
    frame = blobs_frame(5)
    config = SegmentationSettings.from_config(
        {"id_column": "id", "features": ["a", "b", "c"], "k": 3}
    )
    result = cluster(frame, config)
    assert result.k == 3
    chosen = result.sweep[result.sweep["is_chosen"]]
    assert chosen["k"].tolist() == [3]
    assert (result.sweep["selection_rule"] == FORCED_RULE).all()
    assert len(result.segments) == 3


def test_forced_k_outside_range_is_added_to_sweep() -> None:
    sweep = sweep_k(blobs_frame(3), settings(features=("a", "b", "c"), k_max=4, k=7))
    assert sweep["k"].tolist() == [2, 3, 4, 7]
    assert chosen_k(sweep) == 7


def test_forced_k_larger_than_possible_names_k_and_maximum() -> None:
    frame = pd.DataFrame({"id": range(6), "x": [1.0, 1, 2, 2, 3, 3]})
    config = settings(features=("x",), k=5)
    with pytest.raises(ValueError, match=r"k=5 .*maximum possible k=3"):
        sweep_k(frame, config)
    with pytest.raises(ValueError, match=r"k=4 .*maximum possible k=3"):
        fit_segmentation(frame, config, 4)


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
    result = cluster(frame, settings(features=("x", "y")))
    assert_single_segment(result, 1)
    assert result.assignments["distance_to_centroid"].iloc[0] == 0.0
    assert result.segments["n_members"].tolist() == [1]
    assert result.segments["segment_name"].tolist() == ["All"]


def test_two_rows_are_a_single_segment() -> None:
    frame = pd.DataFrame({"id": [2, 1], "x": [3.0, 5.0], "y": [1.0, 2.0]})
    result = cluster(frame, settings(features=("x", "y")))
    assert_single_segment(result, 2)
    assert result.assignments["id"].tolist() == [1, 2]
    # both points are one unit (in z-space, per axis) from their mean
    np.testing.assert_allclose(result.assignments["distance_to_centroid"], np.sqrt(2.0))


def test_identical_rows_are_a_single_segment_without_outliers() -> None:
    frame = pd.DataFrame({"id": range(80), "x": 2.0, "y": 7.0})
    result = cluster(frame, settings(features=("x", "y")))
    assert_single_segment(result, 80)
    assert not result.assignments["is_outlier"].any()
    assert (result.assignments["distance_to_centroid"] == 0).all()
    assert any("all features are constant" in w for w in result.warnings)


def test_fewer_rows_than_k_min_reduces_k_with_warning() -> None:
    frame = pd.DataFrame({"id": range(4), "x": [0.0, 1.0, 10.0, 11.0]})
    result = cluster(frame, settings(features=("x",), k_min=5, k_max=8))
    assert result.sweep["k"].tolist() == [3]
    assert result.k == 3
    assert any("reduced from [5, 8] to [3, 3]" in w for w in result.warnings)
    assert result.sweep["warnings"].iloc[0] != ""


def test_duplicate_ids_are_rejected() -> None:
    frame = pd.DataFrame({"id": [1, 1, 2], "x": [0.0, 1.0, 2.0]})
    with pytest.raises(ValueError, match="duplicated"):
        fit_segmentation(frame, settings(features=("x",)), 1)


def test_outlier_detection_can_be_switched_off_and_needs_fifty_rows() -> None:
    frame = rfm_frame(200)
    off = cluster(frame, rfm_config(detect_outliers=False))
    assert not off.assignments["is_outlier"].any()
    assert (off.sweep["n_fit_rows"] == 200).all()
    small = cluster(rfm_frame(49), rfm_config())
    assert not small.assignments["is_outlier"].any()


def test_non_numeric_value_column_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"Value column 'country' has \d+ non-numeric"):
        fit_segmentation(rfm_frame(30), rfm_config(value_column="country"), 2)


def test_id_dtype_is_preserved() -> None:
    frame = rfm_frame(60)
    frame["customer_id"] = frame["customer_id"].astype("string[pyarrow]")
    fit = fit_segmentation(frame, rfm_config(), 2)
    assert fit.assignments["customer_id"].dtype == frame["customer_id"].dtype


# --------------------------------------------------------------------------- pipeline


def test_three_level_categorical_is_one_hot_with_sorted_levels_and_mode_fill() -> None:
    # "b" and "c" are both the most frequent level: the tie goes to "b" (sorted first)
    colour = ["c", "b", None, "a", "c", "b", "c", "b", "a", None]
    frame = pd.DataFrame(
        {"id": range(10), "colour": colour, "size": [1.0, 2, 3, 4, 5, 6, 7, 8, 9, np.nan]}
    )
    config = settings(features=("colour", "size"), categorical_features=("colour",))
    prepared = prepare_features(frame, config)
    assert prepared.feature_names == ("colour_a", "colour_b", "colour_c", "size")
    filled = ["b" if v is None else v for v in colour]
    expected = np.column_stack(
        [[float(v == level) for v in filled] for level in ("a", "b", "c")]
        + [[1.0, 2, 3, 4, 5, 6, 7, 8, 9, 5.0]]  # median of 1..9
    )
    np.testing.assert_array_equal(prepared.original, expected)
    # standardised with the population standard deviation, written out by hand
    mean = expected.mean(axis=0)
    std = np.sqrt(((expected - mean) ** 2).mean(axis=0))
    np.testing.assert_allclose(prepared.matrix, (expected - mean) / std, atol=1e-12)
    assert (
        "feature 'colour': 2 null value(s) filled with the most frequent level 'b'"
        in prepared.warnings
    )
    assert "feature 'size': 1 null value(s) filled with the median 5" in prepared.warnings


def test_decimal_and_integer_inputs_are_read_as_floats() -> None:
    from decimal import Decimal

    frame = pd.DataFrame(
        {"id": range(4), "x": [Decimal("1.50"), Decimal("2.25"), None, Decimal("10.00")]}
    )
    prepared = prepare_features(frame, settings(features=("x",), log_features=("x",)))
    np.testing.assert_array_equal(prepared.original[:, 0], [1.5, 2.25, 2.25, 10.0])
    logged = np.log1p([1.5, 2.25, 2.25, 10.0])
    np.testing.assert_allclose(prepared.matrix[:, 0], (logged - logged.mean()) / logged.std())


def test_encoding_collision_is_rejected() -> None:
    frame = pd.DataFrame({"id": range(4), "g": ["x", "y", "x", "y"], "g_y": [1.0, 2, 3, 4]})
    with pytest.raises(ValueError, match=r"Encoding feature 'g' creates column\(s\) \['g_y'\]"):
        prepare_features(frame, settings(features=("g", "g_y"), categorical_features=("g",)))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([1.0, np.inf, 2.0], r"Feature 'x' has 1 infinite value\(s\)"),
        ([1.0, "abc", 2.0], r"Feature 'x' has 1 non-numeric value\(s\) \(e.g. 'abc'\)"),
    ],
)
def test_bad_numeric_values_are_named(values: list[object], message: str) -> None:
    frame = pd.DataFrame({"id": range(3), "x": values})
    with pytest.raises(ValueError, match=message):
        prepare_features(frame, settings(features=("x",)))


def test_empty_input_and_bad_ids_are_rejected_by_the_library() -> None:
    config = settings(features=("x",))
    with pytest.raises(ValueError, match="empty input"):
        sweep_k(pd.DataFrame({"id": [], "x": []}), config)
    with pytest.raises(ValueError, match=r"Id column 'id' has 1 null"):
        fit_segmentation(pd.DataFrame({"id": [1.0, None], "x": [1.0, 2.0]}), config, 1)


# --------------------------------------------------------------------------- fit once, apply many


def test_kmeans_is_fitted_exactly_once_per_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original_fit = KMeans.fit

    def counting_fit(self: KMeans, *args: object, **kwargs: object) -> KMeans:
        calls.append(self.n_clusters)
        return original_fit(self, *args, **kwargs)

    monkeypatch.setattr(KMeans, "fit", counting_fit)
    fitted = fit_segmentation(rfm_frame(), rfm_config(), 4)
    assert calls == [4]
    table = fitted.segments_table()
    assign_segments(rfm_frame(), FittedSegmentation.from_table(table))
    assert calls == [4]  # assigning refits nothing


def test_segments_table_round_trip_reproduces_the_fit_exactly() -> None:
    frame = rfm_frame(300)
    frame.loc[[4, 40], "recency_days"] = np.nan  # the stored median must be used
    fitted = fit_segmentation(frame, rfm_config(), 4)
    table = fitted.segments_table()
    # through DuckDB and back, as the dbt models store and read it
    con = duckdb.connect()
    con.register("segments_input", table)
    stored = to_frame(con.sql("select * from segments_input"))
    rebuilt = FittedSegmentation.from_table(stored)
    again = assign_segments(frame.sample(frac=1.0, random_state=3), rebuilt)
    assert fitted.assignments is not None
    pd.testing.assert_frame_equal(again, fitted.assignments, check_exact=True)
    assert fitted.assignments["is_outlier"].any()
    np.testing.assert_array_equal(rebuilt.centroids_z, fitted.centroids_z)
    assert rebuilt.preprocessor == fitted.preprocessor
    assert rebuilt.settings == fitted.settings
    assert rebuilt.names == fitted.names


def test_assigning_new_rows_uses_the_stored_model_without_refitting() -> None:
    frame = rfm_frame(300)
    fitted = fit_segmentation(frame, rfm_config(), 3)
    assert fitted.assignments is not None
    subset = frame.iloc[:30]  # fewer than 50 rows: no outlier detection
    assigned = assign_segments(subset, fitted).set_index("customer_id")
    full = fitted.assignments.set_index("customer_id").loc[assigned.index]
    # a refit on 30 rows would scale differently; the stored model gives the same points
    np.testing.assert_array_equal(assigned["segment_id"], full["segment_id"])
    np.testing.assert_array_equal(assigned["distance_to_centroid"], full["distance_to_centroid"])
    assert not assigned["is_outlier"].any()


def test_model_json_holds_exact_scaler_and_centroids() -> None:
    frame = rfm_frame()
    fitted = fit_segmentation(frame, rfm_config(), 3)
    model = json.loads(fitted.segments_table()["model_json"].iloc[0])
    preprocessor = model["preprocessor"]
    assert preprocessor["feature_names"] == list(RFM)
    logged = frame[list(RFM)].astype(float).copy()
    for column in ("monetary", "frequency"):
        logged[column] = np.log1p(logged[column])
    np.testing.assert_allclose(preprocessor["mean"], logged.mean(), rtol=1e-12)
    np.testing.assert_allclose(preprocessor["scale"], logged.std(ddof=0), rtol=1e-12)
    z = np.array([model["centroids_z"][str(i)] for i in (1, 2, 3)])
    np.testing.assert_array_equal(z, fitted.centroids_z)


# --------------------------------------------------------------------------- dbt adapter


def test_adapter_tables_match_the_library() -> None:
    frame = rfm_frame()
    config = {
        "id_column": "customer_id",
        "features": list(RFM),
        "log_features": ["monetary", "frequency"],
        "value_column": "monetary",
        "k_max": 6,
        "naming": {"method": "ranked", "single_segment_name": "Everyone"},
    }
    sweep = sweep_table(frame, config)
    segments = segments_table(frame, sweep, config)
    assignments = assignments_table(frame, segments)
    result = cluster(frame, SegmentationSettings.from_config(config))
    pd.testing.assert_frame_equal(sweep, result.sweep)
    pd.testing.assert_frame_equal(assignments, result.assignments, check_exact=True)
    assert list(segments.columns[:3]) == ["segment_id", "segment_name", "n_members"]
    assert list(segments.columns[-4:]) == ["k", "settings_json", "model_json", "warnings"]
    assert segments["k"].tolist() == [result.k] * result.k
    assert list(assignments.columns) == [
        "customer_id",
        "segment_id",
        "segment_name",
        "distance_to_centroid",
        "is_outlier",
    ]


def test_adapter_returns_typed_empty_tables_for_an_empty_input() -> None:
    config = {
        "id_column": "stock_code",
        "features": ["units", "revenue"],
        "log_features": ["units"],
    }
    frame = pd.DataFrame(
        {
            "stock_code": pd.Series(dtype="string"),
            "units": pd.Series(dtype="int64"),
            "revenue": pd.Series(dtype="float64"),
        }
    )
    sweep = sweep_table(frame, config)
    assert len(sweep) == 0
    assert dict(sweep.dtypes.astype(str)) == {
        "k": "int64",
        "inertia": "float64",
        "silhouette": "float64",
        "calinski_harabasz": "float64",
        "davies_bouldin": "float64",
        "n_fit_rows": "int64",
        "is_chosen": "bool",
        "selection_rule": "str",
        "warnings": "str",
    }
    segments = segments_table(frame, sweep, config)
    assert len(segments) == 0
    assert dict(segments.dtypes.astype(str)) == {
        "segment_id": "int64",
        "segment_name": "str",
        "n_members": "int64",
        "centroid_units": "float64",
        "centroid_units_z": "float64",
        "units_level": "str",
        "centroid_revenue": "float64",
        "centroid_revenue_z": "float64",
        "revenue_level": "str",
        "k": "int64",
        "settings_json": "str",
        "model_json": "str",
        "warnings": "str",
    }
    for assignments in (
        assignments_table(frame, segments),
        assignments_table(frame, segments, config),
    ):
        assert len(assignments) == 0
        assert dict(assignments.dtypes.astype(str)) == {
            "stock_code": "string",
            "segment_id": "int64",
            "segment_name": "str",
            "distance_to_centroid": "float64",
            "is_outlier": "bool",
        }


def test_adapter_still_rejects_a_bad_config_for_an_empty_input() -> None:
    with pytest.raises(ValueError, match="option 'k'"):
        sweep_table(
            pd.DataFrame({"id": [], "x": []}), {"id_column": "id", "features": ["x"], "k": "2"}
        )
