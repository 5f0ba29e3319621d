"""The Jinja environment, its filters, and rendering a year file into one document.

Templates are looked up in the user's folder first and the packaged ones second, so a
user overrides any template by putting a file of the same name in ``--templates DIR``.

Templates are code the user may not have written, and year files are data that may come
from anyone, so rendering is contained:

- **Data is text.** Every value a template prints is escaped for Markdown in one place
  (the environment's ``finalize``), unless it is markup a template or a filter made
  (``Markup``: macro output, ``run_in``, ``quote``, ``join_cn``…). ``{{ doc.title }}`` can
  never become a heading, a list, an HTML tag or an entity, whatever the title says.
- **Templates see data, not objects with methods.** Attribute access is an allowlist:
  the fields of the year file's models and a few documented properties, read-only
  methods of strings, lists and dicts, and nothing else (no pydantic method, no file
  reader, no deserializer; ``str.format`` neither).
- **Templates are files in the template folder.** The loader refuses names that resolve
  outside it (through ``..`` or a symlink), non-regular files and files over 1 MB.
- **Bounded.** Operators and filters that could build huge values check sizes first;
  what a render outputs is counted against a budget; recursion, time (10 s) and, on
  Linux, memory (1 GB more than before rendering) are limited. Anything a template does
  wrong becomes a :class:`TemplateError` naming the template file and line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields, is_dataclass
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from .document import Document, Meta, parse
from .errors import TemplateError, UsageError
from .files import TooLarge, is_inside, read_regular
from .model import SECTION_KINDS, Honour, Item, Section, YearFile
from .text import html_escape, md_escape
from .text import paragraphs as _paragraphs
from .values import Count, Period

TEMPLATE_NAMES = {"summary": "summary.md.j2", "plan": "plan.md.j2"}

# Resource limits of one render.
MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_VALUE = 1_000_000  # characters (or items) one operation of a template may build
MAX_SPENT = 50_000_000  # characters all outputs and concatenations of a render may add up to
MAX_RANGE = 10_000
MAX_SECONDS = 10
MAX_MEMORY = 1024 * 1024 * 1024  # bytes of address space a render may add (Linux)


def packaged_templates() -> Path:
    """The templates shipped in the wheel, or the repository's ``templates/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if candidate.is_dir():
            return candidate
    raise TemplateError("找不到内置模板文件夹（安装不完整？请重新安装 kxreport）")


# --- filters -------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"
_CN_GROUPS = ("", "万", "亿", "万亿")


def _cn_four(group: int) -> str:
    """1..9999 in Chinese numerals, 零 between non-zero digits: 1005 -> 一千零五."""
    out = ""
    zero = False
    for size, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = group // size % 10
        if digit:
            if zero:
                out += "零"
                zero = False
            out += _CN_DIGITS[digit] + unit
        elif out:
            zero = True
    return out


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 105 -> 一百零五, 1000 -> 一千, 10005 -> 一万零五."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"cn_number 需要非负整数，而不是 {n!r}")
    if n < 10:
        return _CN_DIGITS[n]
    groups = []
    while n:
        groups.append(n % 10_000)
        n //= 10_000
    if len(groups) > len(_CN_GROUPS):
        raise ValueError("数字太大，无法写成中文数字")
    out = ""
    gap = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            gap = bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _cn_four(group) + _CN_GROUPS[index]
        gap = False
    return out[1:] if out.startswith("一十") else out


def ordinal(n: int, level: int) -> str:
    """Heading numbers of GB/T 9704: 一、 （一） 1. （1） for levels 1 to 4."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"序号必须是正整数，而不是 {n!r}")
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"标题层级只能是 1 到 4，而不是 {level!r}")


def md(value: Any) -> Markup:
    """Text escaped for Markdown (markup a template made is left as it is). Every printed
    value is escaped anyway; the filter remains for templates written before that."""
    return value if isinstance(value, Markup) else Markup(md_escape(str(value)))


def _inline(value: Any) -> Markup:
    """Escaped text that follows other text on its line (no line-start escapes needed)."""
    return value if isinstance(value, Markup) else Markup(md_escape(str(value), line_start=False))


def html(value: Any) -> Markup:
    """Text for inside an HTML block of the Markdown (the signature)."""
    return Markup(html_escape(str(value)))


def heading(level: int, text: Any) -> Markup:
    """A heading line: ``## 一、…`` to ``##### （1）…`` for levels 1 to 4 (``#`` is the
    title), its text escaped."""
    if level not in (0, 1, 2, 3, 4):
        raise ValueError(f"标题层级只能是 0（文件标题）到 4，而不是 {level!r}")
    return Markup("#" * (level + 1) + " ") + _inline(text)


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
    lead = sentence(_inline(lead))
    core = lead.rstrip("".join(_END_PUNCTUATION))
    return Markup("**") + core + Markup("**") + lead[len(core) :]


def quote(text: Any) -> Markup:
    """“text”, turning inner double quotes into single ones as nested quotes must be."""
    inner = _inline(text).replace("“", "‘").replace("”", "’")
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
    "unique": unique,
}
GLOBALS: dict[str, Callable[..., Any]] = {
    "section_title": section_title,
    "heading": heading,
}


# --- what templates may touch ----------------------------------------------------------

_STR_METHODS = frozenset(
    "capitalize casefold count endswith find index isalnum isalpha isdecimal isdigit "
    "islower isnumeric isspace istitle isupper lower lstrip partition removeprefix "
    "removesuffix replace rfind rindex rpartition rsplit rstrip split splitlines startswith "
    "strip swapcase title upper".split()
)
_LOOP = frozenset(
    "index index0 revindex revindex0 first last length depth depth0 previtem nextitem "
    "changed cycle".split()
)


def _template_attributes() -> dict[type, frozenset[str]]:
    """Per type, the attributes a template may read (for our types: their fields and the
    documented properties; for built-in types: methods that read)."""
    from pydantic import BaseModel

    from . import compare, model

    extra: dict[type, set[str]] = {
        model.Org: {"short"},
        model.Section: {"is_empty"},
        model.YearFile: {"next_year", "default_title", "figures", "items"},
        Count: {"is_exact"},
        Period: {"is_range", "iso"},
        compare.Row: {"change", "completion_rate", "status"},
        compare.Comparison: {"get", "has_previous", "with_targets"},
        compare.Rollup: {"total"},
    }
    allowed: dict[type, frozenset[str]] = {
        str: _STR_METHODS,
        dict: frozenset({"get", "items", "keys", "values"}),
        list: frozenset({"count", "index"}),
        tuple: frozenset({"count", "index"}),
        dt.date: frozenset({"year", "month", "day", "isoformat", "weekday", "isoweekday"}),
        jinja2.runtime.LoopContext: _LOOP,
    }
    classes: list[type] = [
        *(
            c
            for c in vars(model).values()
            if isinstance(c, type) and issubclass(c, BaseModel) and c.__module__ == model.__name__
        ),
        Count,
        Period,
        compare.Row,
        compare.Comparison,
        compare.Rollup,
        compare.Column,
        Numbered,
        HonourGroup,
    ]
    for cls in classes:
        names = set(extra.get(cls, ()))
        if issubclass(cls, BaseModel):
            names |= set(cls.model_fields)
        elif is_dataclass(cls):
            names |= {f.name for f in fields(cls)}
        allowed[cls] = frozenset(names)
    return allowed


@lru_cache(maxsize=1)
def template_attributes() -> dict[type, frozenset[str]]:
    return _template_attributes()


def may_read(obj: Any, attribute: str) -> bool:
    """Whether a template may read ``obj.attribute``."""
    if attribute.startswith("_"):
        return False
    if isinstance(obj, (jinja2.environment.TemplateModule, jinja2.runtime.TemplateReference)):
        return True  # macros and blocks of a template
    if isinstance(obj, jinja2.utils.Namespace):
        return True
    table = template_attributes()
    for cls in type(obj).__mro__:
        names = table.get(cls)
        if names is not None:
            return attribute in names
    return False


class _Budget(threading.local):
    spent = 0


_budget = _Budget()


def _spend(value: Any) -> Any:
    """Count what a render outputs and concatenates; stop it beyond MAX_SPENT."""
    if isinstance(value, str):
        _budget.spent += len(value)
        if _budget.spent > MAX_SPENT:
            raise SecurityError(f"模板生成的内容超过 {MAX_SPENT // 1_000_000} M 字")
    return value


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with every output and every ``~`` concatenation counted."""

    def _output_const_repr(self, group: Iterable[Any]) -> str:
        return f"environment.spend({super()._output_const_repr(group)})"

    def _output_child_pre(self, node: Any, frame: Any, finalize: Any) -> None:
        self.write("environment.spend(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: Any, frame: Any, finalize: Any) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    def visit_Concat(self, node: Any, frame: Any) -> None:
        self.write("environment.md_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def md_concat(parts: Iterable[Any]) -> Any:
    """``a ~ b``: text joined as text; once any part is markup, the text parts are escaped
    for Markdown (not for HTML, as Jinja would) before they join it."""
    parts = list(parts)
    if any(isinstance(p, Markup) for p in parts):
        return _spend(Markup("").join(md(p) for p in parts))
    return _spend("".join(str(p) for p in parts))


@jinja2.pass_environment
def _join_filter(env: jinja2.Environment, value: Iterable[Any], d: Any = "", attribute: Any = None) -> Any:
    """Jinja's ``join``, escaping for Markdown like :func:`concat`."""
    if attribute is not None:
        value = map(jinja2.filters.make_attrgetter(env, attribute), value)
    return _joined(d, list(value))


def _joined(sep: Any, items: list[Any]) -> Any:
    if isinstance(sep, Markup) or any(isinstance(i, Markup) for i in items):
        return _spend(md(sep).join(md(i) for i in items))
    return _spend(str(sep).join(str(i) for i in items))


def _too_big(what: str) -> SecurityError:
    return SecurityError(f"{what}太大（上限 {MAX_VALUE} 个字或项）")


_FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(spec: str) -> None:
    for m in _FORMAT_SPEC.finditer(spec):
        for part in (m[1], m[2]):
            if part == "*" or (part and int(part) > 1000):
                raise SecurityError("格式化宽度太大（上限 1000）")


def _safe_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range 太长（上限 {MAX_RANGE} 项）")
    return rng


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with an allowlist of attributes and bounded operators."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _CodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals.pop("lipsum", None)
        self.globals["range"] = _safe_range
        bounded: dict[str, Callable[..., Any]] = {
            "center": _bounded_filter("center", lambda value, width=80: _width(width)),
            "indent": _bounded_filter("indent", lambda value, width=4, *a, **k: _width(width)),
            "format": _format_filter,
            "batch": _bounded_filter("batch", lambda value, linecount, *a: _width(linecount)),
            "slice": _bounded_filter("slice", lambda value, slices, *a: _width(slices)),
            "replace": _replace_filter,
            "join": _join_filter,
            "wordwrap": _bounded_filter("wordwrap", lambda value, width=79, *a, **k: _width(width)),
            "truncate": _bounded_filter("truncate", lambda value, length=255, *a, **k: _width(length)),
        }
        self.filters.update(bounded)

    spend = staticmethod(_spend)
    md_concat = staticmethod(md_concat)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return may_read(obj, attr)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is simply not allowed (widths, attribute lookups)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if may_read(obj, attribute):
            return super().getattr(obj, attribute)
        if isinstance(obj, dict):
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                pass
        if not attribute.startswith("_") and not hasattr(type(obj), attribute):
            if attribute not in getattr(obj, "__dict__", {}):
                return self.undefined(obj=obj, name=attribute)  # no such value at all
        return self.unsafe_undefined(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and not isinstance(obj, (dict, list, tuple, str)):
            return self.getattr(obj, argument)
        try:
            return obj[argument]
        except (TypeError, LookupError):
            if isinstance(argument, str):
                return self.getattr(obj, argument)
        return self.undefined(obj=obj, name=argument)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        return self.undefined(
            f"模板不能读取 {type(obj).__name__} 的“{attribute}”",
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if getattr(__obj, "__name__", None) == "replace" and isinstance(
            getattr(__obj, "__self__", None), str
        ):
            _check_replace(__obj.__self__, *args)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    if len(seq) * max(times, 0) > MAX_VALUE:
                        raise _too_big("重复得到的文字或列表")
        elif operator == "+":
            if isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
                if len(left) + len(right) > MAX_VALUE:
                    raise _too_big("相加得到的文字或列表")
        elif operator == "**":
            if isinstance(left, (int, float, Decimal)) and isinstance(right, (int, float, Decimal)):
                magnitude = abs(float(left)) if left else 0.0
                if magnitude > 1 and float(right) * math.log2(magnitude) > 4096:
                    raise SecurityError("乘方的结果太大")
        elif operator == "%" and isinstance(left, str):
            _check_percent_format(left)
        return super().call_binop(context, operator, left, right)


def _width(value: Any) -> None:
    if isinstance(value, int) and value > 1000:
        raise SecurityError("宽度或数量太大（上限 1000）")


def _bounded_filter(name: str, check: Callable[..., None]) -> Callable[..., Any]:
    original = jinja2.filters.FILTERS[name]

    def bounded(*args: Any, **kwargs: Any) -> Any:
        # the filter may take the environment or the eval context first
        plain = [a for a in args if not isinstance(a, (jinja2.Environment, jinja2.nodes.EvalContext))]
        check(*plain, **kwargs)
        return original(*args, **kwargs)

    bounded.__dict__.update(original.__dict__)  # keep jinja's pass_environment marks
    bounded.__name__ = original.__name__
    return bounded


@jinja2.pass_eval_context
def _format_filter(eval_ctx: Any, value: str, *args: Any, **kwargs: Any) -> str:
    _check_percent_format(str(value))
    return jinja2.filters.do_format(value, *args, **kwargs)


def _check_replace(text: str, old: Any = "", new: Any = "", count: Any = -1, *_: Any) -> None:
    if not isinstance(old, str) or not isinstance(new, str):
        return
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * (len(new) - len(old)) > MAX_VALUE:
        raise _too_big("替换得到的文字")


@jinja2.pass_eval_context
def _replace_filter(eval_ctx: Any, value: str, old: str, new: str, count: int | None = None) -> str:
    _check_replace(str(value), str(old), str(new), -1 if count is None else count)
    return jinja2.filters.do_replace(eval_ctx, value, old, new, count)


class _FolderLoader(jinja2.BaseLoader):
    """Templates from one folder: names may not leave it (no ``..``, no symlink out),
    only regular files of at most MAX_TEMPLATE_BYTES, UTF-8."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        path = self.folder.joinpath(*pieces)
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        if not is_inside(path, self.folder):
            raise TemplateError(f"模板“{template}”指向模板文件夹 {self.folder} 之外，不能使用")
        try:
            raw = read_regular(path, MAX_TEMPLATE_BYTES)
        except TooLarge:
            raise TemplateError(f"模板 {path} 太大（上限 1 MB）") from None
        except UsageError as exc:
            raise TemplateError(f"模板 {template}：{exc}") from None
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TemplateError(f"模板 {path} 不是 UTF-8 编码：请另存为 UTF-8") from None
        mtime = os.path.getmtime(path)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(path) == mtime
            except OSError:
                return False

        return source, str(path), uptodate


# --- environment ---------------------------------------------------------------------


def environment(user_dir: Path | None = None) -> jinja2.Environment:
    if user_dir is not None and not user_dir.is_dir():
        raise UsageError(f"模板文件夹不存在：{user_dir}")
    return _environment(str(user_dir.resolve()) if user_dir else None)


def _finalize(value: Any) -> Any:
    """Every printed value: markup a template or filter made stays, anything else is text."""
    return value if isinstance(value, Markup) else Markup(md_escape(str(value)))


@lru_cache(maxsize=8)
def _environment(user_dir: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if user_dir:
        loaders.append(_FolderLoader(Path(user_dir)))
    loaders.append(_FolderLoader(packaged_templates()))
    env = Sandbox(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
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


class _Timeout(Exception):
    pass


def _address_space() -> int | None:
    """Bytes of address space this process uses now (Linux), or None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@contextlib.contextmanager
def _limits() -> Iterator[None]:
    """Time and memory limits around one render, where the platform allows them: a
    SIGALRM timer (main thread, POSIX) and a raised RLIMIT_AS (Linux)."""
    restore: list[Callable[[], None]] = []
    try:
        if sys.platform.startswith("linux"):
            import resource

            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            used = _address_space()
            if used is not None:
                want = used + MAX_MEMORY
                if (soft == resource.RLIM_INFINITY or soft > want) and (
                    hard == resource.RLIM_INFINITY or want <= hard
                ):
                    resource.setrlimit(resource.RLIMIT_AS, (want, hard))
                    restore.append(lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard)))
        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            armed = [True]

            def expire(_signum: int, _frame: Any) -> None:
                if armed[0]:
                    raise _Timeout

            previous = signal.signal(signal.SIGALRM, expire)
            signal.setitimer(signal.ITIMER_REAL, MAX_SECONDS)

            def disarm() -> None:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)

            restore.append(disarm)
        _budget.spent = 0
        yield
    finally:
        for undo in reversed(restore):
            undo()


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
    context = {"doc": doc, "comparison": compare(doc, previous), "rollup": rollup(units or [])}
    try:
        with _limits():
            template = env.get_template(name)
            text = "".join(template.generate(**context))
    except TemplateError:
        raise
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
    except SecurityError as exc:
        raise TemplateError(f"{_template_location(exc)}模板做了不允许的事：{exc}") from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{_template_location(exc)}模板出错：{exc}") from None
    except _Timeout:
        raise TemplateError(f"模板运行超过 {MAX_SECONDS} 秒，已停止：是不是有很大的循环？") from None
    except RecursionError:
        raise TemplateError(
            "模板递归过深，已停止：是不是有模板 include/extends/import 了自己，或宏调用了自己？"
        ) from None
    except MemoryError:
        raise TemplateError(
            f"模板占用的内存超过 {MAX_MEMORY // 1024 // 1024} MB，已停止"
        ) from None
    except Exception as exc:  # a filter given a bad value, a division by zero ...
        raise TemplateError(
            f"{_template_location(exc)}模板运行出错：{type(exc).__name__}: {exc}"
        ) from None
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
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"
