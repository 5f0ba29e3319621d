"""The rendered document as blocks, parsed from the Markdown the templates produce.

Templates produce one Markdown text; the Markdown writer writes it as it is and the DOCX
writer formats these blocks, so the two outputs cannot disagree. The Markdown follows a
few conventions the templates keep:

- ``# 标题`` is the title; ``##`` to ``#####`` are heading levels 1 to 4 (一、（一）1.（1））;
- a paragraph that starts with bold text has a run-in heading (``**（一）规范制度**。正文``);
- ``<!-- 主送机关 -->`` marks the next paragraph as the recipients line;
- ``<p align="right">单位<br>日期</p>`` is the signature;
- a paragraph that is entirely bold and directly precedes a table is the table's caption.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import TemplateError

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
    text: str


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


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str | None = None


@dataclass
class Signature:
    issuer: str
    date: str | None


Block = Title | Recipients | Heading | Paragraph | Table | Signature


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)


def parse(markdown: str) -> Document:
    """Parse rendered Markdown into blocks."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    doc = Document()
    recipients_next = False
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            level = int(token.tag[1])
            if level > 5:
                raise TemplateError(
                    f"模板输出了 {level} 级 Markdown 标题（{'#' * level}）：文档只有文件标题（#）"
                    "和四级标题（## 到 #####）"
                )
            text = _plain(tokens[i + 1].children or [])
            doc.blocks.append(Title(text) if level == 1 else Heading(level - 1, text))
            i += 3
            continue
        if token.type == "paragraph_open":
            runs = _runs(tokens[i + 1].children or [])
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
            i += 1
            continue
        if token.type == "table_open":
            table, i = _table(tokens, i)
            previous = doc.blocks[-1] if doc.blocks else None
            if (
                isinstance(previous, Paragraph)
                and len(previous.runs) == 1
                and previous.runs[0].bold
            ):
                doc.blocks.pop()
                table.caption = previous.runs[0].text
            doc.blocks.append(table)
            continue
        i += 1
    return doc


def _plain(children: list[Any]) -> str:
    return "".join(c.content for c in children if c.type in ("text", "code_inline"))


def _runs(children: list[Any]) -> list[Run]:
    runs: list[Run] = []
    bold = False
    for child in children:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type in ("text", "code_inline") and child.content:
            if runs and runs[-1].bold == bold:
                runs[-1].text += child.content
            else:
                runs.append(Run(child.content, bold))
        elif child.type in ("softbreak", "hardbreak"):
            continue
    # "**（一）规范制度**。正文": the sentence mark after a run-in heading belongs to it
    if len(runs) >= 2 and runs[0].bold and not runs[1].bold:
        rest = runs[1].text
        stripped = rest.lstrip(_TRAILING_PUNCTUATION)
        runs[0].text += rest[: len(rest) - len(stripped)]
        runs[1].text = stripped
        if not stripped:
            runs.pop(1)
    return runs


def _table(tokens: list[Any], i: int) -> tuple[Table, int]:
    header: list[str] = []
    rows: list[list[str]] = []
    row: list[str] = []
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
        elif kind == "inline":
            row.append(_plain(tokens[i].children or []))
        i += 1
    return Table(header, rows), i + 1
