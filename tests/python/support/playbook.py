"""The customer segment playbook (seed `customer_segment_playbook`) read independently.

The tests apply the rules here in pandas, the way the seed's description states
them (first matching rule by priority, `any` matches every level, a feature that
is not clustered counts as mid), and compare with what dbt matched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from support.builds import DbtRun

PLAYBOOK_SEED = Path(__file__).resolve().parents[3] / "seeds" / "customer_segment_playbook.csv"
PLAYBOOK_FEATURES = ("recency_days", "frequency", "monetary")
# a name term that says lapsed, not "slightly lapsed"
LAPSED = re.compile(r"(?<!slightly )\blapsed\b", re.I)


def read_playbook() -> pd.DataFrame:
    return pd.read_csv(PLAYBOOK_SEED).sort_values("priority").reset_index(drop=True)


def catch_all_priority(playbook: pd.DataFrame) -> int:
    """The priority of the rule that matches any levels (the safety net)."""
    levels = playbook[[f"{f}_level" for f in PLAYBOOK_FEATURES]]
    catch_all = playbook[(levels == "any").all(axis=1)]
    assert len(catch_all) == 1, "one catch-all rule"
    return int(catch_all["priority"].iloc[0])


def first_rule(playbook: pd.DataFrame, levels: Mapping[str, str]) -> pd.Series:
    """The first rule by priority whose every level is `any` or the segment's level."""
    for _, rule in playbook.iterrows():
        if all(rule[f"{f}_level"] in ("any", levels.get(f, "mid")) for f in PLAYBOOK_FEATURES):
            return rule
    raise AssertionError(f"no playbook rule matches {dict(levels)}")


def is_lapsed(name: str) -> bool:
    return bool(LAPSED.search(name))


def assert_every_segment_gets_a_specific_rule(run: DbtRun) -> pd.DataFrame:
    """Every k-means customer segment of the build has the rule the seed gives its
    levels, never the catch-all, and a lapsed segment a rule for lapsed customers.
    Returns the segments with their rules."""
    playbook = read_playbook()
    segments = run.query(
        "select segment_id, segment_name, goal, recommended_action, "
        "recency_days_level, frequency_level, monetary_level from dim_customer_segments"
    )
    assert not segments.empty
    for segment in segments.itertuples(index=False):
        levels = {f: getattr(segment, f"{f}_level") for f in PLAYBOOK_FEATURES}
        rule = first_rule(playbook, levels)
        assert (segment.goal, segment.recommended_action) == (rule.goal, rule.recommended_action)
        assert rule.priority != catch_all_priority(playbook), segment.segment_name
        if is_lapsed(segment.segment_name):
            assert rule.recency_days_level == "high", (segment.segment_name, rule.goal)
    return segments
