"""Year over year and plan vs actual: this year's counts against last year's file.

Counts are matched by their ``key``. A 同比 figure exists only when both values are exact;
last year's targets (its 来年计划) are compared with this year's counts of the same key.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .model import Figure, YearFile
from .values import Count


def percent(value: Decimal, places: int = 1) -> str:
    """12.345 -> 12.3 (half up, no trailing zeros beyond what is needed: 10.0 -> 10)."""
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def change_text(current: Count, previous: Count, prefix: str = "同比") -> str | None:
    """同比增长12.5% / 同比下降3.1% / 与上年持平; rates (unit %) in 个百分点."""
    if not (current.is_exact and previous.is_exact):
        return None
    if current.unit == "%" or previous.unit == "%":
        diff = current.value - previous.value
        if diff == 0:
            return "与上年持平"
        verb = "提高" if diff > 0 else "下降"
        return f"{prefix}{verb}{percent(abs(diff))}个百分点"
    if previous.value == 0:
        return None
    ratio = (current.value - previous.value) / previous.value * 100
    if percent(abs(ratio)) == "0":
        return "与上年持平"
    verb = "增长" if ratio > 0 else "下降"
    return f"{prefix}{verb}{percent(abs(ratio))}%"


@dataclass(frozen=True)
class Row:
    """One indicator: this year's count, last year's count and last year's target."""

    key: str
    label: str
    current: Count | None
    previous: Count | None
    target: Count | None

    @property
    def change(self) -> str | None:
        if self.current is None or self.previous is None:
            return None
        return change_text(self.current, self.previous)

    @property
    def completion_rate(self) -> str | None:
        """完成率 as a percentage, only for exact figures."""
        if self.current is None or self.target is None:
            return None
        if not (self.current.is_exact and self.target.is_exact) or self.target.value == 0:
            return None
        return percent(self.current.value / self.target.value * 100) + "%"

    @property
    def status(self) -> str | None:
        """完成 / 未完成 (or 待核实 when a vague figure makes it impossible to say)."""
        if self.target is None:
            return None
        if self.current is None:
            return "未填报"
        if not self.current.is_exact or not self.target.is_exact:
            if self.current.precision == "approx" and self.current.value >= self.target.value:
                return "完成"  # “30余” is at least 30
            return "待核实"
        return "完成" if self.current.value >= self.target.value else "未完成"


@dataclass(frozen=True)
class Comparison:
    previous_year: int | None
    rows: tuple[Row, ...]

    def get(self, key: str) -> Row | None:
        return next((row for row in self.rows if row.key == key), None)

    @property
    def has_previous(self) -> bool:
        return self.previous_year is not None

    @property
    def with_targets(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.target is not None)


def _by_key(figures: list[Figure]) -> dict[str, Figure]:
    return {f.key: f for f in figures if f.key}


def compare(doc: YearFile, previous: YearFile | None) -> Comparison:
    current = _by_key(doc.figures("counts"))
    before = _by_key(previous.figures("counts")) if previous else {}
    targets = _by_key(previous.figures("targets")) if previous else {}
    keys = list(current) + [k for k in targets if k not in current]
    rows = []
    for key in keys:
        now = current.get(key)
        label = now.label if now else targets[key].label
        rows.append(
            Row(
                key,
                label,
                now.value if now else None,
                before[key].value if key in before else None,
                targets[key].value if key in targets else None,
            )
        )
    return Comparison(previous.year if previous else None, tuple(rows))
