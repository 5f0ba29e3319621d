"""Building documents from year files: the library API behind ``kxreport build``.

One file: validate, render once, produce every format's bytes, write each atomically.
Many files: the same per file, in parallel processes; one bad file never stops the rest.
``check`` produces the same bytes in memory and compares them with the files on disk.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataError, Diagnostic, KxreportError, UsageError
from .loader import load
from .render import Rendered, render
from .writers import atomic_write, docx, markdown, pdf

# format name -> (file suffix, producer of the file's bytes from the rendered document)
WRITERS: dict[str, tuple[str, Callable[[Rendered], bytes]]] = {
    "md": (markdown.SUFFIX, markdown.to_bytes),
    "docx": (docx.SUFFIX, docx.rendered_bytes),
    "pdf": (pdf.SUFFIX, pdf.to_bytes),
}
FORMATS = tuple(WRITERS)
DEFAULT_FORMATS = ("md", "docx")  # PDF needs LibreOffice, so only on request


@dataclass
class Outcome:
    """What happened to one year file."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None  # a problem that is not in the file's data (template, disk)
    stale: list[str] = field(default_factory=list)  # with check: outputs missing or out of date
    data_failed: bool = False

    @property
    def failed(self) -> bool:
        return self.data_failed or self.error is not None or bool(self.stale)


def check_formats(formats: tuple[str, ...], *, checking: bool = False) -> None:
    """Refuse unknown formats, and PDF without LibreOffice, before anything is done."""
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise UsageError(f"不支持的输出格式：{'、'.join(unknown)}（可选：{'、'.join(FORMATS)}）")
    if "pdf" in formats:
        if checking:
            raise UsageError(
                "--check 不比较 PDF（PDF 由 LibreOffice 生成，每次都不同）：请用 -f md -f docx"
            )
        pdf.check_available()


def expand_sources(paths: Iterable[Path]) -> list[Path]:
    """Year files: files as given; for a folder, every ``*.yaml`` directly inside it."""
    sources: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.glob("*.yaml") if p.is_file())
            if not found:
                raise UsageError(f"文件夹 {path} 里没有 .yaml 年度文件")
            sources.extend(found)
        else:
            sources.append(path)
    return list(dict.fromkeys(sources))


def output_paths(source: Path, out_dir: Path | None, formats: tuple[str, ...]) -> list[Path]:
    """``DIR/<stem>.<suffix>`` for each format; DIR defaults to the input's folder."""
    folder = out_dir if out_dir is not None else source.parent
    return [folder / (source.stem + WRITERS[f][0]) for f in formats]


def _check_rendered(rendered: Rendered) -> None:
    """Slots that reach the output came from a template (the data was checked already)."""
    from .content import unfilled_slots
    from .document import Table
    from .errors import TemplateError

    for block in rendered.document.blocks:
        texts = (
            [c for row in [block.header, *block.rows] for c in row]
            if isinstance(block, Table)
            else []
        )
        texts.append(getattr(block, "text", "") or "")
        for text in texts:
            for finding in unfilled_slots(text):
                raise TemplateError(
                    f"生成的文档中有没有填写的空“{finding.needle}”（在“{text[:20]}”中），"
                    "它来自模板：请检查模板"
                )


def produce(
    source: Path,
    formats: tuple[str, ...],
    templates: Path | None = None,
    rules: tuple[Any, ...] = (),
    *,
    strict: bool = False,
) -> tuple[list[Diagnostic], dict[str, bytes]]:
    """Validate ``source`` and produce each format's bytes in memory (DataError if invalid)."""
    result = load(source, rules)
    if not result.ok or result.model is None or (strict and result.diagnostics):
        raise DataError(result.diagnostics)
    previous = result.previous.model if result.previous else None
    units = [u.model for u in result.units if u.model is not None]
    rendered = render(result.model, templates, previous, units)
    _check_rendered(rendered)
    return result.diagnostics, {fmt: WRITERS[fmt][1](rendered) for fmt in formats}


def same_content(fmt: str, new: bytes, old: bytes) -> bool:
    """Whether two outputs say the same; a .docx is compared part by part, not as a zip."""
    if fmt != "docx":
        return new == old
    try:
        a, b = zipfile.ZipFile(io.BytesIO(new)), zipfile.ZipFile(io.BytesIO(old))
        names = sorted(a.namelist())
        return names == sorted(b.namelist()) and all(a.read(n) == b.read(n) for n in names)
    except zipfile.BadZipFile:
        return False


@dataclass(frozen=True)
class Options:
    """How to build: where, which formats, whose templates and rules, how strictly."""

    out_dir: Path | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    templates: Path | None = None
    rules: tuple[Any, ...] = ()
    strict: bool = False
    check: bool = False  # compare with the files on disk instead of writing


def build_one(source: Path, options: Options = Options()) -> Outcome:
    """Build (or compare) one year file; never raises for a problem of its own."""
    o = options
    outcome = Outcome(source)
    try:
        outcome.diagnostics, produced = produce(
            source, o.formats, o.templates, o.rules, strict=o.strict
        )
        for fmt, path in zip(o.formats, output_paths(source, o.out_dir, o.formats), strict=True):
            if o.check:
                if not path.is_file():
                    outcome.stale.append(f"{path}（缺少）")
                elif not same_content(fmt, produced[fmt], path.read_bytes()):
                    outcome.stale.append(f"{path}（内容已过时）")
            else:
                atomic_write(path, produced[fmt])
                outcome.outputs.append(path)
    except DataError as exc:
        outcome.diagnostics = exc.diagnostics
        outcome.data_failed = True
    except KxreportError as exc:
        outcome.error = str(exc)
    return outcome


def _warm(options: Options) -> None:
    """Fill the per-process caches once, before the workers are forked from this process:
    the templates are compiled, the rules and the DOCX skeleton loaded only once."""
    from .content import builtin_rules, to_simplified
    from .render import environment

    env = environment(options.templates)
    for name in ("summary.md.j2", "plan.md.j2"):
        env.get_template(name)
    builtin_rules()
    to_simplified("")  # loads OpenCC's dictionaries
    if "docx" in options.formats or "pdf" in options.formats:
        docx._skeleton()


def build_many(
    sources: list[Path],
    options: Options = Options(),
    *,
    jobs: int | None = None,
    done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build every source, ``jobs`` processes at once (default: all cores), in input order."""
    check_formats(options.formats, checking=options.check)
    jobs = max(1, jobs or os.cpu_count() or 1)
    outcomes: list[Outcome] = []
    if jobs == 1 or len(sources) == 1:
        for source in sources:
            outcomes.append(build_one(source, options))
            if done:
                done(outcomes[-1])
        return outcomes
    from concurrent.futures import ProcessPoolExecutor
    from functools import partial

    _warm(options)
    with ProcessPoolExecutor(max_workers=min(jobs, len(sources))) as pool:
        chunk = max(1, len(sources) // (jobs * 8))
        for outcome in pool.map(partial(build_one, options=options), sources, chunksize=chunk):
            outcomes.append(outcome)
            if done:
                done(outcome)
    return outcomes
