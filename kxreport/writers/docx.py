"""The DOCX writer: the document model as WordprocessingML in the GB/T 9704-2012 layout.

The styles, page setup and footers come from :mod:`docx_parts` (generated from
:mod:`kxreport.layout`); here the body is written, with East Asian fonts in ``w:eastAsia``
wherever a run differs from its style, and the package is zipped with fixed timestamps and
order so the same input gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..document import (
    NOTE_PREFIX,
    SIGNER_PREFIX,
    Annex,
    Annotation,
    AttachmentNote,
    Document,
    Heading,
    Imprint,
    Masthead,
    Meta,
    PageBreak,
    Paragraph,
    Recipients,
    Signature,
    Table,
    Title,
)
from ..layout import (
    BODY_PT,
    CELL_PADDING_PT,
    FANGSONG,
    HEADING_FONTS,
    HEITI,
    IMPRINT_PT,
    IMPRINT_THICK_PT,
    IMPRINT_THIN_PT,
    INDENT_CHARS,
    KAITI,
    LATIN,
    LINE_PT,
    MARK_TOP_MM,
    MM_PT,
    RED,
    SEPARATOR_GAP_MM,
    SEPARATOR_PT,
    STAND_INS,
    TABLE_SIZES_PT,
    TYPE_AREA_PT,
    XIAOBIAOSONG,
    mark_size,
    signature_indents,
    signer_lines,
    table_plan,
    text_width,
    title_lines,
)
from ..text import FORBIDDEN_CHARS, xml_escape
from .docx_parts import (
    CHAR_TWIPS,
    DOCUMENT_CLOSE,
    DOCUMENT_OPEN,
    LAST_PAGE_FOOTER,
    R_NS,
    STYLES,
    TYPE_AREA_TWIPS,
    W_NS,
    XML_DECL,
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
    parts = dict(static_parts(meta.fonts))
    writer = _Body()
    writer.blocks(document)
    if writer.last_page_footer is not None:
        # the 版记 is the footer of a last section that starts on an even page
        writer.end_section(sect_pr())
    body = "".join(item if isinstance(item, str) else item.xml() for item in writer.items)
    if writer.last_page_footer is None:
        body += sect_pr()
    else:
        # the last section's one (empty) paragraph, in the body style like every other
        body += f'<w:p><w:pPr><w:pStyle w:val="{STYLES["body"].style_id}"/></w:pPr></w:p>'
        body += sect_pr(last_page=True)
        parts[LAST_PAGE_FOOTER] = with_profile(writer.last_page_footer, meta.fonts).encode("utf-8")
    parts["word/document.xml"] = with_profile(
        DOCUMENT_OPEN + body + DOCUMENT_CLOSE, meta.fonts
    ).encode("utf-8")
    parts["docProps/core.xml"] = _core_xml(meta).encode("utf-8")
    return _package(parts)


_FONT_ATTRIBUTE = re.compile(r'(w:(?:ascii|hAnsi|eastAsia|cs))="([^"]*)"')


def with_profile(xml: str, profile: str) -> str:
    """The runs' font names of a part in ``profile``'s faces (layout.STAND_INS)."""
    stand_ins = STAND_INS.get(profile) or {}
    if not stand_ins:
        return xml

    def swap(m: re.Match[str]) -> str:
        found = stand_ins.get(m[2])
        return f'{m[1]}="{found[0]}"' if found else m[0]

    return _FONT_ATTRIBUTE.sub(swap, xml)


# --- blocks --------------------------------------------------------------------------


# Punctuation that must take the Chinese font's full-width glyph, although Word and
# LibreOffice would otherwise set it in the Latin font: quotes, 一字线, ellipsis, 间隔号.
_CJK_PUNCTUATION = re.compile(r"([“”‘’—…·]+)")


def _esc(text: str) -> str:
    """Text for XML; characters XML cannot hold are left out, so that a document Word
    would refuse to open can never be written (the loader refuses them in data)."""
    return xml_escape(FORBIDDEN_CHARS.sub("", text))


def runs_xml(
    text: str, east_asia: str, style_font: str, *, bold: bool = False, extra: str = ""
) -> str:
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
        props += extra  # colour and size (w:color, w:sz, w:szCs), in schema order
        rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
        out.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_esc(piece)}</w:t></w:r>')
    return "".join(out)


@dataclass
class _P:
    """One paragraph of the body, serialised when the body is complete."""

    style: str
    content: str = ""
    keep_next: bool = False
    page_break_before: bool = False
    border: str = ""  # w:pBdr content
    tabs: str = ""  # w:tabs content
    spacing: str = ""  # attributes of w:spacing overriding the style
    ind: str = ""  # attributes of w:ind overriding the style, e.g. 'w:right="640"'
    jc: str = ""
    sect: str = ""  # the w:sectPr that ends a section with this paragraph

    def xml(self) -> str:
        # the schema fixes this order of pPr children
        ppr = f'<w:pStyle w:val="{STYLES[self.style].style_id}"/>'
        if self.keep_next:
            ppr += "<w:keepNext/>"
        if self.page_break_before:
            ppr += "<w:pageBreakBefore/>"
        if self.border:
            ppr += f"<w:pBdr>{self.border}</w:pBdr>"
        if self.tabs:
            ppr += f"<w:tabs>{self.tabs}</w:tabs>"
        if self.spacing:
            ppr += f"<w:spacing {self.spacing}/>"
        if self.ind:
            ppr += f"<w:ind {self.ind}/>"
        if self.jc:
            ppr += f'<w:jc w:val="{self.jc}"/>'
        ppr += self.sect
        return f"<w:p><w:pPr>{ppr}</w:pPr>{self.content}</w:p>"


class _Body:
    """Writes the blocks of a document as the content of ``w:body``."""

    def __init__(self) -> None:
        self.items: list[_P | str] = []  # paragraphs, and tables as finished XML
        self.last_page_footer: str | None = None  # the 版记, when there is one

    def paragraph(self, style: str, text: str = "") -> _P:
        font = STYLES[style].east_asia
        paragraph = _P(style, runs_xml(text, font, font) if text else "")
        self.items.append(paragraph)
        return paragraph

    def blank(self) -> None:
        self.paragraph("body").ind = 'w:firstLine="0"'

    def blocks(self, document: Document) -> None:
        for block in document.blocks:
            if isinstance(block, Title):
                self.title(block.text, block.lines)
                self.blank()
            elif isinstance(block, Masthead):
                self.masthead(block)
            elif isinstance(block, AttachmentNote):
                self.attachment_note(block)
            elif isinstance(block, Annotation):
                self.paragraph("annotation", block.text)
            elif isinstance(block, Annex):
                self.annex(block)
            elif isinstance(block, Imprint):
                self.last_page_footer = imprint_footer(block)
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

    def title(self, text: str, given: list[str] | None = None, style: str = "title") -> None:
        paragraph = self.paragraph(style)
        lines = [runs_xml(line, XIAOBIAOSONG, XIAOBIAOSONG) for line in given or title_lines(text)]
        paragraph.content = "<w:r><w:br/></w:r>".join(lines)

    def flush_left(self, text: str, font: str) -> _P:
        paragraph = self.paragraph("masthead")
        paragraph.content = runs_xml(text, font, FANGSONG)
        return paragraph

    def masthead(self, block: Masthead) -> None:
        """版头: 份号, 密级, 紧急程度 flush left on the first lines; the red mark with its top
        35 mm below the type area's top; 发文字号 (and 签发人) two lines below it; the red
        line 4 mm under that; the title two lines below the line."""
        above = 0
        for text, font in (
            (block.copy_number, FANGSONG),
            (block.secrecy, HEITI),
            (block.urgency, HEITI),
        ):
            if text:
                self.flush_left(text, font)
                above += 1
        size = mark_size(block.mark)
        mark = self.paragraph("mark")
        red = f'<w:color w:val="{RED}"/><w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>'
        mark.content = runs_xml(block.mark, XIAOBIAOSONG, XIAOBIAOSONG, extra=red)
        before = max(0.0, MARK_TOP_MM * MM_PT - above * LINE_PT)
        mark.spacing = (
            f'w:before="{round(before * 20)}" w:after="0" w:line="{round(size * 20)}" '
            'w:lineRule="exact"'
        )
        self.blank()
        self.blank()
        if block.signers:
            self.signers(block.number or "", block.signers)
        elif block.number:
            self.paragraph("masthead", block.number).jc = "center"
        # the red line SEPARATOR_GAP_MM under the number's glyphs: the line box of the
        # number reaches (LINE_PT - BODY_PT) / 2 below them
        gap = max(1.0, SEPARATOR_GAP_MM * MM_PT - (LINE_PT - BODY_PT) / 2)
        line = self.paragraph("body")
        line.ind = 'w:firstLine="0"'
        line.spacing = f'w:before="0" w:after="0" w:line="{round(gap * 20)}" w:lineRule="exact"'
        line.border = (
            f'<w:bottom w:val="single" w:sz="{round(SEPARATOR_PT * 8)}" w:space="0" '
            f'w:color="{RED}"/>'
        )
        self.blank()
        self.blank()

    def signers(self, number: str, signers: list[str]) -> None:
        """上行文 (7.2.4): 发文字号 one character in from the left on the last line; “签发人：”
        and the names, two a line, the longest line ending one character in from the right,
        every line starting under the first name (two tab stops: the label's, the names')."""
        lines = signer_lines(signers)
        names_at = TYPE_AREA_TWIPS - CHAR_TWIPS - round(max(map(text_width, lines)) * CHAR_TWIPS)
        label_at = names_at - round(text_width(SIGNER_PREFIX) * CHAR_TWIPS)
        tab = "<w:r><w:tab/></w:r>"
        for index, names in enumerate(lines):
            paragraph = self.paragraph("masthead")
            paragraph.ind = f'w:left="{CHAR_TWIPS}" w:right="{CHAR_TWIPS}"'
            paragraph.tabs = (
                f'<w:tab w:val="left" w:pos="{label_at}"/><w:tab w:val="left" w:pos="{names_at}"/>'
            )
            last = index == len(lines) - 1
            content = runs_xml(number, FANGSONG, FANGSONG) if last and number else ""
            content += tab + (runs_xml(SIGNER_PREFIX, FANGSONG, FANGSONG) if index == 0 else tab)
            paragraph.content = content + runs_xml(names, KAITI, FANGSONG)

    def attachment_note(self, block: AttachmentNote) -> None:
        """附件说明: a blank line, then “附件：1.…” two characters in; each further name
        under the first, and a name that wraps aligned with its first character. The list
        is kept together and with the body's last lines (and, through the signature, with
        the signature): it never splits across pages nor leaves the body (GB/T 9704 7.3.5)."""
        self._keep_with_next()
        self.blank()
        self._keep_with_next()
        prefix = NOTE_PREFIX
        for index, item in enumerate(block.items):
            if index:
                self._keep_with_next()
            number = re.match(r"^\d+\.", item)
            width = text_width(number.group(0)) if number else 0
            left = INDENT_CHARS + text_width(prefix) + width
            hanging = width + (text_width(prefix) if index == 0 else 0)
            paragraph = self.paragraph("note", (prefix if index == 0 else "") + item)
            paragraph.ind = (
                f'w:left="{round(left * CHAR_TWIPS)}" w:hanging="{round(hanging * CHAR_TWIPS)}"'
            )

    def annex(self, block: Annex) -> None:
        """An annex page: the label in 3号黑体 flush left on the first line, the title on
        the third line in 2号小标宋, a blank line, then the annex's content."""
        label = self.paragraph("annex_label", block.label)
        label.page_break_before = True
        self.blank()
        self.title(block.title, style="annex_title")
        self.blank()

    def end_section(self, sect: str) -> None:
        """End the current section with the last paragraph (a new one after a table)."""
        last = self.items[-1] if self.items else None
        if not isinstance(last, _P):
            last = self.paragraph("body")
        last.sect = sect

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
        plan = table_plan([[*r, *[""] * (columns - len(r))] for r in rows], TYPE_AREA_PT[0])
        widths = [round(w * 20) for w in plan.widths_pt]
        # the style's size is TABLE_SIZES_PT[0]; a wide table steps down (half-points)
        size = (
            ""
            if plan.size_pt == TABLE_SIZES_PT[0]
            else f'<w:sz w:val="{round(plan.size_pt * 2)}"/><w:szCs w:val="{round(plan.size_pt * 2)}"/>'
        )
        border = 'w:val="single" w:sz="4" w:space="0" w:color="000000"'
        edges = "".join(
            f"<w:{edge} {border}/>"
            for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        margins = "".join(
            f'<w:{edge} w:w="{size}" w:type="dxa"/>'
            for edge, size in (
                ("top", 60),
                ("left", round(CELL_PADDING_PT * 10)),  # half the padding a side, in twips
                ("bottom", 60),
                ("right", round(CELL_PADDING_PT * 10)),
            )
        )
        xml = [
            f'<w:tbl><w:tblPr><w:tblW w:w="{TYPE_AREA_TWIPS}" w:type="dxa"/><w:jc w:val="center"/>'
            f'<w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar>{margins}</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" '
            'w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>',
            "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>",
        ]
        table_style = STYLES["table"].style_id
        jc = {"left": "left", "center": "center", "right": "right"}
        for r, cells in enumerate(rows):
            # no row splits across pages; the header row repeats on each
            header = "<w:tblHeader/>" if r == 0 else ""
            xml.append(f"<w:tr><w:trPr><w:cantSplit/>{header}</w:trPr>")
            for c in range(columns):
                text = cells[c] if c < len(cells) else ""
                align = block.align[c] if c < len(block.align) and r > 0 else None
                para = f'<w:pStyle w:val="{table_style}"/>'
                if align in jc:
                    para += f'<w:jc w:val="{jc[align]}"/>'
                xml.append(
                    f'<w:tc><w:tcPr><w:tcW w:w="{widths[c]}" w:type="dxa"/><w:vAlign w:val="center"/>'
                    f"</w:tcPr><w:p><w:pPr>{para}</w:pPr>"
                    f"{runs_xml(text, FANGSONG, FANGSONG, bold=r == 0, extra=size)}</w:p></w:tc>"
                )
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        self.items.append("".join(xml))

    def _keep_with_next(self) -> None:
        """The last paragraph so far stays on the page of the one that follows it."""
        for item in reversed(self.items):
            if isinstance(item, _P):
                item.keep_next = True
                break

    def signature(self, block: Signature) -> None:
        """Blank line, issuer, date; kept on one page with the last lines of the body."""
        self._keep_with_next()
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
    """Core properties taken from the document itself, so they never change by build; the
    dates are the 成文日期, and left out when the document has none (never invented)."""
    title, author = _esc(meta.title), _esc(meta.author)
    dates = ""
    if meta.date is not None:
        stamp = f"{meta.date.isoformat()}T00:00:00Z"
        dates = (
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        )
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"
        f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f"<dc:language>zh-CN</dc:language>{dates}"
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


def imprint_footer(block: Imprint) -> str:
    """版记 as the footer of the last page, so that its last rule sits on the bottom edge
    of the type area: a table as wide as the type area, thick first and last rules and a
    thin one between 抄送 and 印发; 4号仿宋 one character in on both sides; 抄送 wraps
    aligned after its colon; 印发机关 left, 印发日期 right."""
    char = round(IMPRINT_PT * 20)
    thick, thin = round(IMPRINT_THICK_PT * 8), round(IMPRINT_THIN_PT * 8)
    rule = 'w:val="single" w:sz="{}" w:space="0" w:color="000000"'
    style = STYLES["imprint"].style_id
    rows = []
    if block.cc:
        prefix = text_width("抄送：")
        ppr = (
            f'<w:pStyle w:val="{style}"/>'
            f'<w:ind w:left="{round(prefix * char)}" w:hanging="{round(prefix * char)}"/>'
        )
        rows.append(f"<w:p><w:pPr>{ppr}</w:pPr>{runs_xml(block.cc, FANGSONG, FANGSONG)}</w:p>")
    if block.printer or block.printed:
        width = TYPE_AREA_TWIPS - 2 * char
        ppr = f'<w:pStyle w:val="{style}"/><w:tabs><w:tab w:val="right" w:pos="{width}"/></w:tabs>'
        content = runs_xml(block.printer or "", FANGSONG, FANGSONG)
        if block.printed:
            content += "<w:r><w:tab/></w:r>" + runs_xml(block.printed, FANGSONG, FANGSONG)
        rows.append(f"<w:p><w:pPr>{ppr}</w:pPr>{content}</w:p>")
    cells = "".join(
        f'<w:tr><w:tc><w:tcPr><w:tcW w:w="{TYPE_AREA_TWIPS}" w:type="dxa"/></w:tcPr>{p}</w:tc></w:tr>'
        for p in rows
    )
    table = (
        f'<w:tbl><w:tblPr><w:tblW w:w="{TYPE_AREA_TWIPS}" w:type="dxa"/><w:jc w:val="center"/>'
        f"<w:tblBorders><w:top {rule.format(thick)}/><w:bottom {rule.format(thick)}/>"
        f'<w:insideH {rule.format(thin)}/></w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="{char}" w:type="dxa"/><w:right w:w="{char}" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"
        f'<w:tblGrid><w:gridCol w:w="{TYPE_AREA_TWIPS}"/></w:tblGrid>{cells}</w:tbl>'
    )
    # a table must be followed by a paragraph; this one is a hair high
    tail = '<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/></w:pPr></w:p>'
    return f'{XML_DECL}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">{table}{tail}</w:ftr>'
