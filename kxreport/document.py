"""The rendered document as typed blocks, parsed from the Markdown the templates produce.

Templates produce one Markdown text; the Markdown writer writes it as it is, and every other
writer formats these blocks, so the outputs cannot disagree. The parser is strict: the
Markdown may use only these conventions, and anything else stops the build with a message
naming the template and the line of its output (never silent loss):

- ``# 标题`` is the title; ``##`` to ``#####`` are heading levels 1 to 4 (一、（一）1.（1））;
- a paragraph that starts with bold text has a run-in heading (``**（一）规范制度**。正文``);
  its level and number are read with the one numbering grammar (:mod:`numbering`);
- ``<!-- 名称 -->`` (one of :data:`MARKERS`) marks the next paragraph as that element of
  the official document: 主送机关, the 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号,
  签发人), 附件说明, 附注, an annex label (附件, followed by the annex title as ``#``),
  and the 版记 (抄送, 印发机关, 印发日期);
- ``<p align="right">单位<br>日期</p>`` is the signature;
- the title may hold ``<br>`` where the user broke it into lines;
- a paragraph that is entirely bold and directly precedes a table is the table's caption;
  a table after the signature (outside an annex) starts a new page.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import TemplateError
from .numbering import split

# the elements a template marks with ``<!-- 名称 -->`` before a paragraph, by the block
# they belong to; the template global ``marker(name)`` writes them and refuses other names
MARKERS: dict[str, str] = {
    "主送机关": "recipients",
    "份号": "masthead",
    "密级": "masthead",
    "紧急程度": "masthead",
    "发文机关标志": "masthead",
    "发文字号": "masthead",
    "签发人": "masthead",
    "附件说明": "note",
    "附注": "annotation",
    "附件": "annex",
    "抄送": "imprint",
    "印发机关": "imprint",
    "印发日期": "imprint",
}
_MARKER = re.compile(r"^<!-- (\S+) -->$")
SIGNER_PREFIX = "签发人："
NOTE_PREFIX = "附件："
_SIGNATURE = re.compile(r'^<p align="right">(?P<issuer>.*?)(?:<br>(?P<date>.*?))?</p>\s*$', re.S)
_TRAILING_PUNCTUATION = "。！？；：…"


@dataclass(frozen=True)
class Meta:
    """What a writer needs besides the text: for file properties and stable timestamps."""

    title: str
    author: str
    date: dt.date | None
    year: int
    fonts: str = "official"  # the font profile (kinds.FONT_PROFILES)


@dataclass
class Run:
    text: str
    bold: bool = False


@dataclass
class Title:
    text: str
    lines: list[str] | None = None  # as the user broke it; None: the writer breaks it


@dataclass
class Masthead:
    """版头: 份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人 (上行文), then the red line."""

    mark: str = ""
    number: str | None = None
    copy_number: str | None = None
    secrecy: str | None = None
    urgency: str | None = None
    signers: list[str] = field(default_factory=list)


@dataclass
class AttachmentNote:
    """附件说明 under the body: the annexes as printed (“1.2023年主要工作指标”)."""

    items: list[str]


@dataclass
class Annotation:
    """附注 under the date, in parentheses as printed."""

    text: str


@dataclass
class Annex:
    """The head of an annex page: the label (“附件”, “附件2”) and the annex title."""

    label: str
    title: str


@dataclass
class Imprint:
    """版记 at the foot of the last (even) page."""

    cc: str | None = None  # “抄送：……。” as printed
    printer: str | None = None
    printed: str | None = None  # “2022年7月18日印发”


@dataclass
class Recipients:
    text: str


@dataclass
class Heading:
    level: int  # 1 一、 2 （一） 3 1. 4 （1）
    text: str  # as printed, number included

    @property
    def number(self) -> str:
        """The heading number (“三、”), or "" for a heading without one."""
        return split(self.text)[1]


@dataclass
class Paragraph:
    runs: list[Run]

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @property
    def lead(self) -> str | None:
        """The run-in heading, if the paragraph starts with one."""
        return self.runs[0].text if self.runs and self.runs[0].bold else None

    @property
    def lead_level(self) -> int | None:
        """The level (2 （一）, 3 1., 4 （1）) of the run-in heading by its number; None for
        a bold opening without a number."""
        return split(self.lead)[0] if self.lead else None


Alignment = Literal["left", "center", "right"] | None


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str | None = None
    align: list[Alignment] = field(default_factory=list)  # per column, as the template set it


@dataclass
class PageBreak:
    """A new page: before an annex (the tables after the signature)."""


@dataclass
class Signature:
    issuer: str
    date: str | None


Block = (
    Title
    | Recipients
    | Heading
    | Paragraph
    | Table
    | Signature
    | PageBreak
    | Masthead
    | AttachmentNote
    | Annotation
    | Annex
    | Imprint
)


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)


# what a Markdown token outside the conventions is called in a message
_OUTSIDE = {
    "fence": "代码块",
    "code_block": "代码块（缩进四格的行）",
    "bullet_list_open": "列表",
    "ordered_list_open": "编号列表",
    "blockquote_open": "引用",
    "hr": "分隔线",
    "html_block": "HTML 块",
    "lheading_open": "下划线式标题",
}
_INLINE = {"text", "strong_open", "strong_close", "softbreak", "hardbreak"}
_INLINE_NAMES = {
    "em_open": "斜体",
    "link_open": "链接",
    "image": "图片",
    "html_inline": "HTML 标签",
    "code_inline": "行内代码",
}


def parse(markdown: str, template: str = "模板") -> Document:
    """Parse rendered Markdown into blocks; TemplateError for anything outside the
    conventions, naming ``template`` and the line of the output."""
    from markdown_it import MarkdownIt

    def outside(token: Any, what: str) -> TemplateError:
        line = token.map[0] + 1 if token.map else 1
        text = markdown.split("\n")[line - 1][:40] if markdown else ""
        return TemplateError(
            f"{template}：生成的第 {line} 行“{text}”是{what}：文档只能有标题（# 到 #####）、"
            "段落、加粗的段首小标题、表格、公文要素标记（<!-- 发文字号 --> 等）和落款，请修改模板"
        )

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    doc = Document()
    marked: str | None = None  # the marker before the next paragraph
    annex_label: str | None = None  # an annex label waiting for its title
    signed = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if marked and token.type != "paragraph_open":
            raise outside(token, f"标记“{marked}”后面不是段落")
        if annex_label is not None and token.type != "heading_open":
            raise outside(token, f"附件标记“{annex_label}”后面不是附件标题（# 标题）")
        if token.type == "heading_open":
            if token.markup not in ("#", "##", "###", "####", "#####"):
                what = (
                    f"第 {len(token.markup) - 1} 级标题（{token.markup}）：只有四级标题"
                    if token.markup.startswith("#")
                    else _OUTSIDE["lheading_open"]
                )
                raise outside(token, what)
            level = len(token.markup)
            if level == 1:
                lines = _title_lines(tokens[i + 1], outside)
                text = "".join(lines)
                if annex_label is not None:
                    doc.blocks.append(Annex(annex_label, text))
                    annex_label = None
                    signed = False
                else:
                    doc.blocks.append(Title(text, lines if len(lines) > 1 else None))
            else:
                doc.blocks.append(Heading(level - 1, _plain(tokens[i + 1], outside)))
            i += 3
            continue
        if token.type == "paragraph_open":
            runs = _runs(tokens[i + 1], outside)
            if marked:
                text = "".join(r.text for r in runs)
                if marked == "附件":
                    annex_label = text
                else:
                    _add_marked(doc, marked, text)
                marked = None
            else:
                doc.blocks.append(Paragraph(runs))
            i += 3
            continue
        if token.type == "html_block":
            content = token.content.strip()
            signature = _SIGNATURE.match(content)
            marker = _MARKER.match(content)
            if marker and marker[1] in MARKERS:
                marked = marker[1]
            elif signature:
                date = signature["date"]
                doc.blocks.append(
                    Signature(
                        html.unescape(signature["issuer"]), html.unescape(date) if date else None
                    )
                )
                signed = True
            else:
                raise outside(token, _OUTSIDE["html_block"])
            i += 1
            continue
        if token.type == "table_open":
            table, i = _table(tokens, i, outside)
            previous = doc.blocks[-1] if doc.blocks else None
            if (
                isinstance(previous, Paragraph)
                and len(previous.runs) == 1
                and previous.runs[0].bold
            ):
                doc.blocks.pop()
                table.caption = previous.runs[0].text
            if signed:  # the first table after the signature opens the annex pages
                doc.blocks.append(PageBreak())
                signed = False
            doc.blocks.append(table)
            continue
        raise outside(token, _OUTSIDE.get(token.type, f"不支持的 Markdown（{token.type}）"))
    if marked or annex_label is not None:
        raise TemplateError(
            f"{template}：生成的文档以标记“{marked or annex_label}”结尾，后面没有内容"
        )
    return doc


def _add_marked(doc: Document, name: str, text: str) -> None:
    """Put a marked paragraph into its block: consecutive 版头 or 版记 elements, and
    consecutive 附件说明 lines, share one block."""
    kind = MARKERS[name]
    last = doc.blocks[-1] if doc.blocks else None
    if kind == "recipients":
        doc.blocks.append(Recipients(text))
    elif kind == "annotation":
        doc.blocks.append(Annotation(text))
    elif kind == "note":
        if isinstance(last, AttachmentNote):
            last.items.append(text)
        else:
            doc.blocks.append(AttachmentNote([text.removeprefix(NOTE_PREFIX)]))
    elif kind == "masthead":
        if not isinstance(last, Masthead):
            last = Masthead()
            doc.blocks.append(last)
        if name == "签发人":
            last.signers.append(text.removeprefix(SIGNER_PREFIX))
        else:
            attr = {
                "份号": "copy_number",
                "密级": "secrecy",
                "紧急程度": "urgency",
                "发文机关标志": "mark",
                "发文字号": "number",
            }[name]
            setattr(last, attr, text)
    else:
        if not isinstance(last, Imprint):
            last = Imprint()
            doc.blocks.append(last)
        attr = {"抄送": "cc", "印发机关": "printer", "印发日期": "printed"}[name]
        setattr(last, attr, text)


def _title_lines(token: Any, outside: Any) -> list[str]:
    """The title's lines: the text, broken where the template wrote ``<br>``."""
    lines = [""]
    for child in token.children or []:
        if child.type == "html_inline" and child.content == "<br>":
            lines.append("")
        elif child.type == "text":
            lines[-1] += child.content
        else:
            _inline(token, outside)  # raises for anything but text
    return [line for line in lines if line]


def _inline(token: Any, outside: Any) -> list[Any]:
    children = token.children or []
    for child in children:
        if child.type not in _INLINE:
            raise outside(token, _INLINE_NAMES.get(child.type, f"不支持的行内格式（{child.type}）"))
    return children


def _plain(token: Any, outside: Any) -> str:
    return "".join(c.content for c in _inline(token, outside) if c.type == "text")


def _runs(token: Any, outside: Any) -> list[Run]:
    runs: list[Run] = []
    bold = False
    for child in _inline(token, outside):
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "text" and child.content:
            if runs and runs[-1].bold == bold:
                runs[-1].text += child.content
            else:
                runs.append(Run(child.content, bold))
    # "**（一）规范制度**。正文": the sentence mark after a run-in heading belongs to it
    if len(runs) >= 2 and runs[0].bold and not runs[1].bold:
        rest = runs[1].text
        stripped = rest.lstrip(_TRAILING_PUNCTUATION)
        runs[0].text += rest[: len(rest) - len(stripped)]
        runs[1].text = stripped
        if not stripped:
            runs.pop(1)
    return runs


_ALIGN = {"text-align:left": "left", "text-align:center": "center", "text-align:right": "right"}


def _table(tokens: list[Any], i: int, outside: Any) -> tuple[Table, int]:
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
    align: list[Alignment] = []
    in_head = False
    while tokens[i].type != "table_close":
        kind = tokens[i].type
        if kind == "thead_open":
            in_head = True
        elif kind == "thead_close":
            in_head = False
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close":
            if in_head:
                header = row
            else:
                rows.append(row)
        elif kind == "th_open":
            align.append(_ALIGN.get(str(tokens[i].attrGet("style") or "")))  # type: ignore[arg-type]
        elif kind == "inline":
            row.append("".join(c.content for c in _inline(tokens[i], outside) if c.type == "text"))
        i += 1
    return Table(header, rows, align=align), i + 1
