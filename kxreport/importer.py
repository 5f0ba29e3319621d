"""From a document people already have to a year file: structure, numbers, honours.

``readers`` turns the source into blocks; this module cleans them (simplified characters,
full-width punctuation, page furniture dropped), finds the title, the organisation, the
year, the kind, 主送机关, the notice and the signature, builds parts and items from the
numbering, heading styles, bold and run-in openings, records every count of an item's text
and the honours sentences, and says what it guessed. Nothing is invented: what the source
does not state is left out, or left empty with a comment so that ``validate`` asks for it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import official_parts
from .errors import KxreportError
from .numbering import TOLERANT
from .numbers import figure_entry, mentions
from .official_parts import SIGN_DATE as _SIGN_DATE
from .readers import Block
from .scaffold import guess_level, short_name
from .text import normalize_punctuation

ORG_SUFFIXES = ("科学技术协会", "科协", "委员会", "协会", "学会", "科技局", "科学技术局")
_KIND_WORDS = {
    "plan": ("工作要点", "要点", "工作计划", "计划", "工作安排", "安排", "工作思路", "思路"),
    "summary": ("工作总结", "总结", "工作综述", "综述", "工作报告", "报告", "工作情况", "回顾"),
}
SECTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("problems", ("存在的问题", "问题", "不足", "差距")),
    ("party", ("党建", "党的建设", "从严治党", "党风廉政", "清廉机关", "政治建设")),
    ("popularization", ("科普", "科学素质", "科学普及")),
    ("think_tank", ("智库", "决策咨询", "科学决策")),
    (
        "innovation",
        (
            "创新驱动",
            "科创",
            "服务创新",
            "科技创新",
            "创新发展",
            "经技融合",
            "科技经济融合",
            "技术对接",
        ),
    ),
    ("scientists", ("科技工作者", "人才", "科学家精神")),
    ("organization", ("组织建设", "改革", "学会", "基层组织", "自身建设")),
)
_NEXT_YEAR = ("工作计划", "工作打算", "工作思路", "工作要点", "下一步", "明年", "来年", "今后")

# page furniture of web articles and template sites
_FURNITURE = re.compile(
    r"^(?:来源|稿源|信息来源|文章来源|作者|编辑|责任编辑|编审|审核|审校|初审|复审|终审|校对|摄影|图片|"
    r"记者|通讯员|供稿|撰稿|浏览|浏览次数|阅读|阅读次数|阅读量|点击|点击数|点击量|访问量|发布时间|发布日期|"
    r"发布者|发布机构|时间|日期|字号|字体|打印|关闭|分享|分享到|扫一扫|上一篇|下一篇|相关阅读|相关链接|"
    r"附件下载|网站地图|当前位置|您的位置|您现在的位置|首页|返回|【打印】|【关闭】)\s*[：:\s]"
    r"|^(?:上一篇|下一篇|打印本页|关闭窗口|返回顶部|分享到|【打印】|【关闭】|【字体|【参考】)"
    r"|版权|版權|copyright|©|ICP备|All Rights Reserved|未经.{0,10}授权|转载|复制下载|下载文档|"
    r"范文网|题库|文库|仅供参考|浏览次数|阅读次数|点击次数"
    r"|^(?:[【\[](?!第[^】\]]{1,4}篇)[^】\]]{1,8}[】\]]\s*)+$",  # 【打印本页】【关闭窗口】
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"^(?:[^>》»＞]{1,12}\s*[>»＞]\s*){2,}[^>》»＞]{0,20}$")
_PUBLISHED = re.compile(
    r"(?P<date>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?)(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
)
_SOURCE_NAME = re.compile(r"来源\s*[：:]\s*(?P<name>[^\s　]{2,30})")
_DATELINE = re.compile(
    r"^(?:[^\s，。]{2,12}(?:网|报|台|社|日报|晚报)讯|本报讯|本网讯|本刊讯)\s*(?:[（(][^）)]{0,30}[）)])?\s*[：:]?\s*"
)
_BYLINE = re.compile(
    r"^[（(]?(?:记者|通讯员|作者|撰稿|供稿|文|图|摄影|编辑)\s*[：:/]?\s*\S{1,12}[）)]?$"
)
_PART_MARK = re.compile(
    r"^第[一二三四五六七八九十]{1,2}部分\s*[：:、，.．]?\s*(?P<title>[^。；]{0,40})$"
)
_ARTICLE_MARK = re.compile(r"【第[一二三四五六七八九十\d]{1,3}篇】\s*$")
# “延边州科协”, “宝安区科学技术协会”: a place name, then 科协 (not “在市科协的指导下”)
_PLACE_ORG = re.compile(
    r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,10}(?:省|市|州|盟|地区|县|区|旗|镇|乡|街道))(?:科学技术协会|科协)"
)
_NOT_A_PLACE = tuple("在由向对经本我各全该从与和及并为")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_HONOUR = re.compile(
    r"^(?:(?:\d{4}年|今年|全年|一年来)[，,]?)?(?P<who>[^，。；]{0,120}?)(?:先后|还|也|分别)?被"
    r"(?P<by>[^“”。；]{2,200}?|)(?:等部门和单位|等部门|等单位|等)?"
    r"(?P<verb>授予|评为|确定为|设立为|命名为|认定为|表彰为|评定为|列为)"
    r"(?P<names>(?:“[^“”]{2,60}”[、，\s]*)+)(?:等)?(?:荣誉称号|荣誉|称号|奖项)?$"
)


@dataclass
class Imported:
    """A year file made from a source, with the comments that say what was guessed."""

    data: dict[str, Any]
    notes: dict[tuple[Any, ...], str] = field(default_factory=dict)  # path -> comment
    table_notes: list[str] = field(default_factory=list)
    dropped: int = 0
    counts: int = 0
    numbers: int = 0  # counts found in all the text (also outside items)
    honours: int = 0
    guessed: list[str] = field(default_factory=list)

    @property
    def parts(self) -> int:
        return len(self.data.get("sections", []))

    @property
    def items(self) -> int:
        def walk(items: list[dict[str, Any]]) -> int:
            return sum(1 + walk(i.get("items", [])) for i in items)

        return sum(walk(s.get("items", [])) for s in self.data.get("sections", []))


def clean(text: str) -> str:
    """Simplified characters, full-width punctuation, single spaces."""
    from .content import to_simplified

    text = to_simplified(text.replace("\u3000", " ").replace("\xa0", " "))
    text = re.sub(r"[ \t]+", " ", text).strip()
    return normalize_punctuation(text)


def split_articles(blocks: list[Block]) -> list[list[Block]]:
    """A page holding several documents (a template site's “【第一篇】…【第二篇】”)."""
    marks = [i for i, b in enumerate(blocks) if b.text and _ARTICLE_MARK.search(clean(b.text))]
    if len(marks) < 2:
        return [blocks]
    return [blocks[start:end] for start, end in zip(marks, [*marks[1:], len(blocks)], strict=True)]


def import_blocks(
    blocks: list[Block],
    *,
    org: str | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> Imported:
    """A year file (as plain data, in the order of the schema) from a source's blocks."""
    return _Importer(blocks, org, year, kind).run()


class _Importer:
    def __init__(
        self, blocks: list[Block], org: str | None, year: int | None, kind: str | None
    ) -> None:
        self.blocks = blocks
        self.org_arg, self.year_arg, self.kind_arg = org, year, kind
        self.out = Imported({})
        self.keys: set[str] = set()
        self.published: dict[str, str] = {}
        self.notice_text = ""
        self.figures: list[tuple[str, str, str]] = []  # (counts/targets, label, value) of tables
        self.title_lines: list[str] = []

    # -- cleaning ---------------------------------------------------------------------

    def _clean(self) -> list[Block]:
        kept: list[Block] = []
        for block in self.blocks:
            if block.rows is not None:
                block.rows = [[clean(c) for c in row] for row in block.rows]
                kept.append(block)
                continue
            block.text = clean(block.text)
            block.bold_lead = clean(block.bold_lead)
            block.number = clean(block.number)
            text = block.full_text
            if not text:
                continue
            if self._furniture(text, block):
                self.out.dropped += 1
                continue
            kept.append(block)
        # a title-site line “…【第一篇】” names the article, it is not part of it
        for block in kept[:1]:
            block.text = _ARTICLE_MARK.sub("", block.text).strip()
        for block in kept:
            if block.rows is None and len(block.text) > 40:
                block.text = _DATELINE.sub("", block.text)  # 临汾新闻网讯 …
                break
        return [b for b in kept if b.rows is not None or b.full_text]

    def _furniture(self, text: str, block: Block) -> bool:
        if text.startswith("![") or re.fullmatch(r"!\[[^\]]*\]\([^)]*\)", text):
            return True
        published = _PUBLISHED.match(text)
        if published and (len(text) > published.end() or ":" in text or "：" in text):
            rest = text[published.end() :]
            if not rest.strip() or _FURNITURE.search(rest) or "来源" in rest:
                self.published.setdefault("date", _iso(published["date"]))
                name = _SOURCE_NAME.search(text)
                if name:
                    self.published.setdefault("name", name["name"])
                return True
        if len(text) <= 200 and (_FURNITURE.search(text) or _BREADCRUMB.match(text)):
            name = _SOURCE_NAME.search(text)
            if name:
                self.published.setdefault("name", name["name"])
            dated = re.search(r"(?:发布|更新)?(?:时间|日期)\s*[：:]\s*", text)
            published = _PUBLISHED.match(text, dated.end()) if dated else None
            if published:  # “发布时间：2023-07-12 09:30  来源：……”
                self.published.setdefault("date", _iso(published["date"]))
            return True
        return bool(len(text) <= 24 and _BYLINE.match(text) and not _SIGN_DATE.match(text))

    # -- the whole document -----------------------------------------------------------

    def run(self) -> Imported:
        cleaned = self._clean()
        if not cleaned:
            raise KxreportError(
                "没有可导入的文字：文件是空的，或只有图片、页眉页脚和网页上的导航、来源等杂项"
            )
        blocks, official = official_parts.take(cleaned)
        tables: list[tuple[str, Block]] = list(official.annex_tables)
        kept: list[Block] = []
        for block in blocks:
            if block.rows is None:
                kept.append(block)
                continue
            caption = ""
            if kept and (kept[-1].bold or kept[-1].align == "center") and len(kept[-1].text) <= 40:
                caption = kept.pop().text  # “2023年主要工作指标” above its table
            tables.append((caption, block))
        blocks = kept
        for caption, table in tables:
            self._read_figures(caption, table)
        data = self.out.data
        title, recipients, notice, signature, body = self._frame(blocks)
        self.notice_text = " ".join(notice)
        self._header(title, body, signature)
        if recipients:
            data["recipients"] = recipients
        if notice:
            data["notice"] = "\n\n".join(notice)
        overview, sections, closing = self._body(body)
        if overview:
            honours, rest, standing = self._honours_in(overview, own=True)
            if honours:
                data["honours"] = honours
                self.out.notes[("honours",)] = (
                    "荣誉由原文的荣誉句子整理；原文把授予单位合写在一起时，只记在第一项上"
                )
            ov: dict[str, Any] = {}
            if rest:
                ov["text"] = "\n\n".join(rest)
            if standing:
                ov["standing"] = standing
            if rest:
                self._record(ov, targets=False)  # an overview records what was done
            if ov:
                data["overview"] = ov
        if sections:
            data["sections"] = sections
        if closing:
            data["closing"] = closing
        for caption, table in tables:
            self._table(caption, table)
        self._official(official)
        from .content import strings

        self.out.numbers = sum(
            len(mentions(text))
            for loc, text in strings(data)
            if not {"counts", "targets", "source"} & set(map(str, loc))
        )
        return self.out

    def _official(self, found: official_parts.Parts) -> None:
        """版头, 附件, 附注 and 版记 as the source has them."""
        data = self.out.data
        if found.dispatch is not None:
            dispatch = dict(found.dispatch)
            name = (data.get("org") or {}).get("name")
            if name and dispatch.get("mark") == f"{name}文件":
                del dispatch["mark"]  # the default mark
            data["dispatch"] = dispatch
            self.out.guessed.append("版头")
        if found.attachments:
            data["attachments"] = found.attachments
        if found.annotation:
            data["annotation"] = found.annotation
        if found.imprint:
            data["imprint"] = found.imprint
            self.out.guessed.append("版记")
        self.out.table_notes.extend(found.notes)

    def _frame(
        self, blocks: list[Block]
    ) -> tuple[str | None, list[str], list[str], list[Block], list[Block]]:
        """Title, 主送机关, notice paragraphs, signature blocks and the body."""
        recipients: list[str] = []
        notice: list[str] = []
        signature: list[Block] = []
        index = 0
        # a notice first: 主送机关, the notice text, its signature and date, then the title
        if blocks and _is_recipients(blocks[0].text):
            recipients = _recipients(blocks[0].text)
            index = 1
            while index < len(blocks) and not _signature_at(blocks, index):
                if len(blocks[index].text) > 20 and not _numbered(blocks[index].text):
                    notice.append(blocks[index].text)
                    index += 1
                else:
                    break
            if _signature_at(blocks, index):
                signature = blocks[index : index + 2]
                index += 2
        title_lines: list[str] = []
        # the title: the Title style or the first lines, joined when it runs over two
        while index < len(blocks):
            block = blocks[index]
            if (
                title_lines
                and (len(block.text) > 40 or _numbered(block.text) or _ends_sentence(block.text))
            ) or (len(title_lines) >= 3):
                break
            if not title_lines:
                title_lines.append(block.text)
                index += 1
                continue
            joined = "".join(title_lines)
            if (
                block.style_level == 0
                or (not _kind_of(joined) and _kind_of(joined + block.text))
                or (block.align == "center" and blocks[index - 1].align == "center")
            ):
                title_lines.append(block.text)
                index += 1
                continue
            break
        # lines the author broke by hand (a line break inside the title) are kept as given
        lines = [line.strip() for text in title_lines for line in text.split("\n") if line.strip()]
        self.title_lines = lines if 2 <= len(lines) <= 4 else []
        title = "".join(lines) or None
        # front matter of a web page: captions between the title and the first paragraph
        while index < len(blocks) and _caption(blocks[index]):
            self.out.dropped += 1
            index += 1
        body = blocks[index:]
        if not recipients and body and _is_recipients(body[0].text):
            recipients = _recipients(body[0].text)
            body = body[1:]
        # the signature at the end (issuer and date, usually right-aligned)
        if not signature:
            for start in range(max(len(body) - 4, 0), len(body)):
                if _signature_at(body, start):
                    signature = body[start : start + 2]
                    body = body[:start] + body[start + 2 :]
                    break
            else:
                if body and _SIGN_DATE.match(body[-1].text):
                    signature = [body[-1]]
                    body = body[:-1]
                elif body and _issuer_line(body[-1]):
                    signature = [body[-1]]  # a signature without date
                    body = body[:-1]
        # trailing bylines after the signature or last paragraph
        while body and len(body[-1].text) <= 24 and _BYLINE.match(body[-1].text):
            self.out.dropped += 1
            body = body[:-1]
        return title, recipients, notice, signature, body

    def _header(self, title: str | None, body: list[Block], signature: list[Block]) -> None:
        data = self.out.data
        notes = self.out.notes
        issuer = next((b.text for b in signature if not _SIGN_DATE.match(b.text)), None)
        date_block = next((b for b in signature if _SIGN_DATE.match(b.text)), None)
        text_start = " ".join(b.text for b in body[:3])
        org_name, short = self._org(title, issuer, text_start)
        level = guess_level(org_name or short or "")
        year = self.year_arg or _year_of(title)
        kind = self.kind_arg or _kind_of(title or "")
        data["org"] = {"name": org_name, "short_name": short, "level": level}
        if not org_name:
            notes[("org", "name")] = "原文没有写明单位全称：请填写（或导入时用 --org 指定）"
        elif self.org_arg is None:
            notes[("org", "name")] = "由标题或落款判断的单位名称，请核对"
        if level is None:
            notes[("org", "level")] = (
                "无法从单位名称判断层级：请填写 省、市、州、盟、地区、县、区、乡镇、街道、高校 或 企业"
            )
        else:
            self.out.guessed.append(f"层级 {level}")
        if short is None or short == org_name:
            data["org"].pop("short_name")
        signed = _signed(date_block.text) if date_block is not None else None
        if year is None and signed is not None:
            # a summary signed early in a year reports on the year before
            year = signed.year - (kind == "summary" and signed.month <= 3)
            notes[("year",)] = "原文标题没有写年度，按落款日期判断，请核对"
        if year is None and self.published.get("date"):
            notes[("year",)] = (
                f"原文没有写年度：网页发布日期是 {self.published['date']}，请填写这份材料所属的年度"
            )
        elif year is None:
            notes[("year",)] = "原文没有写年度：请填写这份材料所属的年度，例如 2023"
        data["year"] = year
        if year is not None and self.year_arg is None and ("year",) not in notes:
            self.out.guessed.append(f"年度 {year}")
        if kind is None:
            kind = "summary"
            notes[("kind",)] = "原文标题没有写明文种，按工作总结导入；是工作要点（计划）请改为 plan"
        data["kind"] = kind
        self.out.guessed.append("文种 " + ("工作总结" if kind == "summary" else "工作要点"))
        period = _period_of(title or "", text_start)
        if period:
            data["period"] = period
            self.out.guessed.append("时段 " + {"half": "上半年", "stage": "阶段性"}[period])
        named = _named_in_notice(self.notice_text)
        if named and title and named != title and _near(named, title):
            notes[("title",)] = f"原文标题为“{title}”，与印发说明中的《{named}》不一致，按印发说明"
            title = named
        elif named and not title:
            title = named
        if title:
            data["title"] = self.title_lines if "".join(self.title_lines) == title else title
        if signed is not None:
            data["date"] = signed.isoformat()
            self.out.guessed.append(f"成文日期 {signed.isoformat()}")
        if issuer and issuer != org_name:
            data["issuer"] = issuer
        if self.published:
            data["source"] = dict(self.published)
            notes[("source",)] = "网页的来源和发布日期，不是成文日期（落款日期）"

    def _org(
        self, title: str | None, issuer: str | None, text: str
    ) -> tuple[str | None, str | None]:
        if self.org_arg:
            return self.org_arg, short_name(self.org_arg)
        name = None
        if issuer and issuer.endswith(ORG_SUFFIXES):
            name = issuer
        short = None
        if title:
            head = re.split(r"(?:19|20)\d{2}\s*年|关于|上半年|今年", title, maxsplit=1)[0].strip()
            named = re.match(r"^(.{2,20}?(?:科学技术协会|科协))", head)
            if head.endswith(ORG_SUFFIXES):
                short = head
            elif named:
                short = named[1]
        if name and short and name.endswith("科学技术协会") and short.endswith("科协"):
            # “恩施州科学技术协会” signs “恩施土家族苗族自治州科协……”: the longer is the full name
            signed, titled = name[: -len("科学技术协会")], short[: -len("科协")]
            if len(titled) > len(signed) and titled.endswith(signed):
                short = signed + "科协"  # “延边朝鲜族自治州安图县科协”: the county's own
            elif len(titled) > len(signed) and titled[:2] == signed[:2]:
                name, short = titled + "科学技术协会", signed + "科协"
        if name is None and short and short.endswith("科学技术协会"):
            name = short
        if name is None and short and short.endswith("科协"):
            name = short[: -len("科协")] + "科学技术协会"
        if name is None:
            found = _PLACE_ORG.search(text)
            if found and not found[1].startswith(_NOT_A_PLACE):
                short = found[0]
                name = found[1] + "科学技术协会"
        return name, short or (short_name(name) if name else None)

    # -- the body ---------------------------------------------------------------------

    def _body(self, blocks: list[Block]) -> tuple[list[str], list[dict[str, Any]], str | None]:
        """Overview, parts and closing. A summary in “第一部分 2023年工作总结 / 第二部分
        2024年工作计划” keeps the first as its parts and makes the second its next-year part,
        whose 一、二、 become items."""
        year = self.out.data.get("year")
        marks = {
            i: m["title"] for i, b in enumerate(blocks) if (m := _PART_MARK.match(b.full_text))
        }
        plan_at = next(
            (
                i
                for i, title in marks.items()
                if self.out.data.get("kind") == "summary"
                and _section_kind(title, "summary", year) == "next_year"
            ),
            None,
        )
        if plan_at is None:  # the marks stay in the text (a plan's “第一部分 总体要求”)
            return self._finish(*self._structure(blocks))
        main = [b for i, b in enumerate(blocks[:plan_at]) if i not in marks]
        overview, sections, closing = self._structure(main)
        rest = [b for i, b in enumerate(blocks) if i > plan_at and i not in marks]
        opening, parts, plan_closing = self._structure(rest)
        # a look ahead that ends the summary part leads into the plan part: it opens it
        plan: dict[str, Any] = {
            "title": marks[plan_at],
            "_paras": [*filter(None, [closing]), *opening],
        }
        plan["items"] = [_demoted(part, 1) for part in parts]
        sections.append(plan)
        return self._finish(overview, sections, plan_closing)

    def _finish(
        self, overview: list[str], sections: list[dict[str, Any]], closing: str | None
    ) -> tuple[list[str], list[dict[str, Any]], str | None]:
        final = [self._section(s, index) for index, s in enumerate(sections)]
        return overview, [s for s in final if s], closing

    def _structure(self, blocks: list[Block]) -> tuple[list[str], list[dict[str, Any]], str | None]:
        entries = [self._classify(b) for b in blocks]
        levels = sorted({e.level for e in entries if e.level is not None})
        overview: list[str] = []
        sections: list[dict[str, Any]] = []
        closing = None
        if not levels:
            overview, sections, closing = self._flat(entries)
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
                elif stack and _parse_honours(entry.raw, self._short(), False):
                    current.setdefault("_honours", []).append(entry.raw)
                elif stack:
                    stack[-1].setdefault("_paras", []).append(entry.raw)
                else:
                    current.setdefault("_paras", []).append(entry.raw)
            closing = self._take_closing(sections)
        return overview, sections, closing

    def _flat(self, entries: list[_Entry]) -> tuple[list[str], list[dict[str, Any]], str | None]:
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
        if rest and not rest[-1].lead and _ahead(rest[-1].raw, self.out.data.get("year")):
            closing = rest.pop().raw

        def themed(entry: _Entry) -> bool:  # “坚持党建引领，锻造……新高地”
            return bool(entry.lead) and "，" in entry.lead

        themes = sum(1 for e in rest if themed(e))
        sections: list[dict[str, Any]] = []
        current: dict[str, Any] = {}
        for entry in rest:
            if not entry.lead and self._all_honours(entry.raw):
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

    def _all_honours(self, para: str) -> bool:
        sentences = [s for s in re.split(r"(?<=。)", para) if s.strip()]
        return bool(sentences) and all(
            _parse_honours(s, self._short(), True) is not None for s in sentences
        )

    def _take_closing(self, sections: list[dict[str, Any]]) -> str | None:
        """The last paragraph of the last part when it looks ahead (“2023年是……”,
        “下一步”, “新的一年”): in a summary it is the closing, not part of the last item."""
        if not sections:
            return None
        year = self.out.data.get("year")
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

    def _section(self, raw: dict[str, Any], index: int) -> dict[str, Any]:
        section: dict[str, Any] = {}
        title = raw.get("title")
        kind = _section_kind(title, self.out.data.get("kind"), self.out.data.get("year"))
        section["kind"] = kind
        if title:
            section["title"] = title
        if kind != "custom":
            self.out.notes[("sections", index, "kind")] = "按标题判断的类别"
        paras = raw.get("_paras") or []
        intro: list[str] = []
        # what a plan or a next-year part says in numbers is a target, not a count
        aim = "targets" if kind == "next_year" or self.out.data.get("kind") == "plan" else "counts"
        items = [self._item(i, aim) for i in raw.get("items", [])]
        # the part's own paragraphs: honours sentences, then intro or a plain item
        honours, rest, _ = self._honours_in(paras, own=False) if paras else ([], [], None)
        plain: list[dict[str, Any]] = []
        for para in rest:
            if plain or mentions(para):
                plain.append(self._item({"_paras": [para]}, aim))
            else:
                intro.append(para)
        items = plain + items
        honours += [
            h
            for para in raw.get("_honours", [])
            for h in _parse_honours(para, self._short(), False) or []
        ]
        if intro:
            section["intro"] = "\n\n".join(intro)
        if items:
            section["items"] = items
        if honours:
            section["honours"] = honours
        self.out.honours += len(honours)
        if not (intro or items or honours):
            return {}
        return section

    def _item(self, raw: dict[str, Any], aim: str = "counts") -> dict[str, Any]:
        item: dict[str, Any] = {}
        if raw.get("heading"):
            item["heading"] = raw["heading"]
        paras = [p for p in raw.get("_paras") or [] if p]
        if paras:
            item["text"] = "\n\n".join(paras)
            self._record(item, aim)
        subs = [self._item(s, aim) for s in raw.get("items", [])]
        if subs:
            item["items"] = subs
        return item

    def _record(self, holder: dict[str, Any], aim: str = "counts", *, targets: bool = True) -> None:
        """The numbers written in the holder's text, as ``counts`` (or ``targets``) entries;
        an indicator table of the document decides which and what they are called (a holder
        without targets keeps a target row's number as a count)."""
        found: dict[str, list[dict[str, Any]]] = {"counts": [], "targets": []}
        for mention in mentions(holder["text"]):
            kind, label = aim, mention.label
            if self.figures:  # the document's own indicator table decides
                row = self._figure_row(mention)
                if row is None:
                    continue
                kind, label = row
            kind = kind if targets else "counts"
            entry = figure_entry(mention, self.keys, label)
            if entry is not None:
                found[kind].append(entry)
        for kind, figures in found.items():
            if figures:
                holder[kind] = figures
                self.out.counts += len(figures)

    def _figure_row(self, mention: Any) -> tuple[str, str] | None:
        """The indicator-table row of a count in the text (same value), used once."""
        from .numbers import same_count
        from .values import Count

        for index, (kind, label, value) in enumerate(self.figures):
            try:
                same = same_count(mention.count, Count.parse(value))
            except ValueError:
                continue
            if same:
                del self.figures[index]
                return kind, label
        return None

    def _classify(self, block: Block) -> _Entry:
        entry = self._classify_text(block)
        entry.raw = block.full_text
        return entry

    def _classify_text(self, block: Block) -> _Entry:
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
                    None, None, rest.lstrip("。.：: "), lead=_strip_number(lead).rstrip("。：:")
                )
            lead, rest = _run_in(text)
            if lead:
                return _Entry(None, None, rest, lead=lead)
            return _Entry(None, None, text)
        # a numbered or styled heading: alone on its line, or run in before the text
        if block.bold_lead and text.startswith(_strip_number(block.bold_lead)):
            lead = _strip_number(block.bold_lead)
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
            return _Entry(level, text.rstrip("。"), "")
        head, _, rest = text.partition("。")
        if rest and len(head) <= 60:
            return _Entry(level, head, rest)
        if level == 1:  # a part needs a title: its first clause
            head, _, rest = text.partition("，")
            if rest and len(head) <= 30:
                return _Entry(level, head, rest)
            return _Entry(level, text, "")
        # a numbered paragraph without a heading (“1、按照……，我们……”): kept as written
        return _Entry(None, None, block.full_text)

    # -- honours ----------------------------------------------------------------------

    def _short(self) -> str | None:
        org = self.out.data.get("org") or {}
        return org.get("short_name") or org.get("name")

    def _honours_in(
        self, paras: list[str], *, own: bool
    ) -> tuple[list[dict[str, Any]], list[str], str | None]:
        """Honours sentences out of paragraphs; what is left; the standing sentence."""
        honours: list[dict[str, Any]] = []
        rest: list[str] = []
        standing = None
        short = self._short()
        for para in paras:
            sentences = [s for s in re.split(r"(?<=。)", para) if s]
            kept: list[str] = []
            found_here: list[dict[str, Any]] = []
            for sentence in sentences:
                parsed = _parse_honours(sentence, short, own)
                if parsed is None:
                    kept.append(sentence)
                else:
                    found_here += parsed
            after = []  # sentences after the last honours sentence: the standing
            while (
                found_here
                and own
                and kept
                and kept[-1] is sentences[len(sentences) - len(after) - 1]
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
            self.out.honours += len(honours)
        return honours, rest, standing

    def _read_figures(self, caption: str, table: Block) -> None:
        """An indicator table (序号 | 指标/目标 | 数值 …) says which numbers are the counts
        (or targets) and what they are called: import records those."""
        rows = table.rows or []
        if len(rows) < 2 or len(rows[0]) < 3 or not re.search("指标|目标", rows[0][1]):
            return
        kind = "targets" if "目标" in rows[0][1] and "完成" not in " ".join(rows[0]) else "counts"
        if "完成" in " ".join(rows[0]):
            return  # 计划指标完成情况: last year's targets, derived
        for row in rows[1:]:
            if len(row) >= 3 and row[1] and row[2] not in ("", "—"):
                self.figures.append((kind, row[1], row[2]))

    def _table(self, caption: str, table: Block) -> None:
        rows = table.rows or []
        header = " ".join(rows[0]) if rows else ""
        if "指标" in header or "目标" in header:
            self.out.data["indicator_table"] = True
            self.out.table_notes.append(
                f"原文的表格“{header[:30]}”（{len(rows)} 行）是指标表：由 counts 和 indicator_table 重新生成"
            )
            return
        shown = ["原文有一个表格（年度文件没有表格字段，未导入；需要时把数字写进对应条目）："]
        shown += ["  " + " | ".join(row) for row in rows[:50]]
        if len(rows) > 50:
            shown.append(f"  ……（共 {len(rows)} 行）")
        self.out.table_notes.append("\n".join(shown))


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


def _issuer_line(block: Block) -> bool:
    text = block.text
    return (
        len(text) <= 30
        and text.endswith(ORG_SUFFIXES)
        and not re.search(r"[。，；：]", text)
        and (block.align == "right" or block.align is None)
    )


def _named_in_notice(notice: str) -> str | None:
    """The document a notice issues: “现将《长治市科学技术协会2022年工作要点》印发给你们”."""
    found = re.search(r"《([^《》]{4,60})》\s*(?:印发|印制|下发|转发)", notice)
    return found[1] if found else None


def _near(a: str, b: str) -> bool:
    """Whether two titles are the same one, one of them garbled or abbreviated."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio() >= 0.7


def _strip_number(text: str) -> str:
    for pattern in TOLERANT.values():
        m = pattern.match(text)
        if m and len(text) > m.end():
            return text[m.end() :]
    return text


def _numbered(text: str) -> bool:
    return any(p.match(text) for p in TOLERANT.values())


def _ends_sentence(text: str) -> bool:
    return bool(re.search(r"[。！？；：]$", text)) or ("，" in text and len(text) > 30)


# sentences that open with a time, a place or a person are news, not thematic headings
_NEWS_OPENING = (
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
    if re.search(r"\d|[《、：；]", head) or head.count("，") > 1 or head.startswith(_NEWS_OPENING):
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
    starts = ("下一步", "新的一年", "今后", "展望", "明年", "来年")
    nxt = isinstance(year, int) and text.startswith(f"{year + 1}年")
    return (nxt or text.startswith(starts)) and not mentions(text)


def _caption(block: Block) -> bool:
    text = block.text
    return (
        len(text) <= 40
        and not _numbered(text)
        and not re.search(r"[。！？；：]", text)
        and not _SIGN_DATE.match(text)
        and not _is_recipients(text)
        and not _PART_MARK.match(text)
        and block.style_level is None
        and not block.bold
    )


def _recipients(text: str) -> list[str]:
    """“各县区科协，高新区科协，……：” as a list, split where the line puts a comma."""
    return [r for r in re.split(r"[，,]", text.rstrip("：:")) if r]


def _is_recipients(text: str) -> bool:
    return (
        text.endswith(("：", ":"))
        and len(text) <= 200
        and "。" not in text
        and bool(re.search(r"各|科协|协会|单位|部门|学会|委员会|政府|机关", text))
    )


def _signature_at(blocks: list[Block], index: int) -> bool:
    if index + 1 >= len(blocks):
        return False
    name, date = blocks[index].text, blocks[index + 1].text
    return bool(_SIGN_DATE.match(date)) and len(name) <= 40 and not re.search(r"[。，]", name)


def _kind_of(title: str) -> str | None:
    """The kind whose word comes first: “2023年工作总结和2024年工作计划” is a summary
    with a plan part."""
    found = [
        (title.find(word), kind)
        for kind in ("plan", "summary")
        for word in _KIND_WORDS[kind]
        if word in title
    ]
    return min(found)[1] if found else None


def _period_of(title: str, opening: str) -> str | None:
    if "上半年" in title or "半年" in title:
        return "half"
    if re.search(r"前三季度|三季度|季度", title):
        return "stage"
    if "阶段" in title or (
        not _YEAR.search(title) and opening.startswith(("今年以来", "年初以来"))
    ):
        return "stage"
    return None


def _year_of(title: str | None) -> int | None:
    if not title:
        return None
    found = _YEAR.search(title)
    return int(found[1]) if found else None


def _cn_int(text: str) -> int:
    from .values import cn_numeral

    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(c in "〇零一二三四五六七八九" for c in text):
        return int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in text))
    return cn_numeral(text) or 0


def _signed(text: str) -> dt.date | None:
    """The 成文日期 of a signature line (“2022年7月18日”, “二〇二二年七月十八日”)."""
    m = _SIGN_DATE.match(text)
    if not m:
        return None
    try:
        return dt.date(_cn_int(m["y"]), _cn_int(m["m"]), _cn_int(m["d"]))
    except ValueError:
        return None


def _iso(text: str) -> str:
    parts = re.findall(r"\d+", text)
    if len(parts) >= 3:
        return f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return text


def _section_kind(title: str | None, kind: Any, year: Any) -> str:
    if not title:
        return "custom"
    if kind == "summary":
        nxt = isinstance(year, int) and f"{year + 1}年" in title
        ahead = ("下一步", "明年", "来年", "下半年")
        if (nxt or any(w in title for w in ahead)) and any(w in title for w in _NEXT_YEAR):
            return "next_year"
    for section_kind, words in SECTION_WORDS:
        if section_kind == "problems" and kind == "plan":
            continue
        if any(w in title for w in words):
            return section_kind
    return "custom"


def _parse_honours(sentence: str, short: str | None, own: bool) -> list[dict[str, Any]] | None:
    """The honours of one sentence, or None if any part of it is not an honours clause.

    Clauses are joined by “；”; within one, “，被……” goes on with the same subject
    (“我市被A确定为“X”，被B设立为“Y””), and a subject may stand before its own comma
    (“吉县科协……活动、浮山县科协……活动，被中国科协评为“……””)."""
    body = sentence.rstrip("。").strip()
    honours: list[dict[str, Any]] = []
    for clause in body.split("；"):
        pieces = re.split(r"，(?=(?:先后|还|也|分别)?被)", clause)
        subject = ""
        first = _HONOUR.match(pieces[0])
        if first is None:
            if len(pieces) < 2 or "被" in pieces[0] or len(pieces[0]) > 120:
                return None
            subject = re.sub(r"^(?:\d{4}年|今年|全年|一年来)[，,]?", "", pieces[0]).strip()
            pieces = pieces[1:]
        for piece in pieces:
            m = _HONOUR.match(piece)
            if m is None:
                return None
            who = (m["who"] or "").strip("，、 ") or subject
            subject = who
            honours += _honours_of(m, who, short, own)
    return honours or None


def _honours_of(m: re.Match[str], who: str, short: str | None, own: bool) -> list[dict[str, Any]]:
    names = re.findall(r"“([^“”]+)”", m["names"])
    by = [b for b in re.split(r"、", m["by"]) if b]
    mine = not who or who in {short, "市科协", "县科协", "区科协", "我会", "本会", "我单位"}
    mine = mine or (short is not None and short.endswith(who) and who.endswith("科协"))
    found = []
    for index, name in enumerate(names):
        honour: dict[str, Any] = {"name": name}
        if by and (index == 0 or not (mine and own and m["verb"] == "授予")):
            honour["by"] = by if len(by) > 1 else by[0]
        if not (mine and own):
            honour["recipients"] = [r for r in who.split("、") if r] or [who]
        if m["verb"] != "授予":
            honour["verb"] = m["verb"]
        found.append(honour)
    return found


# --- the year file as text ----------------------------------------------------------------

_PROSE = ("text", "intro", "closing", "notice")


def to_yaml(imported: Imported, source_name: str) -> str:
    """The year file: modeline, a header saying where it came from, the data with a
    comment above every guessed value."""
    from .scaffold import scalar

    lines = [
        "# yaml-language-server: $schema=kxreport.schema.json",
        f"# 由 kxreport import 从“{_one_line(source_name)}”导入。",
        "# 以“导入：”开头的注释是导入时的判断，请核对后删去；数字按原文写法记录在各条目的 counts 里。",
    ]
    for note in imported.table_notes:
        lines += ["# " + line for line in note.splitlines()]

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
                lines.append(f"{head}{key}: [{', '.join(scalar(i) for i in item)}]")
            else:
                rendered = value(item, (*path, key), indent, key)
                inline = inline_notes.get((*path, key))
                tail = f"   # 导入：{inline}" if inline else ""
                lines.append(f"{head}{key}:{rendered[0]}".rstrip() + tail)
                lines.extend(rendered[1:])

    mapping(imported.data, (), 0)
    return "\n".join(lines) + "\n"


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


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


@dataclass
class Result:
    """One year file made from (part of) one source."""

    source: Path
    output: Path
    imported: Imported
    text: str


def import_file(
    source: Path,
    output: Path,
    *,
    org: str | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> list[Result]:
    """The year files one source gives: one, or one per article of a page holding several
    (``NAME-1.yaml``, ``NAME-2.yaml`` …). Nothing is written here."""
    from .readers import read

    articles = split_articles(read(source).blocks)
    results = []
    for number, blocks in enumerate(articles, start=1):
        imported = import_blocks(blocks, org=org, year=year, kind=kind)
        target = output
        if len(articles) > 1:
            target = output.with_name(f"{output.stem}-{number}{output.suffix}")
        results.append(Result(source, target, imported, to_yaml(imported, source.name)))
    return results


def outputs_for(sources: list[Path], output: Path | None, *, force: bool) -> dict[Path, Path]:
    """Where each source's year file goes: ``-o FILE`` for one source, ``-o FOLDER`` (or
    beside each source) for several, always ``.yaml``; two sources never share an output
    and no source is overwritten."""
    from .errors import UsageError
    from .readers import SUFFIXES

    if not sources:
        raise UsageError("请给出要导入的材料")
    # -o names a year file when it ends in .yaml/.yml, else a folder (made when missing)
    folder = output is not None and (
        output.is_dir() or output.suffix.lower() not in (".yaml", ".yml")
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
        output.mkdir(parents=True, exist_ok=True)
    return targets


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
    guessed = "；判断：" + "、".join(imported.guessed) if imported.guessed else ""
    missing = [note for path, note in imported.notes.items() if "请填写" in note]
    todo = f"；待填写 {len(missing)} 处（见文件中的“# 导入：”注释）" if missing else ""
    return "找到 " + "、".join(found) + guessed + todo
