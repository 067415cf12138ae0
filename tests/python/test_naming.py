"""Tests for retail_segments.naming."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from retail_segments.clustering import cluster
from retail_segments.naming import (
    archetype_names,
    describe_names,
    name_segments,
    ranked_names,
    z_profile,
)
from retail_segments.settings import SegmentationSettings

VOCABULARY = {
    "monetary": ("Low spend", "High spend"),
    "frequency": ("infrequent", "frequent"),
    "recency_days": ("recent", "lapsed"),
}
PRODUCT_ARCHETYPES = {
    "Best sellers": {"units": 1, "customers": 1, "revenue": 1},
    "Premium niche": {"avg_price": 1, "units": -1},
    "Steady sellers": {"units": 0.3, "customers": 0.5, "avg_price": -0.5},
    "Long tail": {"units": -1, "revenue": -1, "customers": -1},
}


def z_frame(rows: dict[int, dict[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.index.name = "segment_id"
    return frame.reset_index()


# --------------------------------------------------------------------------- describe


def test_describe_orders_terms_by_strength_and_capitalises() -> None:
    z = z_frame(
        {
            1: {"monetary": 1.5, "frequency": 0.9, "recency_days": -0.6},
            2: {"monetary": -0.7, "frequency": -1.2, "recency_days": 2.0},
            3: {"monetary": 0.1, "frequency": -0.2, "recency_days": 0.3},
        }
    )
    names = describe_names(z, VOCABULARY)
    assert names == {
        1: "High spend, frequent, recent",
        2: "Lapsed, infrequent, low spend",
        3: "Typical",
    }


def test_describe_respects_threshold_and_max_terms() -> None:
    z = z_frame({1: {"monetary": 2.0, "frequency": 1.0, "recency_days": 0.7}})
    assert describe_names(z, VOCABULARY, max_terms=2) == {1: "High spend, frequent"}
    assert describe_names(z, VOCABULARY, threshold=1.5) == {1: "High spend"}


def test_describe_collision_adds_next_most_distinctive_term() -> None:
    z = z_frame(
        {
            1: {"monetary": 1.5, "frequency": 0.9, "recency_days": -0.3},
            2: {"monetary": 1.4, "frequency": 0.8, "recency_days": 0.2},
        }
    )
    names = describe_names(z, VOCABULARY, max_terms=2)
    assert names == {
        1: "High spend, frequent, slightly recent",
        2: "High spend, frequent, slightly lapsed",
    }


def test_describe_unresolvable_collision_gets_numeric_suffix() -> None:
    same = {"monetary": 1.0, "frequency": 0.0, "recency_days": 0.0}
    z = z_frame({1: same, 2: same, 3: same, 4: {"monetary": 0.0}})
    names = describe_names(z, VOCABULARY)
    assert names == {1: "High spend", 2: "High spend (2)", 3: "High spend (3)", 4: "Typical"}


def test_describe_typical_segments_are_made_unique() -> None:
    z = z_frame(
        {
            1: {"monetary": 0.2, "frequency": 0.1, "recency_days": 0.0},
            2: {"monetary": -0.3, "frequency": 0.1, "recency_days": 0.0},
        }
    )
    names = describe_names(z, VOCABULARY)
    assert names == {1: "Typical, slightly high spend", 2: "Typical, slightly low spend"}


def test_describe_reads_full_centroid_frame_z_columns() -> None:
    centroids = pd.DataFrame(
        {
            "segment_id": [2, 1],
            "n_members": [10, 20],
            "monetary": [5000.0, 20.0],  # original units must be ignored
            "monetary_z": [1.2, -1.1],
        }
    )
    assert z_profile(centroids).columns.tolist() == ["monetary"]
    assert describe_names(centroids, VOCABULARY) == {1: "Low spend", 2: "High spend"}


def test_describe_rejects_malformed_vocabulary() -> None:
    z = z_frame({1: {"monetary": 1.0}})
    with pytest.raises(ValueError, match="low_word, high_word"):
        describe_names(z, {"monetary": ("only one",)})  # type: ignore[dict-item]


# --------------------------------------------------------------------------- ranked


@pytest.mark.parametrize(
    ("k", "expected"),
    [
        (1, ["All"]),
        (2, ["High spending", "Low spending"]),
        (3, ["High spending", "Medium spending", "Low spending"]),
        (
            4,
            [
                "High spending",
                "Upper-medium spending",
                "Lower-medium spending",
                "Low spending",
            ],
        ),
        (
            5,
            [
                "High spending",
                "Upper-medium spending",
                "Medium spending",
                "Lower-medium spending",
                "Low spending",
            ],
        ),
        (7, [f"Spending tier {i}" for i in range(1, 8)]),
    ],
)
def test_ranked_names(k: int, expected: list[str]) -> None:
    names = ranked_names(k)
    assert names == dict(enumerate(expected, start=1))
    assert len(set(names.values())) == k


def test_ranked_names_custom_labels() -> None:
    assert ranked_names(2, ("Gold", "Silver", "Bronze")) == {1: "Gold", 2: "Bronze"}
    assert ranked_names(6, ("Gold", "Silver", "Bronze"))[6] == "Tier 6"
    assert ranked_names(3, ("A", "B", "C", "D", "E")) == {1: "A", 2: "C", 3: "E"}
    with pytest.raises(ValueError, match="unique"):
        ranked_names(2, ("Same", "Same"))
    with pytest.raises(ValueError, match="k must be >= 1"):
        ranked_names(0)


# --------------------------------------------------------------------------- archetype


def product_z() -> pd.DataFrame:
    return z_frame(
        {
            1: {"units": -1.0, "customers": -0.9, "revenue": -1.1, "avg_price": 0.0},
            2: {"units": 1.5, "customers": 1.2, "revenue": 1.8, "avg_price": 0.1},
            3: {"units": -0.8, "customers": -0.2, "revenue": 0.4, "avg_price": 2.0},
            4: {"units": 0.3, "customers": 0.6, "revenue": 0.1, "avg_price": -0.7},
        }
    )


def test_archetypes_are_assigned_one_to_one() -> None:
    names = archetype_names(product_z(), PRODUCT_ARCHETYPES)
    assert names == {
        1: "Long tail",
        2: "Best sellers",
        3: "Premium niche",
        4: "Steady sellers",
    }


def test_archetype_assignment_is_unique_even_when_greedy_would_clash() -> None:
    # both segments look most like "Best sellers"; segment 2 matches it better,
    # so segment 1 must take its second choice
    z = z_frame(
        {
            1: {"units": 1.0, "customers": 1.0, "revenue": 1.0, "avg_price": 0.9},
            2: {"units": 2.0, "customers": 2.0, "revenue": 2.0, "avg_price": -1.0},
        }
    )
    archetypes = {k: PRODUCT_ARCHETYPES[k] for k in ("Best sellers", "Premium niche")}
    names = archetype_names(z, archetypes)
    assert names == {1: "Premium niche", 2: "Best sellers"}


def test_extra_segments_fall_back_to_describe_names() -> None:
    z = product_z()
    archetypes = {k: PRODUCT_ARCHETYPES[k] for k in ("Best sellers", "Long tail")}
    names = archetype_names(z, archetypes)
    assert names[1] == "Long tail" and names[2] == "Best sellers"
    assert names[3] == "High avg_price, low units"
    assert names[4].startswith("Low avg_price")
    assert len(set(names.values())) == 4
    assert archetype_names(z, archetypes) == names


def test_archetypes_need_a_known_feature() -> None:
    with pytest.raises(ValueError, match="No archetype feature"):
        archetype_names(product_z(), {"Odd": {"margin": 1.0}})


# --------------------------------------------------------------------------- dispatch


def test_name_segments_dispatches_and_validates() -> None:
    centroids = product_z().rename(columns=lambda c: c if c == "segment_id" else f"{c}_z")
    assert name_segments(centroids, {"method": "ranked"})[1] == "High spending"
    archetyped = name_segments(centroids, {"method": "archetype", "archetypes": PRODUCT_ARCHETYPES})
    assert archetyped[2] == "Best sellers"
    vocabulary = {"units": ["few units", "many units"]}
    described = name_segments(centroids, {"method": "describe", "vocabulary": vocabulary})
    assert described[2] == "Many units"
    with pytest.raises(ValueError, match=r"valid methods: \['describe', 'ranked', 'archetype'\]"):
        name_segments(centroids, {"method": "clever"})
    with pytest.raises(ValueError, match="allowed"):
        name_segments(centroids, {"method": "ranked", "vocabulary": vocabulary})
    with pytest.raises(ValueError, match="needs the option 'vocabulary'"):
        name_segments(centroids, {"method": "describe"})


def test_names_of_a_real_clustering_are_unique() -> None:
    rng = np.random.default_rng(4)
    n = 300
    frame = pd.DataFrame(
        {
            "customer_id": np.arange(n),
            "monetary": rng.lognormal(5, 1.2, n),
            "frequency": rng.poisson(4, n) + 1.0,
            "recency_days": rng.exponential(80, n),
        }
    )
    config = SegmentationSettings(
        id_column="customer_id",
        features=tuple(VOCABULARY),
        log_features=("monetary", "frequency"),
        k=8,
    )
    result = cluster(frame, config)
    for naming in (
        {"method": "describe", "vocabulary": VOCABULARY, "max_terms": 1},
        {"method": "ranked"},
    ):
        names = name_segments(result.fitted.centroids().reset_index(), naming)
        assert sorted(names) == list(range(1, 9))
        assert len(set(names.values())) == 8
