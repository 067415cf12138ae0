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


def names_of(centroids: pd.DataFrame) -> list[str]:
    """The describe names the customer naming gives these centroids, together."""
    naming = customer_naming()
    table = centroids.reset_index(drop=True).set_axis(range(1, len(centroids) + 1))
    names = describe_names(
        table[list(PLAYBOOK_FEATURES)],
        naming["vocabulary"],
        threshold=float(naming.get("threshold", 0.5)),
        term_order=naming["term_order"],
    )
    return [names[i] for i in table.index]


def every_possible_segment() -> pd.DataFrame:
    """Each centroid of `Z_VALUES` on the playbook features, with its levels and its
    name alone; then named together with the centroids it shares that name with,
    which gives the longer names ("Typical, slightly lapsed") and suffixes ("(2)")
    the naming uses to keep names unique."""
    threshold = float(SegmentationSettings.model_fields["level_threshold"].default)
    centroids = pd.DataFrame(
        list(itertools.product(Z_VALUES, repeat=len(PLAYBOOK_FEATURES))),
        columns=list(PLAYBOOK_FEATURES),
    )
    levels = centroids.apply(lambda z: level(z.to_numpy(), threshold))
    alone = [names_of(centroids.iloc[[i]])[0] for i in range(len(centroids))]
    together = pd.Series(alone, dtype=object)
    for _, group in centroids.groupby(pd.Series(alone), sort=False):
        together[group.index] = names_of(group)
    rows = [levels.assign(name=alone), levels.assign(name=together.to_numpy())]
    return pd.concat(rows, ignore_index=True).drop_duplicates()


def test_a_name_tells_the_levels() -> None:
    segments = every_possible_segment()
    per_name = segments.groupby("name")[list(PLAYBOOK_FEATURES)].nunique()
    assert (per_name == 1).all().all(), "two centroids with the same name have other levels"
    assert len(segments.drop_duplicates(list(PLAYBOOK_FEATURES))) == 3 ** len(PLAYBOOK_FEATURES)
    assert segments["name"].str.contains("slightly").any(), "the longer names are among them"


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
