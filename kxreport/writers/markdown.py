"""The Markdown writer: the rendered document as a .md file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".md"


def write(rendered: Rendered) -> bytes:
    return rendered.markdown.encode("utf-8")
