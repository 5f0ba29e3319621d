"""The PDF writer: the DOCX converted by LibreOffice headless, with free fonts mapped in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..office import INSTALL_HINT, check_available, convert, soffice
from . import docx

__all__ = ["INSTALL_HINT", "SUFFIX", "check_available", "soffice", "write"]

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".pdf"


def warm() -> None:
    docx.warm()


def write(rendered: Rendered) -> bytes:
    return convert(docx.write(rendered), ".docx", "pdf:writer_pdf_Export")
