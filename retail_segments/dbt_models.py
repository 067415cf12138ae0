"""What the dbt Python models call: one adapter for every segmentation.

Each segmentation (customers, countries, products, demographics) is two or three
thin dbt Python models that read a mart, pass it here with the settings from
their dbt config (`segmentation`, set per folder in dbt_project.yml from vars),
and return a table:

* :func:`sweep_table`: one row per k with the quality metrics and the chosen k;
* :func:`assignments_table`: one row per entity with its segment;
* :func:`centroids_table`: one row per segment with its centroid, name and the
  level (low / mid / high) of each feature relative to the population.

The assignment and centroid models read the sweep model's chosen k, so the sweep
runs once per build and the final fit is the same k-means in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retail_segments.clustering import ClusteringConfig, SegmentFit, chosen_k, fit_segments, sweep_k
from retail_segments.naming import name_segments

ADAPTER_KEYS = ("id_column", "naming", "level_threshold")
DEFAULT_LEVEL_THRESHOLD = 0.5


def to_frame(relation: Any) -> pd.DataFrame:
    """A DuckDB relation (what `dbt.ref` gives) as pandas, through Arrow (fast)."""
    if isinstance(relation, pd.DataFrame):
        return relation
    table = relation.arrow()
    if hasattr(table, "read_all"):  # a RecordBatchReader on some duckdb versions
        table = table.read_all()
    return table.to_pandas()


def clustering_config(settings: Mapping[str, Any]) -> ClusteringConfig:
    """The clustering part of a model's `segmentation` config."""
    return ClusteringConfig.from_mapping(
        {key: value for key, value in settings.items() if key not in ADAPTER_KEYS}
    )


def id_column(settings: Mapping[str, Any]) -> str:
    if not settings.get("id_column"):
        raise ValueError("The segmentation config needs an id_column (the entity key).")
    return str(settings["id_column"])


def sweep_table(frame: pd.DataFrame, settings: Mapping[str, Any]) -> pd.DataFrame:
    """One row per k: inertia, silhouette, Calinski-Harabasz, Davies-Bouldin, chosen k."""
    sweep = sweep_k(frame, clustering_config(settings))
    return sweep.astype({"k": "int64", "n_fit_rows": "int64", "is_chosen": "bool"})


def _fit(frame: pd.DataFrame, sweep: pd.DataFrame, settings: Mapping[str, Any]) -> SegmentFit:
    return fit_segments(frame, id_column(settings), clustering_config(settings), chosen_k(sweep))


def _names(fit: SegmentFit, settings: Mapping[str, Any]) -> dict[int, str]:
    naming = dict(settings.get("naming") or {"method": "ranked"})
    if fit.k == 1:
        return {1: str(naming.get("single_segment_name", "All"))}
    naming.pop("single_segment_name", None)
    return name_segments(fit.centroids, naming)


def _level(z: np.ndarray, threshold: float) -> np.ndarray:
    return np.select([z >= threshold, z <= -threshold], ["high", "low"], default="mid")


def assignments_table(
    frame: pd.DataFrame, sweep: pd.DataFrame, settings: Mapping[str, Any]
) -> pd.DataFrame:
    """One row per entity: segment id (1 = most valuable), name, distance, outlier flag."""
    fit = _fit(frame, sweep, settings)
    names = _names(fit, settings)
    assignments = fit.assignments.copy()
    assignments.insert(2, "segment_name", assignments["segment_id"].map(names))
    return assignments


def centroids_table(
    frame: pd.DataFrame, sweep: pd.DataFrame, settings: Mapping[str, Any]
) -> pd.DataFrame:
    """One row per segment: name, size, centroid (original units and z) and levels.

    Every configured feature gets its three columns, also when the clustering
    dropped it (constant, or a single segment): its centroid is then the mean of
    the members, its z 0 and its level mid, so downstream SQL sees fixed columns.
    """
    fit = _fit(frame, sweep, settings)
    names = _names(fit, settings)
    threshold = float(settings.get("level_threshold", DEFAULT_LEVEL_THRESHOLD))
    centroids = fit.centroids[["segment_id", "n_members"]].copy()
    centroids.insert(1, "segment_name", centroids["segment_id"].map(names))
    members = frame[[id_column(settings)]].merge(fit.assignments, on=id_column(settings))
    for feature in clustering_config(settings).features:
        if feature in fit.feature_names:
            centroid = fit.centroids[feature].to_numpy(dtype=float)
            z = fit.centroids[f"{feature}_z"].to_numpy(dtype=float)
        else:
            values = pd.to_numeric(frame.set_index(id_column(settings))[feature], errors="coerce")
            by_segment = values.groupby(members.set_index(id_column(settings))["segment_id"]).mean()
            centroid = centroids["segment_id"].map(by_segment).to_numpy(dtype=float)
            z = np.zeros(len(centroids))
        centroids[f"centroid_{feature}"] = centroid
        centroids[f"centroid_{feature}_z"] = z
        centroids[f"{feature}_level"] = _level(z, threshold)
    return centroids
