"""The Jinja environment, its filters, and rendering a year file into one document.

Templates are looked up in the user's folder first and the packaged ones second, so a
user overrides any template by putting a file of the same name in ``--templates DIR``.
They run in the sandbox of ``sandbox.py`` (escaping, allowlist, limits); anything a
template does wrong becomes a :class:`TemplateError` naming the template file and line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import jinja2
from jinja2.sandbox import SecurityError
from markupsafe import Markup

from . import sandbox
from .document import MARKERS, Document, Meta, parse
from .errors import TemplateError, UsageError
from .model import SECTION_KINDS, Attachment, Honour, Item, Section, YearFile
from .numbering import cn_number, ordinal
from .sandbox import FolderLoader, Sandbox, Timeout, limits, md, md_inline
from .text import html_escape, without_bidi_controls
from .text import paragraphs as _paragraphs
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


def html(value: Any) -> Markup:
    """Text for inside an HTML block of the Markdown (the signature)."""
    return Markup(html_escape(str(value)))


def heading(level: int, text: Any) -> Markup:
    """A heading line: ``## 一、…`` to ``##### （1）…`` for levels 1 to 4 (``#`` is the
    title, an annex title too), its text escaped; a title given as a list of lines keeps
    the user's line breaks as ``<br>``."""
    if level not in (0, 1, 2, 3, 4):
        raise ValueError(f"标题层级只能是 0（文件标题）到 4，而不是 {level!r}")
    if level == 0 and isinstance(text, list):
        return Markup("# ") + Markup("<br>").join(md_inline(line) for line in text)
    return Markup("#" * (level + 1) + " ") + md_inline(text)


def marker(name: str) -> Markup:
    """``<!-- 发文字号 -->``: marks the next paragraph as an element of the official
    document (:data:`kxreport.document.MARKERS`)."""
    if name not in MARKERS:
        raise ValueError(f"没有“{name}”这个标记，只能是 {'、'.join(MARKERS)}")
    return Markup(f"<!-- {name} -->")


# what an annex holds: the tables kxreport appends, in order, each an annex when present,
# then the user's attachments (templates choose the table by it: ``a.kind == "units"``)
AnnexKind = Literal["counts", "completion", "targets", "units", "attachment"]
ANNEX_KINDS: tuple[AnnexKind, ...] = get_args(AnnexKind)


@dataclass(frozen=True)
class AnnexEntry:
    """One annex of the document: an appended table or a user's attachment, with the
    label and title that the 附件说明 and the annex page both print."""

    kind: AnnexKind
    title: str
    label: str = "附件"
    number: int = 1
    attachment: Attachment | None = None

    @property
    def has_page(self) -> bool:
        """An attachment without text is only listed (it is delivered separately)."""
        return self.attachment is None or self.attachment.text is not None


def annexes(doc: YearFile, comparison: Any, rollup: Any) -> list[AnnexEntry]:
    """The annexes in order: indicator tables (when ``indicator_table``), the sub-units'
    table (with ``units``), then the user's attachments; numbered when more than one."""
    found: list[tuple[AnnexKind, str, Attachment | None]] = []
    if doc.indicator_table:
        if doc.figures("counts"):
            found.append(("counts", f"{doc.year}年主要工作指标", None))
        if comparison.with_targets:
            found.append(("completion", f"{doc.year}年计划指标完成情况", None))
        if doc.figures("targets"):
            year = doc.next_year if doc.kind == "summary" else doc.year
            found.append(("targets", f"{year}年主要目标", None))
    if rollup:
        found.append(("units", f"{doc.year}年各单位主要指标", None))
    found += [("attachment", a.title, a) for a in doc.attachments]
    several = len(found) > 1
    return [
        AnnexEntry(kind, title, f"附件{n}" if several else "附件", n, attachment)
        for n, (kind, title, attachment) in enumerate(found, start=1)
    ]


def cn_date(value: dt.date | Period) -> str:
    """2023-01-10 -> 2023年1月10日; periods as 2022年9月17日—23日 or 2022年1—11月."""
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    if not isinstance(value, Period):
        raise ValueError(f"cn_date 需要日期，而不是 {type(value).__name__}")
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
    if not isinstance(count, Count):
        raise ValueError(f"amount 需要数量，而不是 {type(count).__name__}")
    return str(count) if count.unit else str(count) + str(default_unit)


def paragraphs(text: str | None) -> list[str]:
    """Split text into paragraphs at blank lines; join wrapped lines within a paragraph."""
    return _paragraphs(text)


_END_PUNCTUATION = tuple("。！？；：…")


def sentence(text: Any) -> Any:
    """Close a run-in heading or a generated clause with 。 unless it already ends a sentence."""
    text = text.rstrip("，,、 ")
    return text if text.endswith(_END_PUNCTUATION) else text + "。"


def run_in(lead: Any) -> Markup:
    """A run-in heading in bold, its closing mark outside: ``**（一）规范制度**。``.

    CommonMark does not close ``**`` between a punctuation mark and a letter, so the
    mark must follow the closing ``**`` for the bold to render.
    """
    lead = sentence(md_inline(lead))
    core = lead.rstrip("".join(_END_PUNCTUATION))
    return Markup("**") + core + Markup("**") + lead[len(core) :]


def quote(text: Any) -> Markup:
    """“text”, turning inner double quotes into single ones as nested quotes must be."""
    inner = md_inline(text).replace("“", "‘").replace("”", "’")
    return Markup("“") + inner + Markup("”")


def year_range(start: int, end: int) -> str:
    """2021—2025年, with the em dash of official prose."""
    return f"{start}—{end}年"


def join_cn(items: Iterable[Any], sep: str = "、") -> Markup:
    return md(sep).join(md(item) for item in items)


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


def conferred(honour: Honour) -> Markup:
    """How an honour came: “被中国科协评为”, or “荣获” said by the receiver (no 被)."""
    from .model import HONOUR_ACTIVE_VERBS

    if honour.verb in HONOUR_ACTIVE_VERBS and not honour.by:
        return md(honour.verb)
    return Markup("被") + join_cn(honour.by) + md(honour.verb)


def to_say(honours: Sequence[Honour]) -> list[Honour]:
    """The honours the document must say: not those its prose already says (``in_text``)."""
    return [h for h in honours if not h.in_text]


def unique(values: Iterable[Any]) -> list[Any]:
    """Values in first-seen order without repeats."""
    return list(dict.fromkeys(values))


def section_title(section: Section, doc: YearFile) -> str:
    if section.title:
        return section.title
    return SECTION_KINDS[section.kind][1].format(next_year=doc.next_year)


FILTERS: dict[str, Callable[..., Any]] = {
    "md": md,
    "html": html,
    "cn_number": cn_number,
    "ordinal": ordinal,
    "cn_date": cn_date,
    "amount": count_text,
    "paragraphs": paragraphs,
    "sentence": sentence,
    "run_in": run_in,
    "quote": quote,
    "join_cn": join_cn,
    "year_range": year_range,
    "numbered": numbered,
    "group_honours": group_honours,
    "conferred": conferred,
    "to_say": to_say,
    "unique": unique,
}
GLOBALS: dict[str, Callable[..., Any]] = {
    "section_title": section_title,
    "heading": heading,
    "marker": marker,
}


# --- environment ---------------------------------------------------------------------


def environment(user_dir: Path | None = None) -> jinja2.Environment:
    if user_dir is not None and not user_dir.is_dir():
        raise UsageError(f"模板文件夹不存在：{user_dir}")
    return _environment(str(user_dir.resolve()) if user_dir else None)


@lru_cache(maxsize=8)
def _environment(user_dir: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if user_dir:
        loaders.append(FolderLoader(Path(user_dir)))
    loaders.append(FolderLoader(packaged_templates()))
    env = Sandbox(
        template_attributes(),
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """The compiled-template cache, in a folder of its own for this kxreport and Jinja and
    this environment (the code generator and options of ``sandbox.py`` and this module
    shape the compiled code), private to the user; None when there is no such folder."""
    import hashlib

    from . import __version__
    from .files import cache_folder, private_folder

    key = hashlib.sha256(f"{__version__} {jinja2.__version__}".encode())
    for module in (__file__, sandbox.__file__):
        with contextlib.suppress(OSError):
            key.update(Path(module).read_bytes())
    parent = cache_folder() / "templates"
    wanted = parent / key.hexdigest()[:16]
    new = not wanted.exists()
    folder = private_folder(wanted)  # checked from the cache root down, links resolved
    if folder and new:
        _prune(folder.parent, keep=folder)
    return sandbox.CompiledTemplates(str(folder)) if folder else None


KEPT_CACHES = 4  # folders of compiled templates kept for other kxreport versions


def _prune(parent: Path, keep: Path) -> None:
    """Remove the compiled templates of all but the few most recently made other
    kxreport versions (each upgrade would otherwise leave a folder behind)."""
    import shutil

    with contextlib.suppress(OSError):
        others = sorted(
            (p for p in parent.iterdir() if p.is_dir() and not p.is_symlink() and p != keep),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in others[KEPT_CACHES:]:
            shutil.rmtree(old, ignore_errors=True)


def template_attributes() -> dict[type, frozenset[str]]:
    """Per type of the year file's data, the attributes a template may read: the fields
    and a few documented properties (listed here), nothing else."""
    from pydantic import BaseModel

    from . import compare, model, rollup

    extra: dict[type, set[str]] = {
        model.Org: {"short"},
        model.Section: {"is_empty"},
        model.YearFile: {"next_year", "default_title", "full_title", "figures", "items"},
        Count: {"is_exact"},
        Period: {"is_range", "iso"},
        compare.Row: {"change", "completion_rate", "status"},
        compare.Comparison: {"get", "has_previous", "with_targets"},
        rollup.RollupTable: {
            "total",
            "missing",
            "has_missing",
            "measure",
            "header",
            "cell",
            "total_cell",
            "rows",
        },
    }
    models = [
        c
        for c in vars(model).values()
        if isinstance(c, type) and issubclass(c, BaseModel) and c.__module__ == model.__name__
    ]
    allowed: dict[type, frozenset[str]] = {
        dt.date: frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday"}),
    }
    for cls in models:
        allowed[cls] = frozenset({*cls.model_fields, *extra.get(cls, ())})
    dataclasses = (
        Count,
        Period,
        compare.Row,
        compare.Comparison,
        rollup.RollupTable,
        rollup.Column,
    )
    extra[AnnexEntry] = {"has_page"}
    for cls in (*dataclasses, Numbered, HonourGroup, AnnexEntry):
        assert is_dataclass(cls)
        allowed[cls] = frozenset({*(f.name for f in fields(cls)), *extra.get(cls, ())})
    return allowed


@dataclass
class Rendered:
    """One rendered document: the Markdown text, its blocks and file metadata."""

    markdown: str
    meta: Meta
    template: str = "模板"  # where the Markdown came from, for messages

    @cached_property
    def document(self) -> Document:
        return parse(self.markdown, self.template)


def render(
    doc: YearFile,
    templates: Path | None = None,
    previous: YearFile | None = None,
    units: list[YearFile] | None = None,
) -> Rendered:
    """Render a validated year file into the one document every writer formats."""
    title, author = doc.full_title, doc.issuer or doc.org.name
    meta = Meta(
        without_bidi_controls(title), without_bidi_controls(author), doc.date, doc.year, doc.fonts
    )
    name = TEMPLATE_NAMES[doc.kind]
    where = str(templates / name) if templates and (templates / name).is_file() else name
    return Rendered(render_markdown(doc, templates, previous, units), meta, where)


def render_markdown(
    doc: YearFile,
    templates: Path | None = None,
    previous: YearFile | None = None,
    units: list[YearFile] | None = None,
) -> str:
    """Render a validated year file with its kind's template into Markdown text.

    Templates see ``doc``, ``comparison`` (同比 and plan completion against ``previous``),
    ``rollup`` (sub-units' counts by key and their totals) and ``annexes`` (the appended
    tables and attachments, numbered as the 附件说明 lists them).
    """
    from .compare import compare
    from .rollup import rollup

    env = environment(templates)
    name = TEMPLATE_NAMES[doc.kind]
    comparison, totals = compare(doc, previous), rollup(units or [], doc.rollup)
    context = {
        "doc": doc,
        "comparison": comparison,
        "rollup": totals,
        "annexes": annexes(doc, comparison, totals),
    }
    try:
        with limits():
            template = env.get_template(name)
            text = "".join(template.generate(**context))
    except TemplateError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"{exc.filename or exc.name}:{exc.lineno}: 模板语法错误：{jinja_says(exc.message)}"
        ) from None
    except jinja2.UndefinedError as exc:
        raise TemplateError(
            f"{_template_location(exc)}模板引用了不存在的值：{jinja_says(exc.message)}"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"找不到模板：{exc.name}") from None
    except SecurityError as exc:
        raise TemplateError(f"{_template_location(exc)}模板做了不允许的事：{exc}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_template_location(exc)}模板出错：{jinja_says(str(exc))}") from None
    except Timeout:
        raise TemplateError(
            f"模板运行超过 {sandbox.MAX_SECONDS} 秒，已停止：是不是有很大的循环？"
        ) from None
    except RecursionError:
        raise TemplateError(
            "模板递归过深，已停止：是不是有模板 include/extends/import 了自己，或宏调用了自己？"
        ) from None
    except MemoryError:
        raise TemplateError(
            f"模板占用的内存超过 {sandbox.MAX_MEMORY // 1024 // 1024} MB，已停止"
        ) from None
    except Exception as exc:  # a filter given a bad value, a division by zero ...
        raise TemplateError(
            f"{_template_location(exc)}模板运行出错：{type(exc).__name__}: {exc}"
        ) from None
    return normalise_markdown(text)


# What Jinja says of a broken template, in Chinese: (pattern, Chinese), the first match is
# used; a message not in the list is shown as Jinja wrote it. Compiled when first needed.
# Jinja's names of tokens (never a name in a template: they have spaces)
_TOKENS = {
    "end of print statement": "}}",
    "end of statement block": "%}",
    "end of template": "模板结尾",
}
_JINJA_SAYS: list[tuple[str, str]] = [
    (
        r"Encountered unknown tag '(\w+)'\. Jinja was looking for the following tags: (.+)\. "
        r"The innermost block that needs to be closed is '(\w+)'\.",
        "这里不能用“{1}”：先要用 {2} 结束“{3}”块",
    ),
    (
        r"Unexpected end of template\. Jinja was looking for the following tags: (.+)\. "
        r"The innermost block that needs to be closed is '(\w+)'\.",
        "模板在“{2}”块结束之前就结束了：缺少 {1}",
    ),
    (r"Encountered unknown tag '(\w+)'\..*", "不认识的标签“{1}”"),
    (r"Expected an expression, got '(.+)'", "这里应写一个值或表达式，却遇到了“{1}”"),
    (r"expected token 'name', got '(.+)'", "这里应写一个名称，却遇到了“{1}”"),
    (r"expected token '(.+)', got '(.+)'", "这里应是“{1}”，却遇到了“{2}”"),
    (r"unexpected '(.+)', expected '(.+)'", "这里应是“{2}”，却遇到了“{1}”"),
    (r"unexpected '(.+)'", "这里不应出现“{1}”"),
    (
        r"unexpected char '(.)' at \d+|unexpected char \"(.)\" at \d+",
        "这里不应出现“{1}{2}”（引号没有配对？）",
    ),
    (r"No filter named '(.+)'\.?", "没有名为“{1}”的过滤器"),
    (r"No test named '(.+)'(?: found)?\.?", "没有名为“{1}”的测试"),
    (r"'(\w+)' is undefined", "没有名为“{1}”的值"),
    (r"'dict object' has no attribute '(.+)'", "字典里没有“{1}”"),
    (r"(?:'list object'|list object) has no element (-?\d+)", "列表里没有第 {1} 项（从 0 数起）"),
    (r"'(?:[\w.]+\.)?(\w+) object' has no attribute '(.+)'", "{1} 没有“{2}”这一项"),
]


def jinja_says(message: str) -> str:
    """Jinja's message about a template, in Chinese where it is one of the common ones."""
    for pattern, chinese in _JINJA_SAYS:
        found = re.fullmatch(pattern, message, re.S)
        if found:
            parts = [_TOKENS.get(g) or _unquoted(g) for g in found.groups("")]
            return chinese.format("", *parts)
    return message


def _unquoted(text: str) -> str:
    """A name as Jinja quotes it, without the quotes; of the tags Jinja was looking for
    (``'elif' or 'else' or 'endif'``), the one that closes the block (``{% endif %}``)."""
    closing = re.search(r"'(end\w+)'", text)
    if closing:
        return "{% " + closing[1] + " %}"
    return text.strip("'") if len(text) > 1 else text


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
    """One blank line between blocks, no trailing spaces, one final newline; no
    bidirectional control (from data or a template) reaches any writer."""
    text = without_bidi_controls(text)
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
