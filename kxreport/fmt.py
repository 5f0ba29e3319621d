"""Rewriting a year file in place: traditional -> simplified characters, half-width
punctuation -> full-width, and the counts written in an item's prose added to its
``counts``.

The file goes through ruamel.yaml's round-trip mode, so comments, key order, quoting and
block styles stay as they were; only the characters of string values change. The file is
replaced atomically and only when the result reads back to the same data; a symlink stays
a symlink (its target is rewritten) and the file keeps its permissions.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content import to_simplified
from .errors import DataError, OutputError
from .files import read_regular, rewrite_in_place
from .source import MAX_BYTES, read_yaml


@dataclass
class Formatted:
    path: Path
    changed: int  # how many string values were converted (or counts added)


Conversion = Callable[[str], str]


def _yaml(block_seq_indent: int) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never re-wrap long lines
    yaml.indent(mapping=2, sequence=block_seq_indent + 2, offset=block_seq_indent)
    return yaml


def _dump(yaml: Any, data: Any) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


_NOT_TEXT = {"include", "units", "previous", "key", "url"}


def _convert(node: Any, convert: Conversion) -> int:
    """Convert every string value below ``node`` in place, keeping each scalar's type
    (paths and keys are left as they are)."""
    if isinstance(node, dict):
        pairs = list(node.items())
    elif isinstance(node, list):
        pairs = list(enumerate(node))
    else:
        return 0
    changed = 0
    for key, value in pairs:
        if key in _NOT_TEXT:
            continue
        if not isinstance(value, str):
            changed += _convert(value, convert)
            continue
        new = convert(value)
        if new != value:
            node[key] = new if type(value) is str else type(value)(new)
            changed += 1
    return changed


def simplify(path: Path) -> Formatted:
    """Convert traditional characters in the values of ``path`` to simplified, in place."""
    return _rewrite(path, lambda data: _convert(data, to_simplified))


def punctuate(path: Path) -> Formatted:
    """Half-width punctuation in the Chinese text of ``path`` made full-width, in place."""
    from .text import normalize_punctuation

    return _rewrite(path, lambda data: _convert(data, normalize_punctuation))


def add_counts(path: Path) -> Formatted:
    """Add a ``counts`` entry for each count written in prose (the overview's, a part's
    intro, an item's) and not yet recorded (the same extractor as ``import``), keeping
    everything else. A file ``validate`` rejects is not touched: the counts go where its
    structure says, so it must be right first."""
    return _rewrite(path, _add_counts, valid_only=True)


def _add_counts(data: Any) -> int:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from .numbers import figure_entry, mentions, same_count
    from .values import Count

    items = list(_items(data))
    taken = {
        str(figure.get("key"))
        for item, _ in items
        for kind in ("counts", "targets")
        for figure in (item.get(kind) or [])
        if isinstance(figure, dict) and figure.get("key") is not None
    }
    added = 0
    for item, prose in items:
        text = item.get(prose)
        if not isinstance(text, str):
            continue
        recorded: list[Count] = []
        for figure in [*(item.get("counts") or []), *(item.get("targets") or [])]:
            try:
                recorded.append(Count.parse(figure.get("value")))
            except Exception:  # an invalid value is validate's business, not ours
                continue
        new = []
        for mention in mentions(text):
            if any(same_count(mention.count, value) for value in recorded):
                continue
            entry = figure_entry(mention, taken)
            recorded.append(mention.count)
            if entry is not None:
                new.append(CommentedMap(entry))
        if not new:
            continue
        if not isinstance(item.get("counts"), list):
            item["counts"] = CommentedSeq()
        item["counts"].extend(new)
        added += len(new)
    return added


def _items(data: Any) -> Any:
    """Every mapping of a year file with prose and counts, with its prose's key: the
    overview, then each part's intro and its items (items → items …)."""
    if not isinstance(data, dict):
        return
    if isinstance(data.get("overview"), dict):
        yield data["overview"], "text"
    for section in data.get("sections") or []:
        if isinstance(section, dict):
            yield section, "intro"
            yield from _item_tree(section.get("items"))


def _item_tree(items: Any) -> Any:
    if not isinstance(items, list):
        return
    for item in items:
        if isinstance(item, dict):
            yield item, "text"
            yield from _item_tree(item.get("items"))


def _rewrite(path: Path, change: Callable[[Any], int], *, valid_only: bool = False) -> Formatted:
    """Apply ``change`` to the round-trip data of ``path`` (and take out any bidirectional
    control, in every mode) and replace the file atomically when something changed, the
    result is within the year file's size limit and it reads back as the changed data.
    ``valid_only``: refuse a file ``validate`` rejects (a rewrite that builds on its
    structure, like --counts)."""
    from .text import without_bidi_controls

    read = read_yaml(path)
    if not read.readable or read.source is None or read.repaired:
        raise DataError(read.diagnostics)
    if valid_only:
        from .loader import load

        errors = load(path).errors
        if errors:
            raise DataError(errors)
    newline = "\r\n" if "\r\n" in read.source.text else "\n"
    text = read.source.text.replace("\r\n", "\n")
    yaml = _yaml(sequence_indent(text))
    data = yaml.load(text)
    if _dump(yaml, data) != text:
        raise OutputError(
            f"{path}：无法在保留原有格式（缩进、注释、引号）的前提下改写，文件未修改；"
            "请先把缩进统一为两个空格"
        )
    changed = change(data)
    changed += _convert(data, without_bidi_controls)
    if changed:
        result = _dump(yaml, data)
        raw = read_regular(path, MAX_BYTES)
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        new = bom + result.replace("\n", newline).encode("utf-8")
        if len(new) > MAX_BYTES:
            raise OutputError(
                f"{path}：改写后的文件有 {len(new) / 1024 / 1024:.1f} MB，超过年度文件 "
                f"{MAX_BYTES // 1024 // 1024} MB 的上限（validate 会拒绝它），文件未修改；"
                "请先把文件拆成几个片段（include）"
            )
        if _plain_data(_read_back(result)) != _plain_data(data):
            raise OutputError(f"{path}：改写结果读回后与原数据不一致，文件未修改")
        rewrite_in_place(Path(path), new)
    return Formatted(Path(path), changed)


def sequence_indent(text: str) -> int:
    """How far a file's list items (“- ”) stand in from their key, in one pass over its
    lines (ruamel's own guess loads the whole file once more)."""
    import re

    key = None
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if stripped.startswith("- ") and key is not None:
            return max(indent - key, 0)
        key = indent if re.match(r"[^#\-\s][^#]*:\s*(#.*)?$", stripped) else None
    return 0


def _read_back(text: str) -> Any:
    """The data of ``text``, by the C parser when there is one (a round-trip load of a
    large file is slow, and only the data is compared)."""
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(text)


def _plain_data(node: Any) -> Any:
    """Plain data for comparison: dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): _plain_data(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain_data(v) for v in node]
    return str(node) if isinstance(node, str) else node
