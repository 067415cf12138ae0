"""Standardising the clustered features and projecting them on two principal axes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def scaled_column(values: pd.Series, logged: bool) -> pd.Series:
    """A feature as it was clustered: missing values at the median, log1p if logged."""
    x = values.astype(float)
    x = x.fillna(x.median())
    return np.log1p(x.clip(lower=0)) if logged else x


def standardise(frame: pd.DataFrame, features: Sequence[str], logs: Sequence[str]) -> np.ndarray:
    columns = []
    for f in features:
        x = scaled_column(frame[f], f in logs)
        std = x.std(ddof=0)
        columns.append(((x - x.mean()) / (std if std > 0 else 1.0)).to_numpy())
    return np.column_stack(columns)


def pca_2d(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores on the first two principal components, the components and variance shares.

    The sign of each component is fixed (largest loading positive) so the picture does
    not flip between builds.
    """
    centred = matrix - matrix.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    for i in range(vt.shape[0]):
        if vt[i, np.argmax(np.abs(vt[i]))] < 0:
            vt[i] = -vt[i]
    components = vt[:2]
    if components.shape[0] < 2:  # one feature: a second flat axis
        components = np.vstack([components, np.zeros_like(components)])
    variance = s**2 / max((s**2).sum(), 1e-12)
    variance = np.pad(variance, (0, max(0, 2 - len(variance))))[:2]
    return centred @ components.T, components, variance


def centroid_z(
    profile: pd.DataFrame,
    members: pd.DataFrame,
    features: Sequence[str],
    logs: Sequence[str],
) -> np.ndarray | None:
    """The standardised centroids of `profile`, one row per segment (None: not known).

    Uses the `centroid_<feature>_z` columns; without them the centroids in original
    units (`centroid_<feature>`) are scaled like the members.
    """
    z_cols = [f"centroid_{f}_z" for f in features]
    if all(c in profile.columns for c in z_cols):
        return profile[z_cols].astype(float).to_numpy()
    if not all(f"centroid_{f}" in profile.columns for f in features):
        return None
    columns = []
    for f in features:
        x = scaled_column(members[f], f in logs)
        centre = profile[f"centroid_{f}"].astype(float)
        centre = np.log1p(centre.clip(lower=0)) if f in logs else centre
        std = x.std(ddof=0)
        columns.append(((centre - x.mean()) / (std if std > 0 else 1.0)).to_numpy())
    return np.column_stack(columns)
