"""Printing diagnostics: for people (text with the source line), for GitHub Actions
(workflow commands that annotate a pull request), or as JSON for other tools."""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from .errors import Diagnostic
from .kinds import DIAGNOSTIC_STYLES
from .text import cells

if TYPE_CHECKING:
    from rich.console import Console

Style = Literal["text", "github", "json"]
STYLES: tuple[str, ...] = DIAGNOSTIC_STYLES


MAX_PRINTED = 100  # diagnostics printed per file (text and github); the rest are counted

# Characters that must not reach a terminal or a CI log as they are: control characters
# (escape sequences that move the cursor or clear the screen), bidirectional overrides
# (text that displays in another order than it reads), line separators, and lone
# surrogates (undecodable file names, which no UTF-8 stream can print).
# DEL and C1 controls, bidirectional controls and line separators; json.dumps escapes C0
# controls itself but leaves these as they are
_INVISIBLE = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
_UNSAFE = re.compile(f"[\x00-\x1f{_INVISIBLE}\ud800-\udfff]")
_UNSAFE_IN_JSON = re.compile(f"[{_INVISIBLE}]")
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


class PlainConsole:
    """Standard error when it is not a terminal (CI logs, pipes, files, editors): each text
    on a line of its own, as it is, without importing rich. Has the part of rich's
    ``Console`` that kxreport uses."""

    is_terminal = False

    def print(self, text: object = "", style: str | None = None) -> None:
        sys.stderr.write(f"{text}\n")
        sys.stderr.flush()


def stderr() -> Console | PlainConsole:
    """Where our messages go: standard error. On a terminal (or with ``FORCE_COLOR``) a rich
    console that prints text as it is: no markup, no emoji codes (``:100:`` stays
    ``:100:``), no highlighting, in colour; elsewhere a plain one, so that rich is not even
    imported. Made once (each looks up ``sys.stderr`` when it prints)."""
    global _console
    if _console is None:
        if not _on_terminal():
            return PlainConsole()
        from rich.console import Console

        _console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
    return _console


def _on_terminal() -> bool:
    import os

    if os.environ.get("FORCE_COLOR") or os.environ.get("TTY_COMPATIBLE") == "1":
        return True  # rich's own switches for CI logs that show colour
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


_console: Console | None = None


def say(
    text: object, style: str | None = None, *, console: Console | PlainConsole | None = None
) -> None:
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

    def stale(self, source: object, outputs: list[tuple[Any, str]], fix: str) -> None:
        """Outputs of ``source`` that ``build --check`` found missing or out of date, with
        ``fix``, the exact command that rebuilds them: an annotation on each output
        (github), a list in the file's entry (json)."""
        if not outputs:
            return
        if self.style == "json" and self.files:
            self.files[-1]["stale"] = [
                {"path": _encodable(str(path)), "reason": reason} for path, reason in outputs
            ]
            self.files[-1]["fix"] = _encodable(fix)
        elif self.style == "github":
            for path, reason in outputs:
                message = f"{path}{reason}：请运行 {fix} 重新生成并提交"
                title = _escape_property("kxreport stale-output")
                print(
                    f"::error file={_escape_property(plain(path))},title={title}::"
                    f"{_escape_data(plain(message, newlines=True))}",
                    flush=True,
                )

    def finish(self) -> None:
        if self.style == "json":
            text = json.dumps({"files": self.files}, ensure_ascii=False, indent=2)
            # the same JSON, with bidirectional controls and line separators as \u escapes
            sys.stdout.write(_UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m[0]):04x}", text) + "\n")


def _print_text(diagnostics: list[Diagnostic]) -> None:
    console = stderr()
    for d in diagnostics:
        console.print(plain(d.format()), style="red" if d.severity == "error" else "yellow")
        if d.source is not None:
            gutter = f"{d.line:>5} | "
            console.print(gutter + plain(d.source))
            caret = " " * cells(plain(d.source[: d.column - 1]))
            console.print(" " * (len(gutter) - 2) + "| " + caret + "^")
