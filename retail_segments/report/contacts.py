"""Contact lists: one CSV per k-means customer segment, written beside the report.

The segment cards link each list by a path relative to the report
(`contact_lists/segment_1_high_spend_frequent_recent.csv`), so the report and its
folder can be moved or mailed together.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from retail_segments.report.warehouse import Warehouse

CONTACT_DIR = "contact_lists"  # beside the report


def contact_list_name(segment_id: int, segment_name: str) -> str:
    """`segment_2_high_spend_infrequent.csv`: the id keeps it unique, the name readable."""
    slug = re.sub(r"[^a-z0-9]+", "_", segment_name.lower()).strip("_")[:60].rstrip("_")
    return f"segment_{int(segment_id)}{'_' + slug if slug else ''}.csv"


def contact_list_href(segment_id: int, segment_name: str) -> str:
    """The link from the report to the segment's contact list."""
    return f"{CONTACT_DIR}/{contact_list_name(segment_id, segment_name)}"


def write_contact_lists(wh: Warehouse, segments: pd.DataFrame, report_path: Path) -> list[Path]:
    """One CSV per segment of `segments` (segment_id, segment_name) in the folder
    beside `report_path`; lists of segments that are gone are removed."""
    folder = Path(report_path).parent / CONTACT_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for segment_id, name in segments[["segment_id", "segment_name"]].itertuples(index=False):
        path = folder / contact_list_name(segment_id, name)
        wh.contact_list(int(segment_id)).to_csv(path, index=False, lineterminator="\n")
        written.append(path)
    for stale in set(folder.glob("segment_*.csv")) - set(written):
        stale.unlink()
    return written
