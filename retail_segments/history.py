"""Segment history: a stored k-means model whose segment ids keep their meaning over time.

Every build fits the customer k-means afresh (`int_customer_segments_fitted`,
segment 1 = highest value).  The segment *history* instead assigns every as-of
date with one **stored model** (`int_customer_segment_models`, one row per model
version and segment: scaler, centroids, feature list, k, fit date), so that
"segment 2" means the same kind of customer in March and in April.

:func:`resolve_store` decides, once per build, which model the build's dates are
assigned with:

* no stored model yet: the build's own fit becomes version 1 (ids and names as
  the fit numbered them);
* otherwise the latest version is kept, unless a refit is asked for (var
  ``customer_segment_refit``) or the drift check fails (:func:`drift_figures`):
  the mean squared distance of a customer to their nearest centroid (inertia per
  customer, in the stored model's scaled units) moved by more than
  ``max_inertia_change`` (relative) from its value at the fit, or the mean of a
  scaled feature moved by more than ``max_mean_shift`` standard deviations (the
  stored scaler puts every mean at 0 on the fit date);
* a refit stores the build's fit as a new version whose segments are matched to
  the previous version's by centroid distance in the previous model's scaled
  space (Hungarian method, ``scipy.optimize.linear_sum_assignment``): a matched
  segment takes the earlier id and name, a segment without a match (k grew, or
  its nearest unmatched centroid is more than ``max_match_distance`` away) gets
  a new id, one above every id used so far.  The distance of each match is stored.

The latest version fitted at an as-of date is that date's model: a rebuild of the
date keeps it, a refit of the date recomputes it under the same version number,
so rebuilding a date gives the same store.  :func:`assign_dates` assigns every
as-of date of a frame with one stored version (a loop over dates, never rows).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from retail_segments.fit import FittedSegmentation, nearest_segment, sort_by_id
from retail_segments.preprocessing import Preprocessor
from retail_segments.settings import SegmentationSettings

STORE_COLUMNS: dict[str, str] = {
    "model_version": "int64",
    "fitted_as_of": "datetime64[us]",
    "created_reason": "object",
    "segment_id": "int64",
    "segment_name": "object",
    "fit_segment_id": "int64",
    "matched_distance": "float64",
    "k": "int64",
    "features_json": "object",
    "settings_json": "object",
    "preprocessor_json": "object",
    "centroid_z_json": "object",
    "reference_inertia_per_customer": "float64",
    "n_customers": "int64",
}

CHECK_COLUMNS: dict[str, str] = {
    "as_of_date": "datetime64[us]",
    "checked_model_version": "int64",
    "reference_inertia_per_customer": "float64",
    "inertia_per_customer": "float64",
    "inertia_change": "float64",
    "max_feature_mean_shift": "float64",
    "outlier_share": "float64",
    "refit_requested": "bool",
    "drift_detected": "bool",
    "decision": "object",
    "model_version": "int64",
}

# the customer facts int_customers_history_summarized computes at every as-of date
HISTORY_FEATURES: tuple[str, ...] = (
    "recency_days",
    "tenure_days",
    "frequency",
    "monetary",
    "avg_order_value",
)

ASSIGNED_COLUMNS: tuple[str, ...] = (
    "as_of_date",
    "customer_id",
    "kmeans_segment_id",
    "kmeans_segment_name",
    "kmeans_distance",
    "kmeans_is_outlier",
    "kmeans_model_version",
)


@dataclass(frozen=True)
class HistorySettings:
    """The refit switch and the drift and matching thresholds (validated once)."""

    refit: bool = False
    max_inertia_change: float = 0.5
    max_mean_shift: float = 0.5
    max_match_distance: float = 1.5

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> HistorySettings:
        config = dict(config or {})
        unknown = set(config) - {
            "refit",
            "max_inertia_change",
            "max_mean_shift",
            "max_match_distance",
        }
        if unknown:
            raise ValueError(f"unknown history settings: {sorted(unknown)}")
        refit = config.get("refit", False)
        if isinstance(refit, str) and refit.strip().lower() in {"true", "false"}:
            refit = refit.strip().lower() == "true"
        if not isinstance(refit, bool):
            raise ValueError(f"The var customer_segment_refit must be true or false; got {refit!r}")
        numbers = {}
        for name in ("max_inertia_change", "max_mean_shift", "max_match_distance"):
            value = config.get(name, getattr(cls, name))
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = float("nan")
            if isinstance(value, bool) or not number > 0:
                raise ValueError(
                    f"The history setting {name} must be a positive number; got {value!r}"
                )
            numbers[name] = number
        return cls(refit=refit, **numbers)


@dataclass(frozen=True)
class StoredModel:
    """One version of the stored model: what assigns customers to stable ids."""

    version: int
    fitted_as_of: dt.date
    settings: SegmentationSettings
    preprocessor: Preprocessor
    segment_ids: np.ndarray  # stable ids, one per centroid row
    names: dict[int, str]
    centroids_z: np.ndarray
    reference_inertia: float

    @classmethod
    def from_rows(cls, rows: pd.DataFrame) -> StoredModel:
        """The version whose rows (one per segment) are given."""
        rows = rows.sort_values("segment_id").reset_index(drop=True)
        first = rows.iloc[0]
        return cls(
            version=int(first["model_version"]),
            fitted_as_of=pd.Timestamp(first["fitted_as_of"]).date(),
            settings=SegmentationSettings.from_json(str(first["settings_json"])),
            preprocessor=Preprocessor.from_dict(json.loads(str(first["preprocessor_json"]))),
            segment_ids=rows["segment_id"].to_numpy(dtype="int64"),
            names={
                int(i): str(n)
                for i, n in zip(rows["segment_id"], rows["segment_name"], strict=True)
            },
            centroids_z=np.array([json.loads(str(c)) for c in rows["centroid_z_json"]], float),
            reference_inertia=float(first["reference_inertia_per_customer"]),
        )

    def missing_features(self, frame: pd.DataFrame) -> list[str]:
        return [f for f in self.settings.features if f not in frame.columns]

    def assign(self, frame: pd.DataFrame) -> pd.DataFrame:
        """One row per customer (sorted by id): stable segment id, name, distance, outlier."""
        id_column = self.settings.id_column
        missing = self.missing_features(frame)
        if missing:
            raise ValueError(
                f"The stored customer segment model uses {missing}, which the segment "
                f"history does not compute (it has {sorted(frame.columns)}): the history "
                "needs customer_segment_features among them"
            )
        ordered = sort_by_id(frame, id_column)
        prepared = self.preprocessor.prepare(ordered, self.settings)
        nearest, distance = nearest_segment(prepared.matrix, self.centroids_z)
        ids = self.segment_ids[nearest - 1]
        return pd.DataFrame(
            {
                id_column: ordered[id_column],
                "kmeans_segment_id": ids,
                "kmeans_segment_name": pd.Series(ids).map(self.names).astype(object),
                "kmeans_distance": distance,
                "kmeans_is_outlier": prepared.outlier_mask.astype(bool),
                "kmeans_model_version": np.int64(self.version),
            }
        )


def empty_frame(columns: Mapping[str, str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in columns.items()})


def latest_version(store: pd.DataFrame) -> StoredModel | None:
    if len(store) == 0:
        return None
    version = int(store["model_version"].max())
    return StoredModel.from_rows(store[store["model_version"] == version])


def drift_figures(model: StoredModel, frame: pd.DataFrame) -> dict[str, float]:
    """How well the stored model fits `frame`: inertia per customer and its relative
    change from the fit, the largest shift of a scaled feature's mean, outlier share."""
    ordered = sort_by_id(frame, model.settings.id_column)
    prepared = model.preprocessor.prepare(ordered, model.settings)
    _, distance = nearest_segment(prepared.matrix, model.centroids_z)
    inertia = float(np.mean(distance**2)) if distance.size else 0.0
    reference = model.reference_inertia
    change = (inertia - reference) / reference if reference > 0 else 0.0
    shift = float(np.max(np.abs(prepared.matrix.mean(axis=0)))) if prepared.matrix.size else 0.0
    return {
        "reference_inertia_per_customer": reference,
        "inertia_per_customer": inertia,
        "inertia_change": change,
        "max_feature_mean_shift": shift,
        "outlier_share": float(prepared.outlier_mask.mean()) if distance.size else 0.0,
    }


def is_drifted(figures: Mapping[str, float], settings: HistorySettings) -> bool:
    return bool(
        abs(figures["inertia_change"]) > settings.max_inertia_change
        or figures["max_feature_mean_shift"] > settings.max_mean_shift
    )


def match_segments(
    previous: StoredModel, fitted: FittedSegmentation, max_distance: float
) -> pd.DataFrame:
    """Each segment of the new fit with the earlier stable id it matches (or none).

    Centroids are compared in the previous model's scaled space: the new
    centroids are turned back to original units and scaled with the previous
    model's parameters.  The Hungarian method minimises the summed distance; a
    pair further apart than `max_distance` is no match.  Columns:
    ``fit_segment_id``, ``matched_segment_id`` (nullable), ``matched_distance``.
    """
    fit_ids = np.arange(1, fitted.k + 1, dtype="int64")
    same_space = fitted.preprocessor.feature_names == previous.preprocessor.feature_names
    matched = pd.array([pd.NA] * fitted.k, dtype="Int64")
    distance = np.full(fitted.k, np.nan)
    if same_space and fitted.k and len(previous.segment_ids):
        original = fitted.preprocessor.to_original_units(fitted.centroids_z)
        new_z = previous.preprocessor.scale_matrix(original)
        cost = np.sqrt(((new_z[:, None, :] - previous.centroids_z[None, :, :]) ** 2).sum(axis=2))
        rows, columns = linear_sum_assignment(cost)
        for row, column in zip(rows, columns, strict=True):
            if cost[row, column] <= max_distance:
                matched[row] = int(previous.segment_ids[column])
                distance[row] = float(cost[row, column])
    return pd.DataFrame(
        {"fit_segment_id": fit_ids, "matched_segment_id": matched, "matched_distance": distance}
    )


def version_rows(
    fitted: FittedSegmentation,
    frame: pd.DataFrame,
    *,
    version: int,
    as_of: dt.date,
    reason: str,
    previous: StoredModel | None,
    used_ids: set[int],
    max_match_distance: float,
) -> pd.DataFrame:
    """The store rows of a new version made from the build's fit (matched to `previous`)."""
    if previous is None:
        matches = pd.DataFrame(
            {
                "fit_segment_id": np.arange(1, fitted.k + 1, dtype="int64"),
                "matched_segment_id": pd.array(range(1, fitted.k + 1), dtype="Int64"),
                "matched_distance": np.full(fitted.k, np.nan),
            }
        )
    else:
        matches = match_segments(previous, fitted, max_match_distance)
    next_id = max(used_ids, default=0) + 1
    ids, names = [], []
    for row in matches.itertuples(index=False):
        if pd.isna(row.matched_segment_id):
            segment_id, name = next_id, fitted.names[int(row.fit_segment_id)]
            next_id += 1
        else:
            segment_id = int(row.matched_segment_id)
            name = previous.names[segment_id] if previous else fitted.names[segment_id]
        ids.append(segment_id)
        names.append(name)
    names = _unique_names(names)
    ordered = sort_by_id(frame, fitted.settings.id_column)
    prepared = fitted.preprocessor.prepare(ordered, fitted.settings)
    _, distance = nearest_segment(prepared.matrix, fitted.centroids_z)
    inertia = float(np.mean(distance**2)) if distance.size else 0.0
    rows = pd.DataFrame(
        {
            "model_version": np.int64(version),
            "fitted_as_of": pd.Timestamp(as_of),
            "created_reason": reason,
            "segment_id": np.array(ids, dtype="int64"),
            "segment_name": names,
            "fit_segment_id": matches["fit_segment_id"].to_numpy(dtype="int64"),
            "matched_distance": matches["matched_distance"].to_numpy(dtype=float),
            "k": np.int64(fitted.k),
            "features_json": json.dumps(list(fitted.preprocessor.feature_names)),
            "settings_json": fitted.settings.to_json(),
            "preprocessor_json": json.dumps(fitted.preprocessor.to_dict()),
            "centroid_z_json": [json.dumps([float(v) for v in row]) for row in fitted.centroids_z],
            "reference_inertia_per_customer": inertia,
            "n_customers": np.int64(len(ordered)),
        }
    )
    return typed(rows.sort_values("segment_id").reset_index(drop=True), STORE_COLUMNS)


def _unique_names(names: list[str]) -> list[str]:
    """A new segment may get a fresh name already carried by a matched one: number it."""
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return result


def typed(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    return frame[list(columns)].astype(dict(columns))


def resolve_store(
    store: pd.DataFrame,
    fit_table: pd.DataFrame,
    frame: pd.DataFrame,
    as_of: dt.date,
    settings: HistorySettings,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The whole store after this build (earlier versions unchanged) and its check row.

    `store` is the stored table before the build (maybe empty), `fit_table` the
    build's `int_customer_segments_fitted`, `frame` the customers' features at
    the build's as-of date `as_of`.  The latest version fitted at `as_of` is the
    model of that date: rebuilding the date keeps it (the check row repeats how
    it came about), and a refit of the date recomputes it under the same number.
    Calling this again on its own result gives the same store and check row.
    """
    store = typed(store, STORE_COLUMNS) if len(store) else empty_frame(STORE_COLUMNS)
    fitted = FittedSegmentation.from_table(fit_table)
    as_of_ts = pd.Timestamp(as_of)
    check: dict[str, Any] = {"as_of_date": as_of_ts, "refit_requested": settings.refit}
    latest = latest_version(store)
    kept, previous = store, latest
    if latest is not None and pd.Timestamp(latest.fitted_as_of) == as_of_ts:
        kept = store[store["model_version"] < latest.version]
        previous = latest_version(kept)
        if previous is None or not settings.refit:
            figures = drift_figures(previous, frame) if previous else _no_figures()
            reason = str(
                store.loc[store["model_version"] == latest.version, "created_reason"].iloc[0]
            )
            check.update(
                figures,
                checked_model_version=previous.version if previous else pd.NA,
                drift_detected=bool(previous and is_drifted(figures, settings)),
                decision=reason,
                model_version=latest.version,
            )
            return store.reset_index(drop=True), check
    if previous is None:
        check.update(
            _no_figures(),
            checked_model_version=pd.NA,
            drift_detected=False,
            decision="first fit",
            model_version=1,
        )
        rows = version_rows(
            fitted,
            frame,
            version=1,
            as_of=as_of,
            reason="first fit",
            previous=None,
            used_ids=set(),
            max_match_distance=settings.max_match_distance,
        )
        return rows, check
    figures = drift_figures(previous, frame)
    drifted = is_drifted(figures, settings)
    check.update(figures, checked_model_version=previous.version, drift_detected=drifted)
    if not (settings.refit or drifted):
        check.update(decision="kept", model_version=previous.version)
        return kept.reset_index(drop=True), check
    reason = "refit requested" if settings.refit else "refit: drift"
    version = previous.version + 1
    rows = version_rows(
        fitted,
        frame,
        version=version,
        as_of=as_of,
        reason=reason,
        previous=previous,
        used_ids=set(int(i) for i in kept["segment_id"]),
        max_match_distance=settings.max_match_distance,
    )
    check.update(decision=reason, model_version=version)
    return pd.concat([kept, rows], ignore_index=True), check


def _no_figures() -> dict[str, float]:
    names = ("reference_inertia_per_customer", "inertia_per_customer", "inertia_change")
    return {name: np.nan for name in (*names, "max_feature_mean_shift", "outlier_share")}


def check_frame(check: Mapping[str, Any]) -> pd.DataFrame:
    """The check row of :func:`resolve_store` as a one-row table."""
    frame = pd.DataFrame([dict(check)])
    types = dict(CHECK_COLUMNS)
    types["checked_model_version"] = "Int64"
    return frame[list(CHECK_COLUMNS)].astype(types)


def unassigned(frame: pd.DataFrame, version: int) -> pd.DataFrame:
    """Every (as_of_date, customer) row without a k-means segment (null id and name)."""
    rows = frame.sort_values(["as_of_date", "customer_id"], kind="mergesort")
    return pd.DataFrame(
        {
            "as_of_date": rows["as_of_date"].to_numpy(),
            "customer_id": rows["customer_id"].to_numpy(),
            "kmeans_segment_id": pd.array([pd.NA] * len(rows), dtype="Int64"),
            "kmeans_segment_name": pd.array([pd.NA] * len(rows), dtype="string"),
            "kmeans_distance": np.full(len(rows), np.nan),
            "kmeans_is_outlier": pd.array([pd.NA] * len(rows), dtype="boolean"),
            "kmeans_model_version": np.full(len(rows), version, dtype="int64"),
        }
    )


def assign_dates(frame: pd.DataFrame, store: pd.DataFrame) -> pd.DataFrame:
    """Every (as_of_date, customer) row of `frame` with its segment of the latest version.

    When the model uses a feature the history does not compute (`HISTORY_FEATURES`),
    every row gets a null segment (and a warning) rather than stopping the build.
    """
    model = latest_version(store)
    if model is None or len(frame) == 0:
        data = {"as_of_date": pd.Series(dtype="datetime64[us]")}
        data["customer_id"] = pd.Series(dtype=frame["customer_id"].dtype)
        types = ("int64", "object", "float64", "bool", "int64")
        data |= {c: pd.Series(dtype=t) for c, t in zip(ASSIGNED_COLUMNS[2:], types, strict=True)}
        return pd.DataFrame(data)
    missing = model.missing_features(frame)
    if missing:  # e.g. distinct_products: the history has no k-means segment then
        print(
            f"WARNING: the segment history has no k-means segments: the stored model uses "
            f"{missing}, which the history does not compute ({HISTORY_FEATURES})",
            flush=True,
        )
        return unassigned(frame, model.version)
    parts = []
    for as_of, rows in frame.groupby("as_of_date", sort=True):
        assigned = model.assign(rows.drop(columns="as_of_date"))
        assigned.insert(0, "as_of_date", as_of)
        parts.append(assigned)
    return pd.concat(parts, ignore_index=True)[list(ASSIGNED_COLUMNS)]
