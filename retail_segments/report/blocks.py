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
    label: str
    value: str
    note: str


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


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    caption: str = ""
    kind: ClassVar[str] = "table"


Block = Note | Figure | Grid | Cards | Table


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)


def figure_count(blocks: tuple[Block, ...] | list[Block]) -> int:
    """How many figures `blocks` draw (grids count their figures)."""
    return sum(
        1 if isinstance(b, Figure) else len(b.figures) if isinstance(b, Grid) else 0 for b in blocks
    )
