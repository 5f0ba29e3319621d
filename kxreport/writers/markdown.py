"""The Markdown writer: the rendered document as a .md file."""

from __future__ import annotations

from pathlib import Path

from . import atomic_write

SUFFIX = ".md"


def write(markdown: str, path: Path) -> None:
    atomic_write(path, markdown.encode("utf-8"))
