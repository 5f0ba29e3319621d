"""Stage 6: the year file as text — a modeline, where it came from, the lines that could
not be placed (kept as comments, never dropped), then the data with a comment above every
judged value — and where each source's year file goes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .imported import Imported

_PROSE = ("text", "intro", "closing", "notice")


def to_yaml(imported: Imported, source_name: str) -> str:
    """The year file: modeline, a header saying where it came from, the data with a
    comment above every guessed value."""
    from ..yamltext import scalar

    lines = [
        "# yaml-language-server: $schema=kxreport.schema.json",
        f"# 由 kxreport import 从“{_shown_name(source_name)}”导入。",
        "# 以“导入：”开头的注释是导入时的判断，请核对后删去；数字按原文写法记录在各条目的 counts 里。",
    ]
    for note in imported.table_notes:
        lines += ["# " + line for line in note.splitlines()]
    if imported.unplaced:
        lines.append("# 导入：以下原文没有放进年度文件（不像标题、正文或落款），请核对：")
        lines += ["#   " + _one_line(line) for line in imported.unplaced]

    # a short note on a one-line value goes at its end, others above it
    inline_notes = {
        path: _one_line(note)
        for path, note in imported.notes.items()
        if len(note) <= 24
        and _at(imported.data, path) is not None
        and not isinstance(_at(imported.data, path), dict | list)
    }

    def comment(path: tuple[Any, ...], indent: int) -> None:
        note = imported.notes.get(path)
        if note and path not in inline_notes:
            lines.append(" " * indent + "# 导入：" + _one_line(note))

    def value(node: Any, path: tuple[Any, ...], indent: int, key: str) -> list[str]:
        if isinstance(node, str) and key in _PROSE and _block_safe(node):
            pad = " " * (indent + 2)
            return [" |-"] + [pad + line if line else "" for line in node.split("\n")]
        return [" " + scalar(node) if node is not None else ""]

    def mapping(node: dict[str, Any], path: tuple[Any, ...], indent: int, first: str = "") -> None:
        prefix = first
        for key, item in node.items():
            comment((*path, key), indent)
            head = prefix or " " * indent
            prefix = ""
            if isinstance(item, dict) and not item:
                lines.append(f"{head}{key}: {{}}")
            elif isinstance(item, dict):
                lines.append(f"{head}{key}:")
                mapping(item, (*path, key), indent + 2)
            elif isinstance(item, list) and item and all(isinstance(i, dict) for i in item):
                lines.append(f"{head}{key}:")
                for index, element in enumerate(item):
                    comment((*path, key, index), indent + 2)
                    mapping(element, (*path, key, index), indent + 4, " " * (indent + 2) + "- ")
            elif isinstance(item, list):
                lines.append(f"{head}{key}: [{', '.join(_flow(i) for i in item)}]")
            else:
                rendered = value(item, (*path, key), indent, key)
                inline = inline_notes.get((*path, key))
                tail = f"   # 导入：{inline}" if inline else ""
                lines.append(f"{head}{key}:{rendered[0]}".rstrip() + tail)
                lines.extend(rendered[1:])

    mapping(imported.data, (), 0)
    return "\n".join(lines) + "\n"


def _flow(value: Any) -> str:
    """An item of a ``[a, b]`` list: quoted when it holds a character that ends an item
    there (“，” is fine; “,”, “[”, “]”, “{”, “}” are not)."""
    from ..yamltext import scalar

    text = scalar(value)
    if isinstance(value, str) and text == value and any(c in value for c in ",[]{}"):
        return json.dumps(value, ensure_ascii=False)
    return text


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _shown_name(name: str) -> str:
    """A file's name as the year file's first comment says it: a character no year file may
    hold (a control, a byte the file system's encoding could not read, a bidirectional
    control) shown as U+FFFD, so that any name gives a file that reads back."""
    from ..text import BIDI_CONTROLS, FORBIDDEN_CHARS

    return _one_line(BIDI_CONTROLS.sub("\ufffd", FORBIDDEN_CHARS.sub("\ufffd", name)))


def _block_safe(text: str) -> bool:
    """Whether a literal block keeps ``text`` exactly (no leading spaces, tabs or
    characters YAML would escape)."""
    return (
        all(
            line == line.strip() and all(ch.isprintable() for ch in line)
            for line in text.split("\n")
        )
        and not text.startswith("\n")
        and text == text.strip()
    )


def expand_sources(sources: list[Path]) -> list[Path]:
    """A folder given as a source stands for the materials in it (every file import can
    read, in name order; not its subfolders), so a folder imports in one call."""
    from ..readers import SUFFIXES

    found: list[Path] = []
    for source in sources:
        if source.is_dir():
            found += sorted(
                p for p in source.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
            )
        else:
            found.append(source)
    return found


def outputs_for(sources: list[Path], output: Path | None, *, force: bool) -> dict[Path, Path]:
    """Where each source's year file goes: ``-o FILE`` for one source, ``-o FOLDER`` (or
    beside each source) for several, always ``.yaml``; two sources never share an output
    and no source is overwritten."""
    from ..errors import UsageError
    from ..readers import SUFFIXES

    if not sources:
        raise UsageError("请给出要导入的材料")
    # -o names a year file when it ends in .yaml/.yml, else a folder (made when missing)
    folder = output is not None and (
        output.is_dir() or output.suffix.lower() not in (".yaml", ".yml")
    )
    if folder and output is not None and output.exists() and not output.is_dir():
        raise UsageError(
            f"-o {output} 是一个已有的文件，不是文件夹也不是 .yaml 年度文件："
            "请写年度文件名（例如 -o 2023.yaml）或文件夹（例如 -o counties/）"
        )
    if output is not None and not folder and len(sources) > 1:
        raise UsageError("导入多份材料时 -o 应是文件夹，每份材料写一个年度文件")
    targets: dict[Path, Path] = {}
    seen: dict[Path, Path] = {}
    for source in sources:
        if source.suffix.lower() not in SUFFIXES:
            raise UsageError(
                f"{source}：不能导入“{source.suffix or '无扩展名'}”文件；可以导入 "
                + "、".join(SUFFIXES)
            )
        if output is None:
            target = source.with_suffix(".yaml")
        elif folder:
            target = output / (source.stem + ".yaml")
        else:
            target = output
        key = target.resolve()
        if key in seen:
            raise UsageError(f"{seen[key]} 和 {source} 会写到同一个年度文件 {target}：请分别导入")
        if key == source.resolve():
            raise UsageError(f"{source}：输出会覆盖材料本身")
        seen[key] = source
        targets[source] = target
    if folder and output is not None:
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a file where a folder of the path should be, no permission
            from ..errors import OutputError
            from ..files import reason

            why = "已有同名的文件" if isinstance(exc, FileExistsError) else reason(exc)
            raise OutputError(f"无法创建输出文件夹 {output}：{why}") from None
    return targets


def refusals(
    planned: dict[Path, list[tuple[Path, str, str]]], sources: list[Path], *, force: bool
) -> dict[Path, str]:
    """Why a source's year files may not be written (in Chinese), for each source that may
    not: one of them would land on a file another source of the batch writes, on a source,
    or (without --force) on an existing file. A refused source writes none of its files."""
    owners: dict[Path, list[Path]] = {}
    for source, plans in planned.items():
        for output, _, _ in plans:
            owners.setdefault(output.resolve(), []).append(source)
    inputs = {s.resolve() for s in sources}
    refused: dict[Path, str] = {}
    for source, plans in planned.items():
        for output, _, _ in plans:
            others = [o for o in owners[output.resolve()] if o != source]
            if others:
                refused[source] = (
                    f"{output} 也是 {others[0]} 的导入结果：两份材料不会写进同一个文件，"
                    "请分别导入到不同的文件夹"
                )
            elif output.resolve() in inputs:
                refused[source] = f"{output} 是要导入的材料本身：不会覆盖它"
            elif output.exists() and not force:
                refused[source] = f"{output} 已经存在：不会覆盖它（确实要覆盖请加 --force）"
            if source in refused:
                break
    return refused


def summary_line(imported: Imported) -> str:
    """What was found and guessed, in one line."""
    found = [
        f"{imported.parts} 个部分",
        f"{imported.items} 个条目",
        f"{imported.counts} 个数字（正文共 {imported.numbers} 个）",
        f"{imported.honours} 项荣誉",
    ]
    if imported.dropped:
        found.append(f"删去网页杂项 {imported.dropped} 行")
    if imported.unplaced:
        found.append(f"{len(imported.unplaced)} 行没有放进年度文件（写在文件开头的注释里）")
    guessed = "；判断：" + "、".join(imported.guessed) if imported.guessed else ""
    missing = [note for path, note in imported.notes.items() if "请填写" in note]
    todo = f"；待填写 {len(missing)} 处（见文件中的“# 导入：”注释）" if missing else ""
    return "找到 " + "、".join(found) + guessed + todo
