"""The PDF writer: the DOCX converted by LibreOffice headless, with free fonts mapped in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..office import INSTALL_HINT, check_available, convert, soffice
from . import docx

__all__ = ["INSTALL_HINT", "SUFFIX", "check_available", "soffice", "to_bytes"]

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".pdf"


def to_bytes(rendered: Rendered) -> bytes:
    return convert(docx.rendered_bytes(rendered), ".docx", "pdf:writer_pdf_Export")
