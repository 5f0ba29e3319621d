"""Checks that need the whole validated document: structure, unique keys."""

from __future__ import annotations

from collections.abc import Iterator

from .errors import Diagnostic
from .loader import Loc, Source
from .model import Item, YearFile

MAX_ITEM_DEPTH = 3  # 一、 > （一） > 1. > （1）


def check(doc: YearFile, source: Source) -> list[Diagnostic]:
    """Whole-document checks: structure, unique keys, and the content checks."""
    from .content import document_diagnostics

    found: list[Diagnostic] = document_diagnostics(doc, source)
    for index, section in enumerate(doc.sections):
        loc: Loc = ("sections", index)
        if section.is_empty:
            found.append(
                source.at(
                    loc, "warning", "empty-section", "这一部分没有导语、条目或荣誉，输出时将省略"
                )
            )
        for item_loc, _item, depth in _items(section.items, (*loc, "items"), 1):
            if depth > MAX_ITEM_DEPTH:
                found.append(
                    source.at(
                        item_loc,
                        "error",
                        "too-deep",
                        f"条目最多嵌套 {MAX_ITEM_DEPTH} 级（（一）、1.、（1）），这里是第 {depth} 级",
                    )
                )
    found.extend(_duplicate_keys(doc, source, "counts", "数字"))
    found.extend(_duplicate_keys(doc, source, "targets", "目标"))
    if doc.notice and doc.kind != "plan":
        found.append(
            source.at(
                ("notice",),
                "warning",
                "notice-in-summary",
                "“印发说明”（notice）一般只用于工作要点（kind: plan）",
            )
        )
    return found


def _items(items: list[Item], loc: Loc, depth: int) -> Iterator[tuple[Loc, Item, int]]:
    for index, item in enumerate(items):
        item_loc = (*loc, index)
        yield item_loc, item, depth
        yield from _items(item.items, (*item_loc, "items"), depth + 1)


def _duplicate_keys(doc: YearFile, source: Source, field: str, what: str) -> list[Diagnostic]:
    seen: dict[str, Loc] = {}
    found = []
    for s, section in enumerate(doc.sections):
        for item_loc, item, _ in _items(section.items, ("sections", s, "items"), 1):
            for f, figure in enumerate(getattr(item, field)):
                if figure.key is None:
                    continue
                loc = (*item_loc, field, f, "key")
                if figure.key in seen:
                    first = source.where(seen[figure.key])
                    found.append(
                        source.at(
                            loc,
                            "error",
                            "duplicate-figure-key",
                            f"{what}的指标键“{figure.key}”重复：{first}已经用过，每个指标键只能用一次",
                        )
                    )
                else:
                    seen[figure.key] = loc
    return found
