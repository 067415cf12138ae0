"""The report's "Segment history" section on small frames, with expectations counted
independently from the history (no warehouse, no dbt)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from retail_segments.report.blocks import Figure, Note
from retail_segments.report.history_section import (
    NEW,
    biggest_movements,
    migration_matrix,
    segment_sizes,
    segmentation_blocks,
    stored_model_note,
)

SEGMENTS = ["Champions", "Loyal Customers", "At Risk", "Lost"]


def history(seed: int = 5) -> pd.DataFrame:
    """Three month ends; customers join over time and drift between segments."""
    rng = np.random.default_rng(seed)
    dates = pd.to_datetime(["2011-09-30", "2011-10-31", "2011-11-30"])
    rows = []
    for i, date in enumerate(dates):
        for customer in range(60 + 30 * i):
            segment = SEGMENTS[(customer + rng.integers(0, 2) * i) % len(SEGMENTS)]
            rows.append(
                {
                    "as_of_date": date,
                    "customer_id": f"C{customer:03d}",
                    "rfm_segment": segment,
                    "kmeans_segment_id": SEGMENTS.index(segment) + 1,
                    "kmeans_segment_name": segment,
                    "monetary": 10.0 * (i + 1) + customer,
                }
            )
    return pd.DataFrame(rows)


def migrations(frame: pd.DataFrame) -> pd.DataFrame:
    """What fct_customer_segment_migrations holds, for the RFM segments of `frame`."""
    dates = sorted(frame["as_of_date"].unique())
    parts = []
    for before, after in zip(dates[:-1], dates[1:], strict=True):
        later = frame[frame["as_of_date"] == after]
        earlier = frame[frame["as_of_date"] == before][["customer_id", "rfm_segment"]]
        moves = later.merge(earlier, on="customer_id", how="left", suffixes=("", "_from"))
        moves["from_segment"] = moves["rfm_segment_from"].fillna(NEW)
        counted = moves.groupby(["from_segment", "rfm_segment"]).size().rename("customers")
        counted = counted.reset_index().rename(columns={"rfm_segment": "to_segment"})
        parts.append(counted.assign(from_as_of_date=before, to_as_of_date=after))
    return pd.concat(parts, ignore_index=True).assign(segmentation="rfm")


def test_sizes_count_the_customers_of_each_segment_and_date() -> None:
    frame = history()
    sizes = segment_sizes(frame, "rfm_segment")
    expected = pd.crosstab(frame["as_of_date"], frame["rfm_segment"])
    pd.testing.assert_frame_equal(
        sizes.sort_index(axis=1), expected.sort_index(axis=1), check_names=False
    )
    assert list(sizes.columns) == list(expected.sum().sort_values(ascending=False).index)


def test_matrix_of_the_last_pair_counts_every_later_customer_once() -> None:
    frame = history()
    matrix = migration_matrix(migrations(frame), "rfm")
    last = frame[frame["as_of_date"] == frame["as_of_date"].max()]
    assert matrix.to_numpy().sum() == len(last)
    assert matrix.index[-1] == NEW
    new_customers = set(last["customer_id"]) - set(
        frame[frame["as_of_date"] == sorted(frame["as_of_date"].unique())[-2]]["customer_id"]
    )
    assert matrix.loc[NEW].sum() == len(new_customers)
    np.testing.assert_array_equal(
        matrix.sum(axis=0).reindex(SEGMENTS).to_numpy(),
        last["rfm_segment"].value_counts().reindex(SEGMENTS).to_numpy(),
    )


def test_biggest_movements_name_the_largest_changes_in_words() -> None:
    frame = history()
    dates = sorted(frame["as_of_date"].unique())
    pairs = frame[frame["as_of_date"] == dates[-1]].merge(
        frame[frame["as_of_date"] == dates[-2]], on="customer_id", suffixes=("_to", "_from")
    )
    moved = pairs[pairs["rfm_segment_from"] != pairs["rfm_segment_to"]]
    counts = moved.groupby(["rfm_segment_from", "rfm_segment_to"]).size()
    counts = counts.reset_index(name="n").sort_values(
        ["n", "rfm_segment_from", "rfm_segment_to"], ascending=[False, True, True]
    )
    expected = [
        f"{r.n:,} {r.rfm_segment_from} became {r.rfm_segment_to}" for r in counts.itertuples()
    ]
    assert biggest_movements(migrations(frame), "rfm", 3) == expected[:3]


def test_blocks_are_two_figures_and_the_movements_in_words() -> None:
    frame = history()
    blocks = segmentation_blocks(frame, migrations(frame), "rfm")
    assert [type(b) for b in blocks] == [Figure, Figure, Note]
    note = blocks[-1]
    assert isinstance(note, Note)
    assert biggest_movements(migrations(frame), "rfm", 1)[0] in note.text


def test_one_date_draws_the_sizes_without_a_matrix() -> None:
    frame = history()
    first = frame[frame["as_of_date"] == frame["as_of_date"].min()]
    empty = migrations(frame).iloc[0:0]
    blocks = segmentation_blocks(first, empty, "rfm")
    assert [type(b) for b in blocks] == [Figure]


def test_stored_model_note_names_the_latest_version_and_the_last_check() -> None:
    models = pd.DataFrame(
        {
            "model_version": [1, 1, 2, 2],
            "fitted_as_of": pd.to_datetime(["2011-06-01"] * 2 + ["2011-12-10"] * 2),
            "created_reason": ["first fit"] * 2 + ["refit: drift"] * 2,
            "k": [2, 2, 2, 2],
        }
    )
    checks = pd.DataFrame(
        {
            "as_of_date": pd.to_datetime(["2011-06-01", "2011-12-10"]),
            "inertia_change": [np.nan, 0.66],
            "max_feature_mean_shift": [np.nan, 0.43],
            "decision": ["first fit", "refit: drift"],
        }
    )
    note = stored_model_note(models, checks)
    assert note is not None
    assert "version 2 (refit: drift, fitted at 2011-12-10, k = 2)" in note.text
    assert "+66% since the fit" in note.text and '"refit: drift"' in note.text
    assert stored_model_note(None, None) is None


def test_a_history_without_kmeans_segments_says_so() -> None:
    frame = history().assign(kmeans_segment_id=pd.NA, kmeans_segment_name=None)
    blocks = segmentation_blocks(frame, migrations(frame).iloc[0:0], "kmeans")
    assert [type(b) for b in blocks] == [Note]
    assert "does not compute" in blocks[0].text
