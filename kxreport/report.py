"""Printing diagnostics: for people (text with the source line), for GitHub Actions
(workflow commands that annotate a pull request), or as JSON for other tools."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .errors import Diagnostic

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from .compare import Comparison
    from .model import YearFile

Style = Literal["text", "github", "json"]
STYLES: tuple[str, ...] = ("text", "github", "json")


def stderr() -> Console:
    """A console on standard error; rich is imported lazily to keep start-up fast."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    return f"{errors} 个错误，{len(diagnostics) - errors} 个警告"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(d: Diagnostic) -> str:
    """``::error file=…,line=…,col=…,title=…::message`` (GitHub Actions workflow command)."""
    level = "error" if d.severity == "error" else "warning"
    props = ",".join(
        [
            f"file={_escape_property(d.path)}",
            f"line={d.line}",
            f"col={d.column}",
            f"title={_escape_property('kxreport ' + d.code)}",
        ]
    )
    return f"::{level} {props}::{_escape_data(d.message)}"


def as_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": d.path,
        "line": d.line,
        "column": d.column,
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
    }


@dataclass
class Reporter:
    """Collects what one command says about each file and prints it in one style."""

    style: Style = "text"
    files: list[dict[str, Any]] = field(default_factory=list)

    def diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        if self.style == "github":
            for d in diagnostics:
                print(github_command(d), flush=True)
        elif self.style == "text":
            _print_text(diagnostics)

    def file(self, path: object, diagnostics: list[Diagnostic], verdict: str, ok: bool) -> None:
        """A file's diagnostics, then ``PATH：verdict（N 个错误，M 个警告）``."""
        self.files.append(
            {"path": str(path), "ok": ok, "diagnostics": [as_json(d) for d in diagnostics]}
        )
        self.diagnostics(diagnostics)
        if self.style != "json":
            stderr().print(f"{path}：{verdict}（{summary(diagnostics)}）", markup=False)

    def finish(self) -> None:
        if self.style == "json":
            json.dump({"files": self.files}, sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")


def _print_text(diagnostics: list[Diagnostic]) -> None:
    from rich.cells import cell_len
    from rich.markup import escape

    console = stderr()
    for d in diagnostics:
        colour = "red" if d.severity == "error" else "yellow"
        console.print(f"[{colour}]{escape(d.format())}[/{colour}]")
        if d.source is not None:
            gutter = f"{d.line:>5} | "
            console.print(escape(gutter + d.source))
            caret = " " * cell_len(d.source[: d.column - 1])
            console.print(escape(" " * (len(gutter) - 2) + "| " + caret + "^"))


def stats_table(doc: YearFile, comparison: Comparison) -> Table:
    """Every indicator with last year's value, 同比, last year's target and completion."""
    from rich.table import Table

    before = f"{comparison.previous_year}年" if comparison.has_previous else "上年"
    table = Table(title=f"{doc.title or doc.default_title}：指标")
    for header, justify in (
        ("指标键", "left"),
        ("指标", "left"),
        (f"{doc.year}年", "right"),
        (before, "right"),
        ("同比", "left"),
        (f"{before}计划目标", "right"),
        ("完成率", "right"),
        ("情况", "center"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for row in comparison.rows:
        table.add_row(
            row.key,
            row.label,
            str(row.current) if row.current else "—",
            str(row.previous) if row.previous else "—",
            row.change or "—",
            str(row.target) if row.target else "—",
            row.completion_rate or "—",
            row.status or "—",
        )
    for figure in doc.figures("counts"):
        if not figure.key:
            table.add_row("", figure.label, str(figure.value), "—", "—", "—", "—", "—")
    return table
