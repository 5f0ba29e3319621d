"""The 指标填报表 a 市科协 sends its counties, and reading a filled one back.

``kxreport sheet CITY.yaml -o 指标填报表.xlsx`` writes one row per indicator the city chose
(``rollup.indicators``): key, label, measure, a value column and a note column; the year and
the city in the title, a cell for the county's name. Only the county's cells are unlocked
(the sheet is protected without a password: it guards against slips, not people).

``kxreport import 某县.xlsx`` reads a filled sheet back as that county's counts: each value
as typed (``1200``, ``30余``, ``近万``) through the same count grammar as a year file; a cell
that cannot be read is a Chinese message naming the sheet and the cell (``指标填报!D7``),
and nothing is written. The workbook is opened read-only, its size and its parts' sizes
bounded before anything is parsed.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from .errors import Diagnostic, UsageError
from .files import read_regular
from .model import YearFile
from .values import Count

SHEET_NAME = "指标填报"
HEADER = ("指标键", "指标名称", "计量单位", "数值", "备注")
KEY, LABEL, MEASURE, VALUE, NOTE = range(5)
UNIT_CELL = "B2"  # 填报单位
YEAR_CELL = "D2"
FIRST_ROW = 4  # the header row; indicators from the next
MAX_BYTES = 10 * 1024 * 1024  # a filled sheet is a few kilobytes
MAX_UNPACKED = 50 * 1024 * 1024  # all its parts, uncompressed
MAX_ROWS = 2000


@dataclass
class Filled:
    """What a filled sheet says: the unit, the year and its counts (key, label, count)."""

    unit: str | None
    year: int | None
    counts: list[tuple[str, str, Count, str | None]] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


def template(city: YearFile) -> bytes:
    """The workbook a city sends out for ``city``'s chosen indicators."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, Protection
    from openpyxl.worksheet.datavalidation import DataValidation

    if city.rollup is None or not city.rollup.indicators:
        raise UsageError(
            "这个年度文件没有列出汇总指标（rollup.indicators）：请先写明要各单位填报哪些指标，"
            "例如 rollup: {indicators: [{key: trainees, label: 培训农民, measure: 人次}]}"
        )
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET_NAME
    ws["A1"] = f"{city.org.short}{city.year}年各单位主要指标填报表"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:E1")
    ws["A2"], ws["C2"], ws[YEAR_CELL] = "填报单位", "年度", city.year
    ws[UNIT_CELL].protection = Protection(locked=False)
    ws["A3"] = (
        "请在“数值”列按公文写法填写（例如 1200、30余、近万），不要改动指标键；没有的指标留空。"
    )
    for column, title in enumerate(HEADER, start=1):
        cell = ws.cell(row=FIRST_ROW, column=column, value=title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row, indicator in enumerate(city.rollup.indicators, start=FIRST_ROW + 1):
        ws.cell(row=row, column=KEY + 1, value=indicator.key).data_type = "s"
        ws.cell(row=row, column=LABEL + 1, value=indicator.label).data_type = "s"
        ws.cell(row=row, column=MEASURE + 1, value=indicator.measure or "").data_type = "s"
        for column in (VALUE, NOTE):
            ws.cell(row=row, column=column + 1).protection = Protection(locked=False)
    last = FIRST_ROW + len(city.rollup.indicators)
    hint = DataValidation(
        type="custom",
        formula1="TRUE",
        showInputMessage=True,
        promptTitle="数值",
        prompt="按公文写法填写：1200、30余、4.8万、近万",
    )
    hint.add(f"D{FIRST_ROW + 1}:D{last}")
    ws.add_data_validation(hint)
    for letter, width in zip("ABCDE", (16, 24, 10, 14, 30), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{FIRST_ROW + 1}"
    ws.protection.sheet = True  # no password: guards the keys against slips
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_filled(path: Path) -> Filled:
    """A filled sheet's unit, year and counts; every cell that cannot be read is a problem
    naming the sheet and the cell."""
    shown = str(path)
    data = read_regular(path, MAX_BYTES)
    _check_package(data, shown)
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # zipfile, XML or openpyxl's own errors: not a workbook it can read
        raise UsageError(
            f"{shown}：不是有效的 Excel（.xlsx）文件，请在 Excel/WPS 中另存为 .xlsx 后再导入"
        ) from None
    try:
        if SHEET_NAME not in book.sheetnames:
            raise UsageError(
                f"{shown}：没有名为“{SHEET_NAME}”的工作表：请用 kxreport sheet 生成的填报表填写"
            )
        ws = book[SHEET_NAME]
        rows = [
            tuple(row)
            for row in islice(
                ws.iter_rows(max_col=len(HEADER), values_only=True), MAX_ROWS + FIRST_ROW
            )
        ]
    finally:
        book.close()
    return _read_rows(rows, shown)


def _check_package(data: bytes, shown: str) -> None:
    """Refuse a workbook whose parts would unpack beyond MAX_UNPACKED, before any is read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UsageError(
            f"{shown}：不是有效的 Excel（.xlsx）文件，请在 Excel/WPS 中另存为 .xlsx 后再导入"
        ) from None
    if unpacked > MAX_UNPACKED:
        raise UsageError(
            f"{shown}：文件解压后过大（超过 {MAX_UNPACKED // 1024 // 1024} MB），不像是指标填报表"
        )


def _cell(row: tuple[Any, ...], column: int) -> Any:
    return row[column] if column < len(row) else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _read_rows(rows: list[tuple[Any, ...]], shown: str) -> Filled:
    def where(row: int, column: int) -> str:
        return f"工作表“{SHEET_NAME}”单元格 {'ABCDE'[column]}{row + 1}"

    def problem(row: int, column: int, message: str) -> None:
        filled.problems.append(
            Diagnostic(
                shown,
                row + 1,
                column + 1,
                "error",
                "sheet-cell",
                f"{where(row, column)}：{message}",
            )
        )

    filled = Filled(None, None)
    if len(rows) < FIRST_ROW or tuple(_text(c) for c in rows[FIRST_ROW - 1][:5]) != HEADER:
        raise UsageError(
            f"{shown}：第 {FIRST_ROW} 行不是“{'、'.join(HEADER)}”：请用 kxreport sheet 生成的填报表填写，不要增删行列"
        )
    filled.unit = _text(_cell(rows[1], 1)) or None
    year = _cell(rows[1], 3)
    if isinstance(year, int) and not isinstance(year, bool):
        filled.year = year
    elif _text(year).isdigit():
        filled.year = int(_text(year))
    else:
        problem(1, 3, f"年度应为四位数的年份，实际是“{_text(year)}”")
    if filled.unit is None:
        problem(1, 1, "没有填写填报单位（单位全称）")
    if len(rows) > MAX_ROWS + FIRST_ROW - 1:
        raise UsageError(f"{shown}：指标超过 {MAX_ROWS} 行，不像是指标填报表")
    seen: set[str] = set()
    for index in range(FIRST_ROW, len(rows)):
        row = rows[index]
        key, label = _text(_cell(row, KEY)), _text(_cell(row, LABEL))
        measure, raw = _text(_cell(row, MEASURE)), _cell(row, VALUE)
        if not key and not label and raw in (None, ""):
            continue
        if not key:
            problem(index, KEY, "指标键是空的：请不要改动前三列")
            continue
        if key in seen:
            problem(index, KEY, f"指标键“{key}”重复")
            continue
        seen.add(key)
        if raw is None or _text(raw) == "":
            continue  # not reported: missing, not 0
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # Excel keeps every number as a float
        try:
            count = Count.parse(raw if not isinstance(raw, str) else raw.strip())
        except Exception as exc:  # PydanticCustomError: the grammar's own Chinese words
            said = exc.message() if hasattr(exc, "message") else "无法识别"
            problem(index, VALUE, f"“{_text(raw)}”：{said}")
            continue
        if measure and count.unit and count.unit != measure:
            problem(index, VALUE, f"“{_text(raw)}”的单位与这一行的计量单位“{measure}”不同")
            continue
        if measure and not count.unit:
            count = count.with_unit(measure)
        note = _text(_cell(row, NOTE)) or None
        filled.counts.append((key, label or key, count, note))
    return filled


def to_year_file(filled: Filled, source_name: str) -> str:
    """A new unit year file holding the sheet's counts in its opening (``overview.counts``)."""
    from .scaffold import guess_level, short_name
    from .yamltext import scalar

    level = guess_level(filled.unit or "")
    lines = [
        "# yaml-language-server: $schema=kxreport.schema.json",
        f"# 由 kxreport import 从指标填报表“{' '.join(source_name.split())}”导入：数字按填报的写法记录。",
        "org:",
        f"  name: {scalar(filled.unit)}",
        f"  short_name: {scalar(short_name(filled.unit or ''))}",
        f"  level: {scalar(level)}" if level else "  level:   # 填写单位层级，例如 县",
        f"year: {filled.year}",
        "kind: summary",
        "date:   # 成文日期：填报表里没有；这份文件成文时填写，例如 2024-01-10",
        "overview:",
        "  counts:",
    ]
    for key, label, count, note in filled.counts:
        if note:
            lines.append(f"    # 备注：{' '.join(note.split())}")
        lines.append(
            f"    - {{key: {scalar(key)}, label: {_flow(label)}, value: {_flow(str(count))}}}"
        )
    return "\n".join(lines) + "\n"


def _flow(text: str) -> str:
    """A value inside ``{…}``: quoted when it holds a character that ends it there."""
    import json

    from .yamltext import scalar

    written = scalar(text)
    if written == text and any(c in text for c in ",[]{}"):
        return json.dumps(text, ensure_ascii=False)
    return written


def import_sheet(path: Path) -> tuple[Filled, str]:
    """A filled sheet as a new unit year file's text; its bad cells stop it (DataError)."""
    from .errors import DataError

    filled = read_filled(path)
    if filled.problems:
        raise DataError(filled.problems)
    return filled, to_year_file(filled, path.name)


def merge_into(path: Path, target: Path) -> tuple[Filled, int]:
    """A filled sheet's counts put into the existing year file ``target``: a count with
    the same key anywhere in it takes the new value, the others go to the opening's counts;
    only those bytes change (text, comments and layout stay). How many values changed."""
    from .errors import DataError
    from .fmt import set_counts

    filled = read_filled(path)
    if filled.problems:
        raise DataError(filled.problems)
    figures = [
        {"key": key, "label": label, "value": str(count)} for key, label, count, _ in filled.counts
    ]
    return filled, set_counts(target, figures)
