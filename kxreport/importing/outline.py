"""Stage 4: the outline — overview, parts, items and closing — from numbering (typed or
Word's own), heading styles, bold and run-in openings, “一是……二是……” paragraphs, thematic
lead sentences, news paragraphs and Markdown lists; a last paragraph that looks ahead is the
closing. Every paragraph of the body lands somewhere: nothing is dropped here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..numbering import TOLERANT
from ..numbers import mentions
from ..readers import Block
from . import words
from .facts import honours_in, honours_within, parse_honours, record
from .imported import Context

_PART_MARK = re.compile(
    r"^第[一二三四五六七八九十]{1,2}部分\s*[：:、，.．]?\s*(?P<title>[^。；]{0,40})$"
)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def strip_number(text: str) -> str:
    for pattern in TOLERANT.values():
        m = pattern.match(text)
        if m and len(text) > m.end():
            return text[m.end() :]
    return text


def outline(
    ctx: Context, blocks: list[Block]
) -> tuple[list[str], list[dict[str, Any]], str | None]:
    """Overview, parts and closing. A summary in “第一部分 2023年工作总结 / 第二部分
    2024年工作计划” keeps the first as its parts and makes the second its next-year part,
    whose 一、二、 become items."""
    year = ctx.out.data.get("year")
    marks = {i: m["title"] for i, b in enumerate(blocks) if (m := _PART_MARK.match(b.full_text))}
    plan_at = next(
        (
            i
            for i, title in marks.items()
            if ctx.out.data.get("kind") == "summary"
            and _section_kind(title, "summary", year) == "next_year"
        ),
        None,
    )
    if plan_at is None:  # the marks stay in the text (a plan's “第一部分 总体要求”)
        return _finish(ctx, *_structure(ctx, blocks))
    main = [b for i, b in enumerate(blocks[:plan_at]) if i not in marks]
    overview, sections, closing = _structure(ctx, main)
    rest = [b for i, b in enumerate(blocks) if i > plan_at and i not in marks]
    opening, parts, plan_closing = _structure(ctx, rest)
    # a look ahead that ends the summary part leads into the plan part: it opens it
    plan: dict[str, Any] = {
        "title": marks[plan_at],
        "_paras": [*filter(None, [closing]), *opening],
    }
    plan["items"] = [_demoted(part, 1) for part in parts]
    sections.append(plan)
    return _finish(ctx, overview, sections, plan_closing)


def _finish(
    ctx: Context, overview: list[str], sections: list[dict[str, Any]], closing: str | None
) -> tuple[list[str], list[dict[str, Any]], str | None]:
    final = [_section(ctx, s, index) for index, s in enumerate(sections)]
    return overview, [s for s in final if s], closing


def _structure(
    ctx: Context, blocks: list[Block]
) -> tuple[list[str], list[dict[str, Any]], str | None]:
    entries = [_classify(ctx, b) for b in blocks]
    # paragraphs that open “一是……”, “二是……” in order enumerate: below any numbered level
    enumerated = [i for i, b in enumerate(blocks) if b.rows is None and _ENUM.match(b.full_text)]
    if len(enumerated) >= 2 and _ENUM.match(blocks[enumerated[0]].full_text)[1] == "一":  # type: ignore[index]
        below = max((e.level for e in entries if e.level is not None), default=0) + 1
        for i in enumerated:
            entries[i] = _enumerated(blocks[i], below)
    levels = sorted({e.level for e in entries if e.level is not None})
    overview: list[str] = []
    sections: list[dict[str, Any]] = []
    closing = None
    if not levels:
        overview, sections, closing = _flat(ctx, entries)
    else:
        top = levels[0]
        depth_of = {level: index for index, level in enumerate(levels)}
        current: dict[str, Any] | None = None
        stack: list[dict[str, Any]] = []  # the open items, outermost first
        depths: list[int] = []  # the depth of each (1 = an item of the part)
        for entry in entries:
            if entry.level is None and current is None:
                overview.append(entry.raw)
                continue
            if entry.level == top:
                current = {"title": entry.heading}
                if entry.text:
                    current["_paras"] = [entry.text]
                sections.append(current)
                stack, depths = [], []
                continue
            if current is None:  # an item before any part: a part without title
                current = {}
                sections.append(current)
            if entry.level is not None or entry.lead:
                # a numbered item closes the open items at its depth or deeper (“1.” after
                # “1.” is a sibling, even with no “（一）” above them); a run-in opening goes
                # under the innermost numbered item, beside an earlier run-in
                if entry.level is not None:
                    depth = min(depth_of[entry.level], 3)
                    heading = entry.heading
                else:
                    depth = (
                        depths[-1]
                        if depths and stack[-1].get("_lead")
                        else (depths[-1] + 1 if depths else 1)
                    )
                    depth, heading = min(depth, 3), entry.lead
                while depths and depths[-1] >= depth:
                    stack.pop()
                    depths.pop()
                item: dict[str, Any] = {"heading": heading}
                if entry.level is None:
                    item["_lead"] = True
                if entry.text:
                    item["_paras"] = [entry.text]
                (stack[-1] if stack else current).setdefault("items", []).append(item)
                stack.append(item)
                depths.append(depth)
                continue
            elif stack and parse_honours(entry.raw, ctx.short(), False):
                current.setdefault("_honours", []).append(entry.raw)
            elif stack:
                stack[-1].setdefault("_paras", []).append(entry.raw)
            else:
                current.setdefault("_paras", []).append(entry.raw)
        closing = _take_closing(ctx, sections)
    return overview, sections, closing


def _flat(
    ctx: Context, entries: list[_Entry]
) -> tuple[list[str], list[dict[str, Any]], str | None]:
    """A document without numbered headings. The first paragraph opens it. When two or
    more paragraphs open with a theme of two phrases (“坚持党建引领，锻造“红色科协”新高地。”),
    each opens a part, and the run-in pairs inside it (“提高站位，强化引领。”) are its
    items. Otherwise (a news article) the paragraphs are items in order, with their run-in
    openings as headings. Honours paragraphs go to the honours, a last paragraph that
    looks ahead is the closing."""
    if not entries:
        return [], [], None
    overview = [entries[0].raw]
    rest = entries[1:]
    closing = None
    if rest and not rest[-1].lead and _ahead(rest[-1].raw, ctx.out.data.get("year")):
        closing = rest.pop().raw

    def themed(entry: _Entry) -> bool:  # “坚持党建引领，锻造……新高地”
        return bool(entry.lead) and "，" in entry.lead

    themes = sum(1 for e in rest if themed(e))
    sections: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    for entry in rest:
        if not entry.lead and _all_honours(ctx, entry.raw):
            overview.append(entry.raw)  # the overview takes the own honours out
        elif themes >= 2 and themed(entry):
            current = {"title": entry.lead}
            sections.append(current)
            intro, pairs = _paired_leads(entry.text)
            if intro:
                current["_paras"] = [intro]
            for heading, text in pairs:
                current.setdefault("items", []).append({"heading": heading, "_paras": [text]})
        else:
            if not sections:
                sections.append(current)
            item: dict[str, Any] = {"_paras": [entry.text] if entry.text else []}
            if entry.lead:
                item["heading"] = entry.lead
            current.setdefault("items", []).append(item)
    return overview, sections, closing


def _all_honours(ctx: Context, para: str) -> bool:
    sentences = [s for s in re.split(r"(?<=。)", para) if s.strip()]
    return bool(sentences) and all(
        parse_honours(s, ctx.short(), True) is not None for s in sentences
    )


def _take_closing(ctx: Context, sections: list[dict[str, Any]]) -> str | None:
    """The last paragraph of the last part when it looks ahead (“2023年是……”,
    “下一步”, “新的一年”): in a summary it is the closing, not part of the last item."""
    if not sections:
        return None
    year = ctx.out.data.get("year")
    holder: dict[str, Any] = sections[-1]
    while holder.get("items"):
        holder = holder["items"][-1]
    paras = holder.get("_paras") or []
    if len(paras) < (2 if holder is not sections[-1] or holder.get("title") else 1):
        return None
    last = paras[-1]
    if _ahead(last, year):
        paras.pop()
        return last
    return None


def _section(ctx: Context, raw: dict[str, Any], index: int) -> dict[str, Any]:
    section: dict[str, Any] = {}
    title = raw.get("title")
    kind = _section_kind(title, ctx.out.data.get("kind"), ctx.out.data.get("year"))
    section["kind"] = kind
    if title:
        section["title"] = title
    if kind != "custom":
        ctx.out.notes[("sections", index, "kind")] = "按标题判断的类别"
    paras = raw.get("_paras") or []
    intro: list[str] = []
    # what a plan or a next-year part says in numbers is a target, not a count
    aim = "targets" if kind == "next_year" or ctx.out.data.get("kind") == "plan" else "counts"
    items = [_item(ctx, i, aim) for i in raw.get("items", [])]
    # the part's own paragraphs: honours sentences, then intro or a plain item
    honours, rest, _ = honours_in(ctx, paras, own=False, within=False) if paras else ([], [], None)
    plain: list[dict[str, Any]] = []
    for para in rest:
        if plain or mentions(para):
            plain.append(_item(ctx, {"_paras": [para]}, aim))  # it records its own
        else:
            intro.append(para)
            honours += [
                h
                for sentence in re.split(r"(?<=。)", para)
                if sentence
                for h in honours_within(sentence, ctx.short(), False)
            ]
    items = plain + items
    honours += [
        h for para in raw.get("_honours", []) for h in parse_honours(para, ctx.short(), False) or []
    ]
    if intro:
        section["intro"] = "\n\n".join(intro)
    if items:
        section["items"] = items
    if honours:
        section["honours"] = honours
    ctx.out.honours += len(honours)
    if not (intro or items or honours):
        return {}
    return section


def _item(ctx: Context, raw: dict[str, Any], aim: str = "counts") -> dict[str, Any]:
    item: dict[str, Any] = {}
    if raw.get("heading"):
        item["heading"] = raw["heading"]
    paras = [p for p in raw.get("_paras") or [] if p]
    honours: list[dict[str, Any]] = []
    if paras:  # honours sentences in any paragraph: an item's too
        honours, kept, _ = honours_in(ctx, paras, own=False)
        paras = kept or paras
        if not kept:
            honours = []  # an item of honours alone keeps its text
    if paras:
        item["text"] = "\n\n".join(paras)
        record(ctx, item, aim)
    if honours:
        item["honours"] = honours
        ctx.out.honours += len(honours)
    subs = [_item(ctx, s, aim) for s in raw.get("items", [])]
    if subs:
        item["items"] = subs
    return item


_ENUM = re.compile(r"^([一二三四五六七八九十]{1,2})是\s*[，,：:]?\s*")


def _enumerated(block: Block, level: int) -> _Entry:
    """“二是加强科普阵地建设。全年新建……”: its first sentence (or clause) heads it."""
    text = block.full_text
    m = _ENUM.match(text)
    assert m is not None
    rest = text[m.end() :]
    head, mark, tail = rest.partition("。")
    if mark and 2 <= len(head) <= 40:
        return _Entry(level, head, tail, raw=text)
    head, mark, tail = rest.partition("，")
    if mark and 2 <= len(head) <= 24:
        return _Entry(level, head, tail, raw=text)
    return _Entry(level, rest[:24].rstrip("，。；"), rest, raw=text)


def _classify(ctx: Context, block: Block) -> _Entry:
    entry = _classify_text(ctx, block)
    entry.raw = block.full_text
    return entry


def _classify_text(ctx: Context, block: Block) -> _Entry:
    text = block.full_text
    level = None
    for index, pattern in TOLERANT.items():
        m = pattern.match(text)
        if m and len(text) > m.end():
            level, text = index, text[m.end() :]
            break
    if level is None and block.style_level:
        level = block.style_level
    if level is None:
        if block.bold and len(text) <= 60:
            return _Entry(None, None, "", lead=text.rstrip("。"))
        if block.bold_lead and len(block.bold_lead) < len(text):
            lead = block.bold_lead
            rest = text[len(lead) :] if text.startswith(lead) else text
            return _Entry(
                None, None, rest.lstrip("。.：: "), lead=strip_number(lead).rstrip("。：:")
            )
        lead, rest = _run_in(text)
        if lead:
            return _Entry(None, None, rest, lead=lead)
        return _Entry(None, None, text)
    # a numbered or styled heading: alone on its line, or run in before the text
    if block.bold_lead and text.startswith(strip_number(block.bold_lead)):
        lead = strip_number(block.bold_lead)
        return _Entry(level, lead.rstrip("。：:"), text[len(lead) :].lstrip("。.：: "))
    if len(text) <= 60 and not re.search(r"。.", text):
        # a numbered sentence with counts (“1.面向青少年，举办科技创新大赛1次。”): its first
        # clause is the heading, the rest the text, so the counts are recorded
        head, comma, rest = text.partition("，")
        if (
            comma
            and re.search(r"[。；]$", text)
            and 4 <= len(head) <= 30
            and mentions(rest)
            and not mentions(head)
            and not _YEAR.search(head)
        ):
            return _Entry(level, head, rest)
        if level >= 3 and re.search(r"[。；]$", text) and mentions(text):
            # “2、创建10处农业科普示范基地。”: a numbered sentence of numbers is text (its
            # numbers recorded), kept with its number as written
            return _Entry(None, None, block.full_text)
        return _Entry(level, text.rstrip("。"), "")
    head, _, rest = text.partition("。")
    if rest and len(head) <= 60 and not _counts_sentence(head):
        return _Entry(level, head, rest)
    if level == 1:  # a part needs a title: its first clause
        head, _, rest = text.partition("，")
        if rest and len(head) <= 30:
            return _Entry(level, head, rest)
        return _Entry(level, text, "")
    # a numbered paragraph without a heading (“1、按照……，我们……”): kept as written
    return _Entry(None, None, block.full_text)


def _counts_sentence(head: str) -> bool:
    """Whether a numbered paragraph's first sentence is a sentence of counts, not its heading
    (“2、到目前为止，已经支出近5万元。”, “2、近1100人。”): its numbers must be recorded."""
    found = mentions(head)
    return bool(found) and ("，" in head or len(head) - sum(len(m.written) for m in found) < 3)


def _demoted(part: dict[str, Any], depth: int) -> dict[str, Any]:
    """A part (or item) of a plan inside a summary as an item one level down; below the
    third level, sub-items are folded into the text as run-in paragraphs."""
    item: dict[str, Any] = {"_paras": list(part.get("_paras") or [])}
    if part.get("title") or part.get("heading"):
        item["heading"] = part.get("title") or part.get("heading")
    subs = part.get("items") or []
    if depth >= 3:
        for sub in subs:
            folded = _demoted(sub, depth)
            head = folded.get("heading")
            text = "".join(folded["_paras"])
            item["_paras"].append(f"{head}。{text}" if head else text)
    elif subs:
        item["items"] = [_demoted(sub, depth + 1) for sub in subs]
    return item


@dataclass
class _Entry:
    level: int | None
    heading: str | None
    text: str
    lead: str = ""
    raw: str = ""  # the paragraph as written, for where a run-in opening is not a heading


# sentences that open with a time, a place or a person are news, not thematic headings
words.NEWS_OPENINGS = (
    "会上", "会议", "会中", "近日", "日前", "随后", "同时", "此外", "其中", "目前", "今年", "全年",
    "当天", "当日", "期间", "活动中", "截至", "据", "他", "她", "我们", "一年来", "下一步", "本次",
)  # fmt: skip
# “提高站位，强化引领。”: two short parallel phrases, a run-in heading inside a paragraph
_PAIRED_LEAD = re.compile(r"[^，。\d“”《》、：；]{2,8}，[^，。\d“”《》、：；]{2,8}")


def _run_in(text: str) -> tuple[str, str]:
    """A thematic opening without a number: a short first sentence, then the text
    (“规范制度，加强与科技工作者的联系。召开……”, “坚持党建引领，锻造“红色科协”新高地。……”)."""
    head, mark, rest = text.partition("。")
    if not mark or len(rest) < 20 or not 4 <= len(head) <= 24:
        return "", text
    if (
        re.search(r"\d|[《、：；]", head)
        or head.count("，") > 1
        or head.startswith(words.NEWS_OPENINGS)
    ):
        return "", text
    if "“" in head and "，" not in head:
        return "", text
    if "，" not in head and len(head) > 16:
        return "", text
    return head, rest


def _paired_leads(text: str) -> tuple[str, list[tuple[str, str]]]:
    """A paragraph of several run-in headings (“提高站位，强化引领。……夯实基础，筑牢堡垒。……”):
    the text before the first one, then (heading, text) pairs; no pairs unless there are two."""
    sentences = [s for s in re.split(r"(?<=。)", text) if s]
    starts = [
        i
        for i, sentence in enumerate(sentences)
        if _PAIRED_LEAD.fullmatch(sentence.rstrip("。")) and i + 1 < len(sentences)
    ]
    if len(starts) < 2:
        return text, []
    pairs = []
    for start, end in zip(starts, [*starts[1:], len(sentences)], strict=True):
        pairs.append((sentences[start].rstrip("。"), "".join(sentences[start + 1 : end])))
    return "".join(sentences[: starts[0]]), pairs


def _ahead(text: str, year: Any) -> bool:
    """A paragraph that looks to the next year (“2023年，我们将……”, “下一步，……”)."""
    nxt = isinstance(year, int) and text.startswith(f"{year + 1}年")
    future = bool(re.search(r"将|要|力争|计划|确保|继续", text[:60]))
    return (nxt or text.startswith(words.AHEAD_STARTS)) and (future or not mentions(text))


def _section_kind(title: str | None, kind: Any, year: Any) -> str:
    if not title:
        return "custom"
    if kind == "summary":
        nxt = isinstance(year, int) and f"{year + 1}年" in title
        ahead = ("下一步", "明年", "来年", "下半年")
        if (nxt or any(w in title for w in ahead)) and any(w in title for w in words.NEXT_YEAR):
            return "next_year"
    for section_kind, said in words.SECTION_WORDS:
        if section_kind == "problems" and kind == "plan":
            continue
        if any(w in title for w in said):
            return section_kind
    return "custom"
