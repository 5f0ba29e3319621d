"""Reading a Word file (.docx) into blocks for ``import``: each paragraph with what Word
says about it beyond its text — its style's heading level, the label Word's automatic
numbering shows, a bold run-in heading, its alignment — and each table; the 版记 kept in a
last page's footer. Styles are looked up once each (python-docx scans them all per call)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from .blocks import Block
from .errors import OutputError

# --- Word --------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def made_by_kxreport(data: bytes) -> bool:
    """Whether the DOCX says kxreport made it (docProps/app.xml's Application)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            app = package.read("docProps/app.xml")[:4096]
    except (KeyError, zipfile.BadZipFile, OSError):
        return False
    return b"<Application>kxreport</Application>" in app


# What a Word file may unpack to before anything is parsed (a report with pictures is a few
# tens of megabytes; a zip bomb is gigabytes): each part, all parts, and how far a large
# part may expand from what it takes in the file.
MAX_PARTS = 2000
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024
MAX_RATIO = 200  # a part of over 1 MB unpacked, against its compressed size
NOT_WORD = "不是有效的 Word（.docx）文件"
RESAVE = "请在 Word 或 WPS 中打开，另存为 .docx 后再导入"


def check_package(data: bytes) -> str | None:
    """Why ``data`` is not a Word package kxreport will open (in Chinese), or None: not a
    zip, parts with one name or that are links, or parts that would unpack too far. Read
    from the zip's directory only: nothing is decompressed here, and later reads never
    return more than the sizes checked here (zipfile stops at the declared size)."""
    import stat
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return f"{NOT_WORD}（不是 zip 格式的文件，可能是旧的 .doc 或改了扩展名）：{RESAVE}"
    if len(infos) > MAX_PARTS:
        return f"{NOT_WORD}（部件多达 {len(infos)} 个）"
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        return f"{NOT_WORD}（文件结构损坏：有重名的部件）：{RESAVE}"
    if any(stat.S_ISLNK(info.external_attr >> 16) for info in infos):
        return f"{NOT_WORD}（含有链接而不是内容）"
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > 1024 * 1024
        if (
            info.file_size > MAX_PART_BYTES
            or total > MAX_UNPACKED
            or (big and info.file_size > MAX_RATIO * max(info.compress_size, 1))
        ):
            return (
                f"文件过大：解压后超过 {MAX_UNPACKED // 1024 // 1024} MB（或某一部分异常膨胀），"
                "不像是一份工作总结，拒绝读取"
            )
    return None


def read_docx(data: bytes, path: Path) -> list[Block]:
    """The blocks of a Word file. A file that is not what it claims gets one Chinese
    sentence (OutputError), never a traceback: the package is checked first, the XML is
    parsed without entities, network or huge trees (python-docx's parser), and the values
    Word would bound (list numbers, cell spans) are bounded before they are used."""
    import os

    problem = check_package(data)
    if problem is not None:
        raise OutputError(problem)
    try:
        return _read_docx(data)
    except OutputError:
        raise
    except Exception:  # lxml, zipfile (bad CRC), python-docx on a structure it cannot take
        if os.environ.get("KXREPORT_DEBUG") not in (None, "", "0"):
            raise
        raise OutputError(f"{NOT_WORD}（内容损坏或结构无法识别）：{RESAVE}") from None


MAX_SPAN = 64  # columns a table cell may span (python-docx makes one cell per column)


def _read_docx(data: bytes) -> list[Block]:
    import docx

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    for tag in ("gridSpan", "gridBefore", "gridAfter"):
        for node in body.iter(_W + tag):
            node.set(_W + "val", str(_bounded(node.get(_W + "val"), 1, 0, MAX_SPAN)))
    numbering = _Numbering(document)
    styles = _Styles(document)
    blocks: list[Block] = []
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for index, element in enumerate(body.iterchildren(), start=1):
        if element.tag == _W + "p":
            paragraph = Paragraph(element, document)
            block = _paragraph(paragraph, numbering, styles)
            block.line = index
            if block.text or block.number:
                blocks.append(block)
        elif element.tag == _W + "tbl":
            table = Table(element, document)
            rows = [[_cell_text(cell) for cell in row.cells] for row in table.rows]
            if rows:
                blocks.append(Block(rows=rows, line=index))
    return blocks + _imprint_in_footer(document)


def _bounded(text: str | None, default: int, low: int, high: int) -> int:
    """A number Word wrote in an attribute, as an int in [low, high]; ``default`` when it
    is not a number (“abc”, 5,000 digits)."""
    value = (text or "").strip()
    if not re.fullmatch(r"-?\d+", value):
        return default
    if len(value) > 15:  # never converted: a number of thousands of digits costs time
        return low if value.startswith("-") else high
    return min(max(int(value), low), high)


def _imprint_in_footer(document: Any) -> list[Block]:
    """A 版记 set as the footer of the last page (as kxreport writes it): its lines, as if
    they ended the body."""
    if not document.sections:
        return []
    footer = document.sections[-1].footer
    if footer.is_linked_to_previous:
        return []
    lines = [p.text.strip() for p in footer.paragraphs]
    for table in footer.tables:
        lines += [_cell_text(cell) for row in table.rows for cell in dict.fromkeys(row.cells)]
    lines = [line for line in lines if line]
    if not any(line.endswith("印发") for line in lines):
        return []  # page numbers, a running footer: not text of the document
    return [Block(text=line) for line in lines]


def _cell_text(cell: Any) -> str:
    return "".join(p.text for p in cell.paragraphs).strip()


class _Styles:
    """The document's styles, looked up by id once each (python-docx looks a paragraph's
    style up by scanning every style, for every paragraph and run)."""

    def __init__(self, document: Any) -> None:
        self.by_id: dict[str, Any] = {}
        self.default: Any = None
        for style in document.styles:
            self.by_id[style.style_id] = style
            element = style.element
            if (
                element.get(_W + "default") in ("1", "true")
                and element.get(_W + "type") == "paragraph"
            ):
                self.default = style
        self.bold: dict[str, bool | None] = {}
        self.level: dict[str, int | None] = {}
        self.align: dict[str, Any] = {}

    def paragraph(self, paragraph: Any) -> Any:
        found = paragraph._p.style
        return self.by_id.get(found, self.default) if found else self.default

    def run(self, run: Any) -> Any:
        found = run._r.style
        return self.by_id.get(found) if found else None

    def bold_of(self, style: Any) -> bool | None:
        key = style.style_id
        if key not in self.bold:
            seen, value = 0, None
            while style is not None and seen < 10 and value is None:
                value = style.font.bold
                style, seen = style.base_style, seen + 1
            self.bold[key] = value
        return self.bold[key]

    def level_of(self, style: Any) -> int | None:
        key = style.style_id
        if key not in self.level:
            self.level[key] = _named_level(style)
        return self.level[key]

    def align_of(self, style: Any) -> Any:
        key = style.style_id
        if key not in self.align:
            alignment, seen = None, 0
            while alignment is None and style is not None and seen < 10:
                alignment = style.paragraph_format.alignment
                style, seen = style.base_style, seen + 1
            self.align[key] = alignment
        return self.align[key]


def _paragraph(paragraph: Any, numbering: _Numbering, styles: _Styles) -> Block:
    text = paragraph.text.replace("\t", " ").replace("\u3000", " ")
    block = Block(text=text.strip())
    style = styles.paragraph(paragraph)
    block.style_level = _style_level(style, paragraph, styles)
    block.number = numbering.label(paragraph, style)
    block.align = _alignment(paragraph, style, styles)
    lead = ""
    bold_all = True
    for run in paragraph.runs:
        if not run.text.strip():
            if lead:
                lead += run.text
            continue
        if _is_bold(run, style, styles) and bold_all:
            lead += run.text
        else:
            bold_all = False
            break
    if lead.strip() and bold_all:
        block.bold = True
    elif lead.strip():
        block.bold_lead = lead.strip().replace("\u3000", " ")
    return block


def _is_bold(run: Any, style: Any, styles: _Styles) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    character = styles.run(run)
    if character is not None and character.font.bold is not None:
        return bool(character.font.bold)
    return bool(style is not None and styles.bold_of(style))


_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


def _named_level(style: Any) -> int | None:
    seen = 0
    while style is not None and seen < 10:
        name = (style.name or "").strip()
        if name.lower() in ("title", "标题"):
            return 0
        found = _HEADING_STYLE.match(name)
        if found:
            return min(int(found[1]), 4)
        style = style.base_style
        seen += 1
    return None


def _style_level(style: Any, paragraph: Any, styles: _Styles) -> int | None:
    if style is not None:
        level = styles.level_of(style)
        if level is not None:
            return level
    outline = paragraph._p.find(f"{_W}pPr/{_W}outlineLvl")
    if outline is not None:
        value = outline.get(_W + "val", "9")
        if value.isdigit() and int(value) < 4:
            return int(value) + 1
    return None


def _alignment(paragraph: Any, style: Any, styles: _Styles) -> str | None:
    alignment = paragraph.paragraph_format.alignment
    if alignment is None and style is not None:
        alignment = styles.align_of(style)
    if alignment is None:
        return None
    name = str(alignment).lower()
    if "right" in name or "end" in name:
        return "right"
    if "center" in name:
        return "center"
    return None


# Word's own bounds on numbering, and ours on what a file may ask of it
MAX_LEVEL = 8
MAX_NUMBER = 32767  # Word's largest list start
MAX_LABEL = 64  # characters of a level's label pattern (“第%1章”, “（%2）”)
MAX_LISTS = 10000


class _Numbering:
    """Word's automatic numbering: the label ("一、", "（二）", "3.") each numbered paragraph
    shows, computed from numbering.xml as Word counts it."""

    def __init__(self, document: Any) -> None:
        self.formats: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iterchildren(_W + "abstractNum"):
            if len(abstract) >= MAX_LISTS:
                break
            levels = {}
            for lvl in node.iterchildren(_W + "lvl"):
                ilvl = _bounded(lvl.get(_W + "ilvl"), -1, -1, MAX_LEVEL + 1)
                if 0 <= ilvl <= MAX_LEVEL:  # Word has nine levels, 0 to 8
                    text = _val(lvl, "lvlText", "")
                    levels[ilvl] = (
                        _val(lvl, "numFmt", "decimal")[:40],
                        text if len(text) <= MAX_LABEL else "",
                        _bounded(_val(lvl, "start", "1"), 1, 0, MAX_NUMBER),
                    )
            abstract[node.get(_W + "abstractNumId", "")] = levels
        for node in root.iterchildren(_W + "num"):
            if len(self.formats) >= MAX_LISTS:
                break
            ref = node.find(_W + "abstractNumId")
            levels = dict(abstract.get(ref.get(_W + "val", "") if ref is not None else "", {}))
            for override in node.iterchildren(_W + "lvlOverride"):
                start = override.find(_W + "startOverride")
                ilvl = _bounded(override.get(_W + "ilvl"), -1, -1, MAX_LEVEL + 1)
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _bounded(start.get(_W + "val"), 1, 0, MAX_NUMBER))
            self.formats[node.get(_W + "numId", "")] = levels
        for style in document.styles:
            num = _num_pr(getattr(style, "element", None))
            if num is not None:
                self.style_num[style.style_id] = num

    def label(self, paragraph: Any, style: Any = None) -> str:
        num = _num_pr(paragraph._p)
        if num is None and self.style_num:
            seen = 0
            while style is not None and num is None and seen < 10:
                seen += 1
                num = self.style_num.get(style.style_id)
                style = style.base_style
        if num is None:
            return ""
        num_id, ilvl = num
        levels = self.formats.get(num_id)
        if not levels or ilvl not in levels or num_id == "0":
            return ""
        counters = self.counters.setdefault(num_id, {})
        fmt, text, start = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt in ("bullet", "none"):
            return ""

        def one(m: re.Match[str]) -> str:
            level = int(m[1]) - 1
            if level not in levels:
                return ""
            value = counters.get(level, levels[level][2])
            return _format_number(value, levels[level][0])

        return re.sub(r"%([1-9])", one, text)


def _val(node: Any, name: str, default: str) -> str:
    child = node.find(_W + name)
    if child is None:
        return default
    return child.get(_W + "val", default)


def _num_pr(element: Any) -> tuple[str, int] | None:
    if element is None:
        return None
    num_pr = element.find(f"{_W}pPr/{_W}numPr")
    if num_pr is None:
        return None
    num_id = num_pr.find(_W + "numId")
    ilvl = num_pr.find(_W + "ilvl")
    if num_id is None:
        return None
    level = ilvl.get(_W + "val", "0") if ilvl is not None else "0"
    return num_id.get(_W + "val", "")[:40], _bounded(level, 0, 0, MAX_LEVEL)


_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"


def _format_number(n: int, fmt: str) -> str:
    from .numbering import cn_number

    if not 0 < n <= MAX_NUMBER:
        return str(n)  # beyond what Word numbers in words: the digits
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "chineseLegalSimplified",
        "japaneseCounting",
        "ideographDigital",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
    ):
        return cn_number(n)
    if fmt == "ideographTraditional" and 1 <= n <= len(_HEAVENLY):
        return _HEAVENLY[n - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= n <= len(_CIRCLED):
        return _CIRCLED[n - 1]
    if fmt == "decimalFullWidth":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (n - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and n < 4000:
        roman = _roman(n)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out
