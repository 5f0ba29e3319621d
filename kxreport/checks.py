"""Checks across the validated document: structure, unique keys, figures written in the
prose as recorded, dates inside the report year, duplicate activities and honours."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any

from .errors import Diagnostic, Severity
from .model import Item, Overview, Section, YearFile, doc_number_year
from .source import Loc, Source

MAX_ITEM_DEPTH = 3  # 一、 > （一） > 1. > （1）


Rule = Callable[[YearFile, Source], list[Diagnostic]]


def empty_sections(doc: YearFile, source: Source) -> list[Diagnostic]:
    """A part with a title but nothing to print: what was written is dropped.
    A part as ``init`` lists it (its kind, nothing written yet) is a place to write, not a
    problem: it is left out of the document without a word."""
    return [
        source.at(
            ("sections", index),
            "warning",
            "empty-section",
            "这一部分没有导语、条目或荣誉，输出时将省略（连同它的标题）",
        )
        for index, section in enumerate(doc.sections)
        if section.is_empty and section.title
    ]


def item_depth(doc: YearFile, source: Source) -> list[Diagnostic]:
    return [
        source.at(
            loc,
            "error",
            "too-deep",
            f"条目最多嵌套 {MAX_ITEM_DEPTH} 级（（一）、1.、（1）），这里是第 {depth} 级",
        )
        for loc, _, depth in doc.items()
        if depth > MAX_ITEM_DEPTH
    ]


def figures_in_prose(doc: YearFile, source: Source) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for loc, text, holder in doc.holders():
        found.extend(_figures_in_prose(source, loc, text, holder))
    return found


def activity_dates(doc: YearFile, source: Source) -> list[Diagnostic]:
    return [
        source.at(
            (*loc, "activities", a, "date"),
            "warning",
            "date-outside-year",
            f"活动日期 {activity.date.iso()} 不在报告年度 {doc.year} 年内：是不是抄了往年的日期？",
        )
        for loc, item, _ in doc.items()
        for a, activity in enumerate(item.activities)
        if activity.date is not None
        and not (activity.date.start.year <= doc.year <= activity.date.end.year)
    ]


def figure_keys(doc: YearFile, source: Source) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for kind, what in (("counts", "数字"), ("targets", "目标")):
        keys = [
            ((*loc, kind, f, "key"), figure.key)
            for loc, _, holder in doc.holders()
            for f, figure in enumerate(getattr(holder, kind))
            if figure.key is not None
        ]
        found += _duplicates(
            source, keys, "error", "duplicate-figure-key",
            lambda key, first, what=what: f"{what}的指标键“{key}”重复：{first}已经用过，每个指标键只能用一次",
        )  # fmt: skip
    return found


def duplicate_activities(doc: YearFile, source: Source) -> list[Diagnostic]:
    activities = [
        ((*loc, "activities", a), (activity.name, activity.date.iso() if activity.date else ""))
        for loc, item, _ in doc.items()
        for a, activity in enumerate(item.activities)
    ]
    return _duplicates(
        source, activities, "warning", "duplicate-activity",
        lambda key, first: f"活动“{key[0]}”重复：{first}已经写过",
    )  # fmt: skip


def duplicate_honours(doc: YearFile, source: Source) -> list[Diagnostic]:
    honours = [(("honours", i), h) for i, h in enumerate(doc.honours)]
    for s, section in enumerate(doc.sections):
        honours += [(("sections", s, "honours", i), h) for i, h in enumerate(section.honours)]
    for loc, item, _ in doc.items():
        honours += [((*loc, "honours", i), h) for i, h in enumerate(item.honours)]
    return _duplicates(
        source, [(loc, (h.name, tuple(h.recipients))) for loc, h in honours], "warning",
        "duplicate-honour", lambda key, first: f"荣誉“{key[0]}”重复：{first}已经写过",
    )  # fmt: skip


def notice_in_summary(doc: YearFile, source: Source) -> list[Diagnostic]:
    if doc.notice and doc.kind != "plan":
        return [
            source.at(
                ("notice",),
                "warning",
                "notice-in-summary",
                "“印发说明”（notice）一般只用于工作要点（kind: plan）",
            )
        ]
    return []


def missing_date(doc: YearFile, source: Source) -> list[Diagnostic]:
    """An official document needs a 成文日期; nothing may invent one, so it is only asked for
    (an imported article that never had one keeps this warning). ``date:`` written empty, as
    ``init`` writes it, says “not dated yet” and is not asked again."""
    if doc.date is not None or "date" in doc.model_fields_set:
        return []
    return [
        source.at(
            ("year",),
            "warning",
            "missing-date",
            "没有成文日期（date）：公文的落款要有成文日期，例如 date: 2024-01-10"
            "（kxreport 不会替你编一个）",
            key=True,
        )
    ]


# a name that is only a level and 科协 (“县科学技术协会”, “街道科协”): how a text names itself,
# not the organisation's name
_GENERIC_NAME = (
    r"^(?:本|我|某|[XxＸ×]+)?(?:省|市|州|盟|地区|县|区|旗|街道|乡镇|镇|乡|校|院|厂|公司|集团)"
    r"(?:科学技术协会|科协)$"
)


def generic_org_name(doc: YearFile, source: Source) -> list[Diagnostic]:
    """The org's 全称 must name the place or body (an import from a text that only says
    “县科协” keeps those words, and this says what is missing)."""
    import re

    # the 科协's own name, also when it shares an agency's (区科技创新局（区科学技术协会）)
    shared = re.fullmatch(r"(?P<agency>[^（(]+)[（(](?P<name>[^（()）]+)[）)]", doc.org.name)
    name = shared["name"] if shared else doc.org.name
    if not re.match(_GENERIC_NAME, name) or (shared and not shared["agency"].startswith(name[0])):
        return []
    return [
        source.at(
            ("org", "name"),
            "warning",
            "generic-org-name",
            f"单位全称“{doc.org.name}”没有写地名或单位名：请写全，例如“某某县科学技术协会”",
        )
    ]


def same_indicator_values(doc: YearFile, source: Source) -> list[Diagnostic]:
    """One indicator written with two values: the opening (开篇) or a part's intro gives a
    figure (“开展科普讲座320余场”) and the text under it gives the same words and measure with
    another value (“开展科普讲座350余场”). Two items may count different things with the
    same words (两次活动“展出展板”), so only a summary and what it sums up are compared."""
    from .numbers import mentions

    found: list[Diagnostic] = []
    summaries: list[tuple[Loc, str, dict[tuple[str, str | None], str]]] = []
    for loc, text, holder in doc.holders():
        if not text:
            continue
        said = [(m.label, m.count.unit, m.written) for m in mentions(text) if len(m.label) >= 4]
        for top, where, figures in summaries:
            if loc[: len(top)] != top:
                continue
            for label, unit, written in said:
                before = _same_indicator(figures, label, unit)
                if before is not None and before != written:
                    found.append(
                        source.in_value(
                            (*loc, "intro" if isinstance(holder, Section) else "text"),
                            written,
                            "warning",
                            "figure-differs",
                            f"“{label}”在{where}里写的是“{before}”，这里写的是“{written}”："
                            "同一个指标两处的数字不一致，请核对",
                        )
                    )
        if isinstance(holder, Overview | Section):
            where = "开篇" if isinstance(holder, Overview) else "本部分导语"
            top = () if isinstance(holder, Overview) else loc
            figures = {(label, unit): written for label, unit, written in said}
            summaries.append((top, where, figures))
    return found


# the words two labels must end with to name one indicator: “全年开展科普讲座” and “开展科普
# 讲座” do (a time or place before the verb), “线上科普讲座” and “科普讲座” do not
SAME_INDICATOR_TAIL = 5


def _same_indicator(
    figures: dict[tuple[str, str | None], str], label: str, unit: str | None
) -> str | None:
    """What a summary's figures give for the indicator ``label`` (with ``unit``) names: the
    same label, or one ending with the same words (at least SAME_INDICATOR_TAIL characters)."""
    exact = figures.get((label, unit))
    if exact is not None:
        return exact
    for (other, other_unit), written in figures.items():
        if other_unit != unit:
            continue
        tail = 0
        while tail < min(len(label), len(other)) and label[-1 - tail] == other[-1 - tail]:
            tail += 1
        if tail >= SAME_INDICATOR_TAIL:
            return written
    return None


# When a document of a year is usually dated (成文日期): (kind, period) -> the first and the
# last day, as (years after the report year, month, day). A summary is written at the end of
# its year or early the next; a half-year summary in the summer; a plan before its year
# starts or in its first half (real plans are issued as late as July: 长治市科协 2022-07-18).
# A stage (a campaign, several years) has no usual date. tests/test_checks_dates.py holds
# every dated document of the import corpora inside these windows.
DATE_WINDOWS: dict[tuple[str, str], tuple[tuple[int, int, int], tuple[int, int, int], str]] = {
    ("summary", "year"): ((0, 11, 1), (1, 6, 30), "年底或次年上半年"),
    ("summary", "half"): ((0, 5, 15), (0, 9, 30), "当年年中"),
    ("plan", "year"): ((-1, 10, 1), (0, 7, 31), "上一年年底或当年上半年"),
    ("plan", "half"): ((0, 5, 15), (0, 8, 31), "当年年中"),
}


def date_against_year(doc: YearFile, source: Source) -> list[Diagnostic]:
    """A 成文日期 far from when a document of its year is written: copied from an old file,
    or the wrong year."""
    import datetime as dt

    window = DATE_WINDOWS.get((doc.kind, doc.period))
    if doc.date is None or window is None:
        return []
    (y0, m0, d0), (y1, m1, d1), usual = window
    first, last = dt.date(doc.year + y0, m0, d0), dt.date(doc.year + y1, m1, d1)
    if first <= doc.date <= last:
        return []
    noun = {"summary": "工作总结", "plan": "工作要点"}[doc.kind]
    half = "上半年" if doc.period == "half" else ""
    side = "早于" if doc.date < first else "晚于"
    return [
        source.at(
            ("date",),
            "warning",
            "date-far-from-year",
            f"成文日期 {doc.date.isoformat()} {side}通常的时间：{doc.year}年{half}{noun}一般在{usual}成文"
            f"（{first.isoformat()} 至 {last.isoformat()}），是不是抄了往年的日期或写错了年份？",
        )
    ]


def dispatch_year(doc: YearFile, source: Source) -> list[Diagnostic]:
    """The year in the 发文字号 is the year the document is issued: its 成文日期's year."""
    number = doc.dispatch.number if doc.dispatch else None
    if number is None or doc.date is None or doc_number_year(number) == doc.date.year:
        return []
    return [
        source.at(
            ("dispatch", "number"),
            "warning",
            "dispatch-year",
            f"发文字号“{number}”的年份与成文日期 {doc.date.isoformat()} 不是同一年：是不是抄了往年的字号？",
        )
    ]


# The checks of a validated year file, in the order they report. A new rule is one function
# (document and source in, diagnostics out) added here.
RULES: tuple[Rule, ...] = (
    empty_sections,
    item_depth,
    figures_in_prose,
    same_indicator_values,
    activity_dates,
    figure_keys,
    duplicate_activities,
    duplicate_honours,
    notice_in_summary,
    missing_date,
    date_against_year,
    generic_org_name,
    dispatch_year,
)


def check(doc: YearFile, source: Source) -> list[Diagnostic]:
    return [diagnostic for rule in RULES for diagnostic in rule(doc, source)]


def _figures_in_prose(
    source: Source, loc: Loc, text: str | None, holder: Overview | Section | Item
) -> list[Diagnostic]:
    """Prose (the overview's, a part's intro, an item's) must write each of its figures
    exactly as it is recorded; the message quotes what the prose does say. Without prose,
    the sentence is written from the figures."""
    if not text:
        return []
    from .numbers import written_in

    where = {Overview: "开篇", Section: "本部分导语"}.get(type(holder), "本条正文")
    found = []
    for kind in ("counts", "targets"):
        for f, figure in enumerate(getattr(holder, kind)):
            if written_in(text, figure.value):
                continue
            said = _closest_said(text, figure.label, figure.value.unit)
            instead = f"{where}里写的是“{said}”" if said else f"{where}里没有这个数字"
            found.append(
                source.at(
                    (*loc, kind, f, "value"),
                    "error",
                    "figure-prose",
                    f"“{figure.label}”记为“{figure.value}”，但{instead}：正文和数字必须一致，请改正其中一处",
                )
            )
    return found


def _closest_said(text: str, label: str, unit: str | None) -> str | None:
    """What the prose says of the figure: the count with the same measure word whose words
    share the most with the label (“举办培训班12期” for 培训班 15期)."""
    from .numbers import mentions

    best: tuple[int, str] | None = None
    for mention in mentions(text):
        if unit and mention.count.unit != unit:
            continue
        shared = len(set(label) & set(mention.label))
        if shared and (best is None or shared > best[0]):
            best = (shared, mention.label + mention.written)
    return best[1] if best else None


def _duplicates(
    source: Source,
    places: Iterable[tuple[Loc, Hashable]],
    severity: Severity,
    code: str,
    message: Callable[[Any, str], str],
) -> list[Diagnostic]:
    """A diagnostic at every repeat of a key, naming where it was first written."""
    seen: dict[Hashable, Loc] = {}
    found = []
    for loc, key in places:
        if key in seen:
            found.append(source.at(loc, severity, code, message(key, source.where(seen[key]))))
        else:
            seen[key] = loc
    return found
