"""The rendered document as typed blocks, parsed from the Markdown the templates produce.

Templates produce one Markdown text; the Markdown writer writes it as it is, and every other
writer formats these blocks, so the outputs cannot disagree. The parser is strict: the
Markdown may use only these conventions, and anything else stops the build with a message
naming the template and the line of its output (never silent loss):

- ``# 标题`` is the title; ``##`` to ``#####`` are heading levels 1 to 4 (一、（一）1.（1））;
- a paragraph that starts with bold text has a run-in heading (``**（一）规范制度**。正文``);
  its level and number are read with the one numbering grammar (:mod:`numbering`);
- ``<!-- 主送机关 -->`` marks the next paragraph as the recipients line;
- ``<p align="right">单位<br>日期</p>`` is the signature;
- a paragraph that is entirely bold and directly precedes a table is the table's caption;
  a table after the signature starts a new page (the annex).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import TemplateError
from .numbering import split

RECIPIENTS_MARKER = "<!-- 主送机关 -->"
_SIGNATURE = re.compile(r'^<p align="right">(?P<issuer>.*?)(?:<br>(?P<date>.*?))?</p>\s*$', re.S)
_TRAILING_PUNCTUATION = "。！？；：…"


@dataclass(frozen=True)
class Meta:
    """What a writer needs besides the text: for file properties and stable timestamps."""

    title: str
    author: str
    date: dt.date | None
    year: int


@dataclass
class Run:
    text: str
    bold: bool = False


@dataclass
class Title:
    text: str


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


Block = Title | Recipients | Heading | Paragraph | Table | Signature | PageBreak


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
            "段落、加粗的段首小标题、表格、主送机关标记和落款，请修改模板"
        )

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    doc = Document()
    recipients_next = False
    signed = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            if token.markup not in ("#", "##", "###", "####", "#####"):
                what = (
                    f"第 {len(token.markup) - 1} 级标题（{token.markup}）：只有四级标题"
                    if token.markup.startswith("#")
                    else _OUTSIDE["lheading_open"]
                )
                raise outside(token, what)
            level = len(token.markup)
            text = _plain(tokens[i + 1], outside)
            doc.blocks.append(Title(text) if level == 1 else Heading(level - 1, text))
            i += 3
            continue
        if token.type == "paragraph_open":
            runs = _runs(tokens[i + 1], outside)
            if recipients_next:
                doc.blocks.append(Recipients("".join(r.text for r in runs)))
                recipients_next = False
            else:
                doc.blocks.append(Paragraph(runs))
            i += 3
            continue
        if token.type == "html_block":
            content = token.content.strip()
            signature = _SIGNATURE.match(content)
            if content == RECIPIENTS_MARKER:
                recipients_next = True
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
    return doc


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
