"""Checking the feature columns of an input, and the prepared feature matrix.

:func:`validate_columns` turns the configured columns of a frame into clean
arrays (floats for numeric features, text for categorical ones, nulls kept for
the imputer) or raises a ``ValueError`` that names the column and the problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retail_segments.settings import SegmentationSettings


@dataclass(frozen=True)
class PreparedFeatures:
    """Validated, encoded and scaled features, rows in the input frame's order.

    ``original`` holds the used columns in original units (after null filling
    and categorical encoding, before ``log1p``); ``matrix`` is the standardised
    version.  ``center``/``scale`` are the ``StandardScaler`` parameters (in
    ``log1p`` space for ``log_columns``).  ``canonical_order`` is the row
    permutation (a sort by feature values) used for every fit, so that input
    row order cannot change results.
    """

    matrix: np.ndarray
    original: np.ndarray
    feature_names: tuple[str, ...]
    log_columns: tuple[str, ...]
    categorical_columns: tuple[str, ...]
    center: np.ndarray
    scale: np.ndarray
    dropped_features: tuple[str, ...]
    outlier_mask: np.ndarray
    order_values: np.ndarray
    canonical_order: np.ndarray
    warnings: tuple[str, ...]

    @property
    def n_rows(self) -> int:
        return int(self.matrix.shape[0])

    def fit_matrix(self) -> np.ndarray:
        """Scaled non-outlier rows in canonical order: what KMeans is fitted on."""
        keep = self.canonical_order[~self.outlier_mask[self.canonical_order]]
        return self.matrix[keep]

    def to_original_units(self, z: np.ndarray) -> np.ndarray:
        """Map scaled points back to original units (see :func:`original_units`)."""
        return original_units(
            z,
            self.feature_names,
            self.log_columns,
            self.categorical_columns,
            self.center,
            self.scale,
        )


def original_units(
    z: np.ndarray,
    names: tuple[str, ...],
    log_columns: tuple[str, ...],
    categorical_columns: tuple[str, ...],
    center: np.ndarray,
    scale: np.ndarray,
) -> np.ndarray:
    """Undo the standardisation; ``expm1`` undoes ``log1p`` for log columns.

    0/1 categorical columns (whose centroid value is the share of the level) are
    clipped to [0, 1].
    """
    values = np.asarray(z, dtype=float) * scale + center
    is_log = np.array([name in log_columns for name in names], dtype=bool)
    is_cat = np.array([name in categorical_columns for name in names], dtype=bool)
    if is_log.any():
        values[..., is_log] = np.expm1(values[..., is_log])
    if is_cat.any():
        values[..., is_cat] = np.clip(values[..., is_cat], 0.0, 1.0)
    return values


@dataclass(frozen=True)
class ValidatedColumns:
    """The feature columns ready for the imputer, and the value column as floats."""

    frame: pd.DataFrame
    null_counts: dict[str, int]
    value: np.ndarray | None


def check_columns(frame: pd.DataFrame, settings: SegmentationSettings, *extra: str) -> None:
    """Every feature, the value column and ``extra`` columns must be in ``frame``."""
    needed = list(settings.features) + list(extra)
    if settings.value_column is not None:
        needed.append(settings.value_column)
    missing = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"Column(s) {missing} not found in the input; "
            f"available columns: {[str(c) for c in frame.columns]}"
        )


def validate_columns(frame: pd.DataFrame, settings: SegmentationSettings) -> ValidatedColumns:
    """Check and convert the configured features, in feature order.

    * Missing columns -> ``ValueError`` listing the missing and available ones.
    * No rows -> ``ValueError``.
    * A feature that is entirely null -> ``ValueError`` naming it.
    * Non-numeric values in a numeric feature, infinities, or negative values in
      a ``log_features`` column -> ``ValueError`` naming the feature and count.
    * Encoded column names that clash with other features -> ``ValueError``.
    """
    check_columns(frame, settings)
    if len(frame) == 0:
        raise ValueError("Cannot segment an empty input: the frame has no rows")
    columns: dict[str, np.ndarray] = {}
    encoded: dict[str, None] = {}
    for feature in settings.features:
        series = frame[feature]
        _check_not_all_null(series, feature)
        if feature in settings.categorical_features:
            values, names = _categorical(series, feature)
        else:
            values, names = _numeric(series, feature, feature in settings.log_features), [feature]
        _check_no_collision(names, encoded, feature, settings.features)
        encoded.update(dict.fromkeys(names))
        columns[feature] = values
    value = None
    if settings.value_column is not None:
        value = to_float(frame[settings.value_column], settings.value_column, "Value column")
    nulls = {f: int(pd.isna(pd.Series(v)).sum()) for f, v in columns.items()}
    return ValidatedColumns(pd.DataFrame(columns), nulls, value)


def to_float(series: pd.Series, name: str, role: str = "Feature") -> np.ndarray:
    """Floats (nulls as NaN); non-numeric or infinite values raise ``ValueError``."""
    numeric = pd.to_numeric(series.astype(object), errors="coerce")
    bad = series.notna().to_numpy() & numeric.isna().to_numpy()
    if bad.any():
        example = series[bad].iloc[0]
        hint = "list it in categorical_features or fix it upstream"
        if role != "Feature":
            hint = "it must be numeric"
        raise ValueError(
            f"{role} {name!r} has {int(bad.sum())} non-numeric value(s) (e.g. {example!r}); {hint}"
        )
    values = numeric.to_numpy(dtype=float, na_value=np.nan)
    n_inf = int(np.isinf(values).sum())
    if n_inf:
        raise ValueError(f"{role} {name!r} has {n_inf} infinite value(s)")
    return values


def _check_not_all_null(series: pd.Series, feature: str) -> None:
    if series.notna().sum() == 0:
        raise ValueError(
            f"Feature {feature!r} is null in all {len(series)} rows; fix the upstream "
            "model that computes it or remove it from the clustering features"
        )


def _numeric(series: pd.Series, feature: str, is_log: bool) -> np.ndarray:
    values = to_float(series, feature)
    if is_log:
        negative = values < 0
        if negative.any():
            raise ValueError(
                f"Log feature {feature!r} has {int(negative.sum())} negative value(s) "
                f"(min {np.nanmin(values):g}); log1p needs values >= 0: clip or shift "
                "them upstream, or remove the feature from log_features"
            )
    return values


def _categorical(series: pd.Series, feature: str) -> tuple[np.ndarray, list[str]]:
    """Levels as text (nulls as NaN for the imputer) and the one-hot column names."""
    text = series.map(lambda v: np.nan if pd.isna(v) else str(v)).astype(object)
    levels = sorted(text.dropna().unique())
    chosen = levels[1:] if len(levels) == 2 else levels
    return text.to_numpy(dtype=object), [f"{feature}_{level}" for level in chosen]


def _check_no_collision(
    new: list[str],
    existing: Mapping[str, None],
    feature: str,
    features: tuple[str, ...],
) -> None:
    clashes = [n for n in new if n in existing or (n != feature and n in features)]
    if clashes:
        raise ValueError(
            f"Encoding feature {feature!r} creates column(s) {clashes} that clash "
            "with other features; rename the columns upstream"
        )
