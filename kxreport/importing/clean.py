"""Stage 1 after reading: the source's blocks as clean text, page furniture out.

Every line is simplified, its punctuation made full-width and its pinyin notes dropped
(“科協(xié)” → 科协). Page furniture is known by its shape (``words.FURNITURE_*``), wherever on
the page it stands: nav bars, breadcrumbs, mastheads, bylines, 来源/点击/责编 lines, 文库 and
范文 site blurbs; a news dateline (“某网8月4日讯”) is cut from the paragraph it opens. What
furniture says of the page (its publication date, its source) is kept for ``source``; the
numbers in furniture never reach the text. A page of several samples is split into one
list of blocks per sample (the site's blurb belongs to none)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..readers import Block
from ..text import FORBIDDEN_CHARS, normalize_punctuation, without_bidi_controls
from . import words

_LABELS = "|".join(sorted(map(re.escape, words.FURNITURE_LABELS), key=len, reverse=True))
_LABEL = re.compile(rf"^(?:{_LABELS})\s*(?:[：:]|\s|$)", re.IGNORECASE)
_NOTICES = re.compile("|".join(map(re.escape, words.FURNITURE_NOTICES)), re.IGNORECASE)
_WORDS = re.compile("|".join(map(re.escape, words.FURNITURE_WORDS)), re.IGNORECASE)
_SHAPES = [re.compile(s, re.IGNORECASE) for s in words.FURNITURE_SHAPES]
_BYLINE = re.compile(words.BYLINE)
_DATELINE = re.compile(words.DATELINE)
_MARK_END = re.compile(words.SAMPLE_MARK_END)
_MARK_START = re.compile(words.SAMPLE_MARK_START)
_MARK_ALONE = re.compile(words.SAMPLE_MARK_ALONE)
_PUBLISHED = re.compile(
    r"(?P<date>(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
)
_SOURCE_NAME = re.compile(r"来源\s*[：:]\s*(?P<name>[^\s　|｜]{2,30})")
_PUBLISHER = re.compile(
    r"(?:发布机构|发布单位|主办单位|供稿单位)\s*[：:]\s*(?P<name>[^\s　|｜]{2,30})"
)
_PINYIN = re.compile(
    r"(?<=[\u4e00-\u9fff])\s?[（(]\s*[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹ][a-zü]*\s*[）)]"
)
_LOST_BREAK = re.compile(
    r"(?:\s+|(?<=如下：))(?=(?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[）)]|\d{1,2}[、．.](?!\d))\S)"
)
_LOST_HEADING = re.compile(
    r"((?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[）)]|\d{1,2}[、．.])[^\s。]{2,40})\s+"
)
_SIGN_LIKE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def clean(text: str) -> str:
    """Simplified characters, full-width punctuation, single spaces, no pinyin notes."""
    from ..text import to_simplified

    # characters a year file cannot hold (controls, lone surrogates) are not text, nor are
    # the controls that reorder what a reader sees
    text = without_bidi_controls(FORBIDDEN_CHARS.sub("", text))
    text = _PINYIN.sub("", text.replace("\u3000", " ").replace("\xa0", " "))
    text = to_simplified(text)
    text = re.sub(r"[ \t]+", " ", text).strip()
    # a space between a number and a Chinese word is an artefact of extraction (“开展活动6 次”)
    # (not before a heading's number: “…工作情况 1、认真做好……” lost its line break there)
    text = re.sub(
        r"(?<=\d) (?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff]) (?=\d(?!\d?[、．.]\D))", "", text
    )
    # a half-width full stop ending a Chinese sentence (“开展活动30场.参与……”)
    text = re.sub(r"(?<=[\u4e00-\u9fff）”])\.(?=[\u4e00-\u9fff“（]|\s|$)", "。", text)
    return normalize_punctuation(text)


@dataclass
class Cleaned:
    """The blocks that are the document, and what the furniture said of the page."""

    blocks: list[Block]
    dropped: int = 0
    published: dict[str, str] = field(default_factory=dict)  # date, name
    dropped_lines: list[str] = field(default_factory=list)

    @property
    def template_site(self) -> bool:
        """Whether the page is a 范文 or 文库 site's (known by its furniture)."""
        return any(w in line for line in self.dropped_lines for w in words.TEMPLATE_SITE)


def furniture(text: str, published: dict[str, str] | None = None) -> bool:
    """Whether a cleaned line is page furniture; what it says of the page goes to
    ``published``."""
    seen = published if published is not None else {}
    if text.startswith("![") or re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", text):
        return True
    date = _PUBLISHED.match(text)
    if date:
        rest = text[date.end() :]
        said = not rest.strip() or _LABEL.search(rest.strip()) or _WORDS.search(rest)
        if (said or "来源" in rest) and not _SIGN_LIKE.match(text):  # a lone 成文日期 signs
            _note(text, seen, date)
            return True
    if len(text) > 200:
        return False
    if _LABEL.match(text) or _NOTICES.search(text) or any(s.search(text) for s in _SHAPES):
        _note(text, seen, None)
        return True
    if len(text) <= 120 and _WORDS.search(text) and not re.search(r"。.", text):
        _note(text, seen, None)
        return True
    return bool(len(text) <= 30 and _BYLINE.match(text) and not _SIGN_LIKE.match(text))


# a 文库 site labels each page of a document with the document's name: “2011年维桥乡科普
# 工作计划__第1页”, “街道科普年度工作计划_4篇(共4页)2500字.docx_第1页”
_PAGE_LABEL = re.compile(r"^(?P<name>.{4,80}?)(?:\.(?:docx?|wps|pdf|pptx?))?_+第\s*\d+\s*页$")
_LABEL_TAIL = re.compile(r"[_\s]*(?:\d+篇)?[（(]?(?:共\s*\d+\s*页)?[)）]?(?:\d+字)?$")


def page_label(text: str) -> str | None:
    """The document's name a 文库 page label carries, or None."""
    m = _PAGE_LABEL.match(text)
    if m is None:
        return None
    name = _LABEL_TAIL.sub("", m["name"].removesuffix(".docx").removesuffix(".doc")).strip("_ ")
    # a site may label pages with another document's name: only one of this kind counts
    if len(name) < 4 or not re.search(r"科协|科普|科技|协会|学会|工作|总结|计划|要点", name):
        return None
    return name


def _note(text: str, seen: dict[str, str], date: re.Match[str] | None) -> None:
    label = page_label(text)
    if label:
        seen.setdefault("page_title", label)
    name = _SOURCE_NAME.search(text)
    if name:
        seen.setdefault("name", name["name"])
    publisher = _PUBLISHER.search(text)
    if publisher:
        seen.setdefault("publisher", publisher["name"])
    if date is None:
        dated = re.search(r"(?:发布|更新|发表|上传)?(?:时间|日期)\s*[：:]\s*", text)
        date = _PUBLISHED.search(text, dated.end()) if dated else None
    if date is not None:
        seen.setdefault("date", iso(date["date"]))


def iso(text: str) -> str:
    parts = re.findall(r"\d+", text)
    if len(parts) >= 3:
        return f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return text


def clean_blocks(blocks: list[Block]) -> Cleaned:
    """The blocks with clean text, furniture dropped (counted), datelines cut."""
    out = Cleaned([])
    for block in blocks:
        if block.rows is not None:
            block.rows = [[clean(c) for c in row] for row in block.rows]
            out.blocks.append(block)
            continue
        block.text = clean(block.text)
        block.bold_lead = clean(block.bold_lead)
        block.number = clean(block.number)
        text = block.full_text
        if not text:
            continue
        if furniture(text, out.published):
            out.dropped += 1
            out.dropped_lines.append(text)
            continue
        out.blocks.append(block)
    # text extracted without its line breaks (文库 pages): a long paragraph is parted where a
    # space stands before a heading's number (“…如下： 一、服务大局……”)
    parted: list[Block] = []
    for block in out.blocks:
        if block.rows is None and len(block.text) > 120 and _LOST_BREAK.search(block.text):
            pieces = [p.strip() for p in _LOST_BREAK.split(block.text) if p.strip()]
            for number, piece in enumerate(pieces):
                # “一、服务大局，推进产业发展 组织开展……”: the heading ends at the space (not
                # in the first piece, whose “1、” may be a 文库 page's chunk mark)
                head = _LOST_HEADING.match(piece) if number else None
                if head and len(piece) > head.end() + 10:
                    parted.append(Block(text=head[1], line=block.line))
                    piece = piece[head.end() :]
                parted.append(Block(text=piece, line=block.line))
        else:
            parted.append(block)
    out.blocks = parted
    # a news paragraph opens with its dateline: “临汾新闻网讯（记者 王某）……”
    for block in out.blocks[:6]:
        if block.rows is None and len(block.text) > 30:
            cut = _DATELINE.match(block.text)
            if cut and cut.end() < len(block.text):
                block.text = block.text[cut.end() :]
    out.blocks = [b for b in out.blocks if b.rows is not None or b.full_text]
    return out


def sample_mark(text: str) -> tuple[int, int] | None:
    """Where the mark of one sample among several stands in a line (“……【第二篇】”,
    “第一篇：……”, “……篇2”, a line “范文一”), or None."""
    for pattern in (_MARK_ALONE, _MARK_END, _MARK_START):
        m = pattern.search(text)
        if m:
            return m.start(), m.end()
    return None


def _unmark(text: str) -> str:
    mark = sample_mark(text)
    return (text[: mark[0]] + text[mark[1] :]).strip() if mark else text


def split_samples(blocks: list[Block]) -> tuple[list[list[Block]], bool]:
    """One list of blocks per sample of a 范文 page, and whether the page marked its samples
    (then their titles are the site's, not the author's); the blurb before the first mark
    belongs to none. A page without marks is one document."""
    marks = [
        i
        for i, b in enumerate(blocks)
        if b.rows is None and len(b.text) <= 60 and sample_mark(b.text)
    ]
    if not marks:
        return [blocks], False
    if len(marks) == 1 and marks[0] == 0:
        return [_unmarked(blocks)], True
    samples = []
    for start, end in zip(marks, [*marks[1:], len(blocks)], strict=True):
        part = blocks[start:end]
        head = part[0]
        rest = _unmark(head.text)
        if rest:
            head.text = rest  # “2022年科协工作总结【第一篇】”: the title stays
            samples.append(part)
        elif len(part) > 1:
            samples.append(part[1:])
    kept = [
        s for s in samples if len(s) > 1 or any(b.rows is not None or len(b.text) > 30 for b in s)
    ]
    return kept or [blocks], True


def _unmarked(blocks: list[Block]) -> list[Block]:
    for block in blocks[:1]:
        block.text = _unmark(block.text)
    return [b for b in blocks if b.rows is not None or b.text]
