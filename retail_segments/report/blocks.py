"""What a section is made of: plain data that the page template turns into HTML.

Every text here is plain text; the template escapes it. Only `Figure.svg_base64`
is markup, and it is embedded as a data URI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class Note:
    text: str
    kind: ClassVar[str] = "note"


@dataclass(frozen=True)
class Figure:
    svg_base64: str
    caption: str
    alt: str
    kind: ClassVar[str] = "figure"


@dataclass(frozen=True)
class Grid:
    """Figures side by side (two per row where the page is wide enough)."""

    figures: tuple[Figure, ...]
    kind: ClassVar[str] = "grid"


@dataclass(frozen=True)
class Card:
    """A headline number; `exact` (shown on hover) is the unrounded value."""

    label: str
    value: str
    note: str
    exact: str = ""


@dataclass(frozen=True)
class Cards:
    cards: tuple[Card, ...]
    kind: ClassVar[str] = "cards"


@dataclass(frozen=True)
class Cell:
    """One table cell: `css` is its class (num, text, wide, ...), `swatch` a colour."""

    text: str
    css: str = "text"
    swatch: str | None = None
    sort: str | None = None  # the value the in-page sort compares (the text when None)
    exact: str = ""  # the unrounded value, shown on hover


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    sortable: bool = True  # a click on a header sorts the rows (inline script)
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Lead:
    """A paragraph of the summary in words (not a muted note)."""

    text: str
    kind: ClassVar[str] = "lead"


@dataclass(frozen=True)
class Link:
    text: str
    href: str  # relative to the report file


@dataclass(frozen=True)
class Step:
    """One thing to do: the text, then an optional link (a contact list)."""

    text: str
    link: Link | None = None


@dataclass(frozen=True)
class Steps:
    title: str
    steps: tuple[Step, ...]
    kind: ClassVar[str] = "steps"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    exact: str = ""


@dataclass(frozen=True)
class SegmentCard:
    """One segment for the people who act on it: facts, goal, action, contact list."""

    segment_id: int
    name: str
    colour: str
    facts: tuple[Fact, ...]
    goal: str
    action: str
    contact_list: Link | None


@dataclass(frozen=True)
class SegmentCards:
    cards: tuple[SegmentCard, ...]
    kind: ClassVar[str] = "segment_cards"


Block = Note | Figure | Grid | Cards | Table | Lead | Steps | SegmentCards


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)
    appendix: bool = False  # model diagnostics, after what a marketer acts on


def figure_count(blocks: tuple[Block, ...] | list[Block]) -> int:
    """How many figures `blocks` draw (grids count their figures)."""
    return sum(
        1 if isinstance(b, Figure) else len(b.figures) if isinstance(b, Grid) else 0 for b in blocks
    )
