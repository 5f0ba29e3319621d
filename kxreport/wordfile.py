"""Reading a Word file (.docx) into blocks for ``import``: each paragraph with what Word
says about it beyond its text — its style's heading level, the label Word's automatic
numbering shows, a bold run-in heading, its alignment — and each table; the 版记 kept in a
last page's footer. Styles are looked up once each (python-docx scans them all per call)."""

from __future__ import annotations

import io
import re
from itertools import islice
from pathlib import Path
from typing import Any

from .blocks import Block
from .errors import OutputError

# --- Word --------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def made_by_kxreport(data: bytes) -> bool:
    """Whether the DOCX says kxreport made it (docProps/app.xml's Application): its first
    4 KB, whatever the part claims to unpack to (deflate unpacks what is asked for, no more;
    other compressions are not Word's)."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            info = package.getinfo("docProps/app.xml")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                return False
            with package.open(info) as part:
                app = part.read(4096)
    except Exception:  # not a zip, no such part, a broken one: not kxreport's
        return False
    return b"<Application>kxreport</Application>" in app


# What a Word file may unpack to (a report with pictures is a few tens of megabytes; a zip
# bomb is gigabytes). The zip's directory is checked first, from what it declares; then the
# XML parts, the only ones read (pictures are never unpacked), are read in small pieces up to
# what is left of the budget, never trusting the declared sizes alone; then the XML's
# elements and attributes are counted before any is parsed (a parsed element takes 100 to
# 250 bytes, an XML of tiny elements 30 times its size).
MAX_PARTS = 2000
MAX_DIRECTORY = MAX_PARTS * 512  # bytes of the zip's directory, where each part is named
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024
MAX_RATIO = 200  # a part of over 1 MB unpacked, against its compressed size
MAX_XML_BYTES = 64 * 1024 * 1024  # all XML parts together, as read
MAX_NODES = 2_000_000  # elements and attributes of all XML parts (“<” and “=”)
# what is read of the body, each item costing Python work (a 300-page report has a third)
MAX_PARAGRAPHS = 20_000  # paragraphs and table cells
MAX_RUNS = 50_000  # runs of text within them
_CHUNK = 64 * 1024  # what one read of a part may unpack
NOT_WORD = "不是有效的 Word（.docx）文件"
RESAVE = "请在 Word 或 WPS 中打开，另存为 .docx 后再导入"
TOO_LARGE = "不像是一份工作总结或工作要点，拒绝读取"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old .doc, and a .docx with a password
_DOCTYPE = tuple(
    "<!DOCTYPE".encode(codec)
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def check_package(data: bytes) -> str | None:
    """Why ``data`` is not a Word package kxreport will open (in Chinese), or None: not a
    zip, too many parts, parts with one name, that are links, encrypted or compressed in a
    way Word never uses, or parts that would unpack too far. Read from the zip's directory
    only: nothing is decompressed here."""
    import stat
    import zipfile

    if data.startswith(_OLE):
        return (
            f"{NOT_WORD}（是旧的 .doc 格式，或设置了打开密码）："
            "请在 Word 或 WPS 中打开（有密码的先取消密码），另存为 .docx 后再导入"
        )
    directory = _directory_size(data)
    if directory is not None and directory > MAX_DIRECTORY:
        return f"{NOT_WORD}（目录有 {directory // 1024} KB，部件多得不像 Word 文件）"
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
    if any(info.flag_bits & 0x1 for info in infos):
        return f"{NOT_WORD}（部件被加密）：请在 Word 或 WPS 中取消密码，另存为 .docx 后再导入"
    if any(info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for info in infos):
        return f"{NOT_WORD}（部件使用了 Word 不用的压缩方式）：{RESAVE}"
    total = 0
    for info in infos:
        total += info.file_size
        big = info.file_size > 1024 * 1024
        if (
            info.file_size > MAX_PART_BYTES
            or total > MAX_UNPACKED
            or (big and info.file_size > MAX_RATIO * max(info.compress_size, 1))
        ):
            return _too_large()
    return None


def _too_large() -> str:
    return (
        f"文件过大：解压后超过 {MAX_UNPACKED // 1024 // 1024} MB（或某一部分异常膨胀），{TOO_LARGE}"
    )


def _directory_size(data: bytes) -> int | None:
    """The size of the zip's directory as its end record gives it, read the way zipfile
    reads it, or None when that cannot be told: zipfile turns every entry of the directory
    into an object before anything can be counted (a million in a 50 MB file)."""
    import zipfile

    end_record = getattr(zipfile, "_EndRecData", None)
    if end_record is None:  # not in this Python's zipfile: its own reading still bounds it
        return None
    try:
        record = end_record(io.BytesIO(data))
        return int(record[getattr(zipfile, "_ECD_SIZE", 5)]) if record else None
    except Exception:  # whatever is wrong with the end record, ZipFile says it next
        return None


def unpack(data: bytes) -> bytes:
    """The Word package ``data`` with its XML parts as they are and every other part
    (pictures, embedded files, fonts) empty, uncompressed: what python-docx is given. The
    XML parts are read piece by piece within the budget (and the checksum of each checked),
    their elements counted, and a part with a document type declaration refused: Word never
    writes one, and entities (“billion laughs”, files read from outside) need one."""
    import zipfile

    problem = check_package(data)
    if problem is not None:
        raise OutputError(problem)
    out = io.BytesIO()
    budget, nodes = MAX_XML_BYTES, 0
    try:
        with (
            zipfile.ZipFile(io.BytesIO(data)) as package,
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as clean,
        ):
            for info in package.infolist():
                if info.is_dir():
                    continue
                blob = b""
                if info.filename.lower().endswith((".xml", ".rels")):
                    blob = _read_part(package, info, budget)
                    budget -= len(blob)
                    nodes += blob.count(b"<") + blob.count(b"=")
                    if nodes > MAX_NODES:
                        raise OutputError(
                            f"文件过大：内容的元素超过 {MAX_NODES // 10000} 万个，{TOO_LARGE}"
                        )
                    if any(mark in blob for mark in _DOCTYPE):
                        raise OutputError(
                            f"{NOT_WORD}（含有 Word 文件不会有的文档类型声明，可能是有意构造的文件）"
                        )
                clean.writestr(zipfile.ZipInfo(info.filename), blob)
    except OutputError:
        raise
    except Exception:  # zipfile (bad CRC, a local header that disagrees), zlib
        _debug()
        raise OutputError(f"{NOT_WORD}（压缩包损坏）：{RESAVE}") from None
    return out.getvalue()


def _read_part(package: Any, info: Any, budget: int) -> bytes:
    """A part's bytes, unpacked a piece at a time: never more than ``budget`` (zipfile stops
    at the declared size; this stops whatever the header says)."""
    chunks: list[bytes] = []
    size = 0
    with package.open(info) as part:
        while chunk := part.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                raise OutputError(_too_large())
            chunks.append(chunk)
    return b"".join(chunks)


def _debug() -> None:
    """Re-raise the exception being handled when KXREPORT_DEBUG is set (for a traceback)."""
    import os

    if os.environ.get("KXREPORT_DEBUG") not in (None, "", "0"):
        raise


def read_docx(data: bytes, path: Path) -> list[Block]:
    """The blocks of a Word file. A file that is not what it claims gets one Chinese
    sentence (OutputError), never a traceback, in bounded time and memory: the package is
    checked and unpacked within bounds first (:func:`unpack`), the XML is parsed without
    entities, network or huge trees (python-docx's parser; libxml2 stops a tree deeper than
    256), the body's size is checked before it is read, and the values Word would bound
    (list numbers, levels, cell spans, based-on chains) are bounded before they are used."""
    from lxml import etree

    package = unpack(data)
    try:
        return _read_docx(package)
    except OutputError:
        raise
    except etree.XMLSyntaxError as exc:
        _debug()
        if "depth" in str(exc).lower():  # libxml2's “Excessive depth in document”
            raise OutputError(f"{NOT_WORD}（结构嵌套过深）：{RESAVE}") from None
        if exc.code == etree.ErrorTypes.ERR_RESOURCE_LIMIT:  # a text of over 10 MB
            raise OutputError(f"{NOT_WORD}（某一部分超出了读取的限度）：{RESAVE}") from None
        raise OutputError(f"{NOT_WORD}（内容不是完好的 XML）：{RESAVE}") from None
    except Exception:  # python-docx on a structure it cannot take
        _debug()
        raise OutputError(f"{NOT_WORD}（内容损坏或结构无法识别）：{RESAVE}") from None


MAX_COLUMNS = 64  # columns of a table row (Word's tables have at most 63)
MAX_STYLES = 4079  # Word's own limit of styles in one document
MAX_FOOTER = 200  # paragraphs and tables of a footer looked at for a 版记
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # never text, whatever XML lets through


def _read_docx(data: bytes) -> list[Block]:
    import docx
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    _check_body(body)
    styles = _Styles(document)
    numbering = _Numbering(document, styles)
    blocks: list[Block] = []
    for index, element in enumerate(body.iterchildren(), start=1):
        if element.tag == _W + "p":
            block = _paragraph(Paragraph(element, document), numbering, styles)
            block.line = index
            if block.text or block.number:
                blocks.append(block)
        elif element.tag == _W + "tbl":
            rows = _table_rows(element)
            if rows:
                blocks.append(Block(rows=rows, line=index))
    return blocks + _imprint_in_footer(document)


def _check_body(body: Any) -> None:
    """Refuse a body with more paragraphs, cells or runs than any report (each costs time)."""
    paragraphs = runs = 0
    for element in body.iter(_W + "p", _W + "tc", _W + "r"):
        if element.tag == _W + "r":
            runs += 1
        else:
            paragraphs += 1
        if paragraphs > MAX_PARAGRAPHS or runs > MAX_RUNS:
            raise OutputError(
                f"文件过大：正文超过 {MAX_PARAGRAPHS // 10000} 万段（或 {MAX_RUNS // 10000} 万个文字片段），"
                + TOO_LARGE
            )


def _clean(text: str) -> str:
    return _CONTROL.sub("", text)


def _bounded(text: str | None, default: int, low: int, high: int) -> int:
    """A number Word wrote in an attribute, as an int in [low, high]; ``default`` when it
    is not a number (“abc”, “²”)."""
    value = (text or "").strip()
    if not re.fullmatch(r"-?[0-9]+", value):
        return default
    if len(value) > 15:  # never converted: a number of thousands of digits costs time
        return low if value.startswith("-") else high
    return min(max(int(value), low), high)


def _imprint_in_footer(document: Any) -> list[Block]:
    """A 版记 set as the footer of the last page (as kxreport writes it): its lines, as if
    they ended the body. Only the footer's first paragraphs and tables are looked at."""
    from docx.text.paragraph import Paragraph

    sections = document.sections
    if not len(sections):
        return []
    footer = sections[-1].footer
    if footer.is_linked_to_previous:
        return []
    _check_body(footer._element)
    lines: list[str] = []
    for element in islice(footer._element.iterchildren(_W + "p", _W + "tbl"), MAX_FOOTER):
        if element.tag == _W + "p":
            lines.append(_clean(Paragraph(element, footer).text).strip())
        else:
            lines += [text for row in _table_rows(element, spread=False) for text in row]
    lines = [line for line in lines if line]
    if not any(line.endswith("印发") for line in lines):
        return []  # page numbers, a running footer: not text of the document
    return [Block(text=line) for line in lines]


def _table_rows(table: Any, spread: bool = True) -> list[list[str]]:
    """The text of a table's cells, row by row: a cell spanning columns once per column
    (``spread``) or once, a cell merged with the one above (vMerge) as the text of the cell
    it continues. Read from the XML in one pass: python-docx finds the cell above a merged
    one by searching every row above, again for each row (minutes for a long merged
    column), and fails on a merge that continues nothing."""
    from docx.text.paragraph import Paragraph

    rows: list[list[str]] = []
    above: dict[int, str] = {}  # grid column -> text of the cell there in the row above
    for tr in table.iterchildren(_W + "tr"):
        row: list[str] = []
        here: dict[int, str] = {}
        column = _bounded(_val(tr, "trPr", "", child="gridBefore"), 0, 0, MAX_COLUMNS)
        for tc in tr.iterchildren(_W + "tc"):
            if column >= MAX_COLUMNS:
                break
            span = _bounded(_val(tc, "tcPr", "", child="gridSpan"), 1, 1, MAX_COLUMNS)
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(_W + "val", "continue") == "continue":
                text, new = above.get(column, ""), False
            else:
                paragraphs = tc.iterchildren(_W + "p")
                text = _clean("".join(Paragraph(p, None).text for p in paragraphs)).strip()
                new = True
            for at in range(column, min(column + span, MAX_COLUMNS)):
                here[at] = text
                if spread or (new and at == column):
                    row.append(text)
            column += span
        rows.append(row)
        above = here
    return rows


class _Styles:
    """The document's styles (Word's first 4079), looked up by id and along their based-on
    chains (at most ten deep, a cycle ends it) from dictionaries: python-docx looks a style
    and its base up by scanning every style, for every paragraph and run."""

    def __init__(self, document: Any) -> None:
        from docx.styles.style import StyleFactory  # what document.styles makes of each

        self.by_id: dict[str, Any] = {}
        self.based_on: dict[str, str] = {}
        self.default: Any = None
        elements = document.styles.element.iterchildren(_W + "style")
        for element in islice(elements, MAX_STYLES):
            key = element.get(_W + "styleId") or ""
            if key in self.by_id:
                continue  # python-docx and Word take the first of one id
            style = StyleFactory(element)
            self.by_id[key] = style
            base = element.find(_W + "basedOn")
            if base is not None and base.get(_W + "val"):
                self.based_on[key] = base.get(_W + "val")
            if (
                self.default is None
                and element.get(_W + "default") in ("1", "true", "on")
                and element.get(_W + "type") == "paragraph"
            ):
                self.default = style
        self.bold: dict[str, bool | None] = {}
        self.level: dict[str, int | None] = {}
        self.align: dict[str, str | None] = {}

    def paragraph(self, paragraph: Any) -> Any:
        found = paragraph._p.style
        return self.by_id.get(found, self.default) if found else self.default

    def run(self, run: Any) -> Any:
        found = run._r.style
        return self.by_id.get(found) if found else None

    def chain(self, style: Any) -> list[Any]:
        """``style`` and the styles it is based on, nearest first."""
        chain: list[Any] = []
        while style is not None and len(chain) < 10 and style not in chain:
            chain.append(style)
            base = self.based_on.get(style.style_id or "")
            style = self.by_id.get(base) if base else None
        return chain

    def bold_of(self, style: Any) -> bool | None:
        key = style.style_id
        if key not in self.bold:
            found = (_bold_of(s) for s in self.chain(style))
            self.bold[key] = next((b for b in found if b is not None), None)
        return self.bold[key]

    def level_of(self, style: Any) -> int | None:
        key = style.style_id
        if key not in self.level:
            self.level[key] = _named_level(self.chain(style))
        return self.level[key]

    def align_of(self, style: Any) -> str | None:
        key = style.style_id
        if key not in self.align:
            found = (_jc(s.element) for s in self.chain(style))
            self.align[key] = next((a for a in found if a is not None), None)
        return self.align[key]


def _paragraph(paragraph: Any, numbering: _Numbering, styles: _Styles) -> Block:
    text = _clean(paragraph.text).replace("\t", " ").replace("\u3000", " ")
    block = Block(text=text.strip())
    style = styles.paragraph(paragraph)
    block.style_level = _style_level(style, paragraph, styles)
    block.number = numbering.label(paragraph, style)
    block.align = _alignment(paragraph, style, styles)
    lead = ""
    bold_all = True
    for run in paragraph.runs:
        said = run.text
        if not said.strip():
            if lead:
                lead += said
            continue
        if _is_bold(run, style, styles) and bold_all:
            lead += said
        else:
            bold_all = False
            break
    lead = _clean(lead)
    if lead.strip() and bold_all:
        block.bold = True
    elif lead.strip():
        block.bold_lead = lead.strip().replace("\u3000", " ")
    return block


def _is_bold(run: Any, style: Any, styles: _Styles) -> bool:
    if run.bold is not None:
        return bool(run.bold)
    character = styles.run(run)
    if character is not None and _bold_of(character) is not None:
        return bool(_bold_of(character))
    return bool(style is not None and styles.bold_of(style))


def _bold_of(style: Any) -> bool | None:
    """What a style says of bold (a list or table style a paragraph names says nothing)."""
    font = getattr(style, "font", None)
    return None if font is None else font.bold


_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


def _named_level(chain: list[Any]) -> int | None:
    for style in chain:
        name = (style.name or "").strip()
        if name.lower() in ("title", "标题"):
            return 0
        found = _HEADING_STYLE.match(name)
        if found:
            return min(int(found[1]), 4)
    return None


def _style_level(style: Any, paragraph: Any, styles: _Styles) -> int | None:
    if style is not None:
        level = styles.level_of(style)
        if level is not None:
            return level
    outline = paragraph._p.find(f"{_W}pPr/{_W}outlineLvl")
    if outline is not None:
        value = _bounded(outline.get(_W + "val"), 9, 0, 9)
        if value < 4:
            return value + 1
    return None


def _jc(element: Any) -> str | None:
    """The alignment a paragraph or style says (w:pPr/w:jc), read as Word reads it: “start”
    and “end” (ISO 29500) as well as “left” and “right”, which python-docx refuses."""
    jc = element.find(f"{_W}pPr/{_W}jc")
    return None if jc is None else (jc.get(_W + "val") or "")[:40]


def _alignment(paragraph: Any, style: Any, styles: _Styles) -> str | None:
    alignment = _jc(paragraph._p)
    if alignment is None and style is not None:
        alignment = styles.align_of(style)
    if alignment in ("right", "end"):
        return "right"
    if alignment == "center":
        return "center"
    return None


# Word's own bounds on numbering, and ours on what a file may ask of it
MAX_LEVEL = 8
MAX_NUMBER = 32767  # Word's largest list start
MAX_LABEL = 64  # characters of a level's label pattern (“第%1章”, “（%2）”)
MAX_LISTS = 10000


class _Numbering:
    """Word's automatic numbering: the label ("一、", "（二）", "3.") each numbered paragraph
    shows, computed from numbering.xml as Word counts it. Word writes nine levels to a list:
    only the first few of a list's levels and overrides are looked at."""

    def __init__(self, document: Any, styles: _Styles) -> None:
        self.formats: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.styles = styles
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        read = 2 * (MAX_LEVEL + 1)
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in islice(root.iterchildren(_W + "abstractNum"), MAX_LISTS):
            levels = {}
            for lvl in islice(node.iterchildren(_W + "lvl"), read):
                ilvl = _bounded(lvl.get(_W + "ilvl"), -1, -1, MAX_LEVEL + 1)
                if 0 <= ilvl <= MAX_LEVEL:  # Word has nine levels, 0 to 8
                    text = _val(lvl, "lvlText", "")
                    levels[ilvl] = (
                        _val(lvl, "numFmt", "decimal")[:40],
                        text if len(text) <= MAX_LABEL else "",
                        _bounded(_val(lvl, "start", "1"), 1, 0, MAX_NUMBER),
                    )
            abstract[node.get(_W + "abstractNumId", "")[:40]] = levels
        for node in islice(root.iterchildren(_W + "num"), MAX_LISTS):
            ref = node.find(_W + "abstractNumId")
            levels = dict(abstract.get(ref.get(_W + "val", "") if ref is not None else "", {}))
            for override in islice(node.iterchildren(_W + "lvlOverride"), read):
                start = override.find(_W + "startOverride")
                ilvl = _bounded(override.get(_W + "ilvl"), -1, -1, MAX_LEVEL + 1)
                if start is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _bounded(start.get(_W + "val"), 1, 0, MAX_NUMBER))
            self.formats[node.get(_W + "numId", "")[:40]] = levels
        for key, style in styles.by_id.items():
            num = _num_pr(style.element)
            if num is not None:
                self.style_num[key] = num

    def label(self, paragraph: Any, style: Any = None) -> str:
        num = _num_pr(paragraph._p)
        if num is None and self.style_num and style is not None:
            found = (self.style_num.get(s.style_id) for s in self.styles.chain(style))
            num = next((n for n in found if n is not None), None)
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

        return _clean(re.sub(r"%([1-9])", one, text))


def _val(node: Any, name: str, default: str, child: str = "") -> str:
    """The w:val of ``node``'s child ``name`` (or of that child's child ``child``)."""
    found = node.find(_W + name + (f"/{_W}{child}" if child else ""))
    if found is None:
        return default
    return found.get(_W + "val", default)


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
