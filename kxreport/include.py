"""Assembling one year file from fragments (``include: [parts/*.yaml]``).

Each 部室 can keep its part of the report in its own file. Fragments are merged into the
year file in file-name order: lists (activities, honours, items) are concatenated, parts of
the official structure with the same kind (and title) are merged into one part, and two
files that set the same single value are an error that names both places.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import Diagnostic, KxreportError
from .source import ByteBudget, Loc, MergedSource, SourceFile, matching_files, read_yaml


def _patterns(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def merge_includes(
    path: Path, data: dict[str, Any], main: SourceFile, root: Path, budget: ByteBudget | None = None
) -> tuple[dict[str, Any], MergedSource, list[Diagnostic], list[Path]]:
    """The year file with its fragments merged in, the positions of everything, the
    problems found, and the fragment files that were read."""
    source = MergedSource(main)
    source.origin[()] = (main, ())
    merged: dict[str, Any] = dict(data)
    diagnostics: list[Diagnostic] = []
    # a single pattern (include: parts/*.yaml) is reported at the include: line itself
    patterns = _patterns(data.get("include"))
    fragments, found = matching_files(path, patterns, source, "include", "片段文件", root)
    diagnostics.extend(found)
    for fragment in sorted(fragments, key=lambda p: p.name):
        try:
            read = read_yaml(fragment, "片段文件至少要有一个字段", budget)
        except KxreportError as exc:  # vanished or unreadable since it was listed
            diagnostics.append(
                source.at(("include",), "error", "include-unreadable", str(exc), key=True)
            )
            continue
        diagnostics.extend(read.diagnostics)
        if not read.readable or read.source is None:
            continue
        if not isinstance(read.data, dict):
            diagnostics.append(
                read.source.at((), "error", "include-type", "片段文件应为由“键: 值”组成的映射")
            )
            continue
        if "include" in read.data:
            diagnostics.append(
                read.source.at(
                    ("include",),
                    "error",
                    "include-nested",
                    "片段文件不能再用 include 引入别的文件",
                    key=True,
                )
            )
        _Merger(source, read.source, diagnostics).mapping(merged, (), read.data, ())
    return merged, source, diagnostics, sorted(fragments, key=lambda p: p.name)


class _Merger:
    def __init__(
        self, source: MergedSource, fragment: SourceFile, diagnostics: list[Diagnostic]
    ) -> None:
        self.source = source
        self.fragment = fragment
        self.diagnostics = diagnostics

    def _take(self, into: Any, key: Any, value: Any, into_loc: Loc, new_loc: Loc) -> None:
        into[key] = value
        self.source.origin[(*into_loc, key)] = (self.fragment, new_loc)

    def mapping(
        self, into: dict[str, Any], into_loc: Loc, new: dict[str, Any], new_loc: Loc
    ) -> None:
        for key, value in new.items():
            if key == "include" and not into_loc:
                continue
            here, there = (*into_loc, key), (*new_loc, key)
            if key not in into or into[key] is None:
                self._take(into, key, value, into_loc, there)
            elif value is None:
                continue
            elif isinstance(into[key], dict) and isinstance(value, dict):
                into[key] = dict(into[key])
                self.mapping(into[key], here, value, there)
            elif isinstance(into[key], list) and isinstance(value, list):
                into[key] = list(into[key])
                if key == "sections" and not into_loc:
                    self.sections(into[key], here, value, there)
                else:
                    self.append(into[key], here, value, there)
            else:
                first = self.source.resolve(here)
                where = f"{first[0].path}:{first[0].pos_of(first[1]).line + 1}"
                self.diagnostics.append(
                    self.fragment.at(
                        there,
                        "error",
                        "include-conflict",
                        f"“{key}”在 {where} 已经写过，这里又写了一次：同一个值只能写在一个文件里",
                        key=True,
                    )
                )

    def append(self, into: list[Any], into_loc: Loc, new: list[Any], new_loc: Loc) -> None:
        for j, value in enumerate(new):
            self.source.origin[(*into_loc, len(into))] = (self.fragment, (*new_loc, j))
            into.append(value)

    def sections(self, into: list[Any], into_loc: Loc, new: list[Any], new_loc: Loc) -> None:
        """A part with the kind (and title) of an existing part is merged into it: a 部室's
        fragment adds its items to the 科普 part; other parts are appended."""
        for j, section in enumerate(new):
            target = next((i for i, old in enumerate(into) if _same_part(old, section)), None)
            if target is None:
                self.source.origin[(*into_loc, len(into))] = (self.fragment, (*new_loc, j))
                into.append(section)
                continue
            into[target] = dict(into[target])
            rest = {k: v for k, v in section.items() if k not in ("kind", "title")}
            if section.get("title") and not into[target].get("title"):
                rest["title"] = section["title"]
            self.mapping(into[target], (*into_loc, target), rest, (*new_loc, j))


def _same_part(old: Any, new: Any) -> bool:
    """Same kind, and titles that do not differ; custom parts must share their title."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return False
    kind = old.get("kind", "custom")
    if kind != new.get("kind", "custom"):
        return False
    a, b = old.get("title"), new.get("title")
    if kind == "custom":
        return bool(a) and a == b
    return not a or not b or a == b
