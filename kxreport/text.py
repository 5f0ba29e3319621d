"""Rules for user text that the model and the templates must agree on: how line breaks in
a value are folded, how prose splits into paragraphs, and how text is escaped so that
Markdown shows it literally.

Everything a user writes is text, never markup: escaping here is what keeps a value from
turning into a heading, a list, a table cell, an HTML tag or an entity.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

# Line breaks as Python's str.splitlines() knows them, minus the control characters the
# loader refuses anyway (\v \f \x1c-\x1e \x85).
_LINE_BREAK = re.compile("\r\n|[\n\r\u2028\u2029]")


def _joins_with_space(before: str, after: str) -> bool:
    """Wrapped Latin words keep a space between them; Chinese text joins directly."""
    return (
        before[-1:].isascii()
        and before[-1:].isalnum()
        and after[:1].isascii()
        and after[:1].isalnum()
    )


def _join(lines: list[str]) -> str:
    out = ""
    for line in lines:
        if out and _joins_with_space(out, line):
            out += " "
        out += line
    return out


def fold_lines(text: str) -> str:
    """A value that must be one line (a title, a name, a heading): its line breaks are
    folded away, as YAML's folded style would, without spaces between Chinese lines."""
    if not _LINE_BREAK.search(text):
        return text
    return _join([line.strip() for line in _LINE_BREAK.split(text) if line.strip()])


def paragraphs(text: str | None) -> list[str]:
    """Prose split into paragraphs at blank lines; lines within a paragraph are folded."""
    if not text:
        return []
    found: list[str] = []
    block: list[str] = []
    for line in _LINE_BREAK.split(text):
        stripped = line.strip()
        if stripped:
            block.append(stripped)
        elif block:
            found.append(_join(block))
            block = []
    if block:
        found.append(_join(block))
    return found


# --- Markdown -------------------------------------------------------------------------

# Every ASCII punctuation mark that starts or ends a Markdown construct anywhere in a
# line: emphasis, code, links and images, raw HTML and autolinks, entities, table cells,
# strikethrough, ATX headings. CommonMark lets a backslash escape any of them.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~#!])")
# Constructs that only count at the start of a line: block quotes, list items, setext
# underlines, ordered list numbers (at most nine digits), and indentation (code blocks).
_MD_LINE_START = re.compile(r"^([ \t]*)([-+=>]|\d{1,9}[.)])?", re.MULTILINE)


def md_escape(text: str, *, line_start: bool = True) -> str:
    """Text that Markdown shows exactly as written: ``**县`` stays ``**县``, ``&amp;`` stays
    ``&amp;``, a line ``# 标题`` stays a line of text. Linear in the length of the text.

    Line breaks of every kind become ``\\n``; leading spaces on a line are written as
    character references so that they cannot start a code block. ``line_start=False``
    says the text follows other text on its line (``**…``), so its beginning needs no
    line-start escapes.
    """
    text = _LINE_BREAK.sub("\n", str(text))
    escaped = _MD_INLINE.sub(r"\\\1", text)

    def line(match: re.Match[str]) -> str:
        return match[0] if match.start() == 0 and not line_start else _escape_line_start(match)

    return _MD_LINE_START.sub(line, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match[1], match[2] or ""
    lead = "".join("&#32;" if ch == " " else "&#9;" for ch in indent)
    if not marker:
        return lead
    if marker[0].isdigit():
        return lead + marker[:-1] + "\\" + marker[-1]
    return lead + "\\" + marker


def cells(text: str) -> int:
    """Terminal columns of ``text``: wide and fullwidth characters take two, combining
    marks none."""
    return sum(
        0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        for ch in text
    )


def xml_escape(text: str) -> str:
    """Text for XML or HTML, in an element or a double-quoted attribute: ``& < > "`` as
    entities."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def html_escape(text: str) -> str:
    """Text inside an HTML block of the Markdown (the signature): entities for ``& < > "``,
    and no line break, which would end the block."""
    return xml_escape(_LINE_BREAK.sub(" ", str(text)))


# Characters no report may hold: those XML 1.0 (and so a .docx) cannot hold, C1 control
# characters (terminal control sequences), and lone surrogates (not encodable as UTF-8).
# A quoted YAML string can smuggle them in as escapes such as "\a", "\x9b" or "\ud800".
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# Bidirectional controls (LRE/RLE/PDF/LRO/RLO U+202A–202E, LRI/RLI/FSI/PDI U+2066–2069,
# LRM/RLM/ALM): they reorder what a reader sees (an RLO before “3000” shows “0003”) and have
# no place in a Chinese official document. validate reports them; import and fmt remove
# them; the writers never emit them.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def bidi_control_message(text: str, what: str = "文字") -> str | None:
    """Why ``text`` may not hold a bidirectional control, naming the first; None if it holds none."""
    bad = BIDI_CONTROLS.search(text)
    if bad is None:
        return None
    return (
        f"{what}中有改变文字显示顺序的双向控制字符 U+{ord(bad[0]):04X}（第 {bad.start() + 1} 个字符），"
        "它会让读者看到的和文件里写的不一样（例如“3000”显示为“0003”）：请删除它"
        "（kxreport fmt 的任一种改写，例如 kxreport fmt --punctuation，都会顺带去掉它）"
    )


def without_bidi_controls(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def forbidden_char_message(text: str, what: str = "文字") -> str | None:
    """Why ``text`` cannot be used, naming the first forbidden character; None if it can."""
    bad = FORBIDDEN_CHARS.search(text)
    if bad is None:
        return None
    code = ord(bad[0])
    where = f"U+{code:04X}（第 {bad.start() + 1} 个字符）"
    if 0xD800 <= code <= 0xDFFF:
        return f"{what}中有无效的 Unicode 代理字符 {where}，通常来自写错的 \\u 转义；请改正"
    if 0x7F <= code <= 0x9F:
        return f"{what}中有控制字符 {where}；请删除它"
    return f"{what}中有 Word 文档无法保存的控制字符 {where}；请删除它"


# --- punctuation of Chinese text -----------------------------------------------------------

_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_CN_CONTEXT = _HAN + r"“”‘’（）《》【】、，。；：！？…—"
_FULL = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
# an ASCII mark with Chinese text on one side (not between digits: 2,588 and 09:13 stay);
# compiled on first use (by ``re``'s cache), as most texts have no such mark
_HALF_MARK = (
    r"(?<=[" + _CN_CONTEXT + r"])[ \t]*([,:;?!])[ \t]*"
    r"|[ \t]*([,:;?!])[ \t]*(?=[" + _HAN + r"“（《])"
)
_HALF_PARENS = re.compile(r"\(([^()\n]{0,200})\)")
_STRAIGHT_QUOTES = re.compile(r'"([^"\n]{1,200})"')
_YEAR_RANGE = re.compile(r"((?:19|20)\d{2})\s*[-~～–－]\s*((?:19|20)\d{2})(?=\s*年)")
_MONTH_RANGE = re.compile(r"(?<!\d)(\d{1,2})\s*[-~～–－]\s*(\d{1,2})(?=\s*月)")
# a character without which none of the patterns above can match (most texts have none)
_MAY_CHANGE = re.compile(r'[,:;?!()"\-~～–－]')


def normalize_punctuation(text: str) -> str:
    """Half-width punctuation inside Chinese text made full-width (，：；？！（）“”), and ranges
    of years or months written with a dash: 2021-2025年 -> 2021—2025年."""
    for _ in range(3):  # a mark after a bracket just made full-width: （看看）?
        new = "".join(part for _, _, part in _punctuation_parts(text))
        if new == text:
            break
        text = new
    return text


def punctuation_problems(text: str) -> list[tuple[int, str, str]]:
    """(offset, what is written, what Chinese text writes) for each half-width mark."""
    return [(start, old, new) for start, old, new in _punctuation_parts(text) if old != new]


def _punctuation_parts(text: str) -> list[tuple[int, str, str]]:
    """The text as consecutive (offset, original, replacement) pieces."""
    if not _MAY_CHANGE.search(text):
        return [(0, text, text)] if text else []
    changes: list[tuple[int, int, str]] = []

    def has_han(s: str) -> bool:
        return re.search("[" + _HAN + "]", s) is not None

    for m in _HALF_PARENS.finditer(text):
        before = text[m.start() - 1 : m.start()]
        if has_han(m[1]) or has_han(before):
            changes.append((m.start(), m.start() + 1, "（"))
            changes.append((m.end() - 1, m.end(), "）"))
    for m in _STRAIGHT_QUOTES.finditer(text):
        around = text[m.start() - 1 : m.start()] + text[m.end() : m.end() + 1]
        if has_han(m[1]) or has_han(around):  # "科技助力2024", 推进"3+1"工程
            changes.append((m.start(), m.start() + 1, "“"))
            changes.append((m.end() - 1, m.end(), "”"))
    for m in re.finditer(_HALF_MARK, text):
        mark = m[1] or m[2]
        changes.append((m.start(), m.end(), _FULL[mark]))
    for pattern in (_YEAR_RANGE, _MONTH_RANGE):
        for m in pattern.finditer(text):
            changes.append((m.end(1), m.start(2), "—"))
    changes.sort()
    parts: list[tuple[int, str, str]] = []
    position = 0
    for start, end, new in changes:
        if start < position:
            continue  # overlapping: the first change wins
        if start > position:
            parts.append((position, text[position:start], text[position:start]))
        parts.append((start, text[start:end], new))
        position = end
    if position < len(text):
        parts.append((position, text[position:], text[position:]))
    return parts


# --- traditional characters ------------------------------------------------------------


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters made simplified (OpenCC t2s, by phrase)."""
    return _converter().convert(text)
