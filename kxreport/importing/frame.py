"""Stage 2: the frame of the document — its title, a notice's 主送机关, text and signature,
the signature and 成文日期 at the end — and the body between them.

The title is chosen from the lines before the body by what each line looks like: a headline
names a kind of document or a meeting, an organisation, a year, and is short and without a
sentence's end; a page's SEO title (范文, 精选, 【…篇】), a masthead, a byline or a caption is
not the document's title. When no line looks like a headline the document has no title
(the default title is derived from the year file), never its first paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..numbering import TOLERANT
from ..official_parts import SIGN_DATE
from ..readers import Block
from . import words

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年|20[xX×*＊]{2}年")
_HEADLINE_VERBS = re.compile(
    r"召开|举行|举办|部署|开展|获|荣获|发布|印发|通知|亮点|成效|回眸|综述|纪实|述职|报告|总结|要点|计划"
)
_KIND = re.compile("|".join(w for ws in words.KIND_WORDS.values() for w in ws))
_ORGISH = re.compile(r"科协|科学技术协会|学会|协会|科技馆|科普")
_SEO = re.compile(
    "|".join(map(re.escape, words.SEO_WORDS))
    + r"|\d+\s*篇|【|】|\s[-|｜]\s|_(?=[^_]*(?:网|站|库|文档|平台|首页)$)",
    re.I,
)
_RUN_IN = re.compile(words.RUN_IN_TITLE)
# a yearbook's or a column's entry: “【县科协工作概况】定安县科学技术协会……”
_BRACKETED = re.compile(r"^【(?P<title>[^【】]{2,30}?(?:概况|总结|综述|要点|计划|工作))】")
_NOTICE_TITLE = re.compile(r"关于(?:印发|下发|转发)?[《“]?(?P<name>.+?)[》”]?的通知$")


@dataclass
class Frame:
    title: str | None = None
    headline: str | None = None  # the title line as written, with a site's words around it
    title_lines: list[str] = field(default_factory=list)
    notice_title: str | None = None  # “关于印发《…》的通知”
    recipients: list[str] = field(default_factory=list)
    notice: list[str] = field(default_factory=list)
    signature: list[Block] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    unplaced: list[str] = field(default_factory=list)  # lines before the title
    dropped: int = 0
    dateline: str | None = None  # a date alone under the title: the page's, not a 成文日期

    @property
    def issuer(self) -> str | None:
        """The signature's organisation line."""
        return next((b.text for b in self.signature if not SIGN_DATE.match(b.text)), None)

    @property
    def signed(self) -> str | None:
        """The signature's 成文日期 line."""
        return next((b.text for b in self.signature if SIGN_DATE.match(b.text)), None)


def numbered(text: str) -> bool:
    return any(p.match(text) for p in TOLERANT.values())


def ends_sentence(text: str) -> bool:
    return bool(re.search(r"[。！？；：]$", text)) or ("，" in text and len(text) > 30)


def is_recipients(text: str) -> bool:
    return (
        text.endswith(("：", ":"))
        and len(text) <= 200
        and "。" not in text
        and bool(re.search(r"各|科协|协会|单位|部门|学会|委员会|政府|机关", text))
    )


def recipients_of(text: str) -> list[str]:
    """“各县区科协，高新区科协，……：” as a list, split where the line puts a comma."""
    return [r for r in re.split(r"[，,]", text.rstrip("：:")) if r]


def signature_at(blocks: list[Block], index: int) -> bool:
    if index + 1 >= len(blocks) or blocks[index].rows is not None:
        return False
    name, date = blocks[index].text, blocks[index + 1].text
    return bool(SIGN_DATE.match(date)) and len(name) <= 40 and not re.search(r"[。，]", name)


def issuer_line(block: Block) -> bool:
    text = block.text
    return (
        len(text) <= 30
        and text.endswith(words.ORG_SUFFIXES)
        and not re.search(r"[。，；：]", text)
        and (block.align == "right" or block.align is None)
    )


def site_made(title: str) -> bool:
    """Whether a title was made by a site for search (范文, 精选, 【…篇】, “_某某网”)."""
    return bool(_SEO.search(title))


def headline_score(block: Block) -> int:
    """How much a line looks like a document's headline (negative: it does not)."""
    text = block.text
    if block.rows is not None or not text:
        return -99
    score = 0
    if block.style_level == 0:
        score += 4
    if block.align == "center" or block.bold:
        score += 1
    if _KIND.search(text):
        score += 3
    if _ORGISH.search(text):
        score += 2
    if _YEAR.search(text) or "上半年" in text or "年度" in text:
        score += 1
    if _HEADLINE_VERBS.search(text):
        score += 1
    if site_made(text):
        score -= 6
    if re.search(r"。.|[。！；]$", text) or len(text) > 60:
        score -= 8
    if len(text) < 4:
        score -= 3
    if SIGN_DATE.match(text) or re.match(r"^\d{4}[-/.]\d", text) or numbered(text):
        score -= 8
    if re.match(r"^[^：:，。]{1,6}[：:]", text):
        score -= 6  # a labelled field (“二级目：县科协”, “来源：……”), not a headline
    if is_recipients(text):
        score -= 8
    return score


def _body_starts(block: Block) -> bool:
    text = block.text
    return (
        block.rows is not None
        or len(text) > 60
        or (ends_sentence(text) and len(text) > 20)
        or numbered(text)
        or bool(SIGN_DATE.match(text))
    )


def _pick_title(blocks: list[Block], start: int) -> tuple[int | None, int]:
    """(index of the headline or None, index where the lead-in ends)."""
    end = start
    while end < len(blocks) and end - start < 8 and not _body_starts(blocks[end]):
        end += 1
    best, best_score = None, 1
    seen: set[str] = set()
    for index in range(start, end):
        score = headline_score(blocks[index])
        if blocks[index].text in seen:
            score += 1  # a 范文 page names its document above it again
        seen.add(blocks[index].text)
        # the later of two equal headlines: a site's title comes before the document's own
        if score >= best_score and score > 1:
            best, best_score = index, score
    return best, end


def _title_run(blocks: list[Block], index: int) -> tuple[list[str], int]:
    """The headline and the lines it runs over (a title broken by hand)."""
    lines = [blocks[index].text]
    index += 1
    while index < len(blocks) and len(lines) < 3:
        block = blocks[index]
        if len(block.text) > 40 or numbered(block.text) or ends_sentence(block.text):
            break
        joined = "".join(lines)
        if (
            block.text.startswith(("——", "—"))  # a subtitle: “——某某科协五年工作综述”
            or block.style_level == 0
            or (
                not _KIND.search(joined)
                and _KIND.search(joined + block.text)
                and headline_score(block) > -3
            )
            or (
                block.align == "center"
                and blocks[index - 1].align == "center"
                and block.rows is None
            )
        ):
            lines.append(block.text)
            index += 1
            continue
        break
    return lines, index


def _best_segment(title: str) -> str:
    """A headline joined to a site's words by “|”, “_” or “ - ” (“某某网｜标题”, “标题_某某科协”):
    the segment that looks most like a headline (not the blank of “20_年”)."""
    parts = [
        p.strip()
        for p in re.split(r"\s*(?:[|｜]|(?<!\d)_+(?![\d年]))\s*|\s+[-—–]\s+", title)
        if p.strip()
    ]
    if len(parts) < 2:
        return title
    return max(parts, key=lambda p: (headline_score(Block(text=p)), len(p)))


_GLUED_TITLE = re.compile(r"(?:工作总结|工作要点|工作计划|年终总结)[_\s]*(?=[^暨和及与并、，_\s])")


def _last_title(title: str) -> str:
    """A run-in title that is two titles glued (a 文库 page's file name, then the document's
    own: “2021年科协工作总结县科学技术协会1-5月份工作总结”): the document's own, the last one;
    never one joined by 暨/和/及 (“2021年工作总结暨2022年工作要点”)."""
    cut = None
    for m in _GLUED_TITLE.finditer(title):
        if m.end() < len(title) and len(title) - m.end() >= 6:
            cut = m.end()
    return title[cut:] if cut else title


def caption(block: Block) -> bool:
    """A short line between the title and the text: a subtitle, a date line, a caption."""
    text = block.text
    return (
        block.rows is None
        and len(text) <= 40
        and not numbered(text)
        and not re.search(r"[。！？；：]", text)
        and not SIGN_DATE.match(text)
        and not is_recipients(text)
        and not re.match(r"^第[一二三四五六七八九十]{1,2}部分", text)
        and block.style_level is None
        and not block.bold
    )


def frame(blocks: list[Block]) -> Frame:
    """Title, 主送机关, notice, signature and body of the cleaned blocks."""
    found = Frame()
    index = 0
    # a notice: its headline, 主送机关, its text, signature and date, then the document
    at = next((i for i in range(min(len(blocks), 6)) if is_recipients(blocks[i].text)), None)
    if at is not None and all(not _body_starts(b) for b in blocks[:at]):
        for block in blocks[:at]:
            named = _NOTICE_TITLE.search(block.text)
            if named:
                found.notice_title = block.text
            elif not re.search(r"〔\d{4}〕|\[\d{4}\]|号$", block.text):
                found.unplaced.append(block.text)
        found.recipients = recipients_of(blocks[at].text)
        index = at + 1
        while index < len(blocks) and not signature_at(blocks, index):
            text = blocks[index].text
            if len(text) > 20 and not numbered(text) and blocks[index].rows is None:
                found.notice.append(text)
                index += 1
            else:
                break
        if signature_at(blocks, index):
            found.signature = blocks[index : index + 2]
            index += 2
        elif index < len(blocks) and SIGN_DATE.match(blocks[index].text):
            found.signature = [blocks[index]]
            index += 1
        else:  # no signature under the text: a document with 主送机关, read as one
            found = Frame()
            index = 0
    title_at, lead_end = _pick_title(blocks, index)
    if title_at is None and lead_end < len(blocks) and blocks[lead_end].rows is None:
        # a title run into the first paragraph: “开江县科协2019年工作要点2019年是……”
        first = blocks[lead_end]
        run_in = _RUN_IN.match(first.text) or _BRACKETED.match(first.text)
        if run_in and len(first.text) > run_in.end() + 20:
            title_block = Block(text=_last_title(run_in["title"]), line=first.line)
            first.text = first.text[run_in.end() :]
            blocks = [*blocks[:lead_end], title_block, *blocks[lead_end:]]
            title_at = lead_end
    if title_at is not None:
        # a headline that starts with its year (“2022年工作要点”) may have its subject on the
        # line above (“长治市科学技术协会”)
        if (
            title_at > index
            and re.match(
                r"(?:19|20)\d{2}\s*年|关于|上半年|年度|——|—|\d{1,2}\s*月|[一二三四五六七八九十]{1,2}月",
                blocks[title_at].text,
            )
            and blocks[title_at - 1].rows is None
            and len(blocks[title_at - 1].text)
            <= (60 if blocks[title_at].text.startswith("—") else 30)  # a main title over “——…”
            and not _KIND.search(blocks[title_at - 1].text)
            and headline_score(blocks[title_at - 1]) > -3
        ):
            title_at -= 1
        found.unplaced += [b.text for b in blocks[index:title_at] if b.rows is None]
        lines, index = _title_run(blocks, title_at)
        split = [line.strip() for text in lines for line in text.split("\n") if line.strip()]
        found.title_lines = split if 2 <= len(split) <= 4 else []
        found.headline = "".join(split)
        found.title = _best_segment(re.sub(r"^\d{8}\s*[：:]\s*", "", found.headline))
        while index < len(blocks) and (
            caption(blocks[index])
            or (SIGN_DATE.match(blocks[index].text) and index + 1 < len(blocks))
        ):
            if SIGN_DATE.match(blocks[index].text):
                found.dateline = found.dateline or blocks[index].text
            found.dropped += 1
            index += 1
    else:
        # no headline: the lines of the lead-in that are no title are kept for the reader
        found.unplaced += [b.text for b in blocks[index:lead_end] if b.rows is None]
        index = lead_end
    if found.notice_title and not found.title:
        named = _NOTICE_TITLE.search(found.notice_title)
        assert named is not None
        found.title = named["name"]
    body = blocks[index:]
    if not found.recipients and body and is_recipients(body[0].text):
        found.recipients = recipients_of(body[0].text)
        body = body[1:]
    if not found.signature:
        body = _end_signature(body, found)
    # trailing bylines after the signature or last paragraph
    byline = re.compile(words.BYLINE)
    while (
        body and body[-1].rows is None and len(body[-1].text) <= 24 and byline.match(body[-1].text)
    ):
        found.dropped += 1
        body = body[:-1]
    found.body = body
    return found


def _end_signature(body: list[Block], found: Frame) -> list[Block]:
    """The signature at the end (issuer and date, usually right-aligned)."""
    for start in range(max(len(body) - 4, 0), len(body)):
        if signature_at(body, start):
            found.signature = body[start : start + 2]
            return body[:start] + body[start + 2 :]
    if body and body[-1].rows is None and SIGN_DATE.match(body[-1].text):
        found.signature = [body[-1]]
        body = body[:-1]
        if body and issuer_line(body[-1]):
            found.signature.insert(0, body[-1])
            body = body[:-1]
        return body
    if body and body[-1].rows is None and issuer_line(body[-1]):
        found.signature = [body[-1]]  # a signature without date
        return body[:-1]
    return body
