"""Reading the documents people already have into a flat list of blocks for ``import``.

A block is one paragraph (or one table) with what its source says about it beyond the
text: the heading level of its style, the number Word's automatic numbering shows before
it, a bold run-in heading, its alignment. ``.docx`` is read with python-docx; ``.doc``,
``.wps``, ``.odt`` and ``.rtf`` are converted to DOCX by LibreOffice first; ``.txt`` and
``.md`` (also text copied from a web page) are read line by line.
"""

from __future__ import annotations

import re
from pathlib import Path

from .blocks import Block, Read
from .errors import KxreportError, UsageError
from .files import TooLarge, read_regular

MAX_SOURCE_BYTES = 50 * 1024 * 1024  # a Word file with pictures; text is far smaller
# text (.txt, .md) as a year file (source.MAX_BYTES): 50万字 (importing.MAX_CHARACTERS) is
# under 2 MB in any encoding; a saved page may hold its pictures inline
MAX_TEXT_BYTES = 5 * 1024 * 1024
MAX_PAGE_BYTES = 20 * 1024 * 1024
# the extractor's time grows with the square of a page's elements beyond some 20 000 (40 000
# paragraphs take 4 s, 240 000 five minutes); a news page has a few thousand
MAX_PAGE_TAGS = 50_000
DOCX_SUFFIXES = (".docx", ".docm")
OFFICE_SUFFIXES = (".doc", ".wps", ".odt", ".rtf", ".wpt", ".dot")
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm")
SHEET_SUFFIXES = (".xlsx",)  # a filled 指标填报表 (kxreport.sheet), not prose: its own path
SUFFIXES = DOCX_SUFFIXES + OFFICE_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES + SHEET_SUFFIXES
OFFICE_HINT = (
    "导入 .doc、.wps、.odt、.rtf 文件需要 LibreOffice 把它转换为 .docx：请安装 LibreOffice"
    "（Debian/Ubuntu：apt-get install libreoffice-writer-nogui），或在 Word/WPS 中另存为 .docx 后再导入"
)


def read(path: Path) -> Read:
    """The blocks of a source document, whatever its format."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(
            f"不能导入“{path.suffix or '无扩展名'}”文件；可以导入 " + "、".join(SUFFIXES)
        )
    if suffix in SHEET_SUFFIXES:
        raise UsageError(f"Excel 填报表要单独导入（kxreport import {path.name}）")
    try:
        data = read_regular(path, MAX_SOURCE_BYTES)
    except TooLarge as exc:  # said without the path: import names the source itself
        raise UsageError(
            f"文件太大（{exc.size / 1024 / 1024:.1f} MB，上限 {exc.limit // 1024 // 1024} MB）："
            "不像是一份工作总结或工作要点，请检查是不是选错了文件"
        ) from None
    if suffix in TEXT_SUFFIXES:
        text = decode(_bounded(data, MAX_TEXT_BYTES, "文字材料（.txt、.md）", "一年的总结"), path)
        return Read(read_text(text, markdown=suffix in (".md", ".markdown")))
    if suffix in HTML_SUFFIXES:
        return read_html(decode(_bounded(data, MAX_PAGE_BYTES, "另存的网页", "一篇新闻网页"), path))
    if suffix in OFFICE_SUFFIXES:
        from .office import convert

        data = convert(data, suffix, "docx:MS Word 2007 XML", hint=OFFICE_HINT)
    from .wordfile import made_by_kxreport, read_docx

    return Read(read_docx(data, path), "docx", own=made_by_kxreport(data))


def _bounded(data: bytes, limit: int, what: str, usual: str) -> bytes:
    """``data``, or a message when it is beyond what a source of its kind holds."""
    if len(data) > limit:
        raise KxreportError(
            f"文件太大（{len(data) / 1024 / 1024:.1f} MB）：{what}不能超过 "
            f"{limit // 1024 // 1024} MB（{usual}通常不到 1 MB）：请只导入需要的部分"
        )
    return data


def decode(data: bytes, path: Path) -> str:
    """Text files from Chinese offices are UTF-8 or GB18030 (GBK); UTF-16 with a BOM, or
    without one (Windows' “Unicode” text: its ASCII and line breaks carry NUL bytes)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UsageError(
                "文件是 UTF-16 编码，但内容不完整（字节数为奇数或有损坏的字符）：请重新另存为 UTF-8"
            ) from None
    sixteen = _utf16_without_bom(data)
    if sixteen is not None:
        return sixteen
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UsageError("无法识别文件的编码（应为 UTF-8 或 GBK）：请另存为 UTF-8 后再导入")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark, told by its NUL bytes: text in UTF-8
    or GBK has none, UTF-16 has one in every ASCII character and line break, all on even
    offsets (big-endian) or all on odd ones (little-endian)."""
    sample = data[:65536]
    nuls = sample.count(0)
    if nuls < 2 or nuls * 50 < len(sample):
        return None
    odd = sample[1::2].count(0)
    encoding = "utf-16-le" if odd * 10 >= nuls * 9 else "utf-16-be" if odd * 10 <= nuls else None
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise UsageError(
            "文件像是没有字节顺序标记的 UTF-16 编码，但内容不完整：请重新另存为 UTF-8"
        ) from None


# --- plain text and Markdown --------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
# bounded, and a bracket never inside the text: “[[[[…” costs one pass, not one per bracket
_MD_IMAGE = re.compile(r"!\[[^\[\]\n]{0,500}\]\([^()\s]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\[\]\n]{0,500})\]\([^()\s]{0,2000}\)")
_MD_LIST = re.compile(r"^[-*+•]\s+(?=\S)")
_MD_BOLD = re.compile(r"\*\*([^*\n]{1,500}?)\*\*|__([^_\n]{1,500}?)__")
_MD_BOLD_LEAD = re.compile(r"^\*\*([^*\n]{1,500}?)\*\*(.*)$")
_HTML_TAG = re.compile(r"<[^>]{1,200}>")
_RIGHT = re.compile(r'^<p\s+align="right">(.*)</p>$', re.IGNORECASE)


def read_text(text: str, *, markdown: bool = False) -> list[Block]:
    blocks: list[Block] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().strip("\u3000").strip()
        if not line:
            continue
        block = Block(line=number)
        listed = _MD_LIST.match(line)
        if listed and (markdown or "**" in line):  # “- **加强理论学习**：……”, as an LLM writes
            line = line[listed.end() :]
        if markdown or line.startswith(("#", "**", "<p", "|", "![")):
            if line.startswith("<!--"):
                continue
            if _MD_IMAGE.fullmatch(line):
                blocks.append(Block(text=line, line=number))  # dropped later as furniture
                continue
            right = _RIGHT.match(line)
            if right:
                for part in re.split(r"<br\s*/?>", right[1], flags=re.IGNORECASE):
                    blocks.append(Block(text=_unescape(part).strip(), align="right", line=number))
                continue
            if line.startswith("|") and line.endswith("|"):
                cells = [_unescape(c.strip()) for c in line.strip("|").split("|")]
                if all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    continue
                if blocks and blocks[-1].rows is not None:
                    blocks[-1].rows.append(cells)
                else:
                    blocks.append(Block(rows=[cells], line=number))
                continue
            heading = _MD_HEADING.match(line)
            if heading:
                level = len(heading[1])
                block.style_level = 0 if level == 1 else min(level - 1, 4)
                line = _without_closing_hashes(heading[2])
            line = _MD_LINK.sub(r"\1", _MD_IMAGE.sub("", line))
            bold = _MD_BOLD_LEAD.match(line)
            if bold:
                lead, rest = bold[1], bold[2]
                if not rest.strip() or not rest.lstrip("。．.：:").strip():
                    block.bold = True
                    line = lead + rest
                else:
                    block.bold_lead = _unescape(lead)
                    line = lead + rest
            line = _MD_BOLD.sub(lambda m: m[1] or m[2], line)  # emphasis inside a line
            line = _unescape(_HTML_TAG.sub("", line)).strip()
        block.text = line
        if block.text or block.rows:
            blocks.append(block)
    return blocks


def _without_closing_hashes(text: str) -> str:
    """A heading's text without the closing ``#``s of ``## 标题 ##`` (a ``#`` against the
    words stays: “C#”), in one pass (a regex for it backtracks on a long line)."""
    text = text.rstrip()
    bare = text.rstrip("#")
    if bare != text and (not bare or bare[-1] in " \t"):
        return bare.rstrip()
    return text


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~&])")
_TAG_START = re.compile(r"<[A-Za-z]")


def read_html(html: str) -> Read:
    """A page saved from a browser: its article text by trafilatura (a well-kept boilerplate
    extractor: nav bars, footers and side columns out, tables kept), its headline from the
    page's metadata when the extractor left it out, its publication date by htmldate. The
    text then goes through the same cleaning as text copied from a page."""
    import logging

    for count, _ in enumerate(_TAG_START.finditer(html), start=1):
        if count > MAX_PAGE_TAGS:
            raise KxreportError(
                f"网页的元素太多（超过 {MAX_PAGE_TAGS // 10000} 万个 HTML 标签，一篇新闻网页通常只有"
                "几千个）：请把正文复制到 .txt 文件后导入"
            )
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("htmldate").setLevel(logging.CRITICAL)
    found = trafilatura.bare_extraction(
        html, include_tables=True, include_comments=False, with_metadata=True, favor_precision=True
    )
    if found is None:
        return Read([], "html")
    text = found.text or ""
    title = (found.title or "").strip()
    head = [_bare(line) for line in text.splitlines()[:3]]
    bare = _bare(title)
    if bare and not any(
        line and len(line) < 80 and (line in bare or bare in line) for line in head
    ):
        text = title + "\n" + text  # the headline the extractor left out
    published = {}
    if found.date:
        published["date"] = str(found.date)[:10]
    return Read(read_text(text), "html", published)


def _bare(text: str) -> str:
    return re.sub(r"\W+", "", text)


def _unescape(text: str) -> str:
    import html

    return html.unescape(_MD_ESCAPE.sub(r"\1", text))
