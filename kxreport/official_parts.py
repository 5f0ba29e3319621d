"""The GB/T 9704 elements of an imported 红头 document: 版头 (份号, 密级, 紧急程度,
发文机关标志, 发文字号, 签发人), 附件说明, the annex pages, 附注 and 版记.

``take(blocks)`` removes them from the cleaned blocks of a source and returns them as year
file data, so that the importer reads the rest (title, body, signature) as before. What a
line does not clearly say is left in the text: an unknown line is never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from .readers import Block

_COPY_NUMBER = re.compile(r"^(?:份号\s*[：:]?\s*)?(?P<n>\d{1,6})$")
_SECRECY = re.compile(r"^(?P<s>(?:绝密|机密|秘密)(?:\s*★\s*\S{1,10})?)$")
_URGENCY = re.compile(r"^(?P<u>特急|加急)$")
# a mark: “长治市科学技术协会文件”, “中共××市科协党组文件”
_MARK = re.compile(r"^(?P<mark>[\u4e00-\u9fff（）()]{2,40}文件)$")
# 发文字号 in any of the brackets people type, with or without leading zeros
_NUMBER = re.compile(
    r"^(?P<code>[\u4e00-\u9fffA-Za-z]{1,20})\s*[〔［\[【（(]\s*(?P<year>\d{4})\s*[〕］\]】）)]"
    r"\s*第?(?P<seq>\d{1,5})\s*号"
)
_SIGNERS = re.compile(r"签\s*发\s*人\s*[：:]\s*(?P<names>.+)$")
_LABEL = re.compile(r"^附\s*件\s*(?P<n>\d{0,3})$")
_NOTE = re.compile(r"^附\s*件\s*[：:]\s*(?P<rest>.+)$")
_NOTE_ITEM = re.compile(r"^(?P<n>\d{1,3})\s*[.．、]\s*(?P<title>.+)$")
_ANNOTATION = re.compile(r"^[（(](?P<text>.{2,200})[）)]$")
# a 成文日期 on its own line (also in Chinese numerals): the importer's signature rule too
SIGN_DATE = re.compile(
    r"^(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日$"
)
_CC = re.compile(r"^抄\s*送\s*[：:]\s*(?P<names>.+?)[。.]?$")
_PRINTED = re.compile(
    r"^(?P<printer>.*?)\s*(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*印\s*发$"
)
_NAME_SEPARATORS = re.compile(r"[，、,；;]\s*|\s{2,}|\u3000+")
_PERSON_SEPARATORS = re.compile(r"[，、,；;\s\u3000]+")  # a person's name has no space
# a line of one or two names only: a further line of 签发人
_NAMES_ONLY = re.compile(r"^\s*[\u4e00-\u9fff·]{2,6}(?:[\s\u3000]+[\u4e00-\u9fff·]{2,6})?\s*$")


@dataclass
class Parts:
    """What ``take`` found, as year-file data."""

    dispatch: dict[str, Any] | None = None
    attachments: list[dict[str, str]] = field(default_factory=list)
    annex_tables: list[tuple[str, Block]] = field(default_factory=list)  # (annex title, table)
    annotation: str | None = None
    imprint: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)


def take(blocks: list[Block]) -> tuple[list[Block], Parts]:
    """The blocks without the official elements, and the elements."""
    parts = Parts()
    blocks = list(blocks)
    blocks = _imprint(blocks, parts)
    blocks = _annexes(blocks, parts)
    blocks = _annotation(blocks, parts)
    blocks = _note(blocks, parts)
    blocks = _masthead(blocks, parts)
    return blocks, parts


def _texts(block: Block) -> list[str]:
    if block.rows is not None:
        return [cell for row in block.rows for cell in dict.fromkeys(row) if cell]
    return [block.full_text]


def _names(text: str) -> list[str]:
    return [n.strip() for n in _NAME_SEPARATORS.split(text) if n.strip()]


def _imprint(blocks: list[Block], parts: Parts) -> list[Block]:
    """抄送 and “…印发” lines (or a table of them) at the very end."""
    found: dict[str, Any] = {}
    while blocks:
        lines = _texts(blocks[-1])
        matches = [(_CC.match(t), _PRINTED.match(t)) for t in lines]
        if not lines or not all(cc or printed for cc, printed in matches):
            break
        for cc, printed in matches:
            if cc:
                found.setdefault("cc", _names(cc["names"]))
            elif printed:
                if printed["printer"].strip():
                    found.setdefault("printer", printed["printer"].strip())
                found.setdefault(
                    "printed", f"{printed['y']}-{int(printed['m']):02d}-{int(printed['d']):02d}"
                )
        blocks.pop()
    if found:
        parts.imprint = found
    return blocks


def _annexes(blocks: list[Block], parts: Parts) -> list[Block]:
    """From the first lone “附件”/“附件1” after the body: each annex, its title on the next
    line, its content up to the next label."""
    labels = [
        i for i, b in enumerate(blocks) if i > 0 and b.rows is None and _LABEL.match(b.full_text)
    ]
    if not labels:
        return blocks
    start = labels[0]
    bounds = [*labels, len(blocks)]
    for at, end in pairwise(bounds):
        rest = blocks[at + 1 : end]
        title = ""
        if rest and rest[0].rows is None:
            title = rest.pop(0).full_text
        tables = [b for b in rest if b.rows is not None]
        paragraphs = [b.full_text for b in rest if b.rows is None]
        for table in tables:
            parts.annex_tables.append((title, table))
        if not tables and title:
            entry = {"title": title}
            if paragraphs:
                entry["text"] = "\n\n".join(paragraphs)
            parts.attachments.append(entry)
        elif paragraphs:
            parts.notes.append(f"附件“{title}”里表格以外的文字没有导入：{paragraphs[0][:30]}……")
    return blocks[:start]


def _annotation(blocks: list[Block], parts: Parts) -> list[Block]:
    """（联系人：…） on the line under the 成文日期."""
    if len(blocks) >= 2 and blocks[-1].rows is None and SIGN_DATE.match(blocks[-2].full_text):
        found = _ANNOTATION.match(blocks[-1].full_text)
        if found:
            parts.annotation = found["text"].strip()
            return blocks[:-1]
    return blocks


def _note(blocks: list[Block], parts: Parts) -> list[Block]:
    """附件说明 (“附件：1.……” and the names under it) just above the signature."""
    for index in range(len(blocks) - 1, max(len(blocks) - 40, 0) - 1, -1):
        block = blocks[index]
        found = _NOTE.match(block.full_text) if block.rows is None else None
        if not found:
            continue
        titles = [found["rest"]]
        end = index + 1
        while end < len(blocks) and blocks[end].rows is None:
            item = _NOTE_ITEM.match(blocks[end].full_text)
            if not item:
                break
            titles.append(blocks[end].full_text)
            end += 1
        names = [_strip_number(t) for t in titles]
        annexed = {t for t, _ in parts.annex_tables} | {a["title"] for a in parts.attachments}
        # a name in the note without an annex page: an attachment sent separately
        for name in names:
            if name and name not in annexed:
                parts.attachments.append({"title": name})
        return blocks[:index] + blocks[end:]
    return blocks


def _strip_number(text: str) -> str:
    found = _NOTE_ITEM.match(text)
    return (found["title"] if found else text).strip().rstrip("。；;")


def _masthead(blocks: list[Block], parts: Parts) -> list[Block]:
    """份号, 密级, 紧急程度, the mark, and 发文字号 (with 签发人) at the top."""
    found: dict[str, Any] = {}
    index = 0
    while index < len(blocks) and index < 8 and blocks[index].rows is None:
        text = blocks[index].full_text
        copy = _COPY_NUMBER.match(text)
        secrecy = _SECRECY.match(text)
        urgency = _URGENCY.match(text)
        mark = _MARK.match(text)
        number = _NUMBER.match(text) or _SIGNERS.match(text)
        if copy and "copy_number" not in found:
            found["copy_number"] = copy["n"].zfill(6)
        elif secrecy and "secrecy" not in found:
            found["secrecy"] = re.sub(r"\s+", "", secrecy["s"])
        elif urgency and "urgency" not in found:
            found["urgency"] = urgency["u"]
        elif mark and "mark" not in found:
            found["mark"] = mark["mark"]
        elif number and "mark" in found:
            _number_line(text, found, parts)
            index += 1
            if "number" not in found:
                index = _more_signers(blocks, index, found, parts)
            break
        else:
            break
        index += 1
    if "mark" not in found:
        return blocks  # without a mark there is no 版头: the lines stay as they were
    parts.dispatch = found
    return blocks[index:]


def _more_signers(blocks: list[Block], index: int, found: dict[str, Any], parts: Parts) -> int:
    """Several 签发人 two a line (7.2.4): lines of names after “签发人：…”, the last one
    with 发文字号. Taken only when that last line is there (a short title after a lone
    签发人 line stays a title); returns where the document goes on."""
    end = index
    while end < min(len(blocks), index + 4) and blocks[end].rows is None:
        text = blocks[end].full_text
        if _NUMBER.match(text):
            for block in blocks[index : end + 1]:
                _number_line(block.full_text, found, parts)
            return end + 1
        if not _NAMES_ONLY.match(text):
            break
        end += 1
    return index


def _number_line(text: str, found: dict[str, Any], parts: Parts) -> None:
    number = _NUMBER.match(text)
    if number:
        written = number.group(0)
        found["number"] = f"{number['code']}〔{number['year']}〕{int(number['seq'])}号"
        if found["number"] != re.sub(r"\s+", "", written):
            parts.notes.append(f"发文字号“{written}”按 GB/T 9704 改写为“{found['number']}”")
    rest = text[number.end() :] if number else text
    signers = _SIGNERS.search(rest)
    if signers:
        names = signers["names"]
    elif "signers" in found:  # a further line of names, under the first name
        names = rest
    else:
        return
    found.setdefault("signers", []).extend(n for n in _PERSON_SEPARATORS.split(names) if n)
