"""What the dbt Python models call: one thin adapter for every segmentation.

Each segmentation (customers, countries, products, demographics) is three thin
dbt Python models that read a mart, pass it here with their ``segmentation``
config (rendered natively by dbt, validated once by
:class:`~retail_segments.settings.SegmentationSettings`) and return a table:

* :func:`sweep_table`: one row per k with the quality metrics and the chosen k;
* :func:`segments_table`: one row per segment (fitted once, at the sweep's
  chosen k) with its name, size, centroid and feature levels, plus the settings
  and the model as JSON;
* :func:`assignments_table`: one row per entity with its segment, computed from
  the segments table alone (no refit).

An input without rows (an orders export has no products; a build without an
attribute table has no demographics) gives tables without rows but with their
columns and types, instead of an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from retail_segments.fit import (
    ASSIGNMENT_COLUMNS,
    FittedSegmentation,
    assign_segments,
    fit_segmentation,
)
from retail_segments.settings import SegmentationSettings
from retail_segments.sweep import chosen_k, empty_sweep, sweep_k


def to_frame(relation: Any) -> pd.DataFrame:
    """A DuckDB relation (what `dbt.ref` gives) as pandas, through Arrow (fast)."""
    if isinstance(relation, pd.DataFrame):
        return relation
    table = relation.arrow()
    if hasattr(table, "read_all"):  # a RecordBatchReader on some duckdb versions
        table = table.read_all()
    return table.to_pandas()


def sweep_table(frame: pd.DataFrame, config: Mapping[str, Any]) -> pd.DataFrame:
    """One row per k: inertia, silhouette, Calinski-Harabasz, Davies-Bouldin, chosen k."""
    settings = SegmentationSettings.from_config(config)
    if len(frame) == 0:
        return empty_sweep()
    sweep = sweep_k(frame, settings)
    return sweep.astype({"k": "int64", "n_fit_rows": "int64", "is_chosen": "bool"})


def segments_table(
    frame: pd.DataFrame, sweep: pd.DataFrame, config: Mapping[str, Any]
) -> pd.DataFrame:
    """One row per segment at the sweep's chosen k (the one KMeans fit of the build).

    ``warnings`` joins the fit's and the sweep's warnings (each once).
    """
    settings = SegmentationSettings.from_config(config)
    if len(frame) == 0:
        return empty_segments(settings)
    table = fit_segmentation(frame, settings, chosen_k(sweep)).segments_table()
    fit_warnings = [w for w in str(table["warnings"].iloc[0]).split("; ") if w]
    sweep_warnings = [w for w in str(sweep["warnings"].iloc[0]).split("; ") if w]
    table["warnings"] = "; ".join(dict.fromkeys([*fit_warnings, *sweep_warnings]))
    return table


def assignments_table(
    frame: pd.DataFrame,
    segments: pd.DataFrame,
    config: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """One row per entity: segment id (1 = most valuable), name, distance, outlier flag.

    The settings come from the segments table (``settings_json``).  A segments
    table without rows has no settings to read: then ``frame`` must be empty
    too, and the id column is ``config['id_column']`` when ``config`` is given,
    else the first column of ``frame``.
    """
    if len(segments) == 0:
        if len(frame):
            raise ValueError(
                f"The segments table is empty but the input has {len(frame)} rows: "
                "build the segments from this input first"
            )
        if config is not None:
            id_column = SegmentationSettings.from_config(config).id_column
        else:
            id_column = str(frame.columns[0])
        return empty_assignments(frame, id_column)
    return assign_segments(frame, FittedSegmentation.from_table(segments))


def empty_segments(settings: SegmentationSettings) -> pd.DataFrame:
    """A segments table without rows, with the columns and types of a fitted one.

    Text columns are pandas strings, not ``object``: DuckDB types an empty ``object``
    column INTEGER, which would break the marts' enforced contracts (varchar)."""
    columns: dict[str, str] = {"segment_id": "int64", "segment_name": "str"}
    columns["n_members"] = "int64"
    for feature in settings.features:
        columns[f"centroid_{feature}"] = "float64"
        columns[f"centroid_{feature}_z"] = "float64"
        columns[f"{feature}_level"] = "str"
    columns.update(k="int64", settings_json="str", model_json="str", warnings="str")
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def empty_assignments(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """An assignments table without rows; the id keeps the input's type when it has one."""
    id_type = frame[id_column].dtype if id_column in frame.columns else "str"
    types = dict(zip(ASSIGNMENT_COLUMNS, ("int64", "str", "float64", "bool"), strict=True))
    data = {id_column: pd.Series(dtype=id_type)}
    data.update({name: pd.Series(dtype=dtype) for name, dtype in types.items()})
    return pd.DataFrame(data)


def stored_models_table(
    previous: Any,
    fit_table: pd.DataFrame,
    frame: pd.DataFrame,
    as_of: Any,
    config: Mapping[str, Any] | None,
) -> pd.DataFrame:
    """The stored customer segment models after this build (`retail_segments.history`).

    `previous` is the stored table (a relation or frame) or None on the first build.
    """
    from retail_segments import history

    if len(frame) == 0:
        return history.empty_frame(history.STORE_COLUMNS)
    store = history.empty_frame(history.STORE_COLUMNS) if previous is None else to_frame(previous)
    settings = history.HistorySettings.from_config(config)
    store, _ = history.resolve_store(store, fit_table, frame, _date(as_of), settings)
    return store


def model_check_table(
    store: pd.DataFrame,
    fit_table: pd.DataFrame,
    frame: pd.DataFrame,
    as_of: Any,
    config: Mapping[str, Any] | None,
) -> pd.DataFrame:
    """This build's drift check of the stored model: one row (none without customers)."""
    from retail_segments import history

    if len(frame) == 0:
        return history.empty_frame(history.CHECK_COLUMNS | {"checked_model_version": "Int64"})
    settings = history.HistorySettings.from_config(config)
    _, check = history.resolve_store(store, fit_table, frame, _date(as_of), settings)
    return history.check_frame(check)


def history_assignments_table(frame: pd.DataFrame, store: pd.DataFrame) -> pd.DataFrame:
    """Every (as-of date, customer) row with its segment of the latest stored model."""
    from retail_segments import history

    return history.assign_dates(frame, store)


def _date(value: Any) -> Any:
    return pd.Timestamp(value).date()
