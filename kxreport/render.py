"""The Jinja environment, its filters, and rendering a year file into one document.

Templates are looked up in the user's folder first and the packaged ones second, so a
user overrides any template by putting a file of the same name in ``--templates DIR``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .document import Document, Meta, parse
from .errors import TemplateError, UsageError
from .model import SECTION_KINDS, Honour, Item, Section, YearFile
from .values import Count, Period

TEMPLATE_NAMES = {"summary": "summary.md.j2", "plan": "plan.md.j2"}


def packaged_templates() -> Path:
    """The templates shipped in the wheel, or the repository's ``templates/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError("找不到内置模板文件夹（安装不完整？请重新安装 kxreport）")


# --- filters -------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (for ordinals up to 999)."""
    if n < 0 or n > 999:
        raise ValueError(f"序号超出范围：{n}")
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    rest = n % 100
    head = _CN_DIGITS[n // 100] + "百"
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + _CN_DIGITS[rest]
    return head + _CN_DIGITS[rest // 10] + "十" + (_CN_DIGITS[rest % 10] if rest % 10 else "")


def ordinal(n: int, level: int) -> str:
    """Heading numbers of GB/T 9704: 一、 （一） 1. （1） for levels 1 to 4."""
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"标题层级只能是 1 到 4：{level}")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.MULTILINE)


def md_escape(text: Any) -> str:
    """Escape user text so Markdown shows it literally (``**县`` stays ``**县``)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", str(text))
    return _MD_LINE_START.sub(lambda m: m[1] + _escape_marker(m[2]), escaped)


def _escape_marker(marker: str) -> str:
    if marker[0].isdigit():
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def html_escape(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def cn_date(value: dt.date | Period) -> str:
    """2023-01-10 -> 2023年1月10日; periods as 2022年9月17日—23日 or 2022年1—11月."""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    start, end = value.start, value.end
    if value.granularity == "month":
        if not value.is_range:
            return f"{start.year}年{start.month}月"
        if start.year == end.year:
            return f"{start.year}年{start.month}—{end.month}月"
        return f"{start.year}年{start.month}月—{end.year}年{end.month}月"
    if not value.is_range:
        return cn_date(start)
    if start.year != end.year:
        return f"{cn_date(start)}—{cn_date(end)}"
    if start.month != end.month:
        return f"{cn_date(start)}—{end.month}月{end.day}日"
    return f"{cn_date(start)}—{end.day}日"


def count_text(count: Count, default_unit: str = "") -> str:
    """A count as official prose writes it: 30余次, 213万余次, 近万名."""
    return str(count) if count.unit else str(count) + default_unit


def paragraphs(text: str | None) -> list[str]:
    """Split text into paragraphs at blank lines; join wrapped lines within a paragraph."""
    if not text:
        return []
    blocks = re.split(r"\n\s*\n", text.strip())
    return [
        "".join(line.strip() for line in block.splitlines()) for block in blocks if block.strip()
    ]


_END_PUNCTUATION = tuple("。！？；：…")


def sentence(text: str) -> str:
    """Close a run-in heading or a generated clause with 。 unless it already ends a sentence."""
    text = text.rstrip("，,、 ")
    return text if text.endswith(_END_PUNCTUATION) else text + "。"


def run_in(lead: str) -> str:
    """A run-in heading in bold, its closing mark outside: ``**（一）规范制度**。``.

    CommonMark does not close ``**`` between a punctuation mark and a letter, so the
    mark must follow the closing ``**`` for the bold to render.
    """
    lead = sentence(lead)
    core = lead.rstrip("".join(_END_PUNCTUATION))
    return f"**{core}**{lead[len(core) :]}"


def quote(text: str) -> str:
    """“text”, turning inner double quotes into single ones as nested quotes must be."""
    inner = str(text).replace("“", "‘").replace("”", "’")
    return f"“{inner}”"


def year_range(start: int, end: int) -> str:
    """2021—2025年, with the em dash of official prose."""
    return f"{start}—{end}年"


def join_cn(items: Iterable[Any], sep: str = "、") -> str:
    return sep.join(str(i) for i in items)


@dataclass(frozen=True)
class Numbered:
    number: int | None
    item: Item


def numbered(items: Sequence[Item]) -> list[Numbered]:
    """Number the items that have a heading; items without one are plain paragraphs."""
    result = []
    n = 0
    for item in items:
        if item.heading:
            n += 1
            result.append(Numbered(n, item))
        else:
            result.append(Numbered(None, item))
    return result


@dataclass(frozen=True)
class HonourGroup:
    """Consecutive honours with the same recipients, said in one clause."""

    recipients: tuple[str, ...]
    honours: tuple[Honour, ...]


def group_honours(honours: Sequence[Honour]) -> list[HonourGroup]:
    groups: list[HonourGroup] = []
    for honour in honours:
        key = tuple(honour.recipients)
        if groups and groups[-1].recipients == key:
            groups[-1] = HonourGroup(key, (*groups[-1].honours, honour))
        else:
            groups.append(HonourGroup(key, (honour,)))
    return groups


def unique(values: Iterable[Any]) -> list[Any]:
    """Values in first-seen order without repeats."""
    return list(dict.fromkeys(values))


def section_title(section: Section, doc: YearFile) -> str:
    if section.title:
        return section.title
    return SECTION_KINDS[section.kind][1].format(next_year=doc.next_year)


# --- environment ---------------------------------------------------------------------


def environment(user_dir: Path | None = None) -> jinja2.Environment:
    if user_dir is not None and not user_dir.is_dir():
        raise UsageError(f"模板文件夹不存在：{user_dir}")
    return _environment(str(user_dir) if user_dir else None)


@lru_cache(maxsize=8)
def _environment(user_dir: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if user_dir:
        loaders.append(jinja2.FileSystemLoader(user_dir))
    loaders.append(jinja2.FileSystemLoader(str(packaged_templates())))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        md=md_escape,
        html=html_escape,
        cn_number=cn_number,
        ordinal=ordinal,
        cn_date=cn_date,
        amount=count_text,
        paragraphs=paragraphs,
        sentence=sentence,
        run_in=run_in,
        quote=quote,
        join_cn=join_cn,
        year_range=year_range,
        numbered=numbered,
        group_honours=group_honours,
        unique=unique,
    )
    env.globals.update(section_title=section_title)
    return env


@dataclass
class Rendered:
    """One rendered document: the Markdown text, its blocks and file metadata."""

    markdown: str
    meta: Meta

    @cached_property
    def document(self) -> Document:
        return parse(self.markdown)


def render(
    doc: YearFile,
    templates: Path | None = None,
    previous: YearFile | None = None,
    units: list[YearFile] | None = None,
) -> Rendered:
    """Render a validated year file into the one document every writer formats."""
    meta = Meta(doc.title or doc.default_title, doc.issuer or doc.org.name, doc.date, doc.year)
    return Rendered(render_markdown(doc, templates, previous, units), meta)


def render_markdown(
    doc: YearFile,
    templates: Path | None = None,
    previous: YearFile | None = None,
    units: list[YearFile] | None = None,
) -> str:
    """Render a validated year file with its kind's template into Markdown text.

    Templates see ``doc``, ``comparison`` (同比 and plan completion against ``previous``)
    and ``rollup`` (sub-units' counts by key and their totals).
    """
    from .compare import compare, rollup

    env = environment(templates)
    name = TEMPLATE_NAMES[doc.kind]
    try:
        template = env.get_template(name)
        text = template.render(
            doc=doc, comparison=compare(doc, previous), rollup=rollup(units or [])
        )
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{exc.filename or exc.name}:{exc.lineno}: 模板语法错误：{exc.message}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{_template_location(exc)}模板引用了不存在的值：{exc.message}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"找不到模板：{exc.name}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_template_location(exc)}模板出错：{exc}") from None
    return normalise_markdown(text)


def _template_location(exc: BaseException) -> str:
    """``file:line: `` of the innermost template frame in a traceback, if any."""
    tb = exc.__traceback__
    found = ""
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"{filename}:{tb.tb_lineno}: "
        tb = tb.tb_next
    return found


def normalise_markdown(text: str) -> str:
    """One blank line between blocks, no trailing spaces, one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
