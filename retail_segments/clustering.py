"""The one clustering routine behind every segmentation.

Customers, countries, products and demographics are all segmented with the same
steps, driven by a :class:`ClusteringConfig`:

1. :func:`prepare_features` validates and encodes the feature columns (median
   fill for nulls, ``log1p`` for skewed features, 0/1 encoding for categorical
   ones, constant features dropped) and standardises them.  When there are at
   least 50 rows an ``IsolationForest`` flags outliers in the scaled space.
2. :func:`sweep_k` fits ``KMeans`` for every k in the effective range (outliers
   left out) and records inertia, silhouette, Calinski-Harabasz and
   Davies-Bouldin; :func:`choose_k` picks k with a documented rule.
3. :func:`fit_segments` refits the chosen k, assigns *every* row (outliers go to
   the nearest centroid) and numbers the segments 1..k by ``value_column``.

Results depend only on the set of input rows, never on their order: rows are
put in a canonical order (sorted by their feature values) before anything is
fitted, and every random step uses ``random_state``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.ensemble import IsolationForest
from sklearn.metrics import (
    calinski_harabasz_score,
    davies_bouldin_score,
    silhouette_score,
)
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

FORCED_RULE = "forced by var"
SILHOUETTE_MARGIN = 0.05
MIN_ROWS_FOR_OUTLIERS = 50
# Sweeps and fits run on one thread (OpenMP and BLAS). scikit-learn's Lloyd
# iterations add per-thread partial sums in whatever order the threads finish,
# which with 3+ threads changes the last bits of the centroids between runs; and
# on a busy 2-core machine OpenMP workers spinning against dbt's own threads made
# k-means 100x slower (measured). The data is small, so one thread is fastest.
SINGLE_THREAD = threadpool_limits.wrap(limits=1)
SWEEP_COLUMNS: tuple[str, ...] = (
    "k",
    "inertia",
    "silhouette",
    "calinski_harabasz",
    "davies_bouldin",
    "n_fit_rows",
    "is_chosen",
    "selection_rule",
    "warnings",
)
_NONE_STRINGS = frozenset({"", "none", "null"})
_TRUE_STRINGS = frozenset({"true", "yes", "y", "1", "on"})
_FALSE_STRINGS = frozenset({"false", "no", "n", "0", "off"})


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class ClusteringConfig:
    """Everything that drives one segmentation.

    ``log_features`` and ``categorical_features`` must be subsets of
    ``features``.  ``k`` of ``None`` (or 0) lets the data choose k in
    ``[k_min, k_max]``; a positive ``k`` forces it.  ``value_column`` orders the
    segments (segment 1 = highest mean); ``None`` means the first feature.
    ``limit_k_to_data`` turns a forced ``k`` larger than the number of distinct
    data points into that number (with a warning) instead of an error, for
    entities that can be few (e.g. countries).
    """

    features: tuple[str, ...]
    log_features: tuple[str, ...] = ()
    categorical_features: tuple[str, ...] = ()
    k_min: int = 2
    k_max: int = 10
    k: int | None = None
    limit_k_to_data: bool = False
    value_column: str | None = None
    detect_outliers: bool = True
    outlier_contamination: float = 0.02
    silhouette_sample_size: int = 10_000
    random_state: int = 42
    n_init: int = 10

    def __post_init__(self) -> None:
        for name in ("features", "log_features", "categorical_features"):
            value = getattr(self, name)
            names = (value,) if isinstance(value, str) else tuple(value)
            object.__setattr__(self, name, names)
        if self.k == 0:
            object.__setattr__(self, "k", None)
        _validate_config(self)

    @classmethod
    def allowed_keys(cls) -> tuple[str, ...]:
        """Names accepted by :meth:`from_mapping`."""
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, Any]) -> ClusteringConfig:
        """Build a config from loosely typed values (dbt ``config``/``var`` output).

        Accepts lists or comma-separated strings for the tuple fields, numeric
        strings such as ``"4"`` for the integers (``k`` of ``"0"``, ``""``,
        ``"none"`` or ``None`` means "choose from data"), and
        ``"true"``/``"false"`` for booleans.  Unknown keys raise ``ValueError``.
        """
        allowed = cls.allowed_keys()
        unknown = sorted(set(mapping) - set(allowed))
        if unknown:
            raise ValueError(f"Unknown clustering option(s) {unknown}; allowed: {list(allowed)}")
        if "features" not in mapping:
            raise ValueError("Clustering option 'features' is required")
        kwargs = {key: _PARSERS[key](key, value) for key, value in mapping.items()}
        return cls(**kwargs)


def _validate_config(config: ClusteringConfig) -> None:
    _validate_feature_lists(config)
    if config.k_min < 1 or config.k_max < config.k_min:
        raise ValueError(
            f"Need 1 <= k_min <= k_max, got k_min={config.k_min}, k_max={config.k_max}"
        )
    if config.k is not None and config.k < 1:
        raise ValueError(f"Forced k must be >= 1 (or 0/None to choose), got {config.k}")
    if not 0.0 < config.outlier_contamination <= 0.5:
        raise ValueError(
            f"outlier_contamination must be in (0, 0.5], got {config.outlier_contamination}"
        )
    if config.silhouette_sample_size < 2 or config.n_init < 1:
        raise ValueError("silhouette_sample_size must be >= 2 and n_init >= 1")


def _validate_feature_lists(config: ClusteringConfig) -> None:
    if not config.features:
        raise ValueError("ClusteringConfig.features must name at least one column")
    if len(set(config.features)) != len(config.features):
        raise ValueError(f"Duplicate names in features: {list(config.features)}")
    for name in ("log_features", "categorical_features"):
        extra = [f for f in getattr(config, name) if f not in config.features]
        if extra:
            raise ValueError(f"{name} {extra} are not in features {list(config.features)}")
    both = sorted(set(config.log_features) & set(config.categorical_features))
    if both:
        raise ValueError(f"Features {both} cannot be both log and categorical")


def _parse_names(key: str, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    if isinstance(value, Sequence):
        return tuple(str(item) for item in value)
    raise ValueError(f"Option {key!r} must be a list of column names, got {value!r}")


def _parse_int(key: str, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"Option {key!r} must be an integer, got {value!r}")
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Option {key!r} must be an integer, got {value!r}") from None
    if not number.is_integer():
        raise ValueError(f"Option {key!r} must be an integer, got {value!r}")
    return int(number)


def _parse_optional_k(key: str, value: Any) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in _NONE_STRINGS):
        return None
    number = _parse_int(key, value)
    return None if number == 0 else number


def _parse_optional_str(key: str, value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text.lower() in _NONE_STRINGS else text


def _parse_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE_STRINGS:
            return True
        if text in _FALSE_STRINGS:
            return False
    raise ValueError(f"Option {key!r} must be true/false, got {value!r}")


def _parse_float(key: str, value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Option {key!r} must be a number, got {value!r}") from None


_PARSERS: dict[str, Any] = {
    "features": _parse_names,
    "log_features": _parse_names,
    "categorical_features": _parse_names,
    "k_min": _parse_int,
    "k_max": _parse_int,
    "k": _parse_optional_k,
    "limit_k_to_data": _parse_bool,
    "value_column": _parse_optional_str,
    "detect_outliers": _parse_bool,
    "outlier_contamination": _parse_float,
    "silhouette_sample_size": _parse_int,
    "random_state": _parse_int,
    "n_init": _parse_int,
}


# --------------------------------------------------------------------------- features


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
        """Map scaled points back to original units.

        ``expm1`` undoes ``log1p`` for log columns; 0/1 categorical columns
        (whose centroid value is the share of the level) are clipped to [0, 1].
        """
        values = np.asarray(z, dtype=float) * self.scale + self.center
        is_log = np.array([name in self.log_columns for name in self.feature_names])
        is_cat = np.array([name in self.categorical_columns for name in self.feature_names])
        if is_log.any():
            values[..., is_log] = np.expm1(values[..., is_log])
        if is_cat.any():
            values[..., is_cat] = np.clip(values[..., is_cat], 0.0, 1.0)
        return values


@dataclass(frozen=True)
class _EncodedColumns:
    columns: dict[str, np.ndarray]
    warnings: list[str]


def prepare_features(frame: pd.DataFrame, config: ClusteringConfig) -> PreparedFeatures:
    """Validate, encode, fill, log-transform and standardise ``config.features``.

    * Missing columns -> ``ValueError`` listing the missing and available ones.
    * A feature that is entirely null -> ``ValueError`` naming it.
    * Nulls in a feature -> filled with the median (mode for categoricals), noted
      in ``warnings``.
    * Non-numeric values in a numeric feature, infinities, or negative values in
      a ``log_features`` column -> ``ValueError`` naming the feature and count.
    * Categorical features: 2 levels -> one 0/1 column ``<feature>_<second level>``
      (levels sorted as text); more levels -> one 0/1 column per level.
    * Constant columns are dropped with a warning (all constant -> zero columns,
      which later means a single segment).
    """
    _check_columns(frame, config)
    if len(frame) == 0:
        raise ValueError("Cannot segment an empty input: the frame has no rows")
    encoded = _encode_features(frame, config)
    kept, dropped, warnings = _drop_constant(encoded)
    names = tuple(kept)
    original = _stack(kept, len(frame))
    log_columns = tuple(n for n in names if n in config.log_features)
    categorical_columns = tuple(n for n in names if n not in config.features)
    order_values = _order_values(frame, config, original)
    canonical = _canonical_order(original, order_values)
    center, scale = _fit_scaler(original, names, log_columns, canonical)
    matrix = _apply_scaler(original, names, log_columns, center, scale)
    outliers = _detect_outliers(matrix, canonical, config)
    return PreparedFeatures(
        matrix=matrix,
        original=original,
        feature_names=names,
        log_columns=log_columns,
        categorical_columns=categorical_columns,
        center=center,
        scale=scale,
        dropped_features=tuple(dropped),
        outlier_mask=outliers,
        order_values=order_values,
        canonical_order=canonical,
        warnings=tuple(warnings),
    )


def _check_columns(frame: pd.DataFrame, config: ClusteringConfig, *extra: str) -> None:
    needed = list(config.features) + list(extra)
    if config.value_column is not None:
        needed.append(config.value_column)
    missing = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if missing:
        raise ValueError(
            f"Column(s) {missing} not found in the input; "
            f"available columns: {[str(c) for c in frame.columns]}"
        )


def _encode_features(frame: pd.DataFrame, config: ClusteringConfig) -> _EncodedColumns:
    columns: dict[str, np.ndarray] = {}
    warnings: list[str] = []
    for feature in config.features:
        series = frame[feature]
        _check_not_all_null(series, feature)
        if feature in config.categorical_features:
            encoded = _encode_categorical(series, feature)
        else:
            encoded = _encode_numeric(series, feature, feature in config.log_features)
        _check_no_collision(encoded.columns, columns, feature, config.features)
        columns.update(encoded.columns)
        warnings.extend(encoded.warnings)
    return _EncodedColumns(columns, warnings)


def _check_no_collision(
    new: Mapping[str, np.ndarray],
    existing: Mapping[str, np.ndarray],
    feature: str,
    features: tuple[str, ...],
) -> None:
    clashes = [n for n in new if n in existing or (n != feature and n in features)]
    if clashes:
        raise ValueError(
            f"Encoding feature {feature!r} creates column(s) {clashes} that clash "
            "with other features; rename the columns upstream"
        )


def _check_not_all_null(series: pd.Series, feature: str) -> None:
    if series.notna().sum() == 0:
        raise ValueError(
            f"Feature {feature!r} is null in all {len(series)} rows; fix the upstream "
            "model that computes it or remove it from the clustering features"
        )


def _to_float(series: pd.Series, name: str, role: str = "Feature") -> np.ndarray:
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


def _encode_numeric(series: pd.Series, feature: str, is_log: bool) -> _EncodedColumns:
    values = _to_float(series, feature)
    if is_log:
        negative = values < 0
        if negative.any():
            raise ValueError(
                f"Log feature {feature!r} has {int(negative.sum())} negative value(s) "
                f"(min {np.nanmin(values):g}); log1p needs values >= 0: clip or shift "
                "them upstream, or remove the feature from log_features"
            )
    warnings: list[str] = []
    nulls = np.isnan(values)
    if nulls.any():
        median = float(np.nanmedian(values))
        values = np.where(nulls, median, values)
        warnings.append(
            f"feature {feature!r}: {int(nulls.sum())} null value(s) filled with "
            f"the median {median:g}"
        )
    return _EncodedColumns({feature: values}, warnings)


def _encode_categorical(series: pd.Series, feature: str) -> _EncodedColumns:
    text = series.map(lambda v: v if pd.isna(v) else str(v)).astype(object)
    counts = text.dropna().value_counts()
    levels = sorted(counts.index)
    warnings: list[str] = []
    n_null = int(text.isna().sum())
    if n_null:
        mode = sorted(counts[counts == counts.max()].index)[0]
        text = text.fillna(mode)
        warnings.append(
            f"feature {feature!r}: {n_null} null value(s) filled with the most "
            f"frequent level {mode!r}"
        )
    values = text.to_numpy()
    chosen = levels[1:] if len(levels) == 2 else levels
    columns = {f"{feature}_{lvl}": (values == lvl).astype(float) for lvl in chosen}
    return _EncodedColumns(columns, warnings)


def _drop_constant(
    encoded: _EncodedColumns,
) -> tuple[dict[str, np.ndarray], list[str], list[str]]:
    kept: dict[str, np.ndarray] = {}
    dropped: list[str] = []
    warnings = list(encoded.warnings)
    for name, values in encoded.columns.items():
        if np.all(values == values[0]):
            dropped.append(name)
            warnings.append(f"feature {name!r} is constant ({values[0]:g}) and was dropped")
        else:
            kept[name] = values
    if not kept:
        warnings.append("all features are constant: everything is one segment")
    return kept, dropped, warnings


def _stack(columns: dict[str, np.ndarray], n_rows: int) -> np.ndarray:
    if not columns:
        return np.zeros((n_rows, 0))
    return np.column_stack(list(columns.values())).astype(float)


def _order_values(
    frame: pd.DataFrame, config: ClusteringConfig, original: np.ndarray
) -> np.ndarray:
    if config.value_column is not None:
        return _to_float(frame[config.value_column], config.value_column, "Value column")
    if original.shape[1] == 0:
        return np.zeros(len(frame))
    return original[:, 0].copy()


def _canonical_order(original: np.ndarray, order_values: np.ndarray) -> np.ndarray:
    """Stable sort of rows by (features..., value): independent of input order."""
    keys = [np.nan_to_num(order_values, nan=np.inf)]
    keys += [original[:, j] for j in range(original.shape[1] - 1, -1, -1)]
    return np.lexsort(keys)


def _fit_scaler(
    original: np.ndarray,
    names: tuple[str, ...],
    log_columns: tuple[str, ...],
    canonical: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    if not names:
        return np.zeros(0), np.ones(0)
    transformed = _log_transform(original[canonical], names, log_columns)
    scaler = StandardScaler().fit(transformed)
    return scaler.mean_.copy(), scaler.scale_.copy()


def _log_transform(
    values: np.ndarray, names: tuple[str, ...], log_columns: tuple[str, ...]
) -> np.ndarray:
    out = values.copy()
    for j, name in enumerate(names):
        if name in log_columns:
            out[:, j] = np.log1p(out[:, j])
    return out


def _apply_scaler(
    original: np.ndarray,
    names: tuple[str, ...],
    log_columns: tuple[str, ...],
    center: np.ndarray,
    scale: np.ndarray,
) -> np.ndarray:
    return (_log_transform(original, names, log_columns) - center) / scale


def _detect_outliers(
    matrix: np.ndarray, canonical: np.ndarray, config: ClusteringConfig
) -> np.ndarray:
    mask = np.zeros(matrix.shape[0], dtype=bool)
    if not config.detect_outliers or matrix.shape[0] < MIN_ROWS_FOR_OUTLIERS:
        return mask
    if matrix.shape[1] == 0:
        return mask
    ordered = matrix[canonical]
    forest = IsolationForest(
        contamination=config.outlier_contamination, random_state=config.random_state
    )
    mask[canonical] = forest.fit(ordered).predict(ordered) == -1
    return mask


# --------------------------------------------------------------------------- sweep


@dataclass(frozen=True)
class _KPlan:
    ks: tuple[int, ...]
    forced: int | None
    warnings: tuple[str, ...]


def _n_distinct(points: np.ndarray) -> int:
    if points.shape[0] == 0:
        return 0
    if points.shape[1] == 0:
        return 1
    return int(np.unique(points, axis=0).shape[0])


def _check_k_possible(k: int, n_distinct: int) -> None:
    if k > n_distinct:
        raise ValueError(
            f"Requested k={k} is larger than the maximum possible k={n_distinct} "
            f"(the number of distinct non-outlier data points); use k <= {n_distinct} "
            "or 0/None to choose k from the data"
        )


def _plan_k(fit_x: np.ndarray, config: ClusteringConfig) -> _KPlan:
    n_distinct = _n_distinct(fit_x)
    forced, warnings = _forced_k(config, n_distinct)
    if forced is not None:
        _check_k_possible(forced, n_distinct)
    if n_distinct < 3:
        ks: tuple[int, ...] = (1,)
        if forced is None:
            warnings.append(
                f"only {n_distinct} distinct data point(s) to cluster: a single segment (k=1)"
            )
    else:
        ks, range_warnings = _auto_range(n_distinct, config)
        warnings.extend(range_warnings)
    if forced is not None:
        ks = tuple(sorted(set(ks) | {forced}))
    return _KPlan(ks=ks, forced=forced, warnings=tuple(warnings))


def _forced_k(config: ClusteringConfig, n_distinct: int) -> tuple[int | None, list[str]]:
    """The forced k, reduced to the distinct points when ``limit_k_to_data``."""
    if config.k is None or not config.limit_k_to_data or config.k <= n_distinct:
        return config.k, []
    reduced = max(1, n_distinct)
    return reduced, [
        f"k={config.k} was forced but there are only {n_distinct} distinct data point(s): "
        f"k reduced to {reduced}"
    ]


def _auto_range(n_distinct: int, config: ClusteringConfig) -> tuple[tuple[int, ...], list[str]]:
    hi = min(config.k_max, n_distinct - 1)
    lo = max(2, min(config.k_min, hi))
    warnings: list[str] = []
    if (lo, hi) != (max(2, config.k_min), config.k_max):
        warnings.append(
            f"only {n_distinct} distinct data points: k range reduced from "
            f"[{config.k_min}, {config.k_max}] to [{lo}, {hi}]"
        )
    return tuple(range(lo, hi + 1)), warnings


def _silhouette(x: np.ndarray, labels: np.ndarray, config: ClusteringConfig) -> float:
    if x.shape[0] > config.silhouette_sample_size:
        rng = np.random.default_rng(config.random_state)
        rows = np.sort(rng.choice(x.shape[0], config.silhouette_sample_size, replace=False))
        x, labels = x[rows], labels[rows]
    if not _metrics_defined(labels):
        return math.nan
    return float(silhouette_score(x, labels))


def _metrics_defined(labels: np.ndarray) -> bool:
    n_labels = np.unique(labels).size
    return 2 <= n_labels <= labels.size - 1


def _kmeans(x: np.ndarray, k: int, config: ClusteringConfig) -> KMeans:
    """KMeans; the public entry points run on one thread (see SINGLE_THREAD)."""
    return KMeans(n_clusters=k, random_state=config.random_state, n_init=config.n_init).fit(x)


def _evaluate_k(x: np.ndarray, k: int, config: ClusteringConfig) -> dict[str, Any]:
    row: dict[str, Any] = {
        "k": k,
        "inertia": float(((x - x.mean(axis=0)) ** 2).sum()),
        "silhouette": math.nan,
        "calinski_harabasz": math.nan,
        "davies_bouldin": math.nan,
        "n_fit_rows": int(x.shape[0]),
    }
    if k == 1:
        return row
    model = _kmeans(x, k, config)
    labels = model.labels_
    row["inertia"] = float(model.inertia_)
    if _metrics_defined(labels):
        row["silhouette"] = _silhouette(x, labels, config)
        row["calinski_harabasz"] = float(calinski_harabasz_score(x, labels))
        row["davies_bouldin"] = float(davies_bouldin_score(x, labels))
    return row


@SINGLE_THREAD
def sweep_k(frame: pd.DataFrame, config: ClusteringConfig) -> pd.DataFrame:
    """Fit KMeans for every k in the effective range and pick one.

    Returns one row per k with the columns of :data:`SWEEP_COLUMNS`; exactly one
    row has ``is_chosen``.  ``selection_rule`` and ``warnings`` are repeated on
    every row (``warnings`` is ``''`` when there are none).  The effective range
    is ``[max(2, k_min), min(k_max, distinct points - 1)]``; with fewer than 3
    distinct non-outlier points it is the single k=1.  A forced ``config.k`` is
    added to the range if needed and chosen with rule ``"forced by var"``.
    """
    prepared = prepare_features(frame, config)
    fit_x = prepared.fit_matrix()
    plan = _plan_k(fit_x, config)
    sweep = pd.DataFrame([_evaluate_k(fit_x, k, config) for k in plan.ks])
    if plan.forced is not None:
        chosen, rule = plan.forced, FORCED_RULE
    elif plan.ks == (1,):
        chosen, rule = 1, "single segment: fewer than 3 distinct data points"
    else:
        chosen, rule = choose_k(sweep)
    return _finish_sweep(sweep, chosen, rule, [*prepared.warnings, *plan.warnings])


def _finish_sweep(sweep: pd.DataFrame, chosen: int, rule: str, warnings: list[str]) -> pd.DataFrame:
    sweep = sweep.astype({"k": "int64", "n_fit_rows": "int64"})
    sweep["is_chosen"] = (sweep["k"] == chosen).astype(bool)
    sweep["selection_rule"] = rule
    sweep["warnings"] = "; ".join(warnings)
    return sweep.loc[:, list(SWEEP_COLUMNS)].reset_index(drop=True)


def chosen_k(sweep: pd.DataFrame) -> int:
    """The k flagged ``is_chosen`` in a sweep table (exactly one must be flagged)."""
    flagged = sweep.loc[sweep["is_chosen"].astype(bool), "k"]
    if len(flagged) != 1:
        raise ValueError(f"Sweep must flag exactly one chosen k, found {len(flagged)}")
    return int(flagged.iloc[0])


# --------------------------------------------------------------------------- choose k


def choose_k(sweep: pd.DataFrame) -> tuple[int, str]:
    """Choose k from a sweep table (columns ``k``, ``inertia``, ``silhouette``).

    Rule:

    0. If the sweep's chosen row says ``selection_rule == "forced by var"``, that
       k is returned unchanged (a forced k overrides everything).
    1. Knee of the inertia curve (Kneedle): normalise k and log(inertia) to
       [0, 1]; the knee is the k whose normalised value lies furthest *below*
       the straight line from the first to the last point.  (The log keeps the
       first big drops, k=2->3, from dwarfing a later real elbow: on raw
       inertia the knee of 6 separated blobs often lands on 4 or 5.  Raw
       inertia is used if some inertia is 0.)  If there are fewer than 3
       candidate k or no point lies below that line (no knee), start instead
       from the k with the best silhouette.
    2. Checked against silhouette: while the best silhouette anywhere in the
       range exceeds the current k's silhouette by more than 0.05 (absolute),
       move to the best-silhouette k among the current k and its immediate
       neighbours (k-1, k+1); stop as soon as no neighbour improves.  So the
       knee is kept when its silhouette is within 0.05 of the best, and
       otherwise walked, one step at a time, uphill on silhouette until it is.

    Ties go to the smaller k.  Returns ``(k, rule text)``.
    """
    forced = _forced_in_sweep(sweep)
    if forced is not None:
        return forced, FORCED_RULE
    table = sweep.sort_values("k", kind="mergesort")
    ks = table["k"].astype(int).to_numpy()
    inertia = table["inertia"].astype(float).to_numpy()
    silhouette = table["silhouette"].astype(float).to_numpy()
    if ks.size == 0:
        raise ValueError("Cannot choose k from an empty sweep")
    if ks.size == 1:
        return int(ks[0]), f"only candidate k={ks[0]}"
    knee = _kneedle(ks, inertia)
    if knee is None:
        start = _best_index(silhouette, ks)
        text = f"no knee in the inertia curve; started from the best silhouette k={ks[start]}"
    else:
        start = knee
        text = f"knee of the log-inertia curve (Kneedle) at k={ks[knee]}"
    final, walk_text = _silhouette_walk(ks, silhouette, start)
    return int(ks[final]), f"{text}; {walk_text} -> k={ks[final]}"


def _forced_in_sweep(sweep: pd.DataFrame) -> int | None:
    if "selection_rule" not in sweep or "is_chosen" not in sweep:
        return None
    chosen = sweep[sweep["is_chosen"].astype(bool)]
    if len(chosen) == 1 and chosen["selection_rule"].iloc[0] == FORCED_RULE:
        return int(chosen["k"].iloc[0])
    return None


def _kneedle(ks: np.ndarray, inertia: np.ndarray) -> int | None:
    """Index of the Kneedle knee, or ``None`` without a point below the chord."""
    if ks.size < 3 or not np.all(np.isfinite(inertia)):
        return None
    curve = np.log(inertia) if np.all(inertia > 0) else inertia
    span = curve.max() - curve.min()
    if span <= 0:
        return None
    x = (ks - ks[0]) / (ks[-1] - ks[0])
    y = (curve - curve.min()) / span
    chord = y[0] + (y[-1] - y[0]) * x
    below = chord - y
    best = int(np.argmax(below))
    return best if below[best] > 1e-12 else None


def _best_index(silhouette: np.ndarray, ks: np.ndarray) -> int:
    if np.all(np.isnan(silhouette)):
        return 0
    return int(np.nanargmax(silhouette))


def _silhouette_walk(ks: np.ndarray, silhouette: np.ndarray, start: int) -> tuple[int, str]:
    sil = np.where(np.isnan(silhouette), -np.inf, silhouette)
    if not np.isfinite(sil).any():
        return start, "silhouette undefined, kept"
    best = int(np.argmax(sil))
    current = start
    while sil[best] - sil[current] > SILHOUETTE_MARGIN:
        window = [i for i in (current - 1, current, current + 1) if 0 <= i < ks.size]
        step = max(window, key=lambda i: (sil[i], i == current, -i))
        if step == current:
            break
        current = step
    return current, _walk_text(ks, sil, start, current, best)


def _walk_text(ks: np.ndarray, sil: np.ndarray, start: int, final: int, best: int) -> str:
    best_text = f"best silhouette {sil[best]:.3f} at k={ks[best]}"
    if final == start:
        return (
            f"silhouette {sil[start]:.3f} checked against the {best_text} "
            f"(margin {SILHOUETTE_MARGIN}): kept"
        )
    return (
        f"silhouette {sil[start]:.3f} was more than {SILHOUETTE_MARGIN} below the "
        f"{best_text}: moved step by step to the better-silhouette neighbour "
        f"k={ks[final]} ({sil[final]:.3f})"
    )


# --------------------------------------------------------------------------- fit


@dataclass(frozen=True)
class SegmentFit:
    """Result of :func:`fit_segments`.

    ``assignments``: one row per input row sorted by the id column, with
    ``segment_id`` (1..k), ``distance_to_centroid`` (Euclidean, scaled space)
    and ``is_outlier``.  ``centroids``: one row per segment with ``segment_id``,
    ``n_members``, each used feature in original units and ``<feature>_z`` (the
    centroid in standardised space).
    """

    assignments: pd.DataFrame
    centroids: pd.DataFrame
    warnings: list[str]
    k: int
    feature_names: tuple[str, ...]


@SINGLE_THREAD
def fit_segments(
    frame: pd.DataFrame, id_column: str, config: ClusteringConfig, k: int
) -> SegmentFit:
    """Fit KMeans with ``k`` clusters and assign every row to a segment.

    Outliers (``is_outlier``) are left out of the fit, then assigned to the
    nearest centroid like everybody else.  Segment ids are 1..k by descending
    mean of ``value_column`` over all members (ties: lower mean of the first
    used feature, then KMeans label).  ``k`` larger than the number of distinct
    non-outlier points raises ``ValueError``.
    """
    _check_columns(frame, config, id_column)
    ordered = _sort_by_id(frame, id_column)
    prepared = prepare_features(ordered, config)
    fit_x = prepared.fit_matrix()
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    _check_k_possible(k, _n_distinct(fit_x))
    centers = _fit_centers(fit_x, k, config)
    distances = _distances(prepared.matrix, centers)
    labels = np.argmin(distances, axis=1)
    segment_of_label = _rank_labels(labels, prepared, k)
    segment_ids = segment_of_label[labels]
    assignments = pd.DataFrame(
        {
            id_column: ordered[id_column],
            "segment_id": segment_ids.astype("int64"),
            "distance_to_centroid": distances[np.arange(labels.size), labels],
            "is_outlier": prepared.outlier_mask.astype(bool),
        }
    )
    centroids = _centroid_frame(centers, segment_of_label, segment_ids, prepared)
    return SegmentFit(
        assignments=assignments,
        centroids=centroids,
        warnings=list(prepared.warnings),
        k=k,
        feature_names=prepared.feature_names,
    )


def _sort_by_id(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    ids = frame[id_column]
    if ids.isna().any():
        raise ValueError(f"Id column {id_column!r} has {int(ids.isna().sum())} null(s)")
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise ValueError(
            f"Id column {id_column!r} has {len(duplicated)} duplicated value(s), "
            f"e.g. {list(duplicated.unique()[:5])}; expected one row per entity"
        )
    return frame.sort_values(id_column, kind="mergesort").reset_index(drop=True)


def _fit_centers(fit_x: np.ndarray, k: int, config: ClusteringConfig) -> np.ndarray:
    if k == 1:
        return fit_x.mean(axis=0, keepdims=True)
    return _kmeans(fit_x, k, config).cluster_centers_


def _distances(x: np.ndarray, centers: np.ndarray) -> np.ndarray:
    out = np.empty((x.shape[0], centers.shape[0]))
    for j, center in enumerate(centers):
        out[:, j] = np.sqrt(((x - center) ** 2).sum(axis=1))
    return out


def _rank_labels(labels: np.ndarray, prepared: PreparedFeatures, k: int) -> np.ndarray:
    """Array mapping KMeans label -> segment id.

    Sort key per label: descending mean value (NaN last), then ascending mean
    of the first used feature (NaN last), then the label itself.
    """
    order = prepared.canonical_order
    n_cols = prepared.original.shape[1]
    first = prepared.original[:, 0] if n_cols else np.zeros(labels.size)

    def sort_key(label: int) -> tuple[float, float, int]:
        members = order[labels[order] == label]
        value = _nanmean(prepared.order_values[members])
        return (_nan_last(-value), _nan_last(_nanmean(first[members])), label)

    mapping = np.empty(k, dtype="int64")
    for segment_id, label in enumerate(sorted(range(k), key=sort_key), start=1):
        mapping[label] = segment_id
    return mapping


def _nanmean(values: np.ndarray) -> float:
    finite = values[~np.isnan(values)]
    return float(finite.mean()) if finite.size else math.nan


def _nan_last(value: float) -> float:
    return math.inf if math.isnan(value) else value


def _centroid_frame(
    centers: np.ndarray,
    segment_of_label: np.ndarray,
    segment_ids: np.ndarray,
    prepared: PreparedFeatures,
) -> pd.DataFrame:
    k = centers.shape[0]
    by_segment = np.argsort(segment_of_label)
    z = centers[by_segment]
    ids = np.arange(1, k + 1, dtype="int64")
    data: dict[str, Any] = {
        "segment_id": ids,
        "n_members": np.array([(segment_ids == i).sum() for i in ids], dtype="int64"),
    }
    original = prepared.to_original_units(z)
    for j, name in enumerate(prepared.feature_names):
        data[name] = original[:, j]
    for j, name in enumerate(prepared.feature_names):
        data[f"{name}_z"] = z[:, j]
    return pd.DataFrame(data)


# --------------------------------------------------------------------------- all-in-one


@dataclass(frozen=True)
class ClusteringResult:
    """Sweep, chosen k and the fitted segments of :func:`cluster`."""

    assignments: pd.DataFrame
    centroids: pd.DataFrame
    sweep: pd.DataFrame
    k: int
    warnings: list[str]


def cluster(frame: pd.DataFrame, id_column: str, config: ClusteringConfig) -> ClusteringResult:
    """Sweep k, choose it (or use the forced k) and fit the segments."""
    _check_columns(frame, config, id_column)
    sweep = sweep_k(frame, config)
    k = chosen_k(sweep)
    fit = fit_segments(frame, id_column, config, k)
    sweep_warnings = [w for w in str(sweep["warnings"].iloc[0]).split("; ") if w]
    warnings = list(dict.fromkeys([*fit.warnings, *sweep_warnings]))
    return ClusteringResult(
        assignments=fit.assignments,
        centroids=fit.centroids,
        sweep=sweep,
        k=k,
        warnings=warnings,
    )
