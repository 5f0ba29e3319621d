"""Printing diagnostics: for people (text with the source line), for GitHub Actions
(workflow commands that annotate a pull request), or as JSON for other tools."""

from __future__ import annotations

import json
import re
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


MAX_PRINTED = 100  # diagnostics printed per file (text and github); the rest are counted

# Characters that must not reach a terminal or a CI log as they are: control characters
# (escape sequences that move the cursor or clear the screen), bidirectional overrides
# (text that displays in another order than it reads), line separators, and lone
# surrogates (undecodable file names, which no UTF-8 stream can print).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ud800-\udfff]"
)
# json.dumps escapes C0 controls itself; these it leaves as they are
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def plain(text: object, *, newlines: bool = False) -> str:
    """``text`` safe to print: every unsafe character is shown as an escape (``\\x1b``,
    ``\\u202e``); with ``newlines``, line breaks of our own multi-line texts stay."""

    def visible(match: re.Match[str]) -> str:
        ch = match[0]
        if newlines and ch == "\n":
            return ch
        if ch in _NAMED:
            return _NAMED[ch]
        return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"

    return _UNSAFE.sub(visible, str(text))


def stderr() -> Console:
    """A console on standard error that prints text as it is: no markup, no emoji codes
    (``:100:`` stays ``:100:``), no highlighting. rich is imported lazily; the console is
    made once (it looks up ``sys.stderr`` when it prints)."""
    global _console
    if _console is None:
        from rich.console import Console

        _console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
    return _console


_console: Console | None = None


def say(text: object, style: str | None = None, *, console: Console | None = None) -> None:
    """Print one of our messages (which may quote user text) on standard error, safely."""
    (console or stderr()).print(plain(text, newlines=True), style=style)


def summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.count for d in diagnostics if d.severity == "error")
    warnings = sum(d.count for d in diagnostics if d.severity != "error")
    return f"{errors} 个错误，{warnings} 个警告"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_command(d: Diagnostic) -> str:
    """``::error file=…,line=…,col=…,title=…::message`` (GitHub Actions workflow command)."""
    level = "error" if d.severity == "error" else "warning"
    props = ",".join(
        [
            f"file={_escape_property(plain(d.path))}",
            f"line={d.line}",
            f"col={d.column}",
            f"title={_escape_property('kxreport ' + d.code)}",
        ]
    )
    return f"::{level} {props}::{_escape_data(plain(d.message, newlines=True))}"


def _encodable(text: str) -> str:
    """Lone surrogates (from undecodable file names) as escapes, so the JSON can be written."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def as_json(d: Diagnostic) -> dict[str, Any]:
    return {
        "path": _encodable(d.path),
        "line": d.line,
        "column": d.column,
        "severity": d.severity,
        "code": d.code,
        "message": _encodable(d.message),
    }


@dataclass
class Reporter:
    """Collects what one command says about each file and prints it in one style."""

    style: Style = "text"
    files: list[dict[str, Any]] = field(default_factory=list)

    def diagnostics(self, diagnostics: list[Diagnostic]) -> None:
        shown, hidden = diagnostics[:MAX_PRINTED], diagnostics[MAX_PRINTED:]
        if self.style == "github":
            for d in shown:
                print(github_command(d), flush=True)
        elif self.style == "text":
            _print_text(shown)
        if hidden and self.style != "json":
            rest = sum(d.count for d in hidden)
            say(f"……另有 {rest} 个问题没有显示（--diagnostics json 列出的更多）")

    def file(self, path: object, diagnostics: list[Diagnostic], verdict: str, ok: bool) -> None:
        """A file's diagnostics, then ``PATH：verdict（N 个错误，M 个警告）``."""
        self.files.append(
            {
                "path": _encodable(str(path)),
                "ok": ok,
                "diagnostics": [as_json(d) for d in diagnostics],
            }
        )
        self.diagnostics(diagnostics)
        if self.style != "json":
            say(f"{plain(path)}：{verdict}（{summary(diagnostics)}）")

    def finish(self) -> None:
        if self.style == "json":
            text = json.dumps({"files": self.files}, ensure_ascii=False, indent=2)
            # the same JSON, with bidirectional controls and line separators as \u escapes
            sys.stdout.write(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n")


def _print_text(diagnostics: list[Diagnostic]) -> None:
    from rich.cells import cell_len

    console = stderr()
    for d in diagnostics:
        console.print(plain(d.format()), style="red" if d.severity == "error" else "yellow")
        if d.source is not None:
            gutter = f"{d.line:>5} | "
            console.print(gutter + plain(d.source))
            caret = " " * cell_len(plain(d.source[: d.column - 1]))
            console.print(" " * (len(gutter) - 2) + "| " + caret + "^")


def stats_table(doc: YearFile, comparison: Comparison) -> Table:
    """Every indicator with last year's value, 同比, last year's target and completion."""
    from rich.table import Table
    from rich.text import Text

    before = f"{comparison.previous_year}年" if comparison.has_previous else "上年"
    table = Table(title=Text(plain(f"{doc.title or doc.default_title}：指标")))
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
            *_cells(
                row.key,
                row.label,
                str(row.current) if row.current else "—",
                str(row.previous) if row.previous else "—",
                row.change or "—",
                str(row.target) if row.target else "—",
                row.completion_rate or "—",
                row.status or "—",
            )
        )
    for figure in doc.figures("counts"):
        if not figure.key:
            table.add_row(*_cells("", figure.label, str(figure.value), "—", "—", "—", "—", "—"))
    return table


def _cells(*texts: str) -> list[Any]:
    """Table cells as plain text: never markup, emoji codes or control sequences."""
    from rich.text import Text

    return [Text(plain(text)) for text in texts]
