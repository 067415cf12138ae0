"""Tests for retail_segments.history: the stored k-means model of the segment history.

Expectations come from the outcomes themselves (which customers a segment holds,
which earlier segment they were in), never from hard-coded ids.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from retail_segments.fit import assign_segments, fit_segmentation
from retail_segments.history import (
    HistorySettings,
    StoredModel,
    assign_dates,
    latest_version,
    resolve_store,
)
from retail_segments.settings import SegmentationSettings

FIRST = dt.date(2011, 6, 30)
LATER = dt.date(2011, 9, 30)


def customers(n: int = 600, seed: int = 3, spend_factor: float = 1.0) -> pd.DataFrame:
    """Four well separated groups of customers (the planted behaviours of a shop)."""
    rng = np.random.default_rng(seed)
    group = np.arange(n) % 4
    monetary = rng.lognormal(np.array([8.0, 6.0, 4.5, 3.0])[group], 0.25) * spend_factor
    frequency = rng.poisson(np.array([30, 10, 3, 1])[group]) + 1
    recency = rng.gamma(4.0, np.array([2.0, 8.0, 30.0, 80.0])[group]) + 1
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(n)],
            "recency_days": recency,
            "frequency": frequency.astype(float),
            "monetary": monetary,
            "group": group,
        }
    )


def segmentation() -> SegmentationSettings:
    features = ("recency_days", "frequency", "monetary")
    return SegmentationSettings(
        id_column="customer_id",
        features=features,
        log_features=features,
        value_column="monetary",
        k_max=6,
    )


def fit_table(frame: pd.DataFrame, k: int = 4) -> pd.DataFrame:
    return fit_segmentation(frame, segmentation(), k).segments_table()


def first_store(frame: pd.DataFrame, k: int = 4) -> pd.DataFrame:
    store, check = resolve_store(
        pd.DataFrame(), fit_table(frame, k), frame, FIRST, HistorySettings()
    )
    assert check["decision"] == "first fit"
    return store


def test_first_fit_stores_the_build_fit_with_its_ids_and_names() -> None:
    frame = customers()
    fitted = fit_segmentation(frame, segmentation(), 4)
    store = first_store(frame)
    assert store["model_version"].unique().tolist() == [1]
    assert store["segment_id"].tolist() == list(range(1, 5))
    assert dict(zip(store["segment_id"], store["segment_name"], strict=True)) == fitted.names
    model = StoredModel.from_rows(store)
    assigned = model.assign(frame)
    expected = fitted.assignments
    assert assigned["kmeans_segment_id"].tolist() == expected["segment_id"].tolist()
    assert assigned["kmeans_segment_name"].tolist() == expected["segment_name"].tolist()
    np.testing.assert_allclose(assigned["kmeans_distance"], expected["distance_to_centroid"])


def test_reference_inertia_is_the_mean_squared_distance_at_the_fit() -> None:
    frame = customers()
    store = first_store(frame)
    fitted = fit_segmentation(frame, segmentation(), 4)
    distances = fitted.assignments["distance_to_centroid"].to_numpy()
    assert store["reference_inertia_per_customer"].iloc[0] == pytest.approx(np.mean(distances**2))


def test_same_model_gives_the_same_ids_on_every_application() -> None:
    frame = customers()
    store = first_store(frame)
    later = customers(seed=11)
    model = StoredModel.from_rows(store)
    once, twice = model.assign(later), StoredModel.from_rows(store).assign(later)
    pd.testing.assert_frame_equal(once, twice)
    # the stored model assigns like the in-memory fit it was made from
    fitted = fit_segmentation(frame, segmentation(), 4)
    direct = assign_segments(later, fitted)
    assert once["kmeans_segment_id"].tolist() == direct["segment_id"].tolist()


def test_a_similar_date_keeps_the_stored_model() -> None:
    frame = customers()
    store = first_store(frame)
    later = customers(seed=11)
    after, check = resolve_store(store, fit_table(later), later, LATER, HistorySettings())
    pd.testing.assert_frame_equal(after, store)
    assert check["decision"] == "kept"
    assert not check["drift_detected"]
    assert check["model_version"] == 1


def test_refit_matches_every_segment_to_the_earlier_id_of_its_customers() -> None:
    frame = customers()
    store = first_store(frame)
    later = customers(seed=11, spend_factor=1.3)
    settings = HistorySettings(refit=True)
    after, check = resolve_store(store, fit_table(later), later, LATER, settings)
    assert check["decision"] == "refit requested"
    new = after[after["model_version"] == 2]
    assert sorted(new["segment_id"]) == sorted(store["segment_id"])
    # independently: the customers of each new segment were mostly, by the old
    # model, in the segment whose id it took
    new_ids = StoredModel.from_rows(new).assign(later)
    old_ids = StoredModel.from_rows(store).assign(later)
    joined = new_ids.merge(old_ids, on="customer_id", suffixes=("_new", "_old"))
    majority = joined.groupby("kmeans_segment_id_new")["kmeans_segment_id_old"].agg(
        lambda ids: ids.mode().iloc[0]
    )
    assert (majority.index == majority.to_numpy()).all(), majority
    old_names = dict(zip(store["segment_id"], store["segment_name"], strict=True))
    assert dict(zip(new["segment_id"], new["segment_name"], strict=True)) == old_names
    assert new["matched_distance"].notna().all()


def test_a_segment_without_a_match_gets_a_new_id() -> None:
    frame = customers()
    store = first_store(frame, k=3)
    after, _ = resolve_store(
        store, fit_table(frame, k=4), frame, LATER, HistorySettings(refit=True)
    )
    new = after[after["model_version"] == 2]
    assert sorted(new["segment_id"]) == [1, 2, 3, 4]
    unmatched = new[new["segment_id"] == 4]
    assert unmatched["matched_distance"].isna().all()
    assert new["segment_name"].is_unique


def test_drift_refits_when_spend_moves_far() -> None:
    frame = customers()
    store = first_store(frame)
    later = customers(seed=11, spend_factor=40.0)
    after, check = resolve_store(store, fit_table(later), later, LATER, HistorySettings())
    assert check["drift_detected"]
    assert check["decision"] == "refit: drift"
    assert check["max_feature_mean_shift"] > HistorySettings().max_mean_shift
    assert after["model_version"].max() == 2


def test_resolving_again_gives_the_same_store_and_check() -> None:
    frame = customers()
    store = first_store(frame)
    later = customers(seed=11, spend_factor=1.3)
    table = fit_table(later)
    for settings in (HistorySettings(), HistorySettings(refit=True)):
        once, first_check = resolve_store(store, table, later, LATER, settings)
        twice, second_check = resolve_store(once, table, later, LATER, settings)
        pd.testing.assert_frame_equal(once, twice)
        assert {k: v for k, v in first_check.items() if v == v} == {
            k: v for k, v in second_check.items() if v == v
        }


def test_assign_dates_uses_the_latest_version_for_every_date() -> None:
    frame = customers()
    store = first_store(frame)
    later = customers(seed=11, spend_factor=1.3)
    store, _ = resolve_store(store, fit_table(later), later, LATER, HistorySettings(refit=True))
    dated = pd.concat(
        [frame.assign(as_of_date=pd.Timestamp(FIRST)), later.assign(as_of_date=pd.Timestamp(LATER))]
    )
    assigned = assign_dates(dated, store)
    assert len(assigned) == len(dated)
    assert set(assigned["kmeans_model_version"]) == {2}
    latest = latest_version(store)
    assert latest is not None
    expected = latest.assign(later)["kmeans_segment_id"].tolist()
    got = assigned[assigned["as_of_date"] == pd.Timestamp(LATER)]["kmeans_segment_id"].tolist()
    assert got == expected


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"refit": "yes"}, "customer_segment_refit"),
        ({"max_inertia_change": -1}, "max_inertia_change"),
        ({"max_mean_shift": "x"}, "max_mean_shift"),
        ({"unknown": 1}, "unknown history settings"),
    ],
)
def test_history_settings_name_the_bad_value(config: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        HistorySettings.from_config(config)


def test_history_settings_accept_what_dbt_renders() -> None:
    settings = HistorySettings.from_config(
        {
            "refit": "True",
            "max_inertia_change": "0.25",
            "max_mean_shift": 1,
            "max_match_distance": 2,
        }
    )
    assert settings == HistorySettings(True, 0.25, 1.0, 2.0)


def test_a_model_on_a_feature_the_history_lacks_leaves_the_segments_null() -> None:
    frame = customers()
    store = first_store(frame)
    dated = frame.drop(columns="monetary").assign(as_of_date=pd.Timestamp(FIRST))
    assigned = assign_dates(dated, store)
    assert len(assigned) == len(frame)
    assert assigned["kmeans_segment_id"].isna().all()
    assert assigned["kmeans_segment_name"].isna().all()
    assert (assigned["kmeans_model_version"] == 1).all()
