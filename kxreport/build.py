"""Building documents from year files: the library API behind ``kxreport build``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DataError, Diagnostic, UsageError
from .loader import load
from .render import Rendered, render
from .writers import docx, markdown, pdf

# format name -> (file suffix, writer of the rendered document)
WRITERS: dict[str, tuple[str, Callable[[Rendered, Path], None]]] = {
    "md": (markdown.SUFFIX, markdown.write),
    "docx": (docx.SUFFIX, docx.write),
    "pdf": (pdf.SUFFIX, pdf.write),
}
FORMATS = tuple(WRITERS)
DEFAULT_FORMATS = ("md", "docx")  # PDF needs LibreOffice, so only on request


@dataclass
class Built:
    source: Path
    outputs: list[Path]
    warnings: list[Diagnostic]


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


def output_paths(source: Path, out_dir: Path | None, formats: tuple[str, ...]) -> list[Path]:
    """``DIR/<stem>.<suffix>`` for each format; DIR defaults to the input's folder."""
    folder = out_dir if out_dir is not None else source.parent
    return [folder / (source.stem + WRITERS[f][0]) for f in formats]


def build(
    source: Path,
    out_dir: Path | None = None,
    formats: tuple[str, ...] = DEFAULT_FORMATS,
    templates: Path | None = None,
    rules: tuple[Any, ...] = (),
    *,
    strict: bool = False,
) -> Built:
    """Validate ``source`` and write its documents; on any error write nothing.

    With ``strict``, warnings count as errors.
    """
    unknown = [f for f in formats if f not in WRITERS]
    if unknown:
        raise UsageError(f"不支持的输出格式：{'、'.join(unknown)}（可选：{'、'.join(FORMATS)}）")
    if "pdf" in formats:
        pdf.check_available()  # before anything is written
    result = load(source, rules)
    if not result.ok or result.model is None or (strict and result.diagnostics):
        raise DataError(result.diagnostics)
    previous = result.previous.model if result.previous else None
    document = render(result.model, templates, previous)
    _check_rendered(document)
    outputs = output_paths(source, out_dir, formats)
    for fmt, path in zip(formats, outputs, strict=True):
        WRITERS[fmt][1](document, path)
    return Built(source, outputs, result.diagnostics)
