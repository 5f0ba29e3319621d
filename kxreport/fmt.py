"""Rewriting a year file in place: traditional -> simplified characters.

The file goes through ruamel.yaml's round-trip mode, so comments, key order, quoting and
block styles stay as they were; only the characters of string values change. The file is
replaced atomically and only when the result reads back to the same data; a symlink stays
a symlink (its target is rewritten) and the file keeps its permissions.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .content import to_simplified
from .errors import DataError, OutputError
from .files import read_regular, rewrite_in_place
from .loader import MAX_BYTES, read_yaml


@dataclass
class Formatted:
    path: Path
    changed: int  # how many string values were converted


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


def _convert(node: Any) -> int:
    """Convert every string value below ``node`` in place, keeping each scalar's type."""
    if isinstance(node, dict):
        pairs = list(node.items())
    elif isinstance(node, list):
        pairs = list(enumerate(node))
    else:
        return 0
    changed = 0
    for key, value in pairs:
        if not isinstance(value, str):
            changed += _convert(value)
            continue
        new = to_simplified(value)
        if new != value:
            node[key] = new if type(value) is str else type(value)(new)
            changed += 1
    return changed


def simplify(path: Path) -> Formatted:
    """Convert traditional characters in the values of ``path`` to simplified, in place."""
    from ruamel.yaml.util import load_yaml_guess_indent

    read = read_yaml(path)
    if not read.readable or read.source is None:
        raise DataError(read.diagnostics)
    newline = "\r\n" if "\r\n" in read.source.text else "\n"
    text = read.source.text.replace("\r\n", "\n")
    _, _, block_seq_indent = load_yaml_guess_indent(text)
    yaml = _yaml(block_seq_indent or 0)
    data = yaml.load(text)
    if _dump(yaml, data) != text:
        raise OutputError(
            f"{path}：无法在保留原有格式（缩进、注释、引号）的前提下改写，文件未修改；"
            "请先把缩进统一为两个空格"
        )
    changed = _convert(data)
    if changed:
        result = _dump(yaml, data)
        if _plain_data(yaml.load(result)) != _plain_data(data):
            raise OutputError(f"{path}：转换结果读回后与原数据不一致，文件未修改")
        raw = read_regular(path, MAX_BYTES)
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        rewrite_in_place(Path(path), bom + result.replace("\n", newline).encode("utf-8"))
    return Formatted(Path(path), changed)


def _plain_data(node: Any) -> Any:
    """Plain data for comparison: dicts, lists and scalars."""
    if isinstance(node, dict):
        return {str(k): _plain_data(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain_data(v) for v in node]
    return str(node) if isinstance(node, str) else node
