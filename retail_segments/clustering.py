"""The one clustering routine behind every segmentation.

Customers, countries, products and demographics are all segmented with the same
steps, driven by a :class:`~retail_segments.settings.SegmentationSettings`:

1. :mod:`retail_segments.preprocessing` validates and encodes the feature
   columns with scikit-learn transformers (median fill for nulls, ``log1p`` for
   skewed features, one-hot encoding for categorical ones, constant columns
   dropped, standardisation).  When there are at least 50 rows an
   ``IsolationForest`` flags outliers in the scaled space.
2. :func:`sweep_k` fits ``KMeans`` for every k in the effective range (outliers
   left out) and records inertia, silhouette, Calinski-Harabasz and
   Davies-Bouldin; :func:`choose_k` picks k with a documented rule.  Above
   ``sweep_sample_size`` (20,000) non-outlier rows it runs on a fixed-seed
   sample of that many rows (see :mod:`retail_segments.sweep`).
3. :func:`fit_segmentation` fits the chosen k once, assigns *every* row
   (outliers go to the nearest centroid), numbers the segments 1..k by
   ``value_column`` and names them; its :class:`FittedSegmentation` is stored as
   one table from which :func:`assign_segments` assigns entities again without
   refitting.

Results depend only on the set of input rows, never on their order: rows are
put in a canonical order (sorted by their feature values) before anything is
fitted, and every random step uses ``random_state``.  This module gathers the
public API of those modules.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from retail_segments.features import PreparedFeatures, check_columns
from retail_segments.fit import FittedSegmentation, assign_segments, fit_segmentation
from retail_segments.preprocessing import (
    MIN_ROWS_FOR_OUTLIERS,
    Preprocessor,
    fit_preprocessor,
    prepare_features,
)
from retail_segments.settings import SegmentationSettings
from retail_segments.sweep import (
    FORCED_RULE,
    SILHOUETTE_MARGIN,
    SINGLE_THREAD,
    SWEEP_COLUMNS,
    choose_k,
    chosen_k,
    empty_sweep,
    sweep_k,
)

__all__ = [
    "FORCED_RULE",
    "MIN_ROWS_FOR_OUTLIERS",
    "SILHOUETTE_MARGIN",
    "SINGLE_THREAD",
    "SWEEP_COLUMNS",
    "ClusteringResult",
    "FittedSegmentation",
    "PreparedFeatures",
    "Preprocessor",
    "SegmentationSettings",
    "assign_segments",
    "choose_k",
    "chosen_k",
    "cluster",
    "empty_sweep",
    "fit_preprocessor",
    "fit_segmentation",
    "prepare_features",
    "sweep_k",
]


@dataclass(frozen=True)
class ClusteringResult:
    """Sweep, chosen k, the fitted segments and their assignments (:func:`cluster`)."""

    sweep: pd.DataFrame
    fitted: FittedSegmentation
    assignments: pd.DataFrame
    k: int
    warnings: list[str]

    @property
    def segments(self) -> pd.DataFrame:
        return self.fitted.segments_table()


def cluster(frame: pd.DataFrame, settings: SegmentationSettings) -> ClusteringResult:
    """Sweep k, choose it (or use the forced k) and fit the segments once."""
    check_columns(frame, settings, settings.id_column)
    sweep = sweep_k(frame, settings)
    k = chosen_k(sweep)
    fitted = fit_segmentation(frame, settings, k)
    assert fitted.assignments is not None
    sweep_warnings = [w for w in str(sweep["warnings"].iloc[0]).split("; ") if w]
    warnings = list(dict.fromkeys([*fitted.warnings, *sweep_warnings]))
    return ClusteringResult(sweep, fitted, fitted.assignments, k, warnings)
