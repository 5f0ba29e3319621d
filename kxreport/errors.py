"""Diagnostics and the one exception hierarchy; the CLI catches these once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]
SEVERITY_NAMES: dict[str, str] = {"error": "错误", "warning": "警告"}


@dataclass(frozen=True)
class Diagnostic:
    """One problem in an input file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    source: str | None = None
    count: int = 1  # how many problems this stands for (a "too many" entry stands for the rest)

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {SEVERITY_NAMES[self.severity]}: {self.message}"

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.message)


class KxreportError(Exception):
    """Base of every error kxreport reports to the user instead of a traceback."""

    exit_code = 1


class UsageError(KxreportError):
    """The command was called wrongly: a missing file, a bad option value."""

    exit_code = 2


class DataError(KxreportError):
    """An input file has problems; ``diagnostics`` says where."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} 个问题")
        self.diagnostics = diagnostics


class TemplateError(KxreportError):
    """A template is broken or refers to a value the year file does not have."""


class OutputError(KxreportError):
    """An output file could not be written."""
