"""From a document people already have to a year file, as a pipeline of small stages:

read (``readers``) → clean (``clean``: text, furniture, samples) → frame (``frame``: title,
notice, signature) → judge (``judge``: org, level, year, kind, period, date from evidence)
→ outline (``outline``: parts and items) → facts (``facts``: counts, tables, honours) →
write (``write``: the year file with its comments).

Nothing is invented: what the source does not state is left out, or left empty with a
comment so that ``validate`` asks for it; what could not be placed is kept as a comment."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import official_parts
from ..errors import KxreportError
from ..kinds import ORG_LEVELS, short_name
from ..numbers import mentions
from ..readers import Block, Read
from . import judge
from .clean import clean_blocks, split_samples
from .facts import honours_in, read_figures, record, table_note, table_rows
from .frame import frame, site_made
from .imported import Context, Imported
from .outline import outline
from .write import expand_sources, outputs_for, refusals, summary_line, to_yaml

MAX_CHARACTERS = 500_000  # of text in one source: a 200-page report has some 20万字
NOTHING_TO_IMPORT = "没有可导入的文字：文件是空的，或只有图片、页眉页脚和网页上的导航、来源等杂项"

__all__ = [
    "Imported",
    "Result",
    "expand_sources",
    "import_blocks",
    "import_file",
    "import_read",
    "outputs_for",
    "plan_source",
    "refusals",
    "summary_line",
]


def import_blocks(
    blocks: list[Block],
    *,
    org: str | None = None,
    year: int | None = None,
    kind: str | None = None,
    published: dict[str, str] | None = None,
    dropped: int = 0,
    site_title: bool = False,
    template_site: bool = False,
    own: bool = False,
) -> Imported:
    """A year file (as plain data, in the order of the schema) from a document's cleaned
    blocks."""
    ctx = Context(Imported({}, dropped=dropped), table_is_counts=own)
    if not blocks:
        raise KxreportError(NOTHING_TO_IMPORT)
    blocks, official = official_parts.take(blocks)
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
    for caption, table in tables:
        read_figures(ctx, caption, table)
    found = frame(kept)
    ctx.out.dropped += found.dropped
    ctx.out.unplaced += found.unplaced
    data = ctx.data
    _header(ctx, found, published or {}, org, year, kind, site_title, template_site)
    if found.recipients:
        data["recipients"] = found.recipients
    if found.notice:
        data["notice"] = "\n\n".join(found.notice)
    overview, sections, closing = outline(ctx, found.body)
    if overview:
        honours, rest, standing = honours_in(ctx, overview, own=True)
        if honours:
            data["honours"] = honours
            ctx.out.notes[("honours",)] = (
                "荣誉由原文的荣誉句子整理；原文把授予单位合写在一起时，只记在第一项上"
            )
        ov: dict[str, Any] = {}
        if rest:
            ov["text"] = "\n\n".join(rest)
        if standing:
            ov["standing"] = standing
        if rest:
            record(ctx, ov, targets=False)  # an overview records what was done
        if ov:
            data["overview"] = ov
    # the indicator-table rows no number of the text matched are kept: a part of their own,
    # its item's sentences made from them (the text never said them, so nothing disagrees)
    rows = table_rows(ctx)
    if rows:
        caption = next((c for c, _ in tables if c), "") or "主要工作指标"
        sections.append({"kind": "custom", "title": caption, "items": [rows]})
        ctx.out.counts += sum(len(v) for v in rows.values())
        ctx.out.notes[("sections", len(sections) - 1)] = (
            "原文指标表里正文没有写到的数字：放在这一部分，请移到对应的条目"
        )
    if sections:
        data["sections"] = sections
    if closing:
        data["closing"] = closing
    for caption, table in tables:
        table_note(ctx, caption, table)
    _official(ctx, official)
    from ..source import strings

    ctx.out.numbers = sum(
        len(mentions(text))
        for loc, text in strings(data)
        if not {"counts", "targets", "source"} & set(map(str, loc))
    )
    return ctx.out


def _header(
    ctx: Context,
    found: Any,
    published: dict[str, str],
    org_arg: str | None,
    year_arg: int | None,
    kind_arg: str | None,
    site_title: bool,
    template_site: bool = False,
) -> None:
    data, notes, guessed = ctx.data, ctx.out.notes, ctx.out.guessed
    issuer = found.issuer
    signed = judge.signed(found.signed) if found.signed else None
    if found.dateline and not published.get("date") and (day := judge.signed(found.dateline)):
        published = {**published, "date": day.isoformat()}  # the date printed under the title
    body = [b.full_text for b in found.body if b.rows is None]
    said = [*found.notice, *body]  # what the text says of itself, the notice included
    title = found.title
    if title and re.search(r"[（(][2-9][）)]$", title):
        # “…工作计划（2）”: a news site's second page of the article, not the title's words
        title = re.sub(r"\s*[（(][2-9][）)]$", "", title)
    seo = site_title or bool(title and site_made(title))
    if title is None and published.get("page_title"):
        # no heading the text itself gives: the document's name on a 文库 site's page labels
        title = published["page_title"]  # the document's file name: its own words
        notes[("title",)] = "原文的标题不在正文里，按文库网站的页面标签判断，请核对"

    # the organisation and its level
    if org_arg:
        org: judge.Judged | None = judge.Judged((org_arg, short_name(org_arg)), "")
        lv = judge.level_of(org_arg)
        level = judge.Judged(lv, "") if lv else None
    else:
        org, level = judge.judge_org(
            found.headline or title, found.notice_title, issuer, body, published
        )
        if org is None and level is None and title:
            org, level = judge.place_as_writer(title)
    name, short = org.value if org else (None, None)  # type: ignore[misc]
    data["org"] = {"name": name, "short_name": short, "level": level.value if level else None}
    if org is None:
        notes[("org", "name")] = "原文没有写明单位全称：请填写（或导入时用 --org 指定）"
    elif org.evidence:
        notes[("org", "name")] = f"按{org.evidence}判断，请核对"
    if level is None:
        notes[("org", "level")] = (
            "无法从单位名称判断层级：请填写 " + "、".join(ORG_LEVELS[:-1]) + " 或 " + ORG_LEVELS[-1]
        )
    else:
        guessed.append(f"层级 {level.value}")
        if level.evidence and org is None:
            notes[("org", "level")] = f"按{level.evidence}判断"
    if short is None or short == name:
        data["org"].pop("short_name")

    # the kind first: the year of a summary and of a plan are told differently
    if kind_arg:
        kind = kind_arg
    else:
        judged_kind = judge.judge_kind(title, seo, found.notice_title, said)
        kind = str(judged_kind.value)
        if not judged_kind.evidence:
            notes[("kind",)] = "原文没有写明文种，按工作总结导入；是工作要点（计划）请改为 plan"
        elif not (title and judged_kind.evidence.endswith(f"“{title}”")):
            notes[("kind",)] = f"按{judged_kind.evidence}判断"
    period = judge.judge_period(title, body)
    if period is not None:
        data["period"] = period.value
        notes[("period",)] = f"按{period.evidence}判断"
        guessed.append("时段 " + {"half": "上半年", "stage": "阶段性"}[str(period.value)])
    if year_arg:
        year: int | None = year_arg
    elif judge.several_years(period):
        year = None
        notes[("year",)] = "原文是几年的工作综述：请填写这份材料所属的年度（通常是最后一年）"
    else:
        # a 范文/文库 site's dates are its own (upload, update), no evidence of the year
        dates = {k: v for k, v in published.items() if k != "date"} if template_site else published
        judged_year = judge.judge_year(kind, title, seo, said, signed, dates)
        year = int(judged_year.value) if judged_year and judged_year.value else None  # type: ignore[call-overload]
        if judged_year is not None and judged_year.value is None:
            notes[("year",)] = (
                f"原文的年度没有填写（{judged_year.evidence}）：请填写这份材料所属的年度"
            )
        elif judged_year is not None:
            notes[("year",)] = f"按{judged_year.evidence}判断"
            guessed.append(f"年度 {year}")
        elif published.get("date"):
            notes[("year",)] = (
                f"原文没有写年度：网页发布日期是 {published['date']}，请填写这份材料所属的年度"
            )
        else:
            notes[("year",)] = "原文没有写年度：请填写这份材料所属的年度，例如 2023"
    data["year"] = year
    data["kind"] = kind
    guessed.append("文种 " + ("工作总结" if kind == "summary" else "工作要点"))
    named = _named_in_notice(" ".join(found.notice))
    if named and title and named != title and _near(named, title):
        notes[("title",)] = f"原文标题为“{title}”，与印发说明中的《{named}》不一致，按印发说明"
        title = named
    elif named and not title:
        title = named
    if title:
        lines = found.title_lines
        data["title"] = lines if lines and "".join(lines) == title else title
    if signed is not None:
        data["date"] = signed.isoformat()
        guessed.append(f"成文日期 {signed.isoformat()}")
    if issuer and issuer != name:
        data["issuer"] = issuer
    source = {k: v for k, v in published.items() if k in ("date", "name")}
    if source:
        data["source"] = source
        notes[("source",)] = "网页的来源和发布日期，不是成文日期（落款日期）"


def _named_in_notice(notice: str) -> str | None:
    """The document a notice issues: “现将《长治市科学技术协会2022年工作要点》印发给你们”."""
    found = re.search(r"《([^《》]{4,60})》\s*(?:印发|印制|下发|转发)", notice)
    return found[1] if found else None


def _near(a: str, b: str) -> bool:
    """Whether two titles are the same one, one of them garbled or abbreviated."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b).ratio() >= 0.7


def _official(ctx: Context, found: official_parts.Parts) -> None:
    """版头, 附件, 附注 and 版记 as the source has them."""
    data = ctx.data
    if found.dispatch is not None:
        dispatch = dict(found.dispatch)
        name = (data.get("org") or {}).get("name")
        if name and dispatch.get("mark") == f"{name}文件":
            del dispatch["mark"]  # the default mark
        data["dispatch"] = dispatch
        ctx.out.guessed.append("版头")
    if found.attachments:
        data["attachments"] = found.attachments
    if found.annotation:
        data["annotation"] = found.annotation
    if found.imprint:
        data["imprint"] = found.imprint
        ctx.out.guessed.append("版记")
    ctx.out.table_notes.extend(found.notes)


@dataclass
class Result:
    """One year file made from (part of) one source."""

    source: Path
    output: Path
    imported: Imported
    text: str


def import_read(
    found: Read,
    *,
    org: str | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> list[Imported]:
    """What a read source gives: one year file, or one per sample of a page holding several."""
    size = sum(
        len(b.text or "") + sum(len(c) for row in b.rows or [] for c in row) for b in found.blocks
    )
    if size > MAX_CHARACTERS:
        raise KxreportError(
            f"材料太长：约 {size // 10000} 万字，超过 {MAX_CHARACTERS // 10000} 万字的上限"
            "（一年的总结通常不到 5 万字）：请只导入需要的部分"
        )
    cleaned = clean_blocks(found.blocks)
    for key, value in found.published.items():
        cleaned.published.setdefault(key, value)
    if not cleaned.blocks:
        raise KxreportError(NOTHING_TO_IMPORT)
    samples, marked = split_samples(cleaned.blocks)
    return [
        import_blocks(
            blocks,
            org=org,
            year=year,
            kind=kind,
            published=cleaned.published,
            dropped=cleaned.dropped if number == 1 else 0,
            site_title=marked,
            template_site=cleaned.template_site,
            own=found.own,
        )
        for number, blocks in enumerate(samples, start=1)
    ]


def import_file(
    source: Path,
    output: Path,
    *,
    org: str | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> list[Result]:
    """The year files one source gives: one, or one per sample of a page holding several
    (``NAME-1.yaml``, ``NAME-2.yaml`` …). Nothing is written here."""
    from ..readers import read

    imported = import_read(read(source), org=org, year=year, kind=kind)
    results = []
    for number, one in enumerate(imported, start=1):
        target = output
        if len(imported) > 1:
            target = output.with_name(f"{output.stem}-{number}{output.suffix}")
        text = to_yaml(one, source.name)
        loadable(text, target)
        results.append(Result(source, target, one, text))
    return results


def loadable(text: str, target: Path) -> None:
    """Refuse a year file kxreport could not read back (over the size limit, or text its
    reader refuses): import never writes one."""
    from ..errors import OutputError
    from ..source import MAX_BYTES, reads_back

    size = len(text.encode("utf-8"))
    if size > MAX_BYTES:
        raise KxreportError(
            f"导入得到的年度文件有 {size / 1024 / 1024:.1f} MB，超过年度文件 "
            f"{MAX_BYTES // 1024 // 1024} MB 的上限（validate 和 build 不会读它），没有写入："
            "原文的段落和数字太多，请把材料分成几份分别导入"
        )
    problems = reads_back(text, str(target))
    if problems:
        raise OutputError(
            f"导入结果无法作为年度文件读回（{problems[0].message}），没有写入：这是 kxreport 的缺陷，请报告"
        )


def plan_source(
    source: Path,
    target: Path,
    *,
    org: str | None = None,
    year: int | None = None,
    kind: str | None = None,
) -> list[tuple[Path, str, str]]:
    """What importing ``source`` would write: (year file, its text, a summary line), every
    text one kxreport reads back. A filled 指标填报表 (.xlsx) gives its unit's file; any
    other source goes through :func:`import_file`. Nothing is written here."""
    from ..readers import SHEET_SUFFIXES

    if source.suffix.lower() in SHEET_SUFFIXES:
        from ..sheet import import_sheet

        filled, text = import_sheet(source)
        loadable(text, target)
        return [(target, text, f"{filled.unit}：{len(filled.counts)} 项指标")]
    results = import_file(source, target, org=org, year=year, kind=kind)
    return [(r.output, r.text, summary_line(r.imported)) for r in results]
