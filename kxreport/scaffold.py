"""Starting a year: a new year file with a Chinese comment on every field.

From scratch it lists every part of the official structure, empty. From last year's file it
keeps the organisation, the section structure and the count keys, points ``previous:`` at
last year's file, turns last year's plan items into this year's parts to report on, and
leaves every figure empty so that ``validate`` insists on it being filled.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .errors import UsageError
from .files import is_inside
from .kinds import ORG_LEVELS, guess_level, short_name
from .model import SECTION_KINDS, YEARS, Figure, Item, Org, Overview, Section, YearFile
from .text import forbidden_char_message
from .yamltext import scalar

LEVELS = ORG_LEVELS


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def comment(self, indent: int, text: str) -> None:
        self.lines.append(" " * indent + "# " + text)

    def hint(self, model: type[BaseModel], name: str, indent: int) -> None:
        info = model.model_fields[name]
        self.comment(indent, f"{info.title}：{info.description}")

    def field(
        self, model: type[BaseModel], name: str, value: Any, indent: int, *, hint: bool = True
    ) -> None:
        if hint:
            self.hint(model, name, indent)
        self.lines.append(" " * indent + f"{name}: {scalar(value)}".rstrip())

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _figures(
    w: _Writer,
    figures: list[Figure],
    indent: int,
    *,
    keep_values: bool = False,
    model: type[BaseModel] = Item,
) -> None:
    w.hint(model, "counts", indent)
    w.lines.append(" " * indent + "counts:")
    for figure in figures:
        unit = figure.unit or figure.value.unit
        value = str(figure.value) if keep_values else None
        w.lines.append(" " * indent + f"  - key: {scalar(figure.key)}")
        w.lines.append(" " * indent + f"    label: {scalar(figure.label)}")
        w.lines.append(
            " " * indent
            + f"    value: {scalar(value)}".rstrip()
            + ("" if keep_values else "   # 填写今年的数值，例如 30、“30余”")
        )
        if unit and not keep_values:
            w.lines.append(" " * indent + f"    unit: {scalar(unit)}")


def scaffold(
    org: str | None,
    year: int | None,
    kind: str,
    previous: YearFile | None = None,
    previous_path: Path | None = None,
    target: Path | None = None,
    level: str | None = None,
) -> str:
    """The text of a new year file."""
    if previous is None and not (org and org.strip()):
        raise UsageError("请用 --org 写明单位全称，或用 --from 指定上一年度文件")
    if org is not None:
        problem = forbidden_char_message(org, "--org 的值")
        if problem or "\n" in org or "\r" in org:
            raise UsageError(problem or "--org 只能写一行文字")
        org = org.strip()
    if previous is not None:
        org_name, short, org_level = previous.org.name, previous.org.short, previous.org.level
        year = year or previous.year + 1
    else:
        assert org is not None
        org_name, short = org, short_name(org)
        org_level = level or guess_level(org)
        if org_level is None:
            raise UsageError(f"无法从“{org}”判断单位层级，请用 --level 指定（{'、'.join(LEVELS)}）")
        if year is None:
            raise UsageError("请用 --year 写明年度，例如 --year 2024")
    if year not in YEARS:
        raise UsageError(
            f"--year {year} 不是有效的年度：请写四位数的年份（{YEARS.start}～{YEARS.stop - 1}），例如 --year 2024"
        )
    noun = "工作总结" if kind == "summary" else "工作要点"
    w = _Writer()
    w.lines.append("# yaml-language-server: $schema=kxreport.schema.json")
    w.comment(0, f"{short}{year}年{noun}：由 kxreport init 生成。")
    w.comment(
        0,
        "每个字段上方的注释说明该填什么；填好后运行 kxreport validate 检查，kxreport build 生成文档。",
    )
    w.comment(0, "多段文字用“|”另起一行书写，段与段之间空一行。")
    w.hint(YearFile, "org", 0)
    w.lines.append("org:")
    w.field(Org, "name", org_name, 2)
    w.field(Org, "short_name", short, 2)
    w.field(Org, "level", org_level, 2)
    w.field(YearFile, "year", year, 0)
    w.field(YearFile, "kind", kind, 0)
    w.field(YearFile, "date", None, 0)
    w.hint(YearFile, "title", 0)
    w.comment(0, "title: ")
    if previous is not None and previous_path is not None and target is not None:
        if target.resolve() == previous_path.resolve():
            raise UsageError(
                f"新文件 {target} 就是上一年度文件：init 不会用新年度的空表覆盖它，请给新文件另起一个名字"
            )
        project = target.resolve().parent
        if not is_inside(previous_path, project):
            raise UsageError(
                f"上一年度文件 {previous_path} 不在新文件所在的文件夹 {project} 里：validate 和 build "
                "只读取项目文件夹里的文件，写进 previous: 也用不上。请把上一年度文件复制到这个文件夹"
                "（或它的子文件夹），再用 --from 指向那里"
            )
        rel = os.path.relpath(previous_path.resolve(), project)
        w.field(YearFile, "previous", Path(rel).as_posix(), 0)
    if kind == "plan":
        w.hint(YearFile, "recipients", 0)
        w.lines.append("recipients: []   # 例如 [各县区科协, 市直各学会]")
        w.field(YearFile, "notice", None, 0)
    w.hint(YearFile, "overview", 0)
    w.lines.append("overview:")
    for name in ("text", "approach", "standing"):
        keep = (
            previous.overview.approach
            if (previous and previous.overview and name == "approach")
            else None
        )
        w.field(Overview, name, keep, 2)
    if previous and previous.overview and previous.overview.counts:
        _figures(w, previous.overview.counts, 2)
    w.hint(YearFile, "honours", 0)
    w.lines.append("honours: []")
    w.comment(0, "  - {name: 荣誉名称, by: 授予单位, level: 省级}")
    w.hint(YearFile, "sections", 0)
    w.lines.append("sections:")
    _sections(w, previous)
    w.field(YearFile, "closing", None, 0)
    w.field(YearFile, "indicator_table", bool(previous and previous.indicator_table), 0)
    return w.text()


def _sections(w: _Writer, previous: YearFile | None) -> None:
    if previous is None:
        for kind, (name, _) in SECTION_KINDS.items():
            if kind == "custom":
                continue
            w.lines.append(f"  - kind: {kind}   # {name}")
            w.field(Section, "title", None, 4)
            w.field(Section, "intro", None, 4)
        w.comment(2, "条目的写法（写在某一部分的 items: 下）：")
        w.comment(2, "  items:")
        w.comment(2, "    - heading: 段首小标题")
        w.comment(2, "      text: |")
        w.comment(2, "        正文……")
        w.comment(2, "      counts:")
        w.comment(2, "        - {key: lectures, label: 举办科普讲座, value: 30余场}")
        return
    plan_items = [
        item for s in previous.sections if s.kind == "next_year" for item in s.items if item.heading
    ]
    kept_keys = {
        f.key
        for s in previous.sections
        if s.kind not in ("next_year", "problems")
        for item in s.items
        for f in item.counts
    }
    for section in previous.sections:
        if section.kind in ("next_year", "problems"):
            continue
        w.lines.append(f"  - kind: {section.kind}")
        if section.title:
            w.field(Section, "title", section.title, 4, hint=False)
        w.field(Section, "intro", None, 4)
        items = [item for item in section.items if item.heading or item.counts]
        if not items:
            continue
        w.lines.append("    items:")
        for item in items:
            w.lines.append(f"      - heading: {scalar(item.heading)}".rstrip())
            w.field(Item, "text", None, 8)
            if item.counts:
                _figures(w, item.counts, 8)
    for item in plan_items:
        w.comment(2, f"上年计划：{item.heading}。请写今年的落实情况。")
        w.lines.append("  - kind: custom")
        w.field(Section, "title", item.heading, 4, hint=False)
        if item.text:
            for line in item.text.splitlines():
                w.comment(4, f"上年计划原文：{line}")
        # the 落实情况 is the part's intro (an item with a heading and no text would print
        # as a bare “（一）落实情况。”); last year's targets become its counts
        w.comment(4, "导语：写今年的落实情况（写了才输出这一部分）。")
        w.lines.append("    intro:")
        fresh = [t for t in item.targets if t.key not in kept_keys]
        for target in item.targets:
            if target.key in kept_keys:
                w.comment(
                    4,
                    f"目标“{target.label}”{target.value}：今年的数值填在上面 key: {target.key} 处",
                )
        if fresh:
            _figures(w, fresh, 4, model=Section)
    for kind in ("problems", "next_year"):
        w.lines.append(f"  - kind: {kind}   # {SECTION_KINDS[kind][0]}")
        w.field(Section, "intro", None, 4)
