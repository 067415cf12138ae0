"""Every name the customer naming can give gets a playbook rule written for it.

The names come from `retail_segments.naming.describe_names` with the customer
vocabulary of the project, over every centroid the three playbook features can
have (each feature far below, slightly below, at, slightly above or far above
the mean); the levels from `retail_segments.fit.level`. The builds on demo data
and both UCI files are checked with the same helper (`support/playbook.py`) in
test_customer_segments.py and test_facts_real_data.py, which own those builds.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from support.playbook import (
    PLAYBOOK_FEATURES,
    catch_all_priority,
    first_rule,
    is_lapsed,
    read_playbook,
)

from retail_segments.fit import level
from retail_segments.naming import describe_names
from retail_segments.settings import SegmentationSettings

CUSTOMER_MODELS = (
    Path(__file__).resolve().parents[2]
    / "python_models"
    / "intermediate"
    / "customers"
    / "_customers__models.yml"
)
# far below, slightly below, at, slightly above, far above the mean
Z_VALUES = (-1.5, -0.3, 0.0, 0.3, 1.5)


def customer_naming() -> dict:
    """The naming options of the customer segmentation (the YAML anchor)."""
    config = yaml.safe_load(CUSTOMER_MODELS.read_text())
    return config["x-customer-segmentation"]["naming"]


def every_possible_segment() -> pd.DataFrame:
    """One row per centroid of `Z_VALUES` on each playbook feature: name and levels."""
    naming = customer_naming()
    threshold = float(SegmentationSettings.model_fields["level_threshold"].default)
    rows = []
    for zs in itertools.product(Z_VALUES, repeat=len(PLAYBOOK_FEATURES)):
        centroid = pd.DataFrame([dict(zip(PLAYBOOK_FEATURES, zs, strict=True))], index=[1])
        name = describe_names(
            centroid,
            naming["vocabulary"],
            threshold=float(naming.get("threshold", 0.5)),
            term_order=naming["term_order"],
        )[1]
        levels = {f: str(level(np.array([z]), threshold)[0]) for f, z in centroid.iloc[0].items()}
        rows.append({"name": name, **levels})
    return pd.DataFrame(rows)


def test_a_name_tells_the_levels() -> None:
    segments = every_possible_segment()
    per_name = segments.groupby("name")[list(PLAYBOOK_FEATURES)].nunique()
    assert (per_name == 1).all().all(), "two centroids with the same name have other levels"
    assert len(segments.drop_duplicates(list(PLAYBOOK_FEATURES))) == 3 ** len(PLAYBOOK_FEATURES)


def test_every_possible_name_gets_a_specific_rule() -> None:
    playbook = read_playbook()
    catch_all = catch_all_priority(playbook)
    assert catch_all == playbook["priority"].max(), "the catch-all is the last rule"
    served: dict[int, set[str]] = {}
    for segment in every_possible_segment().itertuples(index=False):
        rule = first_rule(playbook, segment._asdict())
        assert rule.priority != catch_all, segment.name
        served.setdefault(int(rule.priority), set()).add(segment.name)
    unused = set(playbook["priority"]) - set(served) - {catch_all}
    assert not unused, f"rules no name reaches: {sorted(unused)}"


def test_a_lapsed_segment_gets_a_win_back_rule() -> None:
    playbook = read_playbook()
    lapsed = [s for s in every_possible_segment().itertuples(index=False) if is_lapsed(s.name)]
    assert lapsed, "the vocabulary says lapsed"
    for segment in lapsed:
        rule = first_rule(playbook, segment._asdict())
        assert rule.recency_days_level == "high", (segment.name, rule.goal)
        assert "move them up a tier" not in rule.recommended_action, segment.name
    assert not is_lapsed("Typical, slightly lapsed") and is_lapsed("Lapsed")


def test_a_feature_that_is_not_clustered_counts_as_mid() -> None:
    playbook = read_playbook()
    without_monetary = first_rule(playbook, {"recency_days": "mid", "frequency": "mid"})
    assert (
        without_monetary.priority
        == first_rule(
            playbook, {"recency_days": "mid", "frequency": "mid", "monetary": "mid"}
        ).priority
    )
    assert without_monetary.priority != catch_all_priority(playbook)
