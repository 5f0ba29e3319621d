"""Laying out the Chinese help: click wraps and aligns by counting characters, but a Chinese
character takes two columns of a terminal, so its help ran past 80 columns and its option
texts came out of line. This formatter measures display width instead."""

from __future__ import annotations

import re
from collections.abc import Sequence

from typer.core import TyperCommand

from .text import cells

# click's classes as typer ships them (typer >= 0.23 vendors its own copy of click)
_Context = TyperCommand.context_class
HelpFormatter = _Context.formatter_class

# typer shows Python type names such as “<list[Path]>” after an argument: ours say it in
# Chinese already. Only ASCII names are taken (our metavars like <输出文件夹> stay).
TYPE_NAME = re.compile(r" <[A-Za-z_][A-Za-z0-9_\[\], |.]*>", re.ASCII)

# whitespace, a run of printable ASCII (one word), or any other single character
_TOKEN = re.compile(r"\s+|[!-~]+|.", re.S)
# Chinese punctuation that may not start a line (it hangs at the end of the line instead)
_NO_BREAK_BEFORE = frozenset("，。、；：！？）》」』”’…—")


def wrap(text: str, width: int, initial: str = "", subsequent: str = "") -> str:
    """One paragraph filled to ``width`` columns: Latin words stay whole, Chinese text
    breaks between characters, never before a closing punctuation mark."""
    lines: list[str] = []
    line, size, empty, space = initial, cells(initial), True, ""
    for token in _TOKEN.findall(text.replace("\n", " ")):
        if token.isspace():
            space = "" if empty else token  # spaces inside a line are kept (aligned examples)
            continue
        if (
            not empty
            and size + len(space) + cells(token) > width
            and token[0] not in _NO_BREAK_BEFORE
        ):
            lines.append(line)
            line, size, empty, space = subsequent, cells(subsequent), True, ""
        line, size = line + space + token, size + len(space) + cells(token)
        empty, space = False, ""
    lines.append(line)
    return "\n".join(lines)


def wrap_paragraphs(text: str, width: int, initial: str = "", subsequent: str = "") -> str:
    """Paragraphs (separated by blank lines) filled one by one, as click does; a paragraph
    that starts with a line holding only ``\\b`` is kept as it is."""
    paragraphs: list[list[str]] = [[]]
    for line in text.expandtabs().splitlines():
        if line.strip():
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    out = []
    for lines in (p for p in paragraphs if p):
        if lines[0].strip() == "\b":
            out.append("\n".join(initial + line for line in lines[1:]))
            continue
        extra = " " * (len(lines[0]) - len(lines[0].lstrip()))
        joined = " ".join(line.strip() for line in lines)
        out.append(wrap(joined, width, initial + extra, subsequent + extra))
    return "\n\n".join(out)


class Formatter(HelpFormatter):  # type: ignore[misc,valid-type]
    """click's HelpFormatter, measuring display width; the usage line starts with 用法："""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = "用法：" if prefix is None else prefix
        usage = f"{prefix:>{self.current_indent}}{prog} "
        indent = " " * cells(usage)
        if self.width - self.current_indent < cells(usage) + 20:
            self.write(usage + "\n")
            usage = indent = " " * (max(self.current_indent, cells(prefix)) + 4)
        self.write(wrap(args, self.width - self.current_indent, usage, indent) + "\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_paragraphs(text, self.width, indent, indent) + "\n")

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        from .i18n import ZH

        rows = [(TYPE_NAME.sub("", row[0]), *(ZH.get(t, t) for t in row[1:])) for row in rows]
        first_col = min(max((cells(r[0]) for r in rows), default=0), col_max) + col_spacing
        for first, *rest in rows:
            second = rest[0] if rest else ""
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_paragraphs(second, max(self.width - first_col - 2, 10)).splitlines()
            self.write(f"{lines[0] if lines else ''}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


class Context(_Context):  # type: ignore[misc,valid-type]
    """A click context whose help is laid out by :class:`Formatter`."""

    formatter_class = Formatter
