"""The DOCX writer: the rendered document in the GB/T 9704-2012 official layout.

Every style is built here explicitly (no theme fonts, no built-in Heading styles), East
Asian fonts are set in ``w:eastAsia`` on docDefaults, styles and overriding runs, and the
package is written with fixed timestamps and order so the same input gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from ..document import Document, Heading, Meta, Paragraph, Recipients, Signature, Table, Title

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".docx"

# GB/T 9704-2012 fonts and sizes (号 -> pt: 2号 22, 3号 16, 4号 14)
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"
BODY_PT = 16
TITLE_PT = 22
PAGE_NUMBER_PT = 14
TABLE_PT = 14
LINE_PT = 28.95  # fixed line spacing: 22 lines in the 225 mm type area
INDENT_TWIPS = 640  # two characters of 3号 (16 pt = 320 twips each)
CHAR_TWIPS = 320
CHARS_PER_TITLE_LINE = 20  # 156 mm type area / 22 pt characters

# paper and margins (mm)
PAGE = (210, 297)
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}


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
    "h1": StyleSpec(
        "KXHeading1", "一级标题", HEITI, BODY_PT, first_line=INDENT_TWIPS, outline=0, keep_next=True
    ),
    "h2": StyleSpec(
        "KXHeading2", "二级标题", KAITI, BODY_PT, first_line=INDENT_TWIPS, outline=1, keep_next=True
    ),
    "h3": StyleSpec(
        "KXHeading3",
        "三级标题",
        FANGSONG,
        BODY_PT,
        bold=True,
        first_line=INDENT_TWIPS,
        outline=2,
        keep_next=True,
    ),
    "h4": StyleSpec(
        "KXHeading4",
        "四级标题",
        FANGSONG,
        BODY_PT,
        first_line=INDENT_TWIPS,
        outline=3,
        keep_next=True,
    ),
    "recipients": StyleSpec("KXRecipients", "主送机关", FANGSONG, BODY_PT, align="left"),
    "signature": StyleSpec("KXSignature", "落款", FANGSONG, BODY_PT, align="right"),
    "caption": StyleSpec("KXCaption", "表题", HEITI, BODY_PT, align="center", keep_next=True),
    "table": StyleSpec(
        "KXTable", "表格文字", FANGSONG, TABLE_PT, align="center", line=None, snap_to_grid=False
    ),
    "footer": StyleSpec("KXFooter", "页码", SONGTI, PAGE_NUMBER_PT, align="right", line=None),
}

# Run-in heading levels by their numbering: （一） 1. （1）
_LEAD_LEVELS = [
    (re.compile(r"^（[一二三四五六七八九十百零]+）"), 2),
    (re.compile(r"^\d+\."), 3),
    (re.compile(r"^（\d+）"), 4),
]


def rendered_bytes(rendered: Rendered) -> bytes:
    return to_bytes(rendered.document, rendered.meta)


def to_bytes(document: Document, meta: Meta) -> bytes:
    """The finished .docx, byte-for-byte the same for the same document."""
    import docx

    out = docx.Document()
    _setup_styles(out)
    _setup_page(out)
    body = out.element.body
    for child in list(body):
        if child.tag != _qn("w:sectPr"):
            body.remove(child)
    _Builder(out).blocks(document)
    _core_properties(out, meta)
    buffer = io.BytesIO()
    out.save(buffer)
    return _normalise_zip(buffer.getvalue())


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
        style = root.add_style_of_type(spec.name, WD_STYLE_TYPE.PARAGRAPH, builtin=False)
        style.set(_qn("w:styleId"), spec.style_id)
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


def add_text(paragraph: Any, text: str, east_asia: str, *, bold: bool | None = None) -> list[Any]:
    """Add ``text`` as runs; Chinese punctuation gets the CJK font in every slot."""
    runs = []
    for i, piece in enumerate(_CJK_PUNCTUATION.split(text)):
        if not piece:
            continue
        run = paragraph.add_run(piece)
        if bold is not None:
            run.bold = bold
        if i % 2:  # a punctuation piece
            rpr = run._r.get_or_add_rPr()
            set_fonts(rpr, east_asia)
            fonts = rpr.find(_qn("w:rFonts"))
            for slot in ("ascii", "hAnsi"):
                fonts.set(_qn(f"w:{slot}"), east_asia)
            _order_rpr(rpr)
        runs.append(run)
    return runs


class _Builder:
    def __init__(self, out: Any) -> None:
        self.out = out

    def paragraph(self, style: str, text: str = "") -> Any:
        paragraph = self.out.add_paragraph()
        paragraph._p.style = STYLES[style].style_id  # by id: python-docx's name lookup is slow
        if text:
            add_text(paragraph, text, STYLES[style].east_asia)
        return paragraph

    def blank(self) -> None:
        self.paragraph("body").paragraph_format.first_line_indent = 0

    def blocks(self, document: Document) -> None:
        previous: Any = None
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
                self.table(block, new_page=isinstance(previous, Signature))
            elif isinstance(block, Signature):
                self.signature(block)
            previous = block

    def title(self, text: str) -> None:
        paragraph = self.paragraph("title")
        for i, line in enumerate(title_lines(text)):
            if i:
                paragraph.add_run().add_break()
            add_text(paragraph, line, XIAOBIAOSONG)

    def body(self, block: Paragraph) -> None:
        paragraph = self.paragraph("body")
        for index, run in enumerate(block.runs):
            if index == 0 and run.bold:
                level = lead_level(run.text)
                font = KAITI if level == 2 else FANGSONG
                added = add_text(paragraph, run.text, font, bold=level in (3, None) or None)
                if level == 2:
                    for r in added:
                        rpr = r._r.get_or_add_rPr()
                        fonts = rpr.find(_qn("w:rFonts"))
                        if fonts is None or fonts.get(_qn("w:eastAsia")) != KAITI:
                            set_fonts(rpr, KAITI)
                            _order_rpr(rpr)
            else:
                add_text(paragraph, run.text, FANGSONG, bold=True if run.bold else None)

    def table(self, block: Table, *, new_page: bool = False) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT

        if new_page:
            from docx.enum.text import WD_BREAK

            self.paragraph("body").add_run().add_break(WD_BREAK.PAGE)
        if block.caption:
            self.blank()
            self.paragraph("caption", block.caption)
        columns = (
            max(len(block.header), *(len(r) for r in block.rows))
            if block.rows
            else len(block.header)
        )
        table = self.out.add_table(rows=1 + len(block.rows), cols=columns)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        tbl_pr = table._tbl.tblPr
        for old in tbl_pr.findall(_qn("w:tblStyle")):
            tbl_pr.remove(old)
        borders = _element("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(_element(f"w:{edge}", val="single", sz="4", space="0", color="000000"))
        tbl_pr.append(borders)
        width = _child(tbl_pr, "w:tblW")
        width.set(_qn("w:w"), str(TYPE_AREA_TWIPS))
        width.set(_qn("w:type"), "dxa")
        _child(tbl_pr, "w:tblLayout").set(_qn("w:type"), "fixed")
        margins = _child(tbl_pr, "w:tblCellMar")
        for edge, size in (("top", 60), ("left", 100), ("bottom", 60), ("right", 100)):
            margins.append(_element(f"w:{edge}", w=str(size), type="dxa"))
        _reorder(tbl_pr, _TBLPR_ORDER)
        header = table.rows[0]
        _child(header._tr.get_or_add_trPr(), "w:tblHeader")
        widths = _column_widths(block, columns)
        for c, width in enumerate(widths):
            table.columns[c].width = width
            for cell in table.columns[c].cells:
                cell.width = width
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        for r, cells in enumerate([block.header, *block.rows]):
            for c, text in enumerate(cells):
                cell = table.cell(r, c)
                cell.paragraphs[0]._p.style = STYLES["table"].style_id
                add_text(cell.paragraphs[0], text, FANGSONG, bold=True if r == 0 else None)

    def signature(self, block: Signature) -> None:
        """Blank line, issuer, date; kept on one page with the last lines of the body."""
        paragraphs = self.out.paragraphs
        if paragraphs:
            paragraphs[-1].paragraph_format.keep_with_next = True
        self.blank()
        self.out.paragraphs[-1].paragraph_format.keep_with_next = True
        issuer_indent, date_indent = signature_indents(block.issuer, block.date)
        issuer = self.paragraph("signature", block.issuer)
        issuer.paragraph_format.right_indent = _twips(issuer_indent)
        issuer.paragraph_format.keep_with_next = bool(block.date)
        if block.date:
            date = self.paragraph("signature", block.date)
            date.paragraph_format.right_indent = _twips(date_indent)


TYPE_AREA_TWIPS = round((PAGE[0] - MARGINS["left"] - MARGINS["right"]) / 25.4 * 1440)


def _column_widths(block: Table, columns: int) -> list[Any]:
    """Share the type-area width by the widest text of each column."""
    widest = [
        max([text_width(row[c]) for row in [block.header, *block.rows] if c < len(row)] + [2.0])
        for c in range(columns)
    ]
    total = sum(widest)
    return [_twips(round(TYPE_AREA_TWIPS * w / total)) for w in widest]


def _twips(value: int) -> Any:
    from docx.shared import Twips

    return Twips(value)


def lead_level(lead: str) -> int | None:
    for pattern, level in _LEAD_LEVELS:
        if pattern.match(lead):
            return level
    return None


def text_width(text: str) -> float:
    """Width in characters of 3号 text: CJK one each, Latin letters and digits half."""
    return sum(0.5 if ord(ch) < 0x2E80 and ch not in "—…“”‘’" else 1 for ch in text)


def signature_indents(issuer: str, date: str | None) -> tuple[int, int]:
    """Right indents (twips) of the signature lines, unsealed form of GB/T 9704 7.3.5.2.

    The issuer is set two characters in from the right; the date goes on the next line,
    starting two characters right of the issuer's start. If the date is longer, the date
    is set two characters in and the issuer moves so that the rule still holds.
    """
    issuer_w = text_width(issuer)
    if not date:
        return 2 * CHAR_TWIPS, 0
    date_w = text_width(date)
    date_right = issuer_w - date_w  # issuer starts 2 + issuer_w from the edge
    if date_right >= 2:
        return 2 * CHAR_TWIPS, round(date_right * CHAR_TWIPS)
    issuer_right = date_w + 4 - issuer_w
    return round(issuer_right * CHAR_TWIPS), 2 * CHAR_TWIPS


# A title may break after these words (ends of words in official titles) or before 《（.
_BREAK_AFTER = (
    "科协", "协会", "学会", "委员会", "政府", "办公室", "局", "厅", "部", "院", "省", "市", "县",
    "区", "镇", "街道", "年", "年度", "的", "和", "与", "及", "关于", "印发", "要点", "计划",
    "总结", "综述", "通知", "决定", "意见", "方案", "》", "）", "、", "，",
)  # fmt: skip
_BREAK_BEFORE = ("《", "（", "关于")


def title_lines(title: str, per_line: int = CHARS_PER_TITLE_LINE) -> list[str]:
    """Split a long title into balanced lines, breaking only between words.

    A title that fits stays one line. Otherwise it is cut into the fewest lines that fit,
    each break at the allowed position nearest to an even share of the width; digits and
    Latin words are never split.
    """
    width = text_width(title)
    if width <= per_line:
        return [title]
    count = math.ceil(width / per_line)
    candidates = [
        i
        for i in range(1, len(title))
        if (title[:i].endswith(_BREAK_AFTER) or title[i:].startswith(_BREAK_BEFORE))
        and not (title[i - 1].isascii() and title[i].isascii() and title[i].isalnum())
    ]
    lines: list[str] = []
    start = 0
    for n in range(1, count):
        target = width * n / count
        usable = [c for c in candidates if c > start and text_width(title[start:c]) <= per_line]
        if not usable:
            usable = [
                c for c in range(start + 1, len(title)) if text_width(title[start:c]) <= per_line
            ]
            usable = [
                c for c in usable if not (title[c - 1].isascii() and title[c].isascii())
            ] or usable
        cut = min(usable, key=lambda c: (abs(text_width(title[:c]) - target), c))
        lines.append(title[start:cut])
        start = cut
    lines.append(title[start:])
    return lines


# --- package -------------------------------------------------------------------------


def _core_properties(out: Any, meta: Meta) -> None:
    stamp = dt.datetime.combine(meta.date or dt.date(meta.year, 12, 31), dt.time(0, 0))
    props = out.core_properties
    props.title = meta.title
    props.author = meta.author
    props.last_modified_by = meta.author
    props.created = stamp
    props.modified = stamp
    props.last_printed = stamp
    props.revision = 1
    props.language = "zh-CN"
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""


_FIRST = "[Content_Types].xml"


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite the package with fixed timestamps, permissions and entry order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda n: (n != _FIRST, n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
