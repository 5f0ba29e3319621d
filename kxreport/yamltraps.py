"""YAML's traps for people who are not programmers: what YAML does to text typed the way a
Chinese office writes it, found where it happens and said with the fix.

- ``发布信息186条 #平遥科协# 等话题``: YAML reads `` #`` as the start of a comment and the
  text ends at “186条” (a comment written as comments are, “# 说明”, is one);
- ``text：围绕…`` (a full-width colon after the key): not a key at all, so the line joins
  the text above it or stops the file one line later with “缺少冒号”;
- ``主题: 严格…`` inside a value: a second key on the same line;
- a value that starts with one of YAML's indicators (``[ { * & ! % @ ` | > ' "``): read as
  a list, a reference, a tag …, or refused with a message about something else;
- a text broken over lines without ``|``: YAML joins the lines with a space, which in
  Chinese is a stray space (“9项， 开展…”). These joins are made without the space.

Findings are ``(line, column, code, message)`` (0-based); ``source`` turns them into
diagnostics.
"""

from __future__ import annotations

import re
from typing import Any

Trap = tuple[int, int, str, str]
TRAP_CODES = frozenset({"full-width-colon", "yaml-indicator", "colon-in-value", "comment-in-text"})
# the mistakes that stop YAML and can be put right in a copy, so that the rest of the file is
# still read and checked in the same run
REPAIRABLE = frozenset({"full-width-colon", "yaml-indicator", "colon-in-value"})
# a comment written as comments are (“# 说明”) after a text: text left out, said, not refused
WARNINGS = frozenset({"comment-after-text"})

# the fields whose values are prose: a comment after them is text lost, not a note
TEXT_KEYS = frozenset({"text", "intro", "closing", "situation", "notice", "heading", "title"})

_FIX = "请把这段文字改写成 | 块（键后写“|”，文字另起一行并缩进），或给整段加引号"
_KEY_FULL_WIDTH = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][A-Za-z0-9_]{1,30})\s*：")
_VALUE_START = re.compile(r"^\s*(?:-\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*:\s+(?P<value>\S.*)$")
_INDICATORS = {
    "[": "方括号“[”开头的值，YAML 当成了列表",
    "{": "花括号“{”开头的值，YAML 当成了映射",
    "*": "“*”开头的值，YAML 当成了对锚点的引用",
    "&": "“&”开头的值，YAML 把“&”后面的词当成了锚点名，它不会出现在正文里",
    "!": "“!”开头的值，YAML 当成了标签",
    "%": "“%”开头的值，YAML 不允许",
    "@": "“@”开头的值，YAML 不允许",
    "`": "“`”开头的值，YAML 不允许",
    "|": "“|”后面同一行还有文字：| 块的文字要另起一行",
    ">": "“>”后面同一行还有文字：> 块的文字要另起一行",
    "'": "单引号开头的值，YAML 把引号里的当成整个值，引号后面的文字就不合语法",
    '"': "双引号开头的值，YAML 把引号里的当成整个值，引号后面的文字就不合语法",
    "- ": "“- ”开头的值，YAML 当成了列表项",
    "? ": "“? ”开头的值，YAML 当成了复杂键",
}
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’…—·]")


def line_traps(lines: list[str]) -> list[Trap]:
    """Keys written with a full-width colon (``text：围绕…``): the line is no key, and its
    text goes to the value above it, silently, or stops the file a line later. (A line
    inside a ``|`` block or a quoted text is text: ``source`` leaves those out.)"""
    found: list[Trap] = []
    for number, line in enumerate(lines):
        if "：" not in line:
            continue
        m = _KEY_FULL_WIDTH.match(line)
        if m is None:
            continue
        col = line.index("：", m.end("key"))
        found.append(
            (
                number,
                col,
                "full-width-colon",
                f"键“{m['key']}”后面是全角冒号“：”，YAML 不认它是键（这一行会并进上面的值或使文件出错）："
                f"请改成半角冒号加空格，写成“{m['key']}: …”",
            )
        )
    return found


def repaired(line: str, col: int, code: str) -> str | None:
    """``line`` with the typing mistake at ``col`` put right as its message says (a
    half-width colon; the value quoted), or None when it cannot be. Only for reading on:
    the file itself is never changed."""
    if code == "full-width-colon" and line[col : col + 1] == "：":
        return line[:col] + ": " + line[col + 1 :].lstrip()
    m = _VALUE_START.match(line)
    if code in ("yaml-indicator", "colon-in-value") and m is not None:
        start, value = m.start("value"), m["value"].rstrip()
        return line[:start] + '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return None


def syntax_cause(lines: list[str], line: int) -> Trap | None:
    """The typing mistake behind a syntax error reported at ``line`` (or the line before):
    a value that starts with an indicator, or a “: ” inside a value."""
    for number in (line, line - 1):
        if not 0 <= number < len(lines):
            continue
        m = _VALUE_START.match(lines[number])
        if m is None:
            continue
        value = m["value"]
        col = m.start("value")
        for start, what in _INDICATORS.items():
            if value.startswith(start) and _text_after(start, value, m["key"] in TEXT_KEYS):
                return (number, col, "yaml-indicator", f"{what}：{_FIX}")
        colon = re.search(r":\s", value)
        if colon and value[:1] not in "'\"[{|>":
            return (
                number,
                col + colon.start(),
                "colon-in-value",
                f"值里有“: ”（半角冒号加空格），YAML 把它当成了又一个键：{_FIX}，"
                "或把这个冒号写成全角“：”",
            )
    return None


# what makes an indicator at a value's start a typing mistake rather than YAML meant: text
# after the quoted part, the bracketed part or the alias (“[重点]建成”, “'重点'建成”, “*重点 建成”)
_AFTER = {
    "'": r"^'[^']*'\s*[^\s#,\]}]",
    '"': r'^"[^"]*"\s*[^\s#,\]}]',
    "[": r"^\[[^\]]*\]\s*[^\s#,\]}]",
    "{": r"^\{[^}]*\}\s*[^\s#,\]}]",
    "*": r"^\*\S+\s+[^\s#]",
}


def _text_after(start: str, value: str, text_field: bool) -> bool:
    pattern = _AFTER.get(start)
    if pattern is not None:
        return bool(re.match(pattern, value))
    return text_field or start in "%@`"


def scalar_traps(lines: list[str], key: str | None, key_node: Any, node: Any) -> list[Trap]:
    """What YAML did to a value as typed (a text, or nothing when all of it went): an
    anchor taken off its start, text after `` #`` taken as a comment."""
    found: list[Trap] = []
    mark = node.start_mark
    if key_node is not None and key_node.end_mark.line == mark.line:
        typed = lines[mark.line][key_node.end_mark.column :].lstrip()
        typed = typed[1:].lstrip() if typed.startswith(":") else typed
        # ``&重点 建成``: the anchor's name is gone from the text; ``! 建成``: a bare “!” is
        # YAML's “plain string” tag and goes (a named tag, ``!重点``, is refused by ``source``)
        if typed[:1] == "&" or re.match(r"!(\s|$)", typed):
            col = len(lines[mark.line]) - len(typed)
            found.append((mark.line, col, "yaml-indicator", f"{_INDICATORS[typed[0]]}：{_FIX}"))
    if key in TEXT_KEYS and node.style in (None, ""):
        end = node.end_mark
        rest = lines[end.line][end.column :] if end.line < len(lines) else ""
        # “# 说明” (a space after #) is how a comment is written, and kxreport's own files
        # do it; “#平遥科协#”, a # against the words, is text: a topic, a number sign
        # (after no value at all, any comment is: the field is empty, the words went)
        empty = node.value == ""
        comment = re.match(r"\s+#", rest)
        if comment:
            col = end.column + comment.end() - 1
            lost = rest[comment.end() - 1 :].strip()
            glued = empty or not rest[comment.end() :][:1].isspace()
            if glued:  # “#平遥科协#”: a topic or a number sign, not a comment
                found.append(
                    (
                        end.line,
                        col,
                        "comment-in-text",
                        f"“{lost[:30]}”没有进入正文：YAML 把空格后的“#”当成了注释的开始。"
                        f"正文里要写 #（例如话题 #某某#），{_FIX}；是注释的话请写在上一行",
                    )
                )
            else:
                found.append(
                    (
                        end.line,
                        col,
                        "comment-after-text",
                        f"“{lost[:30]}”是注释，不会进入正文：注释请写在上一行；"
                        f"若这是正文的一部分，{_FIX}",
                    )
                )
    if key in TEXT_KEYS and key_node is not None:
        found.extend(_comment_lines_after(lines, key_node.start_mark.column, node.end_mark))
    return found


def _comment_lines_after(lines: list[str], key_column: int, end: Any) -> list[Trap]:
    """Lines starting with “#” right after a text, indented under its key: YAML ended the
    text there and took the line for a comment (a plain text's next line, or a ``|`` block's
    line less indented than its first)."""
    found: list[Trap] = []
    first = end.line if end.column == 0 else end.line + 1
    for number in range(first, len(lines)):
        line = lines[number]
        body = line.lstrip(" ")
        if not body.strip():
            continue
        indent = len(line) - len(body)
        if not body.startswith("#") or indent <= key_column:
            break
        lost = body.strip()
        if not body[1:2].isspace() and body[1:2] != "":
            found.append(
                (
                    number,
                    indent,
                    "comment-in-text",
                    f"“{lost[:30]}”没有进入正文：这一行以“#”开头，YAML 当成了注释，正文到上一行就结束了。"
                    f"{_FIX}（| 块里各行的缩进要和第一行一样）",
                )
            )
        else:
            found.append(
                (
                    number,
                    indent,
                    "comment-after-text",
                    f"“{lost[:30]}”是注释，不会进入正文：注释请和键对齐写在上一行；"
                    f"若这是正文的一部分，{_FIX}（| 块里各行的缩进要和第一行一样）",
                )
            )
    return found


def joined(value: str, node: Any, lines: list[str]) -> str:
    """A text broken over lines without ``|`` (plain, ``>`` or quoted), joined as Chinese
    is: no space where a line break between two Chinese characters was folded. Anything
    but a simple fold (escapes, more-indented lines) is left as YAML read it."""
    style = node.style
    if style == ">":
        value = value.replace("\x07", "")  # the round-trip parser's mark of a fold
    if style not in (None, "", ">", '"', "'") or node.start_mark.line == node.end_mark.line:
        return value
    first = node.start_mark.line + (1 if style == ">" else 0)
    last = min(node.end_mark.line, len(lines) - 1)
    if style == ">" and node.end_mark.column == 0:
        last -= 1
    raw = [lines[n].strip() for n in range(first, last + 1)]
    if style != ">" and raw:  # from where the value starts to where it ends, inside quotes
        inside = 1 if style in ('"', "'") else 0
        raw[0] = lines[first][node.start_mark.column + inside :].strip()
        raw[-1] = lines[last][: node.end_mark.column - inside].strip()
    spaced, tight = _fold(raw, " "), _fold(raw, None)
    body = value.rstrip("\n")
    if spaced != body:
        return value  # not a simple fold (more-indented lines, escapes): left as YAML read it
    return tight + value[len(body) :]


def _fold(lines: list[str], space: str | None) -> str:
    out = ""
    pending = ""
    for line in lines:
        if not line:
            pending += "\n"
            continue
        if out:
            if pending:
                out += pending
            elif space is not None or not (_WIDE.match(out[-1]) and _WIDE.match(line[0])):
                out += " "
        out += line
        pending = ""
    return out
