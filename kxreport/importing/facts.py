"""Stage 5: the facts of the text — every number of an item's text as a count (or a
target), the document's indicator tables, and the honours sentences.

An indicator table (序号 | 指标 | 数值) names the figures: a number of the text that is
also in the table takes the table's label; the table's other rows are recorded too, so a
table adds counts and never filters them."""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from ..numbers import figure_entry, mentions
from ..readers import Block
from ..values import Count
from .imported import Context

_HONOUR = re.compile(
    r"^(?:(?:\d{4}年|今年|全年|一年来)[，,]?)?(?P<who>[^，。；]{0,120}?)(?:先后|还|也|分别)?被"
    r"(?P<by>[^“”。；]{2,200}?|)(?:等部门和单位|等部门|等单位|等)?"
    r"(?P<verb>授予|评为|确定为|设立为|命名为|认定为|表彰为|评定为|列为)"
    r"(?P<names>(?:“[^“”]{2,60}”[、，\s]*)+|[^“”。；，]{4,200}?)(?:等)?(?:荣誉称号|荣誉|称号|奖项)?$"
)


def honours_in(
    ctx: Context, paras: list[str], *, own: bool, within: bool = True
) -> tuple[list[dict[str, Any]], list[str], str | None]:
    """Honours sentences out of paragraphs; what is left; the standing sentence."""
    honours: list[dict[str, Any]] = []
    rest: list[str] = []
    standing = None
    short = ctx.short()
    for para in paras:
        sentences = [s for s in re.split(r"(?<=。)", para) if s]
        kept: list[str] = []
        found_here: list[dict[str, Any]] = []
        for sentence in sentences:
            parsed = parse_honours(sentence, short, own)
            if parsed is None:
                kept.append(sentence)
                # honours said inside a sentence about more: recorded, the sentence kept
                if within:
                    honours += honours_within(sentence, short, own)
            else:
                found_here += parsed
        after = []  # sentences after the last honours sentence: the standing
        while (
            found_here and own and kept and kept[-1] is sentences[len(sentences) - len(after) - 1]
        ):
            after.insert(0, kept.pop())
        if after and standing is None and len(after) == 1 and len(after[0]) <= 80:
            standing = after[0].rstrip("。")
        else:
            kept += after
        honours += found_here
        if kept:
            rest.append("".join(kept))
    if own:
        ctx.out.honours += len(honours)
    return honours, rest, standing


def _column(header: list[str], pattern: str, default: int | None) -> int | None:
    return next((i for i, cell in enumerate(header) if re.search(pattern, cell)), default)


def read_figures(ctx: Context, caption: str, table: Block) -> None:
    """An indicator table (序号 | 指标 | [单位 |] 数值 …) names the document's figures: its
    rows are kept (counts, or targets for a 目标 table) for ``record`` and ``table_rows``."""
    rows = table.rows or []
    if len(rows) < 2 or len(rows[0]) < 2:
        return
    header = rows[0]
    said = " ".join(header)
    if not re.search("指标|目标|项目", said) or ("完成" in said and "目标" in said):
        return  # not an indicator table; or 计划指标完成情况: last year's targets, derived
    name = _column(header, r"指标|项目|名称|内容", 1 if len(header) > 2 else 0)
    value = _column(header, r"数值|完成数|完成|数量|数据|合计|总数|目标值|值$", len(header) - 1)
    unit = _column(header, r"^单位$|计量单位", None)
    if name is None or value is None or name == value:
        return
    kind = "targets" if re.search(r"目标|计划", said) else "counts"
    for row in rows[1:]:
        if len(row) <= max(name, value):
            continue
        label, number = row[name], row[value]
        if not label or number in ("", "—", "-", "/"):
            continue
        if (
            unit is not None
            and unit < len(row)
            and row[unit]
            and not re.search(r"[^\d.,]$", number)
        ):
            number += row[unit]
        ctx.figures.append((kind, label, number))
        ctx.had_table = True


def table_note(ctx: Context, caption: str, table: Block) -> None:
    rows = table.rows or []
    header = " ".join(rows[0]) if rows else ""
    if "指标" in header or "目标" in header:
        ctx.out.data["indicator_table"] = True
        ctx.out.table_notes.append(
            f"原文的表格“{header[:30]}”（{len(rows)} 行）是指标表：由 counts 和 indicator_table 重新生成"
        )
        return
    shown = ["原文有一个表格（年度文件没有表格字段，未导入；需要时把数字写进对应条目）："]
    shown += ["  " + " | ".join(row) for row in rows[:50]]
    if len(rows) > 50:
        shown.append(f"  ……（共 {len(rows)} 行）")
    ctx.out.table_notes.append("\n".join(shown))


def record(
    ctx: Context, holder: dict[str, Any], aim: str = "counts", *, targets: bool = True
) -> None:
    """Every number written in the holder's text, as ``counts`` (or ``targets``) entries; a
    number that is also in the document's indicator table takes the table's name and kind (a
    holder without targets keeps a target row's number as a count)."""
    found: dict[str, list[dict[str, Any]]] = {"counts": [], "targets": []}
    for mention in mentions(holder["text"]):
        kind, label = aim, mention.label
        row = _figure_row(ctx, mention) if ctx.figures else None
        if row is not None:  # the document's own indicator table names it
            kind, label = row
        elif ctx.table_is_counts and ctx.had_table:
            continue
        kind = kind if targets else "counts"
        entry = figure_entry(mention, ctx.keys, label)
        if entry is not None:
            found[kind].append(entry)
    for kind, figures in found.items():
        if figures:
            holder[kind] = figures
            ctx.out.counts += len(figures)


def table_rows(ctx: Context) -> dict[str, list[dict[str, Any]]]:
    """The indicator-table rows no number of the text matched: counts (or targets) of their
    own, so a table adds what it says and nothing of it is lost."""
    found: dict[str, list[dict[str, Any]]] = {"counts": [], "targets": []}
    for index, (kind, label, value) in enumerate(ctx.figures):
        if index in ctx.figures_used:
            continue
        for mention in mentions(value):
            entry = figure_entry(mention, ctx.keys, label)
            if entry is not None:
                found[kind].append(entry)
                break
    ctx.figures.clear()
    ctx.figure_index.clear()
    ctx.figures_indexed = 0
    ctx.figures_used.clear()
    return {k: v for k, v in found.items() if v}


def _figure_row(ctx: Context, mention: Any) -> tuple[str, str] | None:
    """The indicator-table row of a count in the text, used once: the first row left that
    says the same count (``numbers.same_count``: a row without a unit matches any unit).
    Each row is read once and looked up by its count, so a table of thousands of rows
    against thousands of numbers costs no more per number than a short one."""
    _index_figures(ctx)
    found = mention.count
    queues = [
        queue
        for unit in dict.fromkeys((found.unit, ""))
        if (queue := ctx.figure_index.get((found.value, found.precision, unit)))
    ]
    if not queues:
        return None
    index = min(queues, key=lambda queue: queue[0]).popleft()  # the first in table order
    ctx.figures_used.add(index)
    kind, label, _ = ctx.figures[index]
    return kind, label


def _index_figures(ctx: Context) -> None:
    """Rows added to ``figures`` since the last call, read into ``figure_index``."""
    for index in range(ctx.figures_indexed, len(ctx.figures)):
        try:
            count = Count.parse(ctx.figures[index][2])
        except ValueError:
            continue  # not a count: never matched, kept as the table wrote it
        key = (count.value, count.precision, count.unit)
        ctx.figure_index.setdefault(key, deque()).append(index)
    ctx.figures_indexed = len(ctx.figures)


# “（先后）荣获/获得/获评 A、B 等荣誉”: the receiver is the subject
_ACTIVE = re.compile(
    r"^(?:(?:\d{4}年(?:度)?|今年|全年|一年来)[，,]?)?(?P<who>[^，。；“”]{0,40}?)"
    r"(?:先后|还|也|分别|多次|再次|连续[^，。；]{1,4}|均)?(?P<verb>荣获|获得|获评)"
    r"(?P<names>[^。；]{4,300}?)(?:等)?(?:多项|各类)?(?:荣誉称号|荣誉|称号|殊荣|奖项|集体荣誉)?$"
)
# what an honour's name ends with, when it is not in quotation marks
_HONOUR_NAME = re.compile(
    r"(?:单位|集体|先进|个人|示范[县市区镇村街道校基地点]*|基地|奖|称号|标兵|模范|五星级\S{0,6}|"
    r"星级\S{0,6}|5A级\S{0,6}|站点?|试点(?:城市|县|单位)?|城市|组织|协会|学会|团队|活动|科协|"
    r"先进典型|\S{0,8}文明\S{0,4})$"
)


def _names(text: str) -> list[str] | None:
    """The honours of a list: quoted (“A”“B”), or plain names parted by 、/和/及/，, each
    ending the way an honour's name does; None when any part is not a name."""
    text = text.strip("，、 ")
    quoted = re.findall(r"“([^“”]{2,60})”", text)
    if quoted and not re.sub(r"“[^“”]*”|[、，和及与\s]|等", "", text):
        return quoted
    parts = [p.strip() for p in re.split(r"[、，]|和(?=[^、，]{4,})|及", text) if p.strip()]
    if not parts or any(
        not 4 <= len(p) <= 40
        or not _HONOUR_NAME.search(p.strip("“”"))
        or re.search(r"[，。；：]", p)
        for p in parts
    ):
        return None
    return [p.strip("“”") if p.count("“") == 1 and p.startswith("“") else p for p in parts]


def _active(
    sentence: str, short: str | None, own: bool, subject: str = ""
) -> list[dict[str, Any]] | None:
    m = _ACTIVE.match(sentence)
    if m is None:
        return None
    names = _names(m["names"])
    if not names:
        return None
    who = (m["who"] or "").strip("，、 ") or subject
    mine = _mine(who, short)
    found = []
    for name in names:
        honour: dict[str, Any] = {"name": name, "verb": m["verb"]}
        if not (mine and own) and who:
            honour["recipients"] = [r for r in who.split("、") if r] or [who]
        found.append(honour)
    return found


def _mine(who: str, short: str | None) -> bool:
    mine = not who or who in {short, "市科协", "县科协", "区科协", "我会", "本会", "我单位", "我们"}
    return mine or (short is not None and short.endswith(who) and who.endswith("科协"))


def parse_honours(sentence: str, short: str | None, own: bool) -> list[dict[str, Any]] | None:
    """The honours of one sentence, or None if any part of it is not an honours clause.

    Clauses are parted by “；” and “，”; a clause may go on with the subject before it
    (“我市被A确定为“X”，被B设立为“Y””), a subject may stand before its own comma
    (“吉县科协……活动、浮山县科协……活动，被中国科协评为“……””), and the receiver may be the
    subject (“市科协先后获得A、B等荣誉”)."""
    body = sentence.rstrip("。").strip()
    honours: list[dict[str, Any]] = []
    subject = ""
    pieces = [p for p in re.split(r"[，；]", body) if p.strip()]
    for index, piece in enumerate(pieces):
        m = _HONOUR.match(piece) if "被" in piece else None
        if m is not None:
            who = (m["who"] or "").strip("，、 ") or subject
            found = _honours_of(m, who, short, own)
            if not found:
                return None
            subject = who
            honours += found
            continue
        active = _active(piece, short, own, subject)
        if active is not None:
            honours += active
            continue
        if index == 0 and len(pieces) > 1 and "被" not in piece and len(piece) <= 120:
            subject = re.sub(r"^(?:\d{4}年(?:度)?|今年|全年|一年来)[，,]?", "", piece).strip()
            continue
        return None
    return honours or None


def honours_within(sentence: str, short: str | None, own: bool) -> list[dict[str, Any]]:
    """The honours clauses of a sentence that says more than honours (“……成效显著，荣获
    全国科普日优秀组织单位。”): recorded with ``in_text``, since the sentence stays as written."""
    found: list[dict[str, Any]] = []
    for piece in re.split(r"[，；]", sentence.rstrip("。").strip()):
        m = _HONOUR.match(piece) if "被" in piece else None
        honours = _honours_of(m, (m["who"] or "").strip("，、 "), short, own) if m else None
        if honours is None and "被" not in piece:
            honours = _active(piece, short, own)
        for honour in honours or []:
            found.append({**honour, "in_text": True})
    return found


def _honours_of(m: re.Match[str], who: str, short: str | None, own: bool) -> list[dict[str, Any]]:
    names = _names(m["names"]) or []
    by = [b for b in re.split(r"、", m["by"]) if b]
    mine = _mine(who, short)
    found = []
    for index, name in enumerate(names):
        honour: dict[str, Any] = {"name": name}
        if by and (index == 0 or not (mine and own and m["verb"] == "授予")):
            honour["by"] = by if len(by) > 1 else by[0]
        if not (mine and own) and who.strip("、 "):
            honour["recipients"] = [r for r in who.split("、") if r]
        if m["verb"] != "授予":
            honour["verb"] = m["verb"]
        found.append(honour)
    return found
