"""The validated settings of one segmentation (customers, countries, products...).

dbt renders a model's ``segmentation`` config natively (ints are ints, lists are
lists), so :class:`SegmentationSettings` does not parse strings: it checks types
and value ranges once, at the edge (:meth:`SegmentationSettings.from_config`),
and everything downstream can trust it.  Any problem becomes one ``ValueError``
whose message names the option and what is wrong with it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from retail_segments.naming import DEFAULT_RANKED_LABELS

Number = Annotated[float, Strict()]  # an int or a float, never a string or a bool
Names = tuple[StrictStr, ...]
_FROZEN = ConfigDict(frozen=True, extra="forbid")
# A smaller sweep sample would leave too few rows per cluster at k_max for the metrics.
MIN_SWEEP_SAMPLE_SIZE = 1_000


class _NamingBase(BaseModel):
    model_config = _FROZEN

    single_segment_name: StrictStr = "All"

    def options(self) -> dict[str, Any]:
        """The options :func:`retail_segments.naming.name_segments` accepts."""
        return self.model_dump(exclude={"single_segment_name"}, exclude_none=True)


class _TermOptions(_NamingBase):
    threshold: Number = 0.5
    max_terms: StrictInt = Field(default=3, ge=1)
    term_order: Literal["strength", "vocabulary"] = "strength"

    @field_validator("vocabulary", mode="before", check_fields=False)
    @classmethod
    def _word_pairs(cls, vocabulary: Any) -> Any:
        if isinstance(vocabulary, Mapping):
            for feature, words in vocabulary.items():
                if isinstance(words, str) or not hasattr(words, "__len__") or len(words) != 2:
                    raise ValueError(
                        f"Vocabulary entry for {feature!r} must be (low_word, high_word), "
                        f"got {words!r}"
                    )
        return vocabulary


class DescribeNaming(_TermOptions):
    """Words from ``vocabulary`` (feature -> (low word, high word)) for far-out features."""

    method: Literal["describe"]
    vocabulary: dict[StrictStr, tuple[StrictStr, StrictStr]] = Field(min_length=1)


class RankedNaming(_NamingBase):
    """Tier labels by segment id (segment 1 = the first label)."""

    method: Literal["ranked"]
    labels: Names = Field(default=DEFAULT_RANKED_LABELS, min_length=1)

    @field_validator("labels")
    @classmethod
    def _unique_labels(cls, labels: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(labels)) != len(labels):
            raise ValueError(f"labels must be unique, got {list(labels)}")
        return labels


class ArchetypeNaming(_TermOptions):
    """The best-matching named z-profile per segment; extra segments get describe names."""

    method: Literal["archetype"]
    archetypes: dict[StrictStr, dict[StrictStr, Number]] = Field(min_length=1)
    vocabulary: dict[StrictStr, tuple[StrictStr, StrictStr]] | None = None


Naming = Annotated[DescribeNaming | RankedNaming | ArchetypeNaming, Field(discriminator="method")]


class SegmentationSettings(BaseModel):
    """Everything that drives one segmentation.

    ``log_features`` and ``categorical_features`` must be subsets of
    ``features``.  ``k`` of 0 lets the data choose k in ``[k_min, k_max]``; a
    positive ``k`` forces it.  ``value_column`` orders the segments (segment 1 =
    highest mean); ``None`` means the first feature.  ``limit_k_to_data`` turns
    a forced ``k`` larger than the number of distinct data points into that
    number (with a warning) instead of an error, for entities that can be few
    (e.g. countries).  ``level_threshold`` is the ``|z|`` from which a centroid
    feature is ``high``/``low`` rather than ``mid``.

    Large inputs (see :mod:`retail_segments.sweep`): when there are more than
    ``sweep_sample_size`` non-outlier rows, the k sweep (its k-means restarts
    and every metric) runs on a fixed-seed (``random_state``) uniform sample of
    ``sweep_sample_size`` of them, its silhouette on at most
    ``sampled_silhouette_size`` rows of that sample, and the final fit starts
    from the sample's best-of-``n_init`` centroids and refines them on all the
    rows.  ``sweep_sample_size=0`` never samples.  At or below the threshold
    nothing changes.
    """

    model_config = _FROZEN

    id_column: StrictStr = Field(min_length=1)
    features: Names
    log_features: Names = ()
    categorical_features: Names = ()
    k: StrictInt = 0
    k_min: StrictInt = 2
    k_max: StrictInt = 10
    limit_k_to_data: StrictBool = False
    value_column: Annotated[StrictStr, Field(min_length=1)] | None = None
    detect_outliers: StrictBool = True
    outlier_contamination: Number = 0.02
    silhouette_sample_size: StrictInt = 10_000
    sweep_sample_size: StrictInt = 20_000
    sampled_silhouette_size: StrictInt = 4_000
    random_state: StrictInt = 42
    n_init: StrictInt = 10
    level_threshold: Number = 0.5
    naming: Naming = Field(default_factory=lambda: RankedNaming(method="ranked"))

    @model_validator(mode="after")
    def _check(self) -> SegmentationSettings:
        _check_feature_lists(self)
        _check_ranges(self)
        return self

    @property
    def forced_k(self) -> int | None:
        """The forced k, or ``None`` when the data chooses it."""
        return self.k or None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SegmentationSettings:
        """Validate a model's ``segmentation`` config (as dbt renders it).

        Raises one ``ValueError`` naming every bad option and what is wrong.
        """
        if not isinstance(config, Mapping):
            raise ValueError(f"The segmentation config must be a mapping, got {config!r}")
        unknown = sorted(set(config) - set(cls.model_fields))
        if unknown:
            raise ValueError(
                f"Unknown segmentation option(s) {unknown}; allowed: {list(cls.model_fields)}"
            )
        if not config.get("id_column"):
            raise ValueError("The segmentation config needs an id_column (the entity key).")
        try:
            return cls.model_validate(dict(config))
        except ValidationError as error:
            raise ValueError(_describe(error)) from None

    def to_json(self) -> str:
        """Stable JSON: option names sorted, user mappings kept in their order.

        The order of ``vocabulary`` and ``archetypes`` entries matters for the
        names (ties, term order), so only the settings' own keys are sorted.
        The large-input options (:data:`OMITTED_AT_DEFAULT`) are left out when
        they have their default, so the ``settings_json`` of a segments table
        stays what it was before they existed.
        """
        data = self.model_dump(mode="json")
        for name, default in OMITTED_AT_DEFAULT.items():
            if data[name] == default:
                del data[name]
        data["naming"] = dict(sorted(data["naming"].items()))
        return json.dumps(dict(sorted(data.items())), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> SegmentationSettings:
        """Inverse of :meth:`to_json`."""
        return cls.from_config(json.loads(text))


OMITTED_AT_DEFAULT: dict[str, int] = {
    name: SegmentationSettings.model_fields[name].default
    for name in ("sweep_sample_size", "sampled_silhouette_size")
}


def _check_feature_lists(settings: SegmentationSettings) -> None:
    features = settings.features
    if not features:
        raise ValueError("features must name at least one column")
    if len(set(features)) != len(features):
        raise ValueError(f"Duplicate names in features: {list(features)}")
    for name in ("log_features", "categorical_features"):
        extra = [f for f in getattr(settings, name) if f not in features]
        if extra:
            raise ValueError(f"{name} {extra} are not in features {list(features)}")
    both = sorted(set(settings.log_features) & set(settings.categorical_features))
    if both:
        raise ValueError(f"Features {both} cannot be both log and categorical")


def _check_ranges(settings: SegmentationSettings) -> None:
    if settings.k_min < 1 or settings.k_max < settings.k_min:
        raise ValueError(
            f"Need 1 <= k_min <= k_max, got k_min={settings.k_min}, k_max={settings.k_max}"
        )
    if settings.k < 0:
        raise ValueError(f"Forced k must be >= 1 (or 0 to choose), got {settings.k}")
    if not 0.0 < settings.outlier_contamination <= 0.5:
        raise ValueError(
            f"outlier_contamination must be in (0, 0.5], got {settings.outlier_contamination}"
        )
    if settings.silhouette_sample_size < 2 or settings.n_init < 1:
        raise ValueError("silhouette_sample_size must be >= 2 and n_init >= 1")
    if settings.sweep_sample_size != 0 and settings.sweep_sample_size < MIN_SWEEP_SAMPLE_SIZE:
        raise ValueError(
            f"sweep_sample_size must be 0 (never sample) or >= {MIN_SWEEP_SAMPLE_SIZE}, "
            f"got {settings.sweep_sample_size}"
        )
    if settings.sampled_silhouette_size < 2:
        raise ValueError(
            f"sampled_silhouette_size must be >= 2, got {settings.sampled_silhouette_size}"
        )


def _describe(error: ValidationError) -> str:
    """One line per problem: ``option 'naming.labels': <what is wrong> (got <value>)``."""
    problems = []
    for item in error.errors(include_url=False):
        message = str(item["msg"]).removeprefix("Value error, ")
        location = ".".join(str(part) for part in item["loc"])
        if not location:
            problems.append(message)
            continue
        got = "" if item["type"] == "missing" else f" (got {item.get('input')!r})"
        problems.append(f"option {location!r}: {message}{got}")
    return "Invalid segmentation config: " + "; ".join(problems)
