"""What an import makes: the year file as plain data with the comments that say what was
judged, and the working state the stages share while they make it."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..numbers import Keys


@dataclass
class Imported:
    """A year file made from a source, with the comments that say what was guessed."""

    data: dict[str, Any]
    notes: dict[tuple[Any, ...], str] = field(default_factory=dict)  # path -> comment
    table_notes: list[str] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # lines kept as comments, not placed
    dropped: int = 0
    counts: int = 0
    numbers: int = 0  # numbers found in all the text (also outside items)
    honours: int = 0
    guessed: list[str] = field(default_factory=list)

    @property
    def parts(self) -> int:
        return len(self.data.get("sections", []))

    @property
    def items(self) -> int:
        def walk(items: list[dict[str, Any]]) -> int:
            return sum(1 + walk(i.get("items", [])) for i in items)

        return sum(walk(s.get("items", [])) for s in self.data.get("sections", []))


@dataclass
class Context:
    """The import under way: the result, the keys taken, the indicator rows of the
    document's tables (counts/targets, label, value)."""

    out: Imported
    keys: Keys = field(default_factory=Keys)
    figures: list[tuple[str, str, str]] = field(default_factory=list)
    # kxreport's own DOCX: its indicator table is exactly the counts its year file had, so
    # a number of the text that is not in the table was not a count there either
    table_is_counts: bool = False
    had_table: bool = False  # the document has an indicator table
    # the rows of ``figures`` by the count they say (value, precision, unit), each queue in
    # table order, so that finding a number's row costs the same for any table's length
    figure_index: dict[tuple[Any, ...], deque[int]] = field(default_factory=dict)
    figures_indexed: int = 0  # how many rows of ``figures`` are in the index
    figures_used: set[int] = field(default_factory=set)  # rows a number of the text took

    @property
    def data(self) -> dict[str, Any]:
        return self.out.data

    def short(self) -> str | None:
        org = self.out.data.get("org") or {}
        return org.get("short_name") or org.get("name")
