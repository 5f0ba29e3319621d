"""The PDF writer: the DOCX converted by LibreOffice headless, with free fonts mapped in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..office import INSTALL_HINT, check_available, convert, soffice, uno_python
from . import docx

__all__ = ["INSTALL_HINT", "SUFFIX", "check_available", "soffice", "write"]

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".pdf"


# keep the blank page before a 版记 page that starts on an even page (GB/T 9704 7.4):
# LibreOffice leaves such automatically inserted pages out of a PDF by default
PDF_TARGET = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'


def warm() -> None:
    """Before batch workers fork: the DOCX parts, and which Python drives LibreOffice (each
    worker then starts its own LibreOffice on its first report, and keeps it)."""
    docx.warm()
    uno_python()


def write(rendered: Rendered) -> bytes:
    return convert(docx.write(rendered), ".docx", PDF_TARGET)
