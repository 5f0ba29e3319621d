"""The 市科协's roll-up: sub-units' counts (单位 × 指标) under the indicators the city chose.

The city's year file may list its indicators (``rollup.indicators``: key, label, measure,
aliases, in order); each unit's counts are matched to them by key, alias or label. What a
unit reports that matches none is not dropped or added as a column: it is listed, with the
unit's file and line, for ``validate`` to say. Without a list, the table shows the indicators
most units report and says which were left out. A unit that does not report an indicator is
missing there (never 0); a total is exact only when every part is.

Which way the table runs (units as rows, or indicators as rows) is chosen by what fits the
type area (:func:`layout.table_plan`), unless the city says.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from .layout import table_plan
from .model import FieldPath, Figure, Rollup, YearFile
from .values import Count, total

# without an indicator list: at most this many indicators, those most units report
MAX_CHOSEN = 8
MISSING = "—"


@dataclass(frozen=True)
class Column:
    """One indicator of the roll-up."""

    key: str
    label: str
    unit: str = ""


@dataclass(frozen=True)
class Unmatched:
    """A unit's count that matches no chosen indicator."""

    unit: int  # index into the units given to :func:`rollup`
    loc: FieldPath  # the count in the unit's file
    key: str | None
    label: str
    why: str  # "unmatched", "duplicate" (a second count for one indicator), "measure"


@dataclass(frozen=True)
class RollupTable:
    """Sub-units' counts by indicator and their totals, and what did not fit in."""

    columns: tuple[Column, ...]
    units: tuple[tuple[str, dict[str, Count]], ...]  # (unit short name, key -> count)
    layout: str = "units"  # "units": a row per unit; "indicators": a row per indicator
    chosen: bool = False  # the city listed the indicators
    left_out: tuple[tuple[str, int], ...] = ()  # (label, units reporting it), not chosen
    unmatched: tuple[Unmatched, ...] = ()

    def total(self, key: str) -> Count | None:
        """Sum over the units that report ``key``; 约 when any part is not exact."""
        return total([values[key] for _, values in self.units if key in values])

    def missing(self, key: str) -> list[str]:
        """The units that did not report ``key``."""
        return [name for name, values in self.units if key not in values]

    @property
    def has_missing(self) -> bool:
        """Some unit did not report some indicator (a “—” in the table)."""
        return any(self.missing(c.key) for c in self.columns)

    @cached_property
    def _measures(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for column in self.columns:
            units = {values[column.key].unit for _, values in self.units if column.key in values}
            if column.unit and self.chosen:
                found[column.key] = column.unit
            elif len(units) == 1:
                found[column.key] = units.pop()
        return found

    def measure(self, key: str) -> str:
        """The measure word every value of ``key`` shares (the chosen one, or the one all
        units wrote), said once in the header; "" when they differ or have none."""
        return self._measures.get(key, "")

    def header(self, column: Column) -> str:
        measure = self.measure(column.key)
        return f"{column.label}（{measure}）" if measure else column.label

    def _text(self, count: Count | None, measure: str) -> str:
        if count is None:
            return MISSING
        return count.text if measure and count.unit == measure else str(count)

    def cell(self, unit: int, key: str) -> str:
        return self._text(self.units[unit][1].get(key), self.measure(key))

    def total_cell(self, key: str) -> str:
        return self._text(self.total(key), self.measure(key))

    def rows(self, layout: str | None = None) -> list[list[str]]:
        """The table as text, header first: a row per unit (and 合计 last), or a row per
        indicator (and a 合计 column)."""
        if (layout or self.layout) == "indicators":
            header = ["指标", *(name for name, _ in self.units), "合计"]
            body = [
                [
                    self.header(c),
                    *(self.cell(u, c.key) for u in range(len(self.units))),
                    self.total_cell(c.key),
                ]
                for c in self.columns
            ]
        else:
            header = ["单位", *(self.header(c) for c in self.columns)]
            body = [
                [name, *(self.cell(u, c.key) for c in self.columns)]
                for u, (name, _) in enumerate(self.units)
            ]
            body.append(["合计", *(self.total_cell(c.key) for c in self.columns)])
        return [header, *body]

    def __bool__(self) -> bool:
        return bool(self.units)


def figures_of(doc: YearFile) -> Iterator[tuple[FieldPath, Figure]]:
    """Every count of a year file with its place in the file."""
    for loc, _, holder in doc.holders():
        for index, figure in enumerate(holder.counts):
            yield (*loc, "counts", index), figure


def rollup(units: list[YearFile], settings: Rollup | None = None) -> RollupTable:
    """The roll-up of ``units`` under ``settings`` (the city file's ``rollup:``)."""
    if settings is not None and settings.indicators:
        table = _chosen(units, settings)
    else:
        table = _most_reported(units)
    wanted = settings.layout if settings is not None else "auto"
    layout = wanted if wanted != "auto" else _fitting_layout(table)
    return RollupTable(
        table.columns, table.units, layout, table.chosen, table.left_out, table.unmatched
    )


def _chosen(units: list[YearFile], settings: Rollup) -> RollupTable:
    columns = tuple(Column(i.key, i.label, i.measure or "") for i in settings.indicators)
    names: dict[str, str] = {}
    for indicator in settings.indicators:
        for name in (indicator.key, indicator.label, *indicator.aliases):
            names.setdefault(name, indicator.key)
    measures = {c.key: c.unit for c in columns}
    rows: list[tuple[str, dict[str, Count]]] = []
    unmatched: list[Unmatched] = []
    for index, unit in enumerate(units):
        values: dict[str, Count] = {}
        for loc, figure in figures_of(unit):
            key = (
                names.get(figure.key or "")
                or names.get(figure.label)
                or _by_ending(names, figure.label)
            )
            if key is None:
                unmatched.append(Unmatched(index, loc, figure.key, figure.label, "unmatched"))
            elif key in values:
                unmatched.append(Unmatched(index, loc, figure.key, figure.label, "duplicate"))
            elif measures[key] and figure.value.unit and figure.value.unit != measures[key]:
                unmatched.append(Unmatched(index, loc, figure.key, figure.label, "measure"))
            else:
                value = figure.value
                values[key] = value.with_unit(measures[key]) if not value.unit else value
        rows.append((unit.org.short, values))
    return RollupTable(columns, tuple(rows), chosen=True, unmatched=tuple(unmatched))


# a county's label that ends with an indicator's name or alias of at least this many
# characters is that indicator: “全年举办科普讲座” is “举办科普讲座” with a time before it
MIN_ENDING = 4


def _by_ending(names: dict[str, str], label: str) -> str | None:
    """The indicator whose longest name (of MIN_ENDING characters or more) ends ``label``."""
    found = [name for name in names if len(name) >= MIN_ENDING and label.endswith(name)]
    return names[max(found, key=len)] if found else None


def _most_reported(units: list[YearFile]) -> RollupTable:
    """The indicators at least half the units report (by key; by label for a count without
    one), the most reported first, at most MAX_CHOSEN; the rest left out, by name."""
    seen: dict[str, Column] = {}
    reporting: dict[str, int] = {}
    rows: list[tuple[str, dict[str, Count]]] = []
    for unit in units:
        values: dict[str, Count] = {}
        for _, figure in figures_of(unit):
            key = figure.key or figure.label
            if key in values:
                continue
            seen.setdefault(key, Column(key, figure.label, figure.value.unit))
            values[key] = figure.value
        for key in values:
            reporting[key] = reporting.get(key, 0) + 1
        rows.append((unit.org.short, values))
    need = max(1, math.ceil(len(units) / 2))
    order = list(seen)
    ranked = sorted(order, key=lambda k: (-reporting[k], order.index(k)))
    chosen = [k for k in ranked if reporting[k] >= need][:MAX_CHOSEN]
    kept = set(chosen)
    columns = tuple(seen[k] for k in order if k in kept)
    left_out = tuple((seen[k].label, reporting[k]) for k in ranked if k not in kept)
    return RollupTable(columns, tuple(rows), left_out=left_out)


def _fitting_layout(table: RollupTable) -> str:
    """A row per unit when that fits the type area at the largest table size that fits
    either way; otherwise a row per indicator (a long list of units runs down the page)."""
    by_units = table_plan(table.rows("units"))
    by_indicators = table_plan(table.rows("indicators"))
    if (by_units.fits, by_units.size_pt) >= (by_indicators.fits, by_indicators.size_pt):
        return "units"
    return "indicators"
