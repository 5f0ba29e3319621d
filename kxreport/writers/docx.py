"""The DOCX writer: the document model as WordprocessingML in the GB/T 9704-2012 layout.

The styles, page setup and footers come from :mod:`docx_parts` (generated from
:mod:`kxreport.layout`); here the body is written, with East Asian fonts in ``w:eastAsia``
wherever a run differs from its style, and the package is zipped with fixed timestamps and
order so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..document import (
    Document,
    Heading,
    Meta,
    PageBreak,
    Paragraph,
    Recipients,
    Signature,
    Table,
    Title,
)
from ..layout import (
    FANGSONG,
    HEADING_FONTS,
    LATIN,
    XIAOBIAOSONG,
    signature_indents,
    text_width,
    title_lines,
)
from ..text import FORBIDDEN_CHARS
from .docx_parts import (
    CHAR_TWIPS,
    DOCUMENT_CLOSE,
    DOCUMENT_OPEN,
    STYLES,
    TYPE_AREA_TWIPS,
    fonts_xml,
    sect_pr,
    static_parts,
)

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".docx"


def write(rendered: Rendered) -> bytes:
    return to_bytes(rendered.document, rendered.meta)


def warm() -> None:
    static_parts()


def to_bytes(document: Document, meta: Meta) -> bytes:
    """The finished .docx, byte-for-byte the same for the same document: the parts every
    report shares come from :mod:`docx_parts` (generated from the layout rules, once per
    process); the body is written here."""
    parts = dict(static_parts())
    body = _Body().blocks(document)
    parts["word/document.xml"] = (DOCUMENT_OPEN + body + sect_pr() + DOCUMENT_CLOSE).encode("utf-8")
    parts["docProps/core.xml"] = _core_xml(meta).encode("utf-8")
    return _package(parts)


# --- blocks --------------------------------------------------------------------------


# Punctuation that must take the Chinese font's full-width glyph, although Word and
# LibreOffice would otherwise set it in the Latin font: quotes, 一字线, ellipsis, 间隔号.
_CJK_PUNCTUATION = re.compile(r"([“”‘’—…·]+)")


def _esc(text: str) -> str:
    """Text for XML; characters XML cannot hold are left out, so that a document Word
    would refuse to open can never be written (the loader refuses them in data)."""
    text = FORBIDDEN_CHARS.sub("", text)
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def runs_xml(text: str, east_asia: str, style_font: str, *, bold: bool = False) -> str:
    """Runs of ``text``: Chinese punctuation gets the CJK font in every slot; a font that
    differs from the paragraph style's (a 楷体 lead) is set on the run."""
    out = []
    for i, piece in enumerate(_CJK_PUNCTUATION.split(text)):
        if not piece:
            continue
        props = ""
        if i % 2:  # a punctuation piece
            props += fonts_xml(east_asia, east_asia)
        elif east_asia != style_font:
            props += fonts_xml(LATIN, east_asia)
        if bold:
            props += "<w:b/>"
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_esc(piece)}</w:t></w:r>')
    return "".join(out)


@dataclass
class _P:
    """One paragraph of the body, serialised when the body is complete."""

    style: str
    content: str = ""
    keep_next: bool = False
    ind: str = ""  # attributes of w:ind overriding the style, e.g. 'w:right="640"'

    def xml(self) -> str:
        ppr = f'<w:pStyle w:val="{STYLES[self.style].style_id}"/>'
        if self.keep_next:
            ppr += "<w:keepNext/>"
        if self.ind:
            ppr += f"<w:ind {self.ind}/>"
        return f"<w:p><w:pPr>{ppr}</w:pPr>{self.content}</w:p>"


class _Body:
    """Writes the blocks of a document as the content of ``w:body``."""

    def __init__(self) -> None:
        self.items: list[_P | str] = []  # paragraphs, and tables as finished XML

    def paragraph(self, style: str, text: str = "") -> _P:
        font = STYLES[style].east_asia
        paragraph = _P(style, runs_xml(text, font, font) if text else "")
        self.items.append(paragraph)
        return paragraph

    def blank(self) -> None:
        self.paragraph("body").ind = 'w:firstLine="0"'

    def blocks(self, document: Document) -> str:
        for block in document.blocks:
            if isinstance(block, Title):
                self.title(block.text)
                self.blank()
            elif isinstance(block, Recipients):
                self.paragraph("recipients", block.text)
            elif isinstance(block, Heading):
                self.paragraph(f"h{block.level}", block.text)
            elif isinstance(block, Paragraph):
                self.body(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Signature):
                self.signature(block)
            elif isinstance(block, PageBreak):
                self.paragraph("body").content = '<w:r><w:br w:type="page"/></w:r>'
        return "".join(item if isinstance(item, str) else item.xml() for item in self.items)

    def title(self, text: str) -> None:
        paragraph = self.paragraph("title")
        lines = [runs_xml(line, XIAOBIAOSONG, XIAOBIAOSONG) for line in title_lines(text)]
        paragraph.content = "<w:r><w:br/></w:r>".join(lines)

    def body(self, block: Paragraph) -> None:
        paragraph = self.paragraph("body")
        content = []
        for index, run in enumerate(block.runs):
            if index == 0 and run.bold:
                font, bold = HEADING_FONTS[block.lead_level]
                content.append(runs_xml(run.text, font, FANGSONG, bold=bold))
            else:
                content.append(runs_xml(run.text, FANGSONG, FANGSONG, bold=run.bold))
        paragraph.content = "".join(content)

    def table(self, block: Table) -> None:
        if block.caption:
            self.blank()
            self.paragraph("caption", block.caption)
        rows = [block.header, *block.rows]
        columns = max(len(r) for r in rows)
        widths = _column_widths(block, columns)
        border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
        edges = "".join(
            f"<w:{edge} {border}/>"
            for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        margins = "".join(
            f'<w:{edge} w:w="{size}" w:type="dxa"/>'
            for edge, size in (("top", 60), ("left", 100), ("bottom", 60), ("right", 100))
        )
        xml = [
            f'<w:tbl><w:tblPr><w:tblW w:w="{TYPE_AREA_TWIPS}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar>{margins}</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" '
            'w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>',
            "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>",
        ]
        table_style = STYLES["table"].style_id
        for r, cells in enumerate(rows):
            xml.append("<w:tr>" + ("<w:trPr><w:tblHeader/></w:trPr>" if r == 0 else ""))
            for c in range(columns):
                text = cells[c] if c < len(cells) else ""
                xml.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/><w:vAlign w:val="center"/>'
                    f'</w:tcPr><w:p><w:pPr><w:pStyle w:val="{table_style}"/></w:pPr>'
                    f"{runs_xml(text, FANGSONG, FANGSONG, bold=r == 0)}</w:p></w:tc>"
                )
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        self.items.append("".join(xml))

    def signature(self, block: Signature) -> None:
        """Blank line, issuer, date; kept on one page with the last lines of the body."""
        for item in reversed(self.items):
            if isinstance(item, _P):
                item.keep_next = True
                break
        self.blank()
        blank = self.items[-1]
        assert isinstance(blank, _P)
        blank.keep_next = True
        issuer_indent, date_indent = (
            round(chars * CHAR_TWIPS) for chars in signature_indents(block.issuer, block.date)
        )
        issuer = self.paragraph("signature", block.issuer)
        issuer.ind = f'w:right="{issuer_indent}"'
        issuer.keep_next = bool(block.date)
        if block.date:
            self.paragraph("signature", block.date).ind = f'w:right="{date_indent}"'


def _column_widths(block: Table, columns: int) -> list[int]:
    """Share the type-area width (twips) by the widest text of each column."""
    widest = [
        max([text_width(row[c]) for row in [block.header, *block.rows] if c < len(row)] + [2.0])
        for c in range(columns)
    ]
    total = sum(widest)
    return [round(TYPE_AREA_TWIPS * w / total) for w in widest]


_MAX_PARTS = 1000


def same_content(new: bytes, old: bytes) -> bool:
    """Whether two .docx files say the same, compared part by part, not as a zip (--check).

    The old file may be anything (a zip bomb too): a part is only decompressed when the
    old package declares the same size for it as the new one has, and zipfile never
    returns more than the declared size.
    """
    try:
        a, b = zipfile.ZipFile(io.BytesIO(new)), zipfile.ZipFile(io.BytesIO(old))
        if len(b.infolist()) > _MAX_PARTS:
            return False
        ours = {info.filename: info for info in a.infolist()}
        theirs = {info.filename: info for info in b.infolist()}
        if sorted(ours) != sorted(theirs):
            return False
        if any(ours[n].file_size != theirs[n].file_size for n in ours):
            return False
        return all(a.read(n) == b.read(n) for n in ours)
    except Exception:  # BadZipFile, zlib.error, EOFError ...: a damaged old file is out of date
        return False


# --- package -------------------------------------------------------------------------


def _core_xml(meta: Meta) -> str:
    """Core properties taken from the document itself, so they never change by build."""
    day = meta.date or dt.date(meta.year, 12, 31)
    stamp = f"{day.isoformat()}T00:00:00Z"
    title, author = _esc(meta.title), _esc(meta.author)
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"
        f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        "<dc:language>zh-CN</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        f"<cp:lastPrinted>{stamp}</cp:lastPrinted>"
        "</cp:coreProperties>"
    )


_FIRST = "[Content_Types].xml"


def _package(parts: dict[str, bytes]) -> bytes:
    """The zip package with fixed timestamps, permissions and entry order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(parts, key=lambda n: (n != _FIRST, n)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()
