"""The DOCX writer: the rendered document in the GB/T 9704-2012 official layout.

Every style is built here explicitly (no theme fonts, no built-in Heading styles), East
Asian fonts are set in ``w:eastAsia`` on docDefaults, styles and overriding runs, and the
package is written with fixed timestamps and order so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
    BODY_PT,
    FANGSONG,
    HEADING_FONTS,
    HEITI,
    INDENT_CHARS,
    LATIN,
    LINE_PT,
    MARGINS,
    PAGE,
    PAGE_NUMBER_PT,
    SONGTI,
    TABLE_PT,
    TITLE_PT,
    TYPE_AREA_MM,
    XIAOBIAOSONG,
    signature_indents,
    text_width,
    title_lines,
)
from ..text import FORBIDDEN_CHARS

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".docx"

# Word's units of the layout: twips (1/20 pt)
CHAR_TWIPS = BODY_PT * 20  # one character of 3号
INDENT_TWIPS = INDENT_CHARS * CHAR_TWIPS


@dataclass(frozen=True)
class StyleSpec:
    style_id: str
    name: str
    east_asia: str
    size: float
    bold: bool = False
    align: str = "both"  # w:jc value
    first_line: int = 0  # twips
    outline: int | None = None
    keep_next: bool = False
    line: float | None = LINE_PT
    snap_to_grid: bool = True


STYLES = {
    "body": StyleSpec("KXBody", "公文正文", FANGSONG, BODY_PT, first_line=INDENT_TWIPS),
    "title": StyleSpec("KXTitle", "公文标题", XIAOBIAOSONG, TITLE_PT, align="center", line=None),
    **{
        f"h{level}": StyleSpec(
            f"Heading{level}",
            f"heading {level}",
            HEADING_FONTS[level][0],
            BODY_PT,
            bold=HEADING_FONTS[level][1],
            first_line=INDENT_TWIPS,
            outline=level - 1,
            keep_next=True,
        )
        for level in (1, 2, 3, 4)
    },
    "recipients": StyleSpec("KXRecipients", "主送机关", FANGSONG, BODY_PT, align="left"),
    "signature": StyleSpec("KXSignature", "落款", FANGSONG, BODY_PT, align="right"),
    "caption": StyleSpec("KXCaption", "表题", HEITI, BODY_PT, align="center", keep_next=True),
    "table": StyleSpec(
        "KXTable", "表格文字", FANGSONG, TABLE_PT, align="center", line=None, snap_to_grid=False
    ),
    "footer": StyleSpec("KXFooter", "页码", SONGTI, PAGE_NUMBER_PT, align="right", line=None),
}


def write(rendered: Rendered) -> bytes:
    return to_bytes(rendered.document, rendered.meta)


def warm() -> None:
    _skeleton()


def to_bytes(document: Document, meta: Meta) -> bytes:
    """The finished .docx, byte-for-byte the same for the same document.

    Every part but the body and the core properties is the same for every report, so it
    is built once per process with python-docx (:func:`_skeleton`); the body is written
    directly as WordprocessingML, which is many times faster than python-docx's objects.
    """
    parts = dict(_skeleton().parts)
    head, tail = _skeleton().document
    parts["word/document.xml"] = (head + _Body().blocks(document) + tail).encode("utf-8")
    parts["docProps/core.xml"] = _core_xml(meta).encode("utf-8")
    return _package(parts)


@dataclass(frozen=True)
class _Parts:
    parts: dict[str, bytes]  # every part of an empty, fully styled document
    document: tuple[str, str]  # document.xml before and after the body content


SKELETON = Path(__file__).resolve().parent / "skeleton.docx"


@lru_cache(maxsize=1)
def _skeleton() -> _Parts:
    """The shipped skeleton (built by :func:`build_skeleton`; a test keeps it current),
    so that a build needs neither python-docx nor the time to style a document."""
    data = SKELETON.read_bytes() if SKELETON.is_file() else build_skeleton()
    package = zipfile.ZipFile(io.BytesIO(data))
    parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    cut = xml.index("<w:sectPr")
    return _Parts(parts, (xml[:cut], xml[cut:]))


def build_skeleton() -> bytes:
    """An empty document with every 公文 style, the page setup and the page numbers."""
    import docx

    out = docx.Document()
    _setup_styles(out)
    _setup_page(out)
    body = out.element.body
    for child in list(body):
        if child.tag != _qn("w:sectPr"):
            body.remove(child)
    buffer = io.BytesIO()
    out.save(buffer)
    package = zipfile.ZipFile(buffer)
    parts = _prune({name: package.read(name) for name in package.namelist()})
    parts["docProps/app.xml"] = APP_XML.encode("utf-8")
    return _package(parts)


# Extended properties that say what made the file (python-docx's template claims
# "Microsoft Macintosh Word", 1 page, 0 words); Word recomputes the statistics itself.
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>kxreport</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


# Parts of python-docx's template a 公文 does not need: a thumbnail of an empty page, a
# Word 2010 copy of the styles, and a bibliography data store.
_DROPPED = ("docProps/thumbnail.jpeg", "word/stylesWithEffects.xml", "customXml/")
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"} | {
    spec.style_id for spec in STYLES.values()
}


def _prune(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Drop unused parts (and what points at them) and every style the document never uses;
    no built-in style with theme fonts is left behind."""
    from lxml import etree

    def dropped(target: str) -> bool:
        return target.startswith(_DROPPED)

    kept = {name: data for name, data in parts.items() if not dropped(name)}
    for name, base in (
        ("_rels/.rels", ""),
        ("word/_rels/document.xml.rels", "word/"),
        ("[Content_Types].xml", ""),
    ):
        root = etree.fromstring(kept[name])
        for el in list(root):
            target = el.get("Target") or el.get("PartName") or ""
            if target.startswith("/"):
                path = target[1:]
            elif target.startswith("../"):
                path = target[3:]
            else:
                path = base + target
            if target and dropped(path):
                root.remove(el)
        kept[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    styles = etree.fromstring(kept["word/styles.xml"])
    for el in list(styles):
        if el.tag == _qn("w:latentStyles") or (
            el.tag == _qn("w:style") and el.get(_qn("w:styleId")) not in _KEPT_STYLES
        ):
            styles.remove(el)
    kept["word/styles.xml"] = etree.tostring(
        styles, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    return kept


# --- styles --------------------------------------------------------------------------


@cache
def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return qn(tag)


def _element(tag: str, **attrs: str) -> Any:
    from docx.oxml import OxmlElement

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(_qn(f"w:{key}"), value)
    return el


def _child(parent: Any, tag: str) -> Any:
    """The first child ``tag`` of ``parent``, created (at the end) if missing."""
    found = parent.find(_qn(tag))
    if found is None:
        found = _element(tag)
        parent.append(found)
    return found


def set_fonts(rpr: Any, east_asia: str) -> None:
    """Latin text in Times New Roman, CJK text in ``east_asia``; no theme fonts."""
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = _element("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs"):
        fonts.set(_qn(f"w:{slot}"), LATIN)
    fonts.set(_qn("w:eastAsia"), east_asia)
    fonts.set(_qn("w:hint"), "eastAsia")


def _set_size(rpr: Any, pt: float) -> None:
    half_points = str(round(pt * 2))
    for tag in ("w:sz", "w:szCs"):
        _child(rpr, tag).set(_qn("w:val"), half_points)


def _setup_styles(out: Any) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    styles = out.styles
    root = styles.element
    # Theme fonts must not decide anything: strip them wherever the template has them.
    for fonts in root.iter(_qn("w:rFonts")):
        for attr in list(fonts.attrib):
            if attr.endswith("Theme"):
                del fonts.attrib[attr]
    defaults = _child(root, "w:docDefaults")
    rpr = _child(_child(defaults, "w:rPrDefault"), "w:rPr")
    set_fonts(rpr, FANGSONG)
    _set_size(rpr, BODY_PT)
    _child(rpr, "w:color").set(_qn("w:val"), "000000")
    lang = _child(rpr, "w:lang")
    lang.set(_qn("w:val"), "en-US")
    lang.set(_qn("w:eastAsia"), "zh-CN")
    lang.set(_qn("w:bidi"), "ar-SA")
    normal = styles["Normal"]
    set_fonts(normal.element.get_or_add_rPr(), FANGSONG)
    for spec in STYLES.values():
        builtin = spec.name.startswith("heading ")
        for old in root.findall(_qn("w:style")):  # python-docx's own, with theme fonts
            if old.get(_qn("w:styleId")) == spec.style_id:
                root.remove(old)
        style = root.add_style_of_type(spec.name, WD_STYLE_TYPE.PARAGRAPH, builtin=builtin)
        style.set(_qn("w:styleId"), spec.style_id)
        if not builtin:
            style.set(_qn("w:customStyle"), "1")
        _child(style, "w:qFormat")
        _apply_style(style, spec)


def _apply_style(style: Any, spec: StyleSpec) -> None:
    ppr = style.get_or_add_pPr()
    if spec.keep_next:
        _child(ppr, "w:keepNext")
    if not spec.snap_to_grid:
        _child(ppr, "w:snapToGrid").set(_qn("w:val"), "0")
    spacing = _child(ppr, "w:spacing")
    spacing.set(_qn("w:before"), "0")
    spacing.set(_qn("w:after"), "0")
    if spec.line is not None:
        spacing.set(_qn("w:line"), str(round(spec.line * 20)))
        spacing.set(_qn("w:lineRule"), "exact")
    else:
        spacing.set(_qn("w:line"), "240")
        spacing.set(_qn("w:lineRule"), "auto")
    ind = _child(ppr, "w:ind")
    ind.set(_qn("w:firstLine"), str(spec.first_line))
    _child(ppr, "w:jc").set(_qn("w:val"), spec.align)
    if spec.outline is not None:
        _child(ppr, "w:outlineLvl").set(_qn("w:val"), str(spec.outline))
    _order_ppr(ppr)
    rpr = style.get_or_add_rPr()
    set_fonts(rpr, spec.east_asia)
    bold = _child(rpr, "w:b")
    bold.set(_qn("w:val"), "1" if spec.bold else "0")
    _child(rpr, "w:bCs").set(_qn("w:val"), "1" if spec.bold else "0")
    _child(rpr, "w:color").set(_qn("w:val"), "000000")
    _set_size(rpr, spec.size)
    _order_rpr(rpr)


# The schema fixes the order of children in w:pPr and w:rPr; Word rejects other orders.
_PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
    "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
    "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
    "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
    "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
    "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip
_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
    "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
    "specVanish", "oMath",
]  # fmt: skip


_TBLPR_ORDER = [
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook",
]  # fmt: skip


@lru_cache(maxsize=8)
def _rank(order: tuple[str, ...]) -> dict[str, int]:
    return {_qn(f"w:{name}"): i for i, name in enumerate(order)}


def _reorder(parent: Any, order: list[str]) -> None:
    rank = _rank(tuple(order))
    children = sorted(parent, key=lambda el: rank.get(el.tag, len(rank)))
    for el in children:
        parent.remove(el)
        parent.append(el)


def _order_ppr(ppr: Any) -> None:
    _reorder(ppr, _PPR_ORDER)


def _order_rpr(rpr: Any) -> None:
    _reorder(rpr, _RPR_ORDER)


# --- page ----------------------------------------------------------------------------


def _setup_page(out: Any) -> None:
    from docx.shared import Mm

    section = out.sections[0]
    section.page_width, section.page_height = Mm(PAGE[0]), Mm(PAGE[1])
    section.top_margin = Mm(MARGINS["top"])
    section.bottom_margin = Mm(MARGINS["bottom"])
    section.left_margin = Mm(MARGINS["left"])
    section.right_margin = Mm(MARGINS["right"])
    section.header_distance = Mm(15)
    # the page number sits 7 mm below the type area: its line spans roughly 23-28 mm
    section.footer_distance = Mm(23)
    grid = section._sectPr.find(_qn("w:docGrid"))
    if grid is None:
        grid = _element("w:docGrid")
        section._sectPr.append(grid)
    grid.attrib.clear()
    grid.set(_qn("w:type"), "lines")
    grid.set(_qn("w:linePitch"), str(round(LINE_PT * 20)))
    out.settings.odd_and_even_pages_header_footer = True
    footer_style = out.styles[STYLES["footer"].name]
    _page_number(section.footer, footer_style, odd=True)
    _page_number(section.even_page_footer, footer_style, odd=False)


def _page_number(footer: Any, style: Any, *, odd: bool) -> None:
    """“— 1 —” in 4号 宋体: odd pages right-aligned, even pages left, one character in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = style
    fmt = paragraph.paragraph_format
    if odd:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.left_indent = Pt(PAGE_NUMBER_PT)
    paragraph.add_run("— ")
    for kind, text in (
        ("begin", None),
        ("instr", " PAGE "),
        ("separate", None),
        ("text", "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            instr = _element("w:instrText")
            instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "text":
            run.text = text or ""
        else:
            run._r.append(_element("w:fldChar", fldCharType=kind))
    paragraph.add_run(" —")


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


def _fonts_xml(latin: str, east_asia: str) -> str:
    return (
        f'<w:rFonts w:ascii="{_esc(latin)}" w:hAnsi="{_esc(latin)}" w:cs="{LATIN}" '
        f'w:eastAsia="{_esc(east_asia)}" w:hint="eastAsia"/>'
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
            props += _fonts_xml(east_asia, east_asia)
        elif east_asia != style_font:
            props += _fonts_xml(LATIN, east_asia)
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


TYPE_AREA_TWIPS = round(TYPE_AREA_MM[0] / 25.4 * 1440)


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
