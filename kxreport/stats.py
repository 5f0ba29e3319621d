"""``kxreport stats``: a year file's indicators (this year, last year, 同比, targets) or, for
a 市科协's file with ``units:``, the roll-up (units × indicators with totals), as a terminal
table, JSON, CSV (with a BOM, so Excel opens it right) or an Excel workbook (.xlsx).

No cell a spreadsheet would run: a text that starts with ``= + - @`` (or a tab or carriage
return before one) is written as text, in CSV (with the usual leading apostrophe) and XLSX
(a text cell, never a formula) alike."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .kinds import STATS_FORMATS
from .report import plain

__all__ = ["STATS_FORMATS"]

if TYPE_CHECKING:
    from rich.table import Table

    from .compare import Comparison
    from .model import YearFile
    from .rollup import RollupTable
    from .values import Count

BINARY_FORMATS = frozenset({"xlsx"})  # written to a file (-o), never to the terminal
MISSING = "—"
BOM = "\ufeff"

# The indicator table: (key in JSON, how the column is headed, alignment). "{year}" and
# "{before}" are filled in with this year and last year.
STATS_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("key", "指标键", "left"),
    ("label", "指标", "left"),
    ("current", "{year}年", "right"),
    ("previous", "{before}", "right"),
    ("change", "同比", "left"),
    ("target", "{before}计划目标", "right"),
    ("completion_rate", "完成率", "right"),
    ("status", "情况", "center"),
)


@dataclass(frozen=True)
class Sheet:
    """What every format writes: a title, the header, the rows (text cells, or counts that
    a spreadsheet gets as numbers), and which columns are numbers (right-aligned)."""

    title: str
    header: list[str]
    rows: list[list[str | Count | None]]
    numeric: list[bool]
    measures: list[str] | None = None  # a column's measure word, said in its header
    droppable: tuple[int, ...] = ()  # columns a narrow terminal leaves out first, in order

    def text(self, row: int, column: int, missing: str = MISSING) -> str:
        cell = self.rows[row][column]
        if cell is None:
            return missing
        measure = self.measures[column] if self.measures else ""
        if measure and not isinstance(cell, str) and cell.unit == measure:
            return cell.text
        return str(cell)


# --- the two kinds of table --------------------------------------------------------------


def stats_rows(doc: YearFile, comparison: Comparison) -> list[dict[str, str | None]]:
    """Every indicator with last year's value, 同比, last year's target and completion;
    counts without a key last (they cannot be compared)."""
    rows: list[dict[str, str | None]] = []
    for row in comparison.rows:
        values = (
            row.key,
            row.label,
            str(row.current) if row.current else None,
            str(row.previous) if row.previous else None,
            row.change,
            str(row.target) if row.target else None,
            row.completion_rate,
            row.status,
        )
        rows.append(dict(zip((c[0] for c in STATS_COLUMNS), values, strict=True)))
    for figure in doc.figures("counts"):
        if not figure.key:
            rows.append(
                {c[0]: None for c in STATS_COLUMNS}
                | {"label": figure.label, "current": str(figure.value)}
            )
    return rows


def stats_headers(doc: YearFile, comparison: Comparison) -> list[str]:
    before = f"{comparison.previous_year}年" if comparison.has_previous else "上年"
    return [title.format(year=doc.year, before=before) for _, title, _ in STATS_COLUMNS]


def indicator_sheet(doc: YearFile, comparison: Comparison) -> Sheet:
    rows: list[list[str | Count | None]] = [list(r.values()) for r in stats_rows(doc, comparison)]
    numeric = [justify == "right" for _, _, justify in STATS_COLUMNS]
    headers = stats_headers(doc, comparison)
    # the key is for machines: a narrow terminal leaves it out first
    return Sheet(f"{doc.full_title}：指标", headers, rows, numeric, droppable=(0,))


def rollup_sheet(doc: YearFile, table: RollupTable) -> Sheet:
    """Units × indicators, a total row last; a unit that did not report is empty."""
    header = ["单位", *(table.header(c) for c in table.columns)]
    rows: list[list[str | Count | None]] = []
    for name, values in table.units:
        rows.append([name, *(values.get(c.key) for c in table.columns)])
    rows.append(["合计", *(table.total(c.key) for c in table.columns)])
    numeric = [False, *(True for _ in table.columns)]
    measures = ["", *(table.measure(c.key) for c in table.columns)]
    return Sheet(f"{doc.full_title}：各单位指标汇总", header, rows, numeric, measures)


# --- the formats -------------------------------------------------------------------------


def as_table(sheet: Sheet, width: int | None = None) -> Table:
    """A terminal table; long cells wrap, nothing is cut off. In ``width`` columns, the
    sheet's droppable columns are left out first while the table would not fit whole."""
    from rich.table import Table
    from rich.text import Text

    shown = list(range(len(sheet.header)))
    for column in sheet.droppable:
        if width is None or _natural_width(sheet, shown) <= width:
            break
        shown.remove(column)
    table = Table(title=Text(plain(sheet.title)))
    for c in shown:
        justify = "right" if sheet.numeric[c] else "left"
        table.add_column(plain(sheet.header[c]), justify=justify, overflow="fold")
    for r in range(len(sheet.rows)):
        table.add_row(*(Text(plain(sheet.text(r, c))) for c in shown))
    return table


def _natural_width(sheet: Sheet, shown: list[int]) -> int:
    """Terminal cells the table takes with no cell wrapped (rich's borders and padding)."""
    from .text import cells

    widest = [
        max([cells(sheet.header[c])] + [cells(sheet.text(r, c)) for r in range(len(sheet.rows))])
        for c in shown
    ]
    return sum(widest) + 3 * len(shown) + 1


def as_json(sheet: Sheet, doc: YearFile, table: RollupTable | None = None) -> str:
    """JSON: for an indicator table the rows keyed as STATS_COLUMNS; for a roll-up each
    unit's values with the number next to the text (``"value": 12000, "text": "1.2万人次"``)."""
    payload: dict[str, Any] = {"title": doc.full_title, "year": doc.year}
    if table is None:
        keys = [key for key, _, _ in STATS_COLUMNS]
        payload["rows"] = [dict(zip(keys, map(_plain, row), strict=True)) for row in sheet.rows]
    else:
        payload["indicators"] = [
            {"key": c.key, "label": c.label, "measure": table.measure(c.key) or None}
            for c in table.columns
        ]
        payload["units"] = [
            {"name": name, "values": {c.key: _count(values.get(c.key)) for c in table.columns}}
            for name, values in table.units
        ]
        payload["totals"] = {c.key: _count(table.total(c.key)) for c in table.columns}
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def as_csv(sheet: Sheet) -> str:
    """CSV with a UTF-8 BOM (Excel reads it as UTF-8, not as the local code page)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in sheet.header])
    for r, row in enumerate(sheet.rows):
        writer.writerow([safe_text(sheet.text(r, c, missing="")) for c in range(len(row))])
    return BOM + out.getvalue()


def as_xlsx(sheet: Sheet) -> bytes:
    """An Excel workbook: the header row frozen, one row per line of the table, numbers
    as numbers (a count written 约/余/近 stays text, as written), columns as wide as
    their content, nothing a spreadsheet would run."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from .layout import text_width

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "指标"
    ws.append(list(sheet.header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.data_type = "s"
    for r, row in enumerate(sheet.rows, start=2):
        for c, value in enumerate(row, start=1):
            target = ws.cell(row=r, column=c)
            number = _number(value)
            if number is not None:
                target.value = number
            else:
                # a text cell (never a formula, whatever it starts with), as written
                target.value = sheet.text(r - 2, c - 1, missing="")
                target.data_type = "s"
            if sheet.numeric[c - 1]:
                target.alignment = Alignment(horizontal="right")
    ws.freeze_panes = "A2"
    for c, header in enumerate(sheet.header, start=1):
        widest = max(
            [text_width(header) / 2]
            + [text_width(sheet.text(r, c - 1, missing="")) for r in range(len(sheet.rows))]
        )
        letter = ws.cell(row=1, column=c).column_letter
        ws.column_dimensions[letter].width = min(max(widest * 2 + 2, 6), 60)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- cells -------------------------------------------------------------------------------


def safe_text(text: str) -> str:
    """A text no spreadsheet runs: one that starts with ``= + - @`` (after any spaces, tabs
    or carriage returns), or with a tab or carriage return, gets a leading apostrophe (the
    usual CSV-injection guard)."""
    if text.lstrip(" \t\r\n")[:1] in ("=", "+", "-", "@") or text[:1] in ("\t", "\r"):
        return "'" + text
    return text


def _plain(cell: str | Count | None) -> str | None:
    return None if cell is None else str(cell)


def _number(cell: str | Count | None) -> int | float | None:
    """An exact count as a number a spreadsheet can sum; None for anything else."""
    from .values import Count

    if not isinstance(cell, Count) or not cell.is_exact:
        return None
    return _json_number(cell.value)


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _count(cell: Count | None) -> dict[str, Any] | None:
    if cell is None:
        return None
    return {
        "value": _json_number(cell.value),
        "text": str(cell),
        "exact": cell.is_exact,
        "measure": cell.unit or None,
    }
