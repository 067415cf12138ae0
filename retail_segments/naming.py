"""Human-readable, unique and deterministic names for segments.

Three methods, picked per segmentation by :func:`name_segments`:

* ``describe``: words from a vocabulary for the features on which a segment's
  centroid is far from the population mean (``|z| >= threshold``), e.g.
  ``"High spend, frequent, recent"``.
* ``ranked``: tier labels by segment id (segment 1 = highest value), e.g.
  ``"High spending"``, ``"Medium spending"``, ``"Low spending"``.
* ``archetype``: each segment gets the best-matching named z-profile (one-to-one,
  by linear assignment); extra segments fall back to ``describe`` names.

All functions take centroids in standardised (z) space.  Either a frame with
one column per feature (``segment_id`` column or index = segment id) or the
centroids of :meth:`retail_segments.fit.FittedSegmentation.centroids`, whose
``<feature>_z`` columns are then used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

TYPICAL_NAME = "Typical"
SLIGHTLY = "slightly"
Z_SUFFIX = "_z"
NAMING_METHODS: tuple[str, ...] = ("describe", "ranked", "archetype")
# How the chosen terms of a describe name are ordered: most distinctive first, or
# in the order of the vocabulary ("Young, high income, high spenders").
TERM_ORDERS: tuple[str, ...] = ("strength", "vocabulary")
DEFAULT_RANKED_LABELS: tuple[str, ...] = (
    "High spending",
    "Medium spending",
    "Low spending",
)
_NON_FEATURE_COLUMNS = frozenset({"segment_id", "n_members"})
_METHOD_OPTIONS: dict[str, tuple[str, ...]] = {
    "describe": ("method", "vocabulary", "threshold", "max_terms", "term_order"),
    "ranked": ("method", "labels"),
    "archetype": ("method", "archetypes", "vocabulary", "threshold", "max_terms", "term_order"),
}


# --------------------------------------------------------------------------- helpers


def z_profile(centroids: pd.DataFrame) -> pd.DataFrame:
    """Segment x feature table of z-scores, indexed by segment id.

    Uses the ``<feature>_z`` columns (renamed to ``<feature>``) when there are
    any, otherwise every column except ``segment_id`` and ``n_members``.
    """
    table = centroids.set_index("segment_id") if "segment_id" in centroids else centroids
    z_columns = [c for c in table.columns if str(c).endswith(Z_SUFFIX)]
    if z_columns:
        table = table[z_columns].rename(columns=lambda c: str(c)[: -len(Z_SUFFIX)])
    else:
        table = table.drop(columns=[c for c in table.columns if c in _NON_FEATURE_COLUMNS])
    table = table.astype(float)
    table.index = [int(i) for i in table.index]
    return table.sort_index()


def _capitalise_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    """Lower-case the first letter unless the word looks like an acronym (``UK``)."""
    if len(text) > 1 and text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _join_terms(terms: Sequence[str]) -> str:
    if not terms:
        return ""
    return ", ".join([_capitalise_first(terms[0]), *(_lower_first(t) for t in terms[1:])])


def _make_unique(names: Mapping[int, str]) -> dict[int, str]:
    """Suffix repeated names with `` (2)``, `` (3)``... in segment id order."""
    result: dict[int, str] = {}
    taken = set(names.values())
    seen: set[str] = set()
    for segment_id in sorted(names):
        name = names[segment_id]
        if name in seen:
            counter = 2
            while f"{name} ({counter})" in taken:
                counter += 1
            name = f"{name} ({counter})"
            taken.add(name)
        seen.add(name)
        result[segment_id] = name
    return result


def _duplicated_ids(names: Mapping[int, str]) -> list[int]:
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return [sid for sid in sorted(names) if counts[names[sid]] > 1]


# --------------------------------------------------------------------------- describe


@dataclass(frozen=True)
class _Term:
    word: str
    strength: float
    distinctive: bool
    position: int = 0  # the feature's position in the vocabulary


def _ranked_terms(
    row: pd.Series, vocabulary: Mapping[str, tuple[str, str]], threshold: float
) -> list[_Term]:
    """All usable terms of one segment, most distinctive first.

    Order: ``|z|`` descending, ties by vocabulary order.  Terms below the
    threshold are prefixed with "slightly"; features with z exactly 0 or NaN
    (or missing from the table) give no term.
    """
    terms: list[tuple[float, int, _Term]] = []
    for position, (feature, (low_word, high_word)) in enumerate(vocabulary.items()):
        z = float(row.get(feature, math.nan))
        if math.isnan(z) or z == 0.0:
            continue
        word = high_word if z > 0 else low_word
        distinctive = abs(z) >= threshold
        if not distinctive:
            word = f"{SLIGHTLY} {_lower_first(word)}"
        terms.append((-abs(z), position, _Term(word, abs(z), distinctive, position)))
    return [term for *_, term in sorted(terms, key=lambda t: (t[0], t[1]))]


def _describe_one(terms: Sequence[_Term], depth: int, term_order: str = "strength") -> str:
    chosen = list(terms[:depth])
    if term_order == "vocabulary":
        chosen.sort(key=lambda t: t.position)
    words = [t.word for t in chosen]
    if not words or not terms[0].distinctive:
        return _join_terms([TYPICAL_NAME, *words])
    return _join_terms(words)


def _initial_depth(terms: Sequence[_Term], max_terms: int) -> int:
    return min(max_terms, sum(t.distinctive for t in terms))


def describe_names(
    centroids_z: pd.DataFrame,
    vocabulary: Mapping[str, tuple[str, str]],
    threshold: float = 0.5,
    max_terms: int = 3,
    term_order: str = "strength",
) -> dict[int, str]:
    """Name segments after their most distinctive features.

    ``vocabulary`` maps feature -> ``(low_word, high_word)``; only those
    features are used.  A segment's name is its terms with ``|z| >= threshold``
    ordered by ``|z|`` descending (ties: vocabulary order), at most
    ``max_terms`` of them, joined with ``", "`` with the first letter
    capitalised (later terms start lower-case unless they look like an
    acronym), e.g. ``"High spend, frequent, recent"``.  A segment without a
    distinctive term is ``"Typical"``.

    ``term_order="vocabulary"`` picks the same terms but writes them in the
    order of the vocabulary, so that names read alike: ``"Young, high income,
    high spenders"``, ``"Low income, low spenders"``.

    Names are unique: while names collide, every colliding segment adds its next
    most distinctive term (beyond ``max_terms``, then below the threshold as
    ``"slightly <word>"``); names still equal after that get a suffix
    ``" (2)"``, ``" (3)"`` in segment id order.  Deterministic.
    """
    vocabulary = _check_vocabulary(vocabulary)
    if max_terms < 1:
        raise ValueError(f"max_terms must be >= 1, got {max_terms}")
    if term_order not in TERM_ORDERS:
        raise ValueError(f"term_order must be one of {list(TERM_ORDERS)}, got {term_order!r}")
    table = z_profile(centroids_z)
    terms = {sid: _ranked_terms(table.loc[sid], vocabulary, threshold) for sid in table.index}
    depth = {sid: _initial_depth(terms[sid], max_terms) for sid in terms}
    names = {sid: _describe_one(terms[sid], depth[sid], term_order) for sid in terms}
    while colliding := _duplicated_ids(names):
        extendable = [sid for sid in colliding if depth[sid] < len(terms[sid])]
        if not extendable:
            break
        for sid in extendable:
            depth[sid] += 1
            names[sid] = _describe_one(terms[sid], depth[sid], term_order)
    return _make_unique(names)


def _check_vocabulary(vocabulary: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    checked: dict[str, tuple[str, str]] = {}
    for feature, words in vocabulary.items():
        if isinstance(words, str) or len(words) != 2:
            raise ValueError(
                f"Vocabulary entry for {feature!r} must be (low_word, high_word), got {words!r}"
            )
        checked[str(feature)] = (str(words[0]), str(words[1]))
    if not checked:
        raise ValueError("Vocabulary must name at least one feature")
    return checked


# --------------------------------------------------------------------------- ranked


def ranked_names(k: int, labels: Sequence[str] = DEFAULT_RANKED_LABELS) -> dict[int, str]:
    """Tier names by segment id: segment 1 -> highest tier.

    * ``k == len(labels)``: the labels in order.
    * ``k == 1``: ``"All"``.
    * ``k < len(labels)``: evenly spaced labels, always the first and last
      (3 labels, k=2 -> ``"High spending"``, ``"Low spending"``).
    * three labels and k in (4, 5): the middle label is split into upper and
      lower: ``High, Upper-medium, (Medium,) Lower-medium, Low`` + the labels'
      common trailing word(s) (``" spending"``).
    * otherwise ``"<Common trailing word> tier i"`` (``"Spending tier 1"``), or
      ``"Tier i"`` when the labels share no trailing word.
    """
    labels = tuple(str(label) for label in labels)
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if not labels or len(set(labels)) != len(labels):
        raise ValueError(f"labels must be non-empty and unique, got {list(labels)}")
    if k == len(labels):
        names = list(labels)
    elif k == 1:
        names = ["All"]
    elif k < len(labels):
        names = [labels[i] for i in _spread_indices(k, len(labels))]
    elif len(labels) == 3 and k in (4, 5):
        names = _split_middle(labels, k)
    else:
        names = _tier_names(k, labels)
    return {i: name for i, name in enumerate(names, start=1)}


def _spread_indices(k: int, n: int) -> list[int]:
    return [int(math.floor(x + 0.5)) for x in np.linspace(0, n - 1, k)]


def _common_suffix(labels: Sequence[str]) -> str:
    """Trailing words shared by every label (``" spending"``), '' if none.

    At least one word of every label is kept out of the suffix.
    """
    split = [label.split(" ") for label in labels]
    shared: list[str] = []
    for i in range(1, min(len(words) for words in split)):
        if len({words[-i] for words in split}) != 1:
            break
        shared.insert(0, split[0][-i])
    return " " + " ".join(shared) if shared else ""


def _split_middle(labels: Sequence[str], k: int) -> list[str]:
    suffix = _common_suffix(labels)
    stems = [label[: len(label) - len(suffix)] for label in labels]
    middle = _lower_first(stems[1])
    upper, lower = f"Upper-{middle}{suffix}", f"Lower-{middle}{suffix}"
    if k == 4:
        return [labels[0], upper, lower, labels[2]]
    return [labels[0], upper, labels[1], lower, labels[2]]


def _tier_names(k: int, labels: Sequence[str]) -> list[str]:
    suffix = _common_suffix(labels).strip()
    stem = f"{_capitalise_first(suffix)} tier" if suffix else "Tier"
    return [f"{stem} {i}" for i in range(1, k + 1)]


# --------------------------------------------------------------------------- archetype


def _archetype_scores(
    table: pd.DataFrame, archetypes: Mapping[str, Mapping[str, float]]
) -> np.ndarray:
    """Segment x archetype similarity: projection of the z-profile on the
    archetype's unit direction, over the archetype's features present in the
    table (features an archetype does not mention do not count)."""
    scores = np.zeros((len(table), len(archetypes)))
    for j, target in enumerate(archetypes.values()):
        used = [f for f in target if f in table.columns]
        weights = np.array([float(target[f]) for f in used])
        norm = float(np.linalg.norm(weights))
        if norm > 0:
            scores[:, j] = table[used].to_numpy(dtype=float) @ (weights / norm)
    return np.nan_to_num(scores, nan=0.0)


def _check_archetypes(
    archetypes: Mapping[str, Mapping[str, Any]], table: pd.DataFrame
) -> dict[str, dict[str, float]]:
    checked = {
        str(name): {str(f): float(v) for f, v in profile.items()}
        for name, profile in archetypes.items()
    }
    if not checked:
        raise ValueError("archetypes must define at least one archetype")
    mentioned = {f for profile in checked.values() for f in profile}
    if not mentioned & set(table.columns):
        raise ValueError(
            f"No archetype feature {sorted(mentioned)} is among the centroid features "
            f"{list(table.columns)}"
        )
    return checked


def archetype_names(
    centroids_z: pd.DataFrame,
    archetypes: Mapping[str, Mapping[str, float]],
    vocabulary: Mapping[str, tuple[str, str]] | None = None,
    threshold: float = 0.5,
    max_terms: int = 3,
    term_order: str = "strength",
) -> dict[int, str]:
    """Give each segment the best-matching archetype, one-to-one.

    ``archetypes`` maps a name to a target z-profile, e.g. ``{"Long tail":
    {"units": -1, "revenue": -1}}``.  Similarity of a segment to an archetype
    is the projection of the segment's z-vector on the archetype's unit
    direction, using only the features the archetype names (so magnitude
    counts: a far-out segment matches more strongly than a near-average one).
    ``scipy.optimize.linear_sum_assignment`` maximises the total similarity,
    each archetype used at most once.  When k exceeds the number of
    archetypes, the unmatched segments get :func:`describe_names` names
    (``vocabulary`` defaults to ``"low <feature>"``/``"high <feature>"``;
    ``term_order`` as for :func:`describe_names`).  Names are unique and
    deterministic.
    """
    table = z_profile(centroids_z)
    checked = _check_archetypes(archetypes, table)
    scores = _archetype_scores(table, checked)
    rows, cols = linear_sum_assignment(scores, maximize=True)
    archetype_list = list(checked)
    segment_ids = [int(i) for i in table.index]
    names = {segment_ids[r]: archetype_list[c] for r, c in zip(rows, cols, strict=True)}
    leftover = [sid for sid in segment_ids if sid not in names]
    if leftover:
        vocab = vocabulary or {f: (f"low {f}", f"high {f}") for f in table.columns}
        described = describe_names(table.loc[leftover], vocab, threshold, max_terms, term_order)
        names.update(described)
    return _make_unique(dict(sorted(names.items())))


# --------------------------------------------------------------------------- dispatch


def name_segments(centroids: pd.DataFrame, naming: Mapping[str, Any]) -> dict[int, str]:
    """Name segments with ``naming["method"]`` (``describe``, ``ranked``, ``archetype``).

    Options: ``describe`` -> ``vocabulary`` (required), ``threshold``,
    ``max_terms``, ``term_order``; ``ranked`` -> ``labels``; ``archetype`` ->
    ``archetypes`` (required), ``vocabulary``, ``threshold``, ``max_terms``,
    ``term_order``.  Unknown methods or
    options raise ``ValueError`` listing the valid ones.
    """
    method = naming.get("method")
    if method not in _METHOD_OPTIONS:
        raise ValueError(f"Unknown naming method {method!r}; valid methods: {list(NAMING_METHODS)}")
    unknown = sorted(set(naming) - set(_METHOD_OPTIONS[method]))
    if unknown:
        raise ValueError(
            f"Unknown option(s) {unknown} for naming method {method!r}; "
            f"allowed: {list(_METHOD_OPTIONS[method])}"
        )
    if method == "ranked":
        return _ranked_for(centroids, naming)
    threshold = float(naming.get("threshold", 0.5))
    max_terms = int(naming.get("max_terms", 3))
    term_order = str(naming.get("term_order", "strength"))
    if method == "describe":
        return describe_names(
            centroids, _required(naming, "vocabulary", method), threshold, max_terms, term_order
        )
    return archetype_names(
        centroids,
        _required(naming, "archetypes", method),
        naming.get("vocabulary"),
        threshold,
        max_terms,
        term_order,
    )


def _required(naming: Mapping[str, Any], key: str, method: str) -> Any:
    if not naming.get(key):
        raise ValueError(f"Naming method {method!r} needs the option {key!r}")
    return naming[key]


def _ranked_for(centroids: pd.DataFrame, naming: Mapping[str, Any]) -> dict[int, str]:
    segment_ids = z_profile(centroids).index.tolist()
    names = ranked_names(len(segment_ids), naming.get("labels") or DEFAULT_RANKED_LABELS)
    return {int(sid): names[i] for i, sid in enumerate(segment_ids, start=1)}
