"""The Markdown writer: the rendered document as a .md file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import atomic_write

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".md"


def write(rendered: Rendered, path: Path) -> None:
    atomic_write(path, rendered.markdown.encode("utf-8"))
