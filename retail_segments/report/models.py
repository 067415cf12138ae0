"""How each segmentation was configured: a row of the mart `diag_segment_models`.

The report draws the features that were clustered, on the scale they were
clustered on, from that row; a warehouse without the table gets the project's
default settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SEGMENTATION_NAMES = ("customer", "country", "product", "demographic")


@dataclass(frozen=True)
class SegmentModel:
    segmentation: str
    k: int | None
    features: tuple[str, ...]
    log_features: tuple[str, ...]
    categorical_features: tuple[str, ...] = ()
    value_column: str | None = None
    settings: Mapping[str, object] = field(default_factory=dict)
    configured: bool = True  # False: the defaults below, no diag_segment_models row

    def usable(self, columns: Sequence[str]) -> SegmentModel:
        """The model restricted to the features found in `columns`."""
        present = tuple(f for f in self.features if f in columns)
        logs = tuple(f for f in self.log_features if f in present)
        return SegmentModel(
            self.segmentation,
            self.k,
            present,
            logs,
            self.categorical_features,
            self.value_column,
            self.settings,
            self.configured,
        )


# The defaults of dbt_project.yml, for warehouses built before diag_segment_models.
DEFAULT_MODELS = {
    "customer": SegmentModel(
        "customer",
        None,
        ("recency_days", "frequency", "monetary"),
        ("recency_days", "frequency", "monetary"),
        value_column="monetary",
        configured=False,
    ),
    "country": SegmentModel(
        "country",
        3,
        ("revenue", "customers", "avg_order_value"),
        ("revenue", "customers", "avg_order_value"),
        value_column="revenue",
        configured=False,
    ),
    "product": SegmentModel(
        "product",
        None,
        ("units", "invoices", "customers", "revenue", "avg_unit_price"),
        ("units", "invoices", "customers", "revenue", "avg_unit_price"),
        value_column="revenue",
        configured=False,
    ),
    "demographic": SegmentModel(
        "demographic",
        None,
        ("age", "annual_income", "spending_score"),
        (),
        value_column="monetary",
        configured=False,
    ),
}


def json_list(text: object) -> tuple[str, ...]:
    """A JSON text list (or None / an empty text) as a tuple of names."""
    if text is None or (isinstance(text, float) and text != text):
        return ()
    try:
        value = json.loads(str(text)) if str(text).strip() else []
    except json.JSONDecodeError:  # a bare name or a comma list
        value = [part.strip() for part in str(text).split(",") if part.strip()]
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value or [])


def json_object(text: object) -> dict[str, object]:
    try:
        value = json.loads(str(text)) if text is not None else {}
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def optional_int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def model_from_row(row: Mapping[str, object]) -> SegmentModel:
    """One diag_segment_models row (column name -> value) as a `SegmentModel`."""
    value_column = row.get("value_column")
    return SegmentModel(
        segmentation=str(row["segmentation"]),
        k=optional_int(row.get("k")),
        features=json_list(row.get("features")),
        log_features=json_list(row.get("log_features")),
        categorical_features=json_list(row.get("categorical_features")),
        value_column=None if value_column is None else str(value_column),
        settings=json_object(row.get("settings_json")),
    )


def models_from_rows(rows: Sequence[Mapping[str, object]]) -> dict[str, SegmentModel]:
    """Every segmentation's model: the configured row, else the project default."""
    models = dict(DEFAULT_MODELS)
    for row in rows:
        model = model_from_row(row)
        models[model.segmentation] = model
    return models
