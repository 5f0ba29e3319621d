"""The one place that loads year files: read (``source``), merge includes, validate
(``model``), run the content checks and the rules (``checks``), load the sub-units and the
previous year.

Every problem found on the way becomes a :class:`Diagnostic` with file, line and column;
problems are collected and reported together instead of stopping at the first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Diagnostic, KxreportError, UsageError
from .files import is_inside
from .salvage import Salvaged, salvage
from .source import (
    _GLOB_CHARS,
    MAX_DIAGNOSTICS,
    MAX_UNIT_DEPTH,
    ByteBudget,
    RemappedSource,
    Source,
    _order,
    expand_sources,
    glob_files,
    matching_files,
    project_root,
    read_yaml,
)
from .yamltraps import REPAIRABLE, TRAP_CODES

if TYPE_CHECKING:
    from .model import YearFile

__all__ = ["LoadResult", "expand_sources", "load", "project_root"]


@dataclass
class LoadResult:
    """What loading one year file gave: the model (if valid) and every diagnostic."""

    path: str
    model: YearFile | None
    diagnostics: list[Diagnostic]
    source: Source | None = None
    data: Any = None
    previous: LoadResult | None = None  # the year file named by ``previous:``
    files: list[Path] = field(default_factory=list)  # the year file and its fragments
    units: list[LoadResult] = field(default_factory=list)  # sub-units' year files (units:)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def ok(self) -> bool:
        return self.model is not None and not self.errors


@dataclass
class _Run:
    """One top-level load: the project folder every referenced file must lie in, the
    extra rules, and the files already loaded (each is read once, so units that share
    sub-units or reference each other cost linear work)."""

    root: Path  # resolved
    rules: tuple[Any, ...]
    loaded: dict[tuple[Path, bool], LoadResult] = field(default_factory=dict)
    budget: ByteBudget = field(default_factory=ByteBudget)


def load(
    path: str | Path,
    rules: tuple[Any, ...] = (),
    *,
    follow_previous: bool = True,
    root: str | Path | None = None,
) -> LoadResult:
    """Read, parse, validate and check one year file. Never raises for bad content.

    ``rules`` are extra stale-wording rules (``content.StaleRule``) besides the built-in ones.
    The file named by ``previous:`` is loaded too (one level) for comparisons and checks,
    and the files named by ``units:``. Every file a year file names must lie inside the
    project folder ``root`` (default: the year file's own folder); so must the year file.
    A missing or unreadable year file raises UsageError.
    """
    run = _Run(project_root(path, root), rules)
    if not is_inside(Path(path), run.root):
        message = (
            f"{path} 指向项目文件夹 {run.root} 之外：kxreport 不读取项目文件夹之外的文件"
            "（确实需要时用 --root 指定项目文件夹）"
        )
        if not Path(path).exists():
            raise UsageError(f"找不到文件：{path}")
        return LoadResult(
            str(path), None, [Diagnostic(str(path), 1, 1, "error", "outside-project", message)]
        )
    return _load(Path(path), run, follow_previous, ())


def _load(path: Path, run: _Run, follow_previous: bool, chain: tuple[Path, ...]) -> LoadResult:
    from pydantic import ValidationError

    from .checks import check
    from .content import text_diagnostics
    from .messages import validation_diagnostics
    from .model import YearFile

    real = Path(os.path.realpath(path))
    cached = run.loaded.get((real, follow_previous))
    if cached is not None:
        return cached
    chain = (*chain, real)
    read = read_yaml(path, budget=run.budget)
    diagnostics = list(read.diagnostics)
    files = [path]
    if not read.readable or read.source is None:
        return _done(
            run,
            real,
            follow_previous,
            LoadResult(read.path, None, _final(diagnostics, read.path), read.source, files=files),
        )
    source: Source = read.source
    data = read.data
    if isinstance(data, dict) and data.get("include"):
        from .include import merge_includes

        data, source, found, fragments = merge_includes(
            path, data, read.source, run.root, run.budget
        )
        diagnostics.extend(found)
        files.extend(fragments)
    model: YearFile | None = None
    checked: YearFile | None = None  # what the checks run on: the model, or what validated
    checked_at: Source = source
    salvaged: Salvaged | None = None
    try:
        model = checked = YearFile.model_validate(data)
    except ValidationError as exc:
        # a line YAML misread (``text：…``) is reported for what was typed, not again for
        # the shape YAML made of it
        misread = {d.line for d in read.diagnostics if d.code in TRAP_CODES}
        found = validation_diagnostics(exc, source, YearFile)
        diagnostics.extend(d for d in found if d.line not in misread)
        # one pass: the checks still run on what did validate
        salvaged = salvage(data, exc)
        if salvaged is not None:
            checked, checked_at = salvaged.model, RemappedSource(source, salvaged.original)
    year = data.get("year") if isinstance(data, dict) else None
    year = year if isinstance(year, int) and not isinstance(year, bool) else None
    # the “: ” or quotes a typing-mistake error names are not said again as punctuation
    colons = {d.line for d in read.diagnostics if d.code in REPAIRABLE}
    diagnostics.extend(
        d
        for d in text_diagnostics(data, source, year, run.rules)
        if not (d.code == "punctuation" and d.line in colons)
    )
    previous: LoadResult | None = None
    units: list[LoadResult] = []
    if checked is not None:
        found = check(checked, checked_at)
        diagnostics.extend(d for d in found if not (salvaged and salvaged.hides(d.code)))
        if checked.units:
            units, found = _load_units(path, checked, checked_at, run, chain)
            diagnostics.extend(found)
            diagnostics.extend(rollup_diagnostics(checked, checked_at, units, read.path))
        elif checked.rollup is not None:
            message = "写了汇总（rollup）却没有下属单位（units）：汇总表不会出现，请写 units 或删去 rollup"
            diagnostics.append(
                checked_at.at(("rollup",), "warning", "rollup-no-units", message, key=True)
            )
        if checked.previous and follow_previous:
            previous, found = _load_previous(path, checked, checked_at, run, chain)
            diagnostics.extend(found)
            if previous is not None and previous.model is not None:
                from .content import copied_diagnostics

                diagnostics.extend(copied_diagnostics(data, source, previous))
    diagnostics = _final(diagnostics, read.path)
    if any(d.severity == "error" for d in diagnostics):
        model = None
    result = LoadResult(read.path, model, diagnostics, source, data, previous, files, units)
    return _done(run, real, follow_previous, result)


def _done(run: _Run, real: Path, follow_previous: bool, result: LoadResult) -> LoadResult:
    run.loaded[(real, follow_previous)] = result
    return result


def _final(diagnostics: list[Diagnostic], path: str) -> list[Diagnostic]:
    """Sorted without repeats; beyond MAX_DIAGNOSTICS only counted, in one last entry."""
    ordered = sorted(set(diagnostics), key=_order)
    if len(ordered) <= MAX_DIAGNOSTICS:
        return ordered
    shown, rest = ordered[:MAX_DIAGNOSTICS], ordered[MAX_DIAGNOSTICS:]
    first = rest[0]
    summary: list[Diagnostic] = []
    for severity, name in (("error", "错误"), ("warning", "警告")):
        count = sum(d.count for d in rest if d.severity == severity)
        if count:
            message = f"还有 {count} 个{name}没有列出：请先修正上面的问题"
            summary.append(
                Diagnostic(
                    first.path, first.line, first.column, severity, "too-many", message, count=count
                )  # type: ignore[arg-type]
            )
    return [*shown, *summary]


def _reference(
    target: Path, run: _Run, chain: tuple[Path, ...]
) -> tuple[LoadResult | None, str | None]:
    """A file named by ``previous:`` or ``units:``, loaded, or why it cannot be."""
    if Path(os.path.realpath(target)) in chain:
        return None, "cycle"
    if len(chain) >= MAX_UNIT_DEPTH:
        return None, f"引用嵌套超过 {MAX_UNIT_DEPTH} 层"
    try:
        return _load(target, run, False, chain), None
    except KxreportError as exc:
        return None, str(exc)


def _load_units(
    path: Path, model: YearFile, source: Source, run: _Run, chain: tuple[Path, ...]
) -> tuple[list[LoadResult], list[Diagnostic]]:
    """Sub-units' year files named by ``units:``; their problems are reported at ``units:``."""
    matches, found = matching_files(
        path, list(model.units), source, "units", "下属单位文件", run.root
    )
    results: list[LoadResult] = []
    for match in matches:
        unit, problem = _reference(match, run, chain)
        if problem == "cycle":
            message = f"下属单位文件 {match} 又直接或间接地把本文件列为下属单位：units 不能形成循环"
            found.append(source.at(("units",), "error", "units-cycle", message, key=True))
            continue
        if unit is None:
            found.append(
                source.at(
                    ("units",),
                    "error",
                    "units-invalid",
                    f"下属单位文件 {match}：{problem}",
                    key=True,
                )
            )
            continue
        results.append(unit)
        if unit.model is None:
            message = f"下属单位文件 {match} 有 {len(unit.errors)} 个错误，请先修正（kxreport validate {match}）"
            found.append(source.at(("units",), "error", "units-invalid", message, key=True))
        elif unit.model.year != model.year:
            message = f"下属单位文件 {match} 是 {unit.model.year} 年的，本文件是 {model.year} 年"
            found.append(source.at(("units",), "warning", "units-year", message, key=True))
    return results, found


def rollup_diagnostics(
    model: YearFile, source: Source, units: list[LoadResult], name: str
) -> list[Diagnostic]:
    """What the roll-up could not take in: a unit's count matching no chosen indicator (at
    that count, in the unit's file), or, with no indicator list, the indicators left out
    (at ``units:``)."""
    from .rollup import rollup

    loaded = [u for u in units if u.model is not None and u.source is not None]
    table = rollup([u.model for u in loaded if u.model is not None], model.rollup)
    found: list[Diagnostic] = []
    for miss in table.unmatched:
        unit = loaded[miss.unit]
        assert unit.source is not None
        said = f"“{miss.label}”" + (f"（key: {miss.key}）" if miss.key else "")
        if miss.why == "duplicate":
            message = f"{said}与本文件前面的另一项数字对应同一个汇总指标：{name} 的汇总只取前一项，请删去一项或改正键"
        elif miss.why == "measure":
            message = (
                f"{said}的计量单位与 {name} 汇总指标的计量单位不同，没有计入汇总：请统一计量单位"
            )
        else:
            message = (
                f"{said}没有对应 {name} 的汇总指标，不会出现在汇总表里："
                f"是同一指标的话，请在 {name} 的 rollup.indicators 里给它加别名"
            )
        found.append(unit.source.at(miss.loc, "warning", "rollup-unmatched", message))
    if table.left_out and not table.chosen:
        shown = "、".join(f"{label}（{n}个单位）" for label, n in table.left_out[:12])
        more = f"等 {len(table.left_out)} 项" if len(table.left_out) > 12 else ""
        message = (
            f"汇总表只列出多数单位都报了的 {len(table.columns)} 项指标，未列出：{shown}{more}。"
            "要自己决定汇总哪些指标、顺序和名称，请写 rollup.indicators"
        )
        found.append(source.at(("units",), "warning", "rollup-left-out", message, key=True))
    return found


def _load_previous(
    path: Path, model: YearFile, source: Source, run: _Run, chain: tuple[Path, ...]
) -> tuple[LoadResult | None, list[Diagnostic]]:
    """The previous year's file, and problems with it reported at ``previous:``."""
    loc = ("previous",)
    matches, problem = glob_files(path.parent, model.previous, run.root)
    if problem is None and (_GLOB_CHARS.search(model.previous) or not matches):
        problem = f"找不到上一年度文件：{path.parent / model.previous}"
    if problem is not None:
        return None, [source.at(loc, "error", "previous-missing", problem)]
    target = matches[0]
    previous, problem = _reference(target, run, chain)
    if previous is None:
        if problem == "cycle":
            problem = f"上一年度文件 {target} 就是本文件（或引用了本文件）"
        return None, [source.at(loc, "error", "previous-invalid", f"上一年度文件：{problem}")]
    found = []
    if previous.model is None:
        errors = len(previous.errors)
        found.append(
            source.at(
                loc,
                "error",
                "previous-invalid",
                f"上一年度文件 {target} 有 {errors} 个错误，请先修正（kxreport validate {target}）",
            )
        )
        return previous, found
    if previous.model.year != model.year - 1:
        found.append(
            source.at(
                loc,
                "warning",
                "previous-year",
                f"上一年度文件是 {previous.model.year} 年的，本文件是 {model.year} 年：同比按这两年计算",
            )
        )
    if previous.model.org.name != model.org.name:
        found.append(
            source.at(
                loc,
                "warning",
                "previous-org",
                f"上一年度文件的单位是“{previous.model.org.name}”，与本文件“{model.org.name}”不同",
            )
        )
    return previous, found
