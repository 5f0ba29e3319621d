"""Rewriting a year file in place: traditional -> simplified characters, half-width
punctuation -> full-width, the counts written in prose added to ``counts``, and, in every
mode, bidirectional controls taken out.

The file is edited as text, where a value changes and nowhere else: comments, key order,
quoting, indentation and line endings of everything else stay byte for byte. A value is
rewritten in its own style when that style can hold the new text (a plain value, a
single-quoted one, the lines of a ``|`` block) and as one double-quoted line otherwise (a
``>`` block, a plain or quoted value broken over lines); new counts are added as
``- {key: …, label: …, value: …}`` lines after those already there. Each step is linear
in the size of the file: positions come from the one read that checks the file.

A rewrite is written only when the result is a file ``validate`` accepts: within the size
limit, read back by kxreport's own reader as exactly the intended data, and without
errors. So a file with errors is left alone, unless this very rewrite is what removes them
(bidirectional controls; values invalid only for their traditional characters under
--simplified); --counts leaves alone any file with errors, as the counts go where its
structure says. The file is replaced atomically; a symlink stays a symlink (its target is
rewritten) and the file keeps its permissions.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import DataError, Diagnostic, OutputError
from .files import read_regular, rewrite_in_place
from .source import MAX_BYTES, Loc, Pos, read_yaml

Conversion = Callable[[str], str]


@dataclass
class Formatted:
    path: Path
    changed: int  # how many string values were converted (or counts added)
    simplified: int = 0  # values with traditional characters made simplified
    punctuated: int = 0  # values with half-width punctuation made full-width
    counted: int = 0  # counts added
    unbidi: int = 0  # values that held bidirectional controls


def simplify(path: Path) -> Formatted:
    """Convert traditional characters in the values of ``path`` to simplified, in place."""
    return format_file(path, simplified=True)


def punctuate(path: Path) -> Formatted:
    """Half-width punctuation in the Chinese text of ``path`` made full-width, in place."""
    return format_file(path, punctuation=True)


def add_counts(path: Path) -> Formatted:
    """Add a ``counts`` entry for each count written in prose (the overview's, a part's
    intro, an item's) and not yet recorded (the same extractor as ``import``), keeping
    everything else. A file ``validate`` rejects is not touched: the counts go where its
    structure says, so it must be right first."""
    return format_file(path, counts=True)


def format_file(
    path: Path,
    *,
    simplified: bool = False,
    punctuation: bool = False,
    counts: bool = False,
    root: Path | None = None,
) -> Formatted:
    """Apply the chosen rewrites (and take out bidirectional controls) in one pass, and
    replace the file when something changed and the result is a file validate accepts.
    Raises DataError (the file's own problems, located) or OutputError (why the result
    cannot be written); the file is untouched then."""
    from .content import to_simplified
    from .text import normalize_punctuation, without_bidi_controls

    read = read_yaml(path)
    if not read.readable or read.source is None or read.repaired:
        raise DataError(read.diagnostics)
    conversions: list[tuple[str, Conversion]] = [("unbidi", without_bidi_controls)]
    if simplified:
        conversions.append(("simplified", to_simplified))
    if punctuation:
        conversions.append(("punctuated", normalize_punctuation))
    edits = _Edits(read.source.text, read.source.positions)
    tally = dict.fromkeys([name for name, _ in conversions], 0)
    data = edits.convert(read.data, (), conversions, tally)
    added = edits.add_counts(data) if counts else 0
    done = Formatted(Path(path), edits.changed + added, counted=added, **tally)
    if counts and (done.unbidi or done.simplified or done.punctuated):
        # a change of text may mend errors --counts must not build on: judge the file as
        # it is (otherwise its errors are still in the result, and found there)
        diagnostics = _diagnostics(Path(path), read.data, root)
        if any(d.severity == "error" for d in diagnostics):
            raise DataError(diagnostics)
    if not done.changed:
        diagnostics = _diagnostics(Path(path), read.data, root)
        if any(d.severity == "error" for d in diagnostics):
            raise DataError(diagnostics)
        return done
    raw = read_regular(path, MAX_BYTES)
    bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
    new = bom + edits.result().encode("utf-8")
    if len(new) > MAX_BYTES:
        raise OutputError(
            f"{path}：改写后的文件有 {len(new) / 1024 / 1024:.1f} MB，超过年度文件 "
            f"{MAX_BYTES // 1024 // 1024} MB 的上限（validate 会拒绝它），文件未修改；"
            "请先把文件拆成几个片段（include）"
        )
    _accepted(Path(path), new, read.data, data, root)
    rewrite_in_place(Path(path), new)
    return done


def set_counts(path: Path, figures: list[dict[str, str]]) -> int:
    """Put ``figures`` ({key, label, value}) into ``path``: a count with the same key
    anywhere in it takes the new value, the others go to the opening's counts (the opening
    is made when there is none), editing only those bytes; how many values changed. The
    result may disagree with the file's prose (new figures, old text): that is validate's
    to say, so only that it reads back and fits the size limit is required (``import
    --into``)."""
    from .source import reads_back

    read = read_yaml(path)
    if not read.readable or read.source is None or read.repaired:
        raise DataError(read.diagnostics)
    if not isinstance(read.data, dict):
        raise OutputError(f"{path}：不是年度文件，文件未修改")
    edits = _Edits(read.source.text, read.source.positions)
    values = {f["key"]: f["value"] for f in figures}
    changed = 0
    seen: set[str] = set()
    for loc, item, _ in _items(read.data):
        for i, figure in enumerate(_list(item.get("counts"))):
            key = str(figure.get("key")) if isinstance(figure, dict) else None
            if key is None or key not in values:
                continue
            seen.add(key)
            if str(figure.get("value")) != values[key]:
                edits._rewrite((*loc, "counts", i, "value"), str(figure["value"]), values[key])
                changed += 1
    added = [f for f in figures if f["key"] not in seen]
    if added:
        overview = read.data.get("overview")
        try:
            if isinstance(overview, dict) and overview:
                edits._insert_counts(("overview",), overview, added)
            else:
                edits._new_top_mapping(
                    "overview", {"counts": added}, before=("honours", "sections")
                )
        except (_Unsupported, KeyError, IndexError):
            raise OutputError(
                f"{path}：无法在保留原有格式的前提下把数字写进开篇（overview），文件未修改"
            ) from None
        changed += len(added)
    if changed:
        raw = read_regular(path, MAX_BYTES)
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        result = edits.result()
        new = bom + result.encode("utf-8")
        if len(new) > MAX_BYTES or reads_back(result, str(path)):
            raise OutputError(f"{path}：并入后的文件超过上限或无法读回，文件未修改")
        rewrite_in_place(Path(path), new)
    return changed


# --- what validate says ----------------------------------------------------------------


def _year_file(data: Any) -> bool:
    """A year file (org, year, kind at the top, at least two of them) is checked as
    validate checks it; any other YAML (a fragment) as far as it can be on its own."""
    return isinstance(data, dict) and sum(key in data for key in ("org", "year", "kind")) >= 2


def _diagnostics(path: Path, data: Any, root: Path | None) -> list[Diagnostic]:
    """What ``validate`` says about ``path`` (a fragment: what reading it says)."""
    if _year_file(data):
        from .loader import load

        return load(path, root=root).diagnostics
    return read_yaml(path).diagnostics


def _accepted(path: Path, new: bytes, before: Any, expected: Any, root: Path | None) -> None:
    """Raise unless ``new``, written where ``path`` is, reads back as ``expected`` and is
    a file validate accepts (checked from a temporary file beside it, so its fragments,
    previous year and units are found as they will be)."""
    from .files import _write_temporary

    try:
        tmp = _write_temporary(path, new)
    except OSError as exc:
        from .files import reason

        raise OutputError(f"无法写入 {path.parent}：{reason(exc)}，文件未修改") from None
    try:
        if _year_file(before):
            from .loader import load

            result = load(tmp, root=root)
            found, data = result.diagnostics, result.data
            if isinstance(before, dict) and before.get("include"):
                data = read_yaml(tmp).data  # the file's own data, not merged
        else:
            read = read_yaml(tmp)
            found, data = read.diagnostics, read.data
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    errors = [d for d in found if d.severity == "error"]
    if errors:
        own = _diagnostics(path, before, root)
        if any(d.severity == "error" for d in own):
            raise DataError(own)  # the file's own errors, where they are
        said = "；".join(d.message for d in errors[:3])
        raise OutputError(f"{path}：改写后的文件会有错误（{said}），文件未修改")
    if data != expected:
        raise OutputError(f"{path}：改写结果读回后与原数据不一致，文件未修改")


# --- editing the text ------------------------------------------------------------------

_NOT_TEXT = {"include", "units", "previous", "key", "url"}
# what a double-quoted scalar writes as an escape
_ESCAPE = re.compile('[\\\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]')
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# what no plain or single-quoted scalar, and no line of a block, can hold
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]")
_PLAIN_FIRST = frozenset("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = re.compile(r"[,\[\]{}:]")
_RESOLVED_FIRST = frozenset("0123456789+-.~<=nNyYtTfFoO")  # may read as something else
_BLOCK_HEAD = re.compile(r"[|>][-+0-9]*")
_STR = "tag:yaml.org,2002:str"


def _double_quoted(value: str) -> str:
    def escape(m: re.Match[str]) -> str:
        char = m[0]
        return _ESCAPES.get(char) or f"\\u{ord(char):04x}"

    return '"' + _ESCAPE.sub(escape, value) + '"'


def _resolves_as_text(value: str) -> bool:
    if value[0] not in _RESOLVED_FIRST:
        return True
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    return bool(VersionedResolver().resolve(ScalarNode, value, (True, False)) == _STR)


def _plain_ok(value: str, flow: bool) -> bool:
    """Whether ``value`` written plain reads back as this text."""
    return (
        bool(value)
        and value == value.strip(" \t")
        and value[0] not in _PLAIN_FIRST
        and not any(mark in value for mark in (": ", " #", "\t#", "\n", "\r", "\t"))
        and not value.endswith(":")
        and not (flow and _FLOW_CHARS.search(value))
        and not _UNPRINTABLE.search(value)
        and _resolves_as_text(value)
    )


def _single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _single_quoted_ok(value: str) -> bool:
    """Whether ``value`` written in single quotes on one line reads back as this text."""
    return "\n" not in value and "\r" not in value and not _UNPRINTABLE.search(value)


def _flow_scalar(value: str) -> str:
    return value if _plain_ok(value, flow=True) else _double_quoted(value)


def _flow_entry(entry: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k}: {_flow_scalar(v)}" for k, v in entry.items()) + "}"


class _Unsupported(Exception):
    """A place the counts cannot be added without rewriting more than they need."""


class _Edits:
    """Replacements in the text of a file, located by the positions its read recorded."""

    def __init__(self, text: str, positions: dict[Loc, Pos]) -> None:
        self.text = text
        self.positions = positions
        # (start, end, order, new text): where two insertions meet, the deeper mapping's
        # goes first (an item's counts before those of the part that ends with it)
        self.edits: list[tuple[int, int, int, str]] = []
        self.changed = 0
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self._sequence_offset: int | None = None

    def result(self) -> str:
        pieces: list[str] = []
        at = 0
        last: tuple[int, int, int, str] | None = None
        for edit in sorted(self.edits, key=lambda e: e[:3]):
            start, end, _, new = edit
            if edit == last and start < end:
                continue  # one value under two names (an anchor and its alias)
            if start < at:  # never: each value is edited once, counts go between values
                raise OutputError("内部错误：改写的位置重叠，文件未修改")
            last = edit
            pieces.append(self.text[at:start])
            pieces.append(new)
            at = end
        pieces.append(self.text[at:])
        return "".join(pieces)

    # -- where things are

    def _start(self, pos: Pos) -> int:
        """Where the value itself starts, after any anchor (&a) or tag (!!str)."""
        text, i = self.text, pos.start
        while i < pos.end and text[i] in "&!":
            while i < pos.end and text[i] not in " \t\r\n":
                i += 1
            while i < pos.end and text[i] in " \t\r\n":
                i += 1
        return i

    def _opens(self, loc: Loc) -> str:
        """The first character of the value at ``loc`` ('' when it has no position)."""
        pos = self.positions.get(loc)
        if pos is None:
            return ""
        i = self._start(pos)
        return self.text[i] if i < len(self.text) else ""

    def _end(self, loc: Loc, value: Any) -> int:
        """Where the text of the value at ``loc`` ends: a block collection ends with its
        last value (its own end is where the next one begins, past any comments)."""
        pos = self.positions[loc]
        opens = self._opens(loc)
        if isinstance(value, dict) and value and opens != "{":
            key = list(value)[-1]
            return self._end((*loc, key), value[key])
        if isinstance(value, list) and value and opens != "[":
            return self._end((*loc, len(value) - 1), value[-1])
        return pos.end

    def _line_after(self, index: int) -> tuple[int, str]:
        """Where a new line goes after the line holding ``index``, and what must precede
        it (a line break when the file ends without one)."""
        if index > 0 and self.text[index - 1] == "\n":
            return index, ""
        found = self.text.find("\n", index)
        if found < 0:
            return len(self.text), self.newline
        return found + 1, ""

    def _plain_ok(self, loc: Loc, value: str) -> bool:
        """Whether ``value`` can be written plain where ``loc`` is (inside [ ] or { } a
        comma or bracket would end it)."""
        return _plain_ok(value, flow=self._opens(loc[:-1]) in ("[", "{"))

    def _before(self, index: int) -> str:
        """The last character before ``index`` that is not white space."""
        while index > 0 and self.text[index - 1] in " \t\r\n":
            index -= 1
        return self.text[index - 1 : index]

    def _sequence_indent(self) -> int:
        if self._sequence_offset is None:
            self._sequence_offset = sequence_indent(self.text)
        return self._sequence_offset

    # -- converting text

    def convert(
        self, node: Any, loc: Loc, conversions: list[tuple[str, Conversion]], tally: dict[str, int]
    ) -> Any:
        """``node`` with every string value converted (paths and keys left as they are);
        each changed value is rewritten in the text."""
        if isinstance(node, dict):
            return {
                key: value
                if key in _NOT_TEXT
                else self.convert(value, (*loc, key), conversions, tally)
                for key, value in node.items()
            }
        if isinstance(node, list):
            return [self.convert(v, (*loc, i), conversions, tally) for i, v in enumerate(node)]
        if not isinstance(node, str):
            return node
        new = node
        for name, convert in conversions:
            converted = convert(new)
            if converted != new:
                tally[name] += 1
                new = converted
        if new != node:
            self._rewrite(loc, node, new)
            self.changed += 1
        return new

    def _rewrite(self, loc: Loc, old: str, new: str) -> None:
        pos = self.positions.get(loc)
        if pos is None:
            where = ".".join(str(part) for part in loc)
            raise OutputError(f"无法在文件里找到 {where} 的位置，文件未修改")
        start = self._start(pos)
        span = self.text[start : pos.end]
        style = span[:1]
        one_line = "\n" not in span
        written: str | None = None
        if style == "'":
            if one_line and span == _single_quoted(old) and _single_quoted_ok(new):
                written = _single_quoted(new)
        elif style == "|":
            written = self._literal(span, old, new)
        elif style not in ('"', ">") and one_line and span == old and self._plain_ok(loc, new):
            written = new
        if written is None:
            written = _double_quoted(new)
            if style in ("|", ">"):  # a block: keep the comment after | and the lines after
                head = span.split("\n", 1)[0]
                after = head[len(_BLOCK_HEAD.match(head)[0]) :].rstrip("\r")  # type: ignore[index]
                tail = span[len(span.rstrip(" \t\r\n")) :]
                written += after + self.newline * tail.count("\n")
        self.edits.append((start, pos.end, 0, written))

    @staticmethod
    def _literal(span: str, old: str, new: str) -> str | None:
        """A ``|`` block with the changed lines rewritten in place, or None when the
        change is not line for line (a line emptied, or its indentation changed)."""
        head, newline, body = span.partition("\n")
        old_lines, new_lines = old.split("\n"), new.split("\n")
        if not newline or len(old_lines) != len(new_lines):
            return None
        lines = body.split("\n")
        for i, (was, now) in enumerate(zip(old_lines, new_lines, strict=True)):
            if was == now:
                continue
            lead = len(was) - len(was.lstrip(" \t"))
            if i >= len(lines) or not now.strip() or now[:lead] != was[:lead]:
                return None
            if now[lead : lead + 1] in (" ", "\t") or _UNPRINTABLE.search(now):
                return None
            line = lines[i]
            cr = "\r" if line.endswith("\r") else ""
            core = line[: len(line) - len(cr)]
            indent = core[: len(core) - len(was)]
            if not core.endswith(was) or indent.strip(" "):
                return None
            lines[i] = indent + now + cr
        return head + "\n" + "\n".join(lines)

    # -- adding counts

    def add_counts(self, data: Any) -> int:
        """Add to ``data`` and to the text the counts its prose writes and ``counts`` does
        not hold yet; how many were added."""
        found = list(_items(data))
        added = 0
        for (loc, item, _), new in zip(found, _new_counts(found), strict=True):
            if not new or not isinstance(item.get("counts", []), list):
                continue  # no new count, or counts that are not a list (validate says so)
            try:
                self._insert_counts(loc, item, new)
            except (_Unsupported, KeyError, IndexError):
                where = ".".join(str(part) for part in loc)
                raise OutputError(
                    f"无法在保留原有格式的前提下给 {where} 补进 counts（它的写法不常见），"
                    "文件未修改；请把 counts 写成每行一项的列表后再试"
                ) from None
            if isinstance(item.get("counts"), list):
                item["counts"].extend(new)
            else:
                item["counts"] = list(new)
            added += len(new)
        return added

    def _insert_counts(self, loc: Loc, item: dict[str, Any], new: list[dict[str, str]]) -> None:
        entries = [_flow_entry(entry) for entry in new]
        order = -len(loc)
        nl = self.newline
        counts = item.get("counts")
        at_counts = (*loc, "counts")
        if isinstance(counts, list) and counts and self._opens(at_counts) != "[":
            first = self._start(self.positions[(*at_counts, 0)])
            dash = self.text.rfind("-", 0, first)
            line_start = self.text.rfind("\n", 0, dash) + 1
            if (
                dash < 0
                or self.text[line_start:dash].strip(" ")
                or self.text[dash + 1 : first].strip(" ")
            ):
                raise _Unsupported
            at, before = self._line_after(self._end((*at_counts, len(counts) - 1), counts[-1]))
            indent = " " * (dash - line_start)
            self.edits.append(
                (at, at, order, before + "".join(f"{indent}- {e}{nl}" for e in entries))
            )
            return
        if isinstance(counts, list):  # a flow list: [..] gets the entries before its ]
            close = self.positions[at_counts].end - 1
            if self.text[close] != "]":
                raise _Unsupported
            prior = self._before(close)
            lead = "" if prior in ("[", ",") else ", "
            self.edits.append((close, close, order, lead + ", ".join(entries)))
            return
        if self._opens(loc) == "{":  # an item written {heading: …, text: …}
            close = self.positions[loc].end - 1
            if self.text[close] != "}":
                raise _Unsupported
            prior = self._before(close)
            lead = "" if prior in ("{", ",") else ", "
            self.edits.append((close, close, order, f"{lead}counts: [{', '.join(entries)}]"))
            return
        first_key = self.positions[(*loc, next(iter(item)))]
        at, before = self._line_after(self._end(loc, item))
        indent = " " * first_key.key_col
        seq = " " * (first_key.key_col + self._sequence_indent())
        lines = [f"{indent}counts:{nl}", *(f"{seq}- {e}{nl}" for e in entries)]
        self.edits.append((at, at, order, before + "".join(lines)))

    def _new_top_mapping(
        self, key: str, value: dict[str, list[dict[str, str]]], before: tuple[str, ...]
    ) -> None:
        """A new top-level ``key:`` holding lists of flow entries, on the line of the first
        of ``before`` the file has (else at its end)."""
        nl = self.newline
        seq = " " * (2 + self._sequence_indent())
        lines = [f"{key}:{nl}"]
        for name, entries in value.items():
            lines.append(f"  {name}:{nl}")
            lines += [f"{seq}- {_flow_entry(entry)}{nl}" for entry in entries]
        found = [self.positions[(name,)] for name in before if (name,) in self.positions]
        if found:
            line = min(pos.key_line for pos in found)
            at = 0
            for _ in range(line):
                at = self.text.index("\n", at) + 1
        else:
            at = len(self.text)
            if self.text and not self.text.endswith("\n"):
                lines.insert(0, nl)
        self.edits.append((at, at, 1, "".join(lines)))


def sequence_indent(text: str) -> int:
    """How far a file's list items (“- ”) stand in from their key, as its first list
    under a key shows (two spaces, as kxreport writes them, in a file without one)."""
    key = None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if stripped.startswith("- ") and key is not None:
            return max(indent - key, 0)
        key = indent if re.match(r"[^#\-\s][^#]*:\s*(#.*)?$", stripped) else None
    return 2  # no list yet: as kxreport writes them


# --- which counts are missing ----------------------------------------------------------


def _add_counts(data: Any) -> int:
    """Add to ``data`` (plain or round-trip) the counts its prose writes and ``counts``
    does not hold yet; how many were added."""
    found = list(_items(data))
    added = 0
    for (_, item, _), new in zip(found, _new_counts(found), strict=True):
        if not new:
            continue
        if not isinstance(item.get("counts"), list):
            item["counts"] = []
        item["counts"].extend(new)
        added += len(new)
    return added


def _new_counts(items: list[tuple[Loc, Any, str]]) -> list[list[dict[str, str]]]:
    """For each (location, mapping, prose key) of :func:`_items`, the ``counts`` entries
    for counts its prose writes and its counts and targets do not hold yet."""
    from .numbers import Keys, figure_entry, mentions, same_count
    from .values import Count

    taken = Keys()  # a thousand counts of the same thing get their keys in linear time
    taken.update(
        str(figure.get("key"))
        for _, item, _ in items
        for kind in ("counts", "targets")
        for figure in _list(item.get(kind))
        if isinstance(figure, dict) and figure.get("key") is not None
    )
    found: list[list[dict[str, str]]] = []
    for _, item, prose in items:
        new: list[dict[str, str]] = []
        found.append(new)
        text = item.get(prose)
        if not isinstance(text, str):
            continue
        recorded: list[Count] = []
        for figure in [*_list(item.get("counts")), *_list(item.get("targets"))]:
            try:
                recorded.append(Count.parse(figure.get("value")))
            except Exception:  # an invalid value is validate's business, not ours
                continue
        for mention in mentions(text):
            if any(same_count(mention.count, value) for value in recorded):
                continue
            entry = figure_entry(mention, taken)
            recorded.append(mention.count)
            if entry is not None:
                new.append(entry)
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _items(data: Any) -> Iterator[tuple[Loc, Any, str]]:
    """Every mapping of a year file with prose and counts, with its location and its
    prose's key: the overview, then each part's intro and its items (items → items …)."""
    if not isinstance(data, dict):
        return
    if isinstance(data.get("overview"), dict):
        yield ("overview",), data["overview"], "text"
    for i, section in enumerate(_list(data.get("sections"))):
        if isinstance(section, dict):
            yield ("sections", i), section, "intro"
            yield from _item_tree(section.get("items"), ("sections", i, "items"))


def _item_tree(items: Any, loc: Loc) -> Iterator[tuple[Loc, Any, str]]:
    for i, item in enumerate(_list(items)):
        if isinstance(item, dict):
            yield (*loc, i), item, "text"
            yield from _item_tree(item.get("items"), (*loc, i, "items"))
