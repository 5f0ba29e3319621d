"""Located YAML, the ground floor of reading: bytes -> text -> YAML nodes -> plain data
with the line and column of every value, and the files a year file may name.

Nothing here imports another kxreport module that reads or checks year files, so every
module above (include, content, messages, checks, loader) can use it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from .errors import Diagnostic, Severity, UsageError
from .files import TooLarge, is_inside, read_regular
from .text import BIDI_CONTROLS, FORBIDDEN_CHARS, bidi_control_message, forbidden_char_message
from .yamltraps import REPAIRABLE, Trap, joined, line_traps, repaired, scalar_traps, syntax_cause
from .yamltraps import WARNINGS as TRAP_WARNINGS

Loc = tuple[str | int, ...]

# Safety limits against hostile input (alias bombs, absurd nesting, huge files).
MAX_NODES = 200_000
MAX_DEPTH = 200
MAX_BYTES = 5 * 1024 * 1024  # a year's report is tens of kilobytes
MAX_SHOWN_LINE = 300  # longer source lines are not echoed under a diagnostic
MAX_RUN_BYTES = 50 * 1024 * 1024  # everything one year file brings in (fragments, units ...)
MAX_DIAGNOSTICS = 1000  # per file; the rest are counted, not listed
MAX_MATCHES = 1000  # files one include:/units: pattern may name
MAX_UNIT_DEPTH = 6  # 省 > 市 > 县 > 街道 ... units of units
C_PARSER_DEPTH = 1000  # deeper input could overflow the C parser's stack
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Pos:
    """Where a value sits: its key (for mapping entries) and the value itself; 0-based."""

    key_line: int
    key_col: int
    line: int
    col: int
    start: int = 0  # character offsets of the value in the text
    end: int = 0


@dataclass
class SourceFile:
    """A decoded year file and the position of every value in it."""

    path: str
    text: str
    positions: dict[Loc, Pos] = field(default_factory=dict)
    # the lines as typed, when ``text`` is a copy with typing mistakes put right to read on
    shown: list[str] | None = None

    @cached_property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @cached_property
    def line_starts(self) -> list[int]:
        """The offset where each line begins: an offset's line by bisection, not by
        counting the line breaks before it (which made many findings quadratic)."""
        starts = [0]
        for line in self.lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        return starts

    def line_text(self, line: int) -> str | None:
        lines = self.shown if self.shown is not None else self.lines
        if 0 <= line < len(lines) and len(lines[line]) <= MAX_SHOWN_LINE:
            return lines[line].rstrip("\r")
        return None

    def pos_of(self, loc: Loc) -> Pos:
        """Position of the longest known prefix of ``loc`` (the root if none is known)."""
        for end in range(len(loc), -1, -1):
            pos = self.positions.get(loc[:end])
            if pos is not None:
                return pos
        return Pos(0, 0, 0, 0)

    def diagnostic(
        self,
        line: int,
        col: int,
        severity: Severity,
        code: str,
        message: str,
    ) -> Diagnostic:
        """A diagnostic at a 0-based position, carrying the offending source line."""
        return Diagnostic(
            self.path, line + 1, col + 1, severity, code, message, self.line_text(line)
        )

    def where(self, loc: Loc) -> str:
        """``第 N 行`` of a value, for messages that refer to another place."""
        return f"第 {self.pos_of(loc).line + 1} 行"

    def in_value(
        self,
        loc: Loc,
        needle: str,
        severity: Severity,
        code: str,
        message: str,
        offset: int = 0,
    ) -> Diagnostic:
        """A diagnostic at ``needle`` (``offset`` characters into it) inside the value at
        ``loc`` (at the value if not found)."""
        pos = self.pos_of(loc)
        found = self.text.find(needle, pos.start, max(pos.end, pos.start)) if needle else -1
        if found < 0:
            return self.diagnostic(pos.line, pos.col, severity, code, message)
        found += offset
        line = bisect.bisect_right(self.line_starts, found) - 1
        return self.diagnostic(line, found - self.line_starts[line], severity, code, message)

    def at(
        self, loc: Loc, severity: Severity, code: str, message: str, *, key: bool = False
    ) -> Diagnostic:
        pos = self.pos_of(loc)
        line, col = (pos.key_line, pos.key_col) if key else (pos.line, pos.col)
        return self.diagnostic(line, col, severity, code, message)


class MergedSource:
    """Positions in a year file assembled from several files (``include:``).

    Each location of the merged data is traced back to the file and location it came
    from, so every diagnostic points at the fragment where the text lives.
    """

    def __init__(self, main: SourceFile) -> None:
        self.main = main
        self.path = main.path
        self.origin: dict[Loc, tuple[SourceFile, Loc]] = {}

    def resolve(self, loc: Loc) -> tuple[SourceFile, Loc]:
        for end in range(len(loc), -1, -1):
            found = self.origin.get(loc[:end])
            if found is not None:
                source, base = found
                return source, (*base, *loc[end:])
        return self.main, loc

    def pos_of(self, loc: Loc) -> Pos:
        source, inner = self.resolve(loc)
        return source.pos_of(inner)

    def where(self, loc: Loc) -> str:
        source, inner = self.resolve(loc)
        here = source.where(inner)
        return here if source is self.main else f"{source.path} {here}"

    def at(
        self, loc: Loc, severity: Severity, code: str, message: str, *, key: bool = False
    ) -> Diagnostic:
        source, inner = self.resolve(loc)
        return source.at(inner, severity, code, message, key=key)

    def in_value(
        self,
        loc: Loc,
        needle: str,
        severity: Severity,
        code: str,
        message: str,
        offset: int = 0,
    ) -> Diagnostic:
        source, inner = self.resolve(loc)
        return source.in_value(inner, needle, severity, code, message, offset)


class RemappedSource:
    """Positions for data that is a part of the file's (``salvage``: some list entries set
    aside): each location is mapped back to the file's before it is looked up."""

    def __init__(self, base: SourceFile | MergedSource, original: Callable[[Loc], Loc]) -> None:
        self.base = base
        self.original = original
        self.path = base.path

    def pos_of(self, loc: Loc) -> Pos:
        return self.base.pos_of(self.original(loc))

    def where(self, loc: Loc) -> str:
        return self.base.where(self.original(loc))

    def at(
        self, loc: Loc, severity: Severity, code: str, message: str, *, key: bool = False
    ) -> Diagnostic:
        return self.base.at(self.original(loc), severity, code, message, key=key)

    def in_value(
        self,
        loc: Loc,
        needle: str,
        severity: Severity,
        code: str,
        message: str,
        offset: int = 0,
    ) -> Diagnostic:
        return self.base.in_value(self.original(loc), needle, severity, code, message, offset)


Source = SourceFile | MergedSource | RemappedSource


@dataclass
class YamlData:
    """A YAML file read into plain data with positions, or the reasons it could not be."""

    path: str
    data: Any
    diagnostics: list[Diagnostic]
    source: SourceFile | None
    # read from a copy with typing mistakes put right: checked, never written back or built
    repaired: bool = False

    @property
    def readable(self) -> bool:
        return self.data is not None


@dataclass
class ByteBudget:
    """What one run may still read, over all the files a year file brings in."""

    remaining: int = field(default_factory=lambda: MAX_RUN_BYTES)


def read_yaml(
    path: str | Path,
    empty_hint: str = "至少需要 org、year 和 kind",
    budget: ByteBudget | None = None,
) -> YamlData:
    """Read any YAML input of kxreport; problems become diagnostics, never exceptions
    (a missing or unreadable file is a UsageError)."""
    shown = str(path)
    limit = MAX_BYTES if budget is None else min(MAX_BYTES, max(budget.remaining, 0))
    try:
        raw = read_regular(path, limit)
    except TooLarge as exc:
        mb = exc.size / 1024 / 1024
        if limit < MAX_BYTES:
            message = (
                f"读取这个文件会使本次读取的文件总共超过 {MAX_RUN_BYTES // 1024 // 1024} MB"
                "（年度文件、片段、上年和下属单位文件合计）：请检查 include 和 units"
            )
        else:
            message = f"文件太大（{mb:.1f} MB）：年度文件不应超过 {MAX_BYTES // 1024 // 1024} MB，请检查是不是选错了文件"
        return YamlData(shown, None, [Diagnostic(shown, 1, 1, "error", "too-large", message)], None)
    if budget is not None:
        budget.remaining -= len(raw)

    text, problem = decode(raw, shown)
    if problem is not None:
        return YamlData(shown, None, [problem], None)
    source = SourceFile(shown, text)
    diagnostics = _directive_problems(source)
    traps = line_traps(source.lines)
    keys = [source.diagnostic(*trap[:2], "error", *trap[2:]) for trap in traps]
    root, syntax = _compose(source)
    repairs: list[Diagnostic] = []
    if syntax is not None:
        # typing mistakes YAML stops at, put right in a copy so the rest is read and checked
        # in this run too; what was read so is never built (the mistakes are errors)
        source, root, syntax, repairs = _read_on(source, traps, syntax)
    if syntax is not None:
        diagnostics += keys
        if keys:  # a key with a full-width colon: the syntax error a line later is its echo
            near = {d.line + delta for d in keys for delta in (0, 1)}
            syntax = [d for d in syntax if d.line not in near]
        seen = {(d.line, d.code) for d in [*diagnostics, *syntax]}
        repairs = [d for d in repairs if (d.line, d.code) not in seen]
        return YamlData(shown, None, sorted([*diagnostics, *repairs, *syntax], key=_order), source)
    if root is None or (str(root.tag).endswith(":null")):
        diagnostics.append(source.diagnostic(0, 0, "error", "empty", f"文件是空的：{empty_hint}"))
        return YamlData(shown, None, diagnostics, source)
    walker = _Walker(source)
    try:
        data = walker.value(root, ())
    except _TooBig as exc:
        return YamlData(shown, None, sorted([*diagnostics, exc.diagnostic], key=_order), source)
    # a key with a full-width colon, unless the line is text inside a | block or quotes
    diagnostics += [d for d in keys if d.line - 1 not in walker.text_lines]
    known = {(d.line, d.code) for d in diagnostics}
    diagnostics += [d for d in repairs if (d.line, d.code) not in known]
    found = sorted([*diagnostics, *walker.diagnostics], key=_order)
    return YamlData(shown, data, found, source, bool(repairs))


MAX_REPAIRS = 200


def _read_on(
    source: SourceFile, traps: list[Trap], syntax: list[Diagnostic]
) -> tuple[SourceFile, Any, list[Diagnostic] | None, list[Diagnostic]]:
    """Put right, in a copy, each typing mistake that stops YAML (a full-width colon after a
    key, a value starting with an indicator or holding “: ”) and compose again, until the
    file reads or a mistake is not one of those. Returns the copy (its lines shown as
    typed), the root, the syntax error left (None when it read) and the mistakes found."""
    lines = list(source.lines)
    found: list[Diagnostic] = []
    pending = [trap for trap in traps if trap[2] in REPAIRABLE]
    root: Any = None
    for _ in range(MAX_REPAIRS):
        if not pending:
            if len(syntax) != 1 or syntax[0].code not in REPAIRABLE:
                break
            d = syntax[0]
            pending = [(d.line - 1, d.column - 1, d.code, d.message)]
        changed = False
        for line, col, code, message in pending:
            fixed = repaired(lines[line], col, code)
            if fixed is not None and fixed != lines[line]:
                lines[line] = fixed
                changed = True
                found.append(source.diagnostic(line, col, "error", code, message))
        pending = []
        if not changed:
            break
        copy = SourceFile(source.path, "\n".join(lines), shown=source.lines)
        root, again = _compose(copy)
        if again is None:
            return copy, root, None, found
        syntax = again
    return source, None, syntax, found


def reads_back(text: str, name: str = "<导入结果>") -> list[Diagnostic]:
    """The problems kxreport's reader finds in ``text`` (empty when it reads): a year file
    written by kxreport must read back (``import``'s last guard before writing)."""
    problem = forbidden_char_message(text)
    source = SourceFile(name, text)
    if problem is not None:
        return [source.diagnostic(0, 0, "error", "control-char", problem)]
    root, syntax = _compose(source)
    if syntax is not None:
        return syntax
    if root is None:
        return [source.diagnostic(0, 0, "error", "empty", "文件是空的")]
    return []


def project_root(path: str | Path, root: str | Path | None = None) -> Path:
    """The folder a year file's references must stay in: ``root`` or the file's folder."""
    return Path(os.path.realpath(root if root is not None else Path(path).parent))


_GLOB_CHARS = re.compile(r"[*?\[]")


def expand_sources(paths: Iterable[Path]) -> list[Path]:
    """Year files: files as given; for a folder, every ``*.yaml``/``*.yml`` directly inside
    it (fragments live in subfolders). A path that does not exist, or is neither a file
    nor a folder, is a usage error."""
    sources: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(
                p for p in path.iterdir() if p.suffix.lower() in YAML_SUFFIXES and p.is_file()
            )
            if not found:
                raise UsageError(f"文件夹 {path} 里没有 .yaml 年度文件")
            sources.extend(found)
        elif path.is_file():
            sources.append(path)
        elif path.exists() or path.is_symlink():
            raise UsageError(
                f"{path} 不是普通文件（是设备、管道或失效的链接）：kxreport 只读取普通文件"
            )
        else:
            raise UsageError(f"找不到文件：{path}")
    return list(dict.fromkeys(sources))


def glob_files(
    base: Path, pattern: str, root: Path, exclude: Path | None = None
) -> tuple[list[Path], str | None]:
    """Files named by a relative path or glob pattern under ``base``, sorted, and the
    reason the pattern cannot be used, if any.

    Only ``.yaml``/``.yml`` files inside the project folder ``root`` are taken: a pattern
    may not be absolute, may not climb out with ``..`` and may not reach through a
    symlink to a file outside; at most MAX_MATCHES files.
    """
    text = pattern.strip()
    parts = [p for p in re.split(r"[/\\]", text) if p not in ("", ".")]
    if (
        not parts
        or Path(text).is_absolute()
        or text.startswith(("/", "\\"))
        or re.match(r"^[A-Za-z]:", text)
    ):
        return [], BAD_PATTERN.format(pattern)
    literal: list[str] = []
    for part in parts:
        if _GLOB_CHARS.search(part):
            break
        literal.append(part)
    wild = parts[len(literal) :]
    if ".." in wild:
        return [], f"“{pattern}”不能在通配符后面写 ..：请写相对本文件的路径，例如 parts/*.yaml"
    if not wild:  # a plain path
        target = base.joinpath(*literal)
        if not is_inside(target, root):
            return [], OUTSIDE.format(pattern, root)
        if target.suffix.lower() not in YAML_SUFFIXES:
            return [], f"“{pattern}”不是 YAML 文件：只能引用 .yaml 或 .yml 文件"
        if target.exists() and not target.is_file():
            return [], f"“{pattern}”不是普通文件"
        return ([target] if target.is_file() and target != exclude else []), None
    start = base.joinpath(*literal)
    if not is_inside(start, root):
        return [], OUTSIDE.format(pattern, root)
    found: list[Path] = []
    try:
        for match in start.glob("/".join(wild)):
            if match.suffix.lower() not in YAML_SUFFIXES or match == exclude or not match.is_file():
                continue
            if not is_inside(match, root):
                return [], OUTSIDE.format(f"{pattern}”匹配到的“{match.name}", root)
            found.append(match)
            if len(found) > MAX_MATCHES:
                return [], f"“{pattern}”匹配的文件超过 {MAX_MATCHES} 个：请写得更具体一些"
    except (ValueError, NotImplementedError, OSError):
        return [], BAD_PATTERN.format(pattern)
    return sorted(found), None


BAD_PATTERN = "“{0}”不能用作文件路径：请写相对本文件的路径，例如 parts/*.yaml"
OUTSIDE = "“{0}”指向项目文件夹 {1} 之外：年度文件只能引用项目文件夹里的文件（需要时用 --root 指定项目文件夹）"


def matching_files(
    path: Path, patterns: list[str], source: Source, field_name: str, what: str, root: Path
) -> tuple[list[Path], list[Diagnostic]]:
    """The files that the patterns of ``field_name`` (include:, units:) name, in pattern
    order without repeats; a pattern that names nothing is reported at its position."""
    files: list[Path] = []
    found: list[Diagnostic] = []
    for index, pattern in enumerate(patterns):
        loc: Loc = (field_name, index)
        matches, problem = glob_files(path.parent, pattern, root, path)
        if problem is not None:
            found.append(source.at(loc, "error", f"{field_name}-pattern", problem))
        elif not matches:
            found.append(
                source.at(loc, "error", f"{field_name}-none", f"没有找到与“{pattern}”匹配的{what}")
            )
        else:
            files.extend(m for m in matches if m not in files)
    return files, found


def _order(d: Diagnostic) -> tuple[str, int, int, str]:
    return d.sort_key


def decode(raw: bytes, shown: str) -> tuple[str, Diagnostic | None]:
    """Decode UTF-8 (BOM allowed); explain other encodings instead of failing obscurely."""

    def fail(code: str, message: str, line: int = 1, col: int = 1) -> tuple[str, Diagnostic]:
        return "", Diagnostic(shown, line, col, "error", code, message)

    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return fail("encoding", "文件是 UTF-16 编码；请在编辑器中“另存为”UTF-8 编码后再试")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:4096]:
        return fail(
            "encoding",
            "文件含有空字节，不是文本文件（或是 UTF-16 编码）；年度文件必须是 UTF-8 编码的 YAML",
        )
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            guess = "不是有效的 UTF-8 文本"
        else:
            guess = "不是 UTF-8 编码，看起来是 GBK/GB18030 编码"
        return fail(
            "encoding",
            f"文件{guess}（第一个无法识别的字节 0x{raw[exc.start]:02X}）；"
            "请在编辑器中“另存为”UTF-8 编码后再试",
            line,
            col,
        )


_DIRECTIVE = re.compile(r"^%YAML\s+(\S+)")


def _directive_problems(source: SourceFile) -> list[Diagnostic]:
    found = []
    for number, line in enumerate(source.text.split("\n")):
        if line.startswith("---") or line.startswith("..."):
            break
        m = _DIRECTIVE.match(line)
        if m and m[1] != "1.2":
            found.append(
                source.diagnostic(
                    number,
                    0,
                    "error",
                    "yaml-version",
                    f"不支持“%YAML {m[1]}”：kxreport 按 YAML 1.2 读取（yes/no 等不会当作真假值），"
                    "请删除这一行",
                )
            )
    return found


TAB_MESSAGE = "缩进中使用了制表符（Tab）：YAML 只允许用空格缩进"

# ruamel.yaml's English problem texts -> what the user should hear.
_SYNTAX_MESSAGES: list[tuple[str, str]] = [
    (
        "mapping values are not allowed here",
        "此处不能出现“键: 值”：冒号后要有空格，或这一行的缩进不对",
    ),
    ("could not find expected ':'", "缺少冒号：“键”后要写“: 值”"),
    ("found unexpected end of stream", "文件意外结束：引号或括号没有闭合"),
    ("found undefined alias", "引用了未定义的锚点“{0}”"),
    ("found another document", "文件只能包含一个 YAML 文档：请去掉多余的“---”及其后的内容"),
    ("found duplicate anchor", "锚点重复定义"),
    ("expected <block end>", "缩进不一致：这一行与上一层的缩进对不齐"),
    ("expected ',' or ']'", "方括号列表没有闭合：缺少“,”或“]”"),
    ("expected ',' or '}'", "花括号映射没有闭合：缺少“,”或“}”"),
    (
        "found unknown escape character",
        "双引号字符串中有无法识别的转义字符（要写反斜杠请用 \\\\ 或改用单引号）",
    ),
    ("sequence entries are not allowed", "此处不能开始列表（“- ”）：列表要另起一行，并检查缩进"),
    ("did not find expected key", "缩进不一致或缺少键：检查这一行的缩进"),
    ("did not find expected '-' indicator", "列表项缩进不一致：检查“- ”的位置"),
    ("found character", "这里有 YAML 不允许的字符（例如行首的 @、`、%；需要时请给整段文字加引号）"),
]


def _syntax_message(problem: str) -> str:
    quoted = re.search(r"'([^']*)'", problem)
    for needle, message in _SYNTAX_MESSAGES:
        if needle in problem:
            return message.replace("{0}", quoted[1] if quoted else "")
    return f"YAML 语法错误（{problem}）"


@lru_cache(maxsize=1)
def _resolver() -> type:
    """ruamel's resolver, looking up the YAML version's rules once per file: ruamel looks
    them up twice for every scalar (and under the C parser, which has no scanner to ask,
    through a caught AttributeError each time), though the version of a file read by the
    C parser is always the same."""
    from ruamel.yaml.resolver import VersionedResolver

    class OnceResolver(VersionedResolver):  # type: ignore[misc]
        @property
        def versioned_resolver(self) -> Any:
            rules = self.__dict__.get("_kxreport_rules")
            if rules is None:
                rules = self.__dict__["_kxreport_rules"] = super().versioned_resolver
            return rules

    return OnceResolver


def _compose(source: SourceFile) -> tuple[Any, list[Diagnostic] | None]:
    """Parse the text into a node tree, or return the syntax problem."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    if nesting_bound(source.text) <= C_PARSER_DEPTH:
        try:  # fast path: the C parser when ruamel.yaml.clib is installed; same resolution
            fast = YAML(typ="safe")
            fast.Resolver = _resolver()
            return fast.compose(io.StringIO(source.text)), None
        except (YAMLError, RecursionError, ValueError):
            pass  # parse again with the round-trip parser, whose messages we translate
    yaml = YAML(typ="rt")
    try:
        return yaml.compose(io.StringIO(source.text)), None
    except ValueError:  # chr() of an escape beyond U+10FFFF
        return None, [_bad_escape(source)]
    except ReaderError as exc:
        before = source.text[: exc.position]
        line = before.count("\n")
        col = len(before) - (before.rfind("\n") + 1)
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"文本中有不允许的控制字符 U+{ord(char):04X}；请删除它"
        return None, [source.diagnostic(line, col, "error", "control-char", message)]
    except MarkedYAMLError as exc:
        problem = " ".join(filter(None, [exc.problem, exc.context])) or str(exc)
        mark = exc.problem_mark or exc.context_mark
        if ("end of stream" in problem or "stream end" in problem) and exc.context_mark:
            mark = exc.context_mark  # an unclosed quote or bracket: point where it opens
        line, col = (mark.line, mark.column) if mark is not None else (0, 0)
        tabs = _tab_lines(source)
        if tabs and ("\\t" in problem or line in tabs):
            return None, [
                source.diagnostic(t, c, "error", "tab", TAB_MESSAGE) for t, c in tabs.items()
            ]
        cause = syntax_cause(source.lines, line)
        if cause is not None:  # the typing mistake behind it, with the fix
            return None, [source.diagnostic(cause[0], cause[1], "error", *cause[2:])]
        message = _syntax_message(problem)
        opened = exc.context_mark
        if "flow" in (exc.context or "") and opened is not None and opened.line != line:
            message += f"（括号在第 {opened.line + 1} 行第 {opened.column + 1} 列打开）"
        return None, [source.diagnostic(line, col, "error", "syntax", message)]
    except RecursionError:
        line, col = _deepest(source.text)
        message = f"嵌套层数过深（超过 {MAX_DEPTH} 层），无法读取"
        return None, [source.diagnostic(line, col, "error", "too-deep", message)]
    except YAMLError as exc:
        return None, [source.diagnostic(0, 0, "error", "syntax", f"YAML 语法错误（{exc}）")]


_FLOW_BRACKETS = re.compile(r"[\[\]{}]")
_BLOCK_PREFIX = re.compile(r"^[ ]*(?:[-?:][ ]+)*", re.MULTILINE)


def nesting_bound(text: str) -> int:
    """An upper bound of the nesting depth of a YAML text, computed without parsing.

    Every level of nesting takes a flow bracket, or an indentation column or a block
    indicator (``- ``, ``? ``, ``: ``) at the start of a line; brackets inside quotes
    only make the bound larger. ruamel's C parser overflows its stack somewhere beyond
    20 000 levels (a segmentation fault, not an exception), so deeper texts go to the
    pure-Python parser, which stops with a RecursionError.
    """
    flow = deepest = 0
    if text.count("[") + text.count("{") > C_PARSER_DEPTH:
        for bracket in _FLOW_BRACKETS.finditer(text):
            flow = flow + 1 if bracket[0] in "[{" else max(0, flow - 1)
            deepest = max(deepest, flow)
    else:
        deepest = text.count("[") + text.count("{")
    block = max((len(m[0]) for m in _BLOCK_PREFIX.finditer(text)), default=0)
    return deepest + block


def _deepest(text: str) -> tuple[int, int]:
    """Where nesting first goes beyond MAX_DEPTH (0-based line and column), roughly."""
    flow = 0
    for bracket in _FLOW_BRACKETS.finditer(text):
        flow = flow + 1 if bracket[0] in "[{" else max(0, flow - 1)
        if flow > MAX_DEPTH:
            before = text[: bracket.start()]
            return before.count("\n"), bracket.start() - (before.rfind("\n") + 1)
    for m in _BLOCK_PREFIX.finditer(text):
        if len(m[0]) > MAX_DEPTH:
            return text[: m.start()].count("\n"), MAX_DEPTH
    return 0, 0


_BIG_ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})")


def _bad_escape(source: SourceFile) -> Diagnostic:
    """Where a ``\\U`` escape names a code point beyond Unicode's last (U+10FFFF)."""
    for m in _BIG_ESCAPE.finditer(source.text):
        if int(m[1], 16) > 0x10FFFF:
            before = source.text[: m.start()]
            line = before.count("\n")
            col = len(before) - (before.rfind("\n") + 1)
            message = f"转义“{m[0]}”超出了 Unicode 的范围（最大 \\U0010FFFF）：请改正或删除"
            return source.diagnostic(line, col, "error", "bad-escape", message)
    return source.diagnostic(0, 0, "error", "bad-escape", "文件中有超出 Unicode 范围的转义字符")


def _tab_lines(source: SourceFile) -> dict[int, int]:
    """Lines whose indentation contains a tab -> column of the first tab."""
    found = {}
    for number, line in enumerate(source.text.split("\n")):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            found[number] = indent.index("\t")
    return found


class _TooBig(Exception):
    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


_TYPE_NAMES = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:omap",
}


class _Walker:
    """Turn a node tree into plain Python data, recording positions and node-level problems."""

    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self.nodes = 0
        self.text_lines: set[int] = set()  # lines inside a | or > block or a quoted text

    def _error(self, node: Any, code: str, message: str) -> None:
        self.diagnostics.append(
            self.source.diagnostic(
                node.start_mark.line, node.start_mark.column, "error", code, message
            )
        )

    def value(self, node: Any, loc: Loc, key_node: Any = None) -> Any:
        from ruamel.yaml.nodes import MappingNode, SequenceNode

        self.nodes += 1
        if self.nodes > MAX_NODES or len(loc) > MAX_DEPTH:
            what = (
                "嵌套层数过深"
                if len(loc) > MAX_DEPTH
                else "内容过多（锚点与别名展开后的节点数超过上限）"
            )
            raise _TooBig(
                self.source.diagnostic(
                    node.start_mark.line,
                    node.start_mark.column,
                    "error",
                    "too-big",
                    f"{what}，拒绝读取",
                )
            )
        mark = node.start_mark
        kmark = key_node.start_mark if key_node is not None else mark
        self.source.positions.setdefault(
            loc,
            Pos(kmark.line, kmark.column, mark.line, mark.column, mark.index, node.end_mark.index),
        )
        tag = str(node.tag)
        if tag not in _TYPE_NAMES:
            self._error(
                node,
                "tag",
                f"不支持 YAML 标签“{tag}”：值以“!”开头时 YAML 把它当成标签；"
                "是正文的话请改写成 | 块或给整段加引号，否则请去掉它",
            )
        if isinstance(node, MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, SequenceNode):
            return [self.value(item, (*loc, i)) for i, item in enumerate(node.value)]
        value = _scalar(tag, node.value)
        if isinstance(value, str) or value is None:
            lines = self.source.lines
            key = next((part for part in reversed(loc) if isinstance(part, str)), None)
            for line, col, code, message in scalar_traps(lines, key, key_node, node):
                severity: Severity = "warning" if code in TRAP_WARNINGS else "error"
                self.diagnostics.append(self.source.diagnostic(line, col, severity, code, message))
        if isinstance(value, str):
            lines = self.source.lines
            value = joined(value, node, lines)
            if node.style not in (None, "") and node.end_mark.line > mark.line:
                self.text_lines.update(range(mark.line + 1, node.end_mark.line + 1))
            problem = forbidden_char_message(value)
            if problem:
                self._error(node, "control-char", problem)
                value = FORBIDDEN_CHARS.sub("\ufffd", value)  # the file is refused anyway
            bidi = bidi_control_message(value)
            if bidi:
                self._bidi(node, bidi)
        return value

    def _bidi(self, node: Any, message: str) -> None:
        """A bidirectional control, reported where it stands in the file (at the value's
        start when written as an escape, ``"\\u202e"``)."""
        start, end = node.start_mark, node.end_mark
        hit = BIDI_CONTROLS.search(self.source.text, start.index, end.index)
        line, col = start.line, start.column
        if hit is not None:
            before = self.source.text[start.index : hit.start()]
            breaks = before.count("\n")
            line += breaks
            col = len(before) - before.rfind("\n") - 1 if breaks else col + len(before)
        self.diagnostics.append(self.source.diagnostic(line, col, "error", "bidi-control", message))

    def _mapping(self, node: Any, loc: Loc) -> dict[str, Any]:
        from ruamel.yaml.nodes import ScalarNode

        result: dict[str, Any] = {}
        first: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if str(key_node.tag) == "tag:yaml.org,2002:merge":
                self._error(key_node, "merge", "不支持合并键“<<”：请把内容直接写出")
                continue
            if not isinstance(key_node, ScalarNode):
                self._error(key_node, "key-type", "键必须是简单的文字")
                continue
            key = str(key_node.value)
            problem = forbidden_char_message(key, "键")
            if problem:
                self._error(key_node, "control-char", problem)
                continue
            if key in first:
                line = first[key].start_mark.line + 1
                self._error(
                    key_node,
                    "duplicate-key",
                    f"键“{key}”重复：第 {line} 行已经写过，后面的会被忽略，请删除或合并",
                )
                continue
            first[key] = key_node
            result[key] = self.value(value_node, (*loc, key), key_node)
        return result


def _scalar(tag: str, text: str) -> Any:
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return text.lower() == "true"
    if tag == "tag:yaml.org,2002:int":
        cleaned = text.replace("_", "")
        try:
            if cleaned.lower().startswith(("0x", "+0x", "-0x")):
                return int(cleaned, 16)
            if cleaned.lower().startswith(("0o", "+0o", "-0o")):
                return int(cleaned, 8)
            return int(cleaned)
        except ValueError:
            return text
    if tag == "tag:yaml.org,2002:float":
        lowered = text.lower().replace("_", "")
        if lowered in (".inf", "+.inf", "-.inf", ".nan"):
            return float(lowered.replace(".", ""))
        try:
            return float(lowered)
        except ValueError:
            return text
    if tag == "tag:yaml.org,2002:timestamp":
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text)
            return dt.datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            return text
    return text


def strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every string value in the data, with its location."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*loc, index))
    elif isinstance(data, str):
        yield loc, data
