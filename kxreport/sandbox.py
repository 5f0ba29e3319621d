"""The Jinja sandbox templates run in: what they may touch, how their output is escaped,
and the limits of one render.

Templates are code the user may not have written, and year files are data that may come
from anyone, so rendering is contained:

- **Data is text.** Every value a template prints is escaped for Markdown in one place,
  :func:`finalize`, unless it is markup a template or a filter made (``Markup``: macro
  output, ``run_in``, ``quote``, ``join_cn``…). ``~`` and ``join`` escape their text
  parts the same way once they meet markup (Jinja would escape them for HTML only).
  So ``{{ doc.title }}`` can never become a heading, a list, an HTML tag or an entity.
- **Templates see data, not objects with methods.** Attribute access is an allowlist
  (:class:`Sandbox` gets it per type): the fields of the year file's models and a few
  documented properties, read-only methods of strings, lists and dicts, nothing else — no
  pydantic method, file reader or deserializer, no ``str.format``.
- **Templates are files in their folder.** :class:`FolderLoader` refuses names that
  resolve outside it (``..``, a symlink), non-regular files and files over 1 MB.
- **Bounded.** ``*``, ``+``, ``**``, ``%`` and the filters that could build huge values
  check sizes first; everything a render outputs or concatenates is counted against a
  budget; ``range`` is short; :func:`limits` stops a render after 10 seconds (POSIX, main
  thread) or when it takes 1 GB more memory (Linux).
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from jinja2.compiler import CodeGenerator
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from markupsafe import Markup

from .errors import TemplateError, UsageError
from .files import TooLarge, is_inside, read_regular
from .text import md_escape

MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_VALUE = 1_000_000  # characters (or items) one operation of a template may build
MAX_SPENT = 20_000_000  # characters all outputs and concatenations of a render may add up to
MAX_RANGE = 10_000
MAX_WIDTH = 1000  # widths and counts given to filters (center, indent, batch …)
MAX_SECONDS = 10
MAX_MEMORY = 1024 * 1024 * 1024  # bytes of address space a render may add (Linux)


# --- escaping ------------------------------------------------------------------------


def md(value: Any) -> Markup:
    """Text escaped for Markdown; markup a template or filter made is left as it is."""
    return value if isinstance(value, Markup) else Markup(md_escape(str(value)))


def md_inline(value: Any) -> Markup:
    """Like :func:`md`, for text that follows other text on its line (``**…``), so its
    beginning needs no line-start escapes."""
    return value if isinstance(value, Markup) else Markup(md_escape(str(value), line_start=False))


# Every printed value: markup a template or filter made stays, anything else is text.
finalize = md


def md_concat(parts: Iterable[Any]) -> Any:
    """``a ~ b``: text joined as text; once any part is markup, the text parts are escaped
    for Markdown before they join it."""
    items = list(parts)
    if any(isinstance(p, Markup) for p in items):
        return spend(Markup("").join(md(p) for p in items))
    return spend("".join(str(p) for p in items))


@jinja2.pass_environment
def _join_filter(
    env: jinja2.Environment, value: Iterable[Any], d: Any = "", attribute: Any = None
) -> Any:
    """Jinja's ``join``, escaping for Markdown like :func:`md_concat`."""
    if attribute is not None:
        value = map(jinja2.filters.make_attrgetter(env, attribute), value)
    items = list(value)
    between = [part for item in items for part in (d, item)][1:]  # item, d, item, d, item
    return md_concat(between)


# --- the output budget -----------------------------------------------------------------


class _Budget(threading.local):
    spent = 0


_budget = _Budget()


def spend(value: Any) -> Any:
    """Count what a render outputs and concatenates; stop it beyond MAX_SPENT."""
    if isinstance(value, str):
        _budget.spent += len(value)
        if _budget.spent > MAX_SPENT:
            raise SecurityError(f"模板生成的内容超过 {MAX_SPENT // 10_000} 万字")
    return value


class _CodeGenerator(CodeGenerator):
    """Jinja's code generator, with every output counted and ``~`` escaping for Markdown."""

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


# --- what templates may touch ------------------------------------------------------------

STR_METHODS = frozenset(
    [
        "capitalize",
        "casefold",
        "count",
        "endswith",
        "find",
        "index",
        "isalnum",
        "isalpha",
        "isdecimal",
        "isdigit",
        "islower",
        "isnumeric",
        "isspace",
        "istitle",
        "isupper",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rfind",
        "rindex",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "swapcase",
        "title",
        "upper",
    ]
)
LOOP_ATTRIBUTES = frozenset(
    [
        "index",
        "index0",
        "revindex",
        "revindex0",
        "first",
        "last",
        "length",
        "depth",
        "depth0",
        "previtem",
        "nextitem",
        "changed",
        "cycle",
    ]
)
BUILTIN_ATTRIBUTES: dict[type, frozenset[str]] = {
    str: STR_METHODS,
    dict: frozenset({"get", "items", "keys", "values"}),
    list: frozenset({"count", "index"}),
    tuple: frozenset({"count", "index"}),
    jinja2.runtime.LoopContext: LOOP_ATTRIBUTES,
    jinja2.utils.Cycler: frozenset({"current", "next", "reset", "items"}),
}


def _too_big(what: str) -> SecurityError:
    return SecurityError(f"{what}太大（上限 {MAX_VALUE} 个字或项）")


_FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")


def _check_percent_format(spec: str) -> None:
    for m in _FORMAT_SPEC.finditer(spec):
        for part in (m[1], m[2]):
            if part == "*" or (part and int(part) > MAX_WIDTH):
                raise SecurityError(f"格式化宽度太大（上限 {MAX_WIDTH}）")


_SIZED = (str, list, tuple)


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse ``*``, ``+``, ``**`` and ``%`` whose result would be huge, before computing it."""
    sized = isinstance(left, _SIZED), isinstance(right, _SIZED)
    if operator == "*" and any(sized):
        seq, times = (left, right) if sized[0] else (right, left)
        if isinstance(times, int) and len(seq) * max(times, 0) > MAX_VALUE:
            raise _too_big("重复得到的文字或列表")
    elif operator == "+" and all(sized) and len(left) + len(right) > MAX_VALUE:
        raise _too_big("相加得到的文字或列表")
    elif operator == "**":
        numbers = (int, float, Decimal)
        if isinstance(left, numbers) and isinstance(right, numbers):
            magnitude = abs(float(left)) if left else 0.0
            if magnitude > 1 and float(right) * math.log2(magnitude) > 4096:
                raise SecurityError("乘方的结果太大")
    elif operator == "%" and isinstance(left, str):
        _check_percent_format(left)


def _check_replace(text: str, old: Any = "", new: Any = "", count: Any = -1, *_: Any) -> None:
    if not isinstance(old, str) or not isinstance(new, str):
        return
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    if len(text) + times * (len(new) - len(old)) > MAX_VALUE:
        raise _too_big("替换得到的文字")


def _safe_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise SecurityError(f"range 太长（上限 {MAX_RANGE} 项）")
    return rng


def _width(value: Any) -> None:
    if isinstance(value, int) and value > MAX_WIDTH:
        raise SecurityError(f"宽度或数量太大（上限 {MAX_WIDTH}）")


def _bounded_filter(name: str, check: Callable[..., None]) -> Callable[..., Any]:
    """Jinja's filter ``name``, its arguments checked first."""
    original = jinja2.filters.FILTERS[name]

    def bounded(*args: Any, **kwargs: Any) -> Any:
        # the filter may take the environment or the eval context first
        plain = [
            a for a in args if not isinstance(a, (jinja2.Environment, jinja2.nodes.EvalContext))
        ]
        check(*plain, **kwargs)
        return original(*args, **kwargs)

    bounded.__dict__.update(original.__dict__)  # keep jinja's pass_environment marks
    bounded.__name__ = original.__name__
    return bounded


@jinja2.pass_eval_context
def _format_filter(eval_ctx: Any, value: str, *args: Any, **kwargs: Any) -> str:
    _check_percent_format(str(value))
    return jinja2.filters.do_format(value, *args, **kwargs)


@jinja2.pass_eval_context
def _replace_filter(eval_ctx: Any, value: str, old: str, new: str, count: int | None = None) -> str:
    _check_replace(str(value), str(old), str(new), -1 if count is None else count)
    return jinja2.filters.do_replace(eval_ctx, value, old, new, count)


BOUNDED_FILTERS: dict[str, Callable[..., Any]] = {
    "center": _bounded_filter("center", lambda value, width=80: _width(width)),
    "indent": _bounded_filter("indent", lambda value, width=4, *a, **k: _width(width)),
    "batch": _bounded_filter("batch", lambda value, linecount, *a: _width(linecount)),
    "slice": _bounded_filter("slice", lambda value, slices, *a: _width(slices)),
    "wordwrap": _bounded_filter("wordwrap", lambda value, width=79, *a, **k: _width(width)),
    "truncate": _bounded_filter("truncate", lambda value, length=255, *a, **k: _width(length)),
    "format": _format_filter,
    "replace": _replace_filter,
    "join": _join_filter,
}


_OWN_NAMES = (
    jinja2.environment.TemplateModule,
    jinja2.runtime.TemplateReference,
    jinja2.utils.Namespace,
)


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with an allowlist of attributes and bounded operators.

    ``allowed`` maps a type to the attributes templates may read on its instances (for
    the types of the year file); built-in types have :data:`BUILTIN_ATTRIBUTES`.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = _CodeGenerator
    spend = staticmethod(spend)
    md_concat = staticmethod(md_concat)

    def __init__(self, allowed: dict[type, frozenset[str]], **options: Any) -> None:
        super().__init__(autoescape=True, finalize=finalize, **options)
        self.allowed = {**BUILTIN_ATTRIBUTES, **allowed}
        self._decided: dict[tuple[type, str], bool] = {}
        self.globals.pop("lipsum", None)
        self.globals["range"] = _safe_range
        self.filters.update(BOUNDED_FILTERS)

    def may_read(self, obj: Any, attribute: str) -> bool:
        """Whether a template may read ``obj.attribute``."""
        key = (type(obj), attribute)
        known = self._decided.get(key)
        if known is None:
            known = self._decided[key] = self._may_read(type(obj), attribute)
        return known

    def _may_read(self, cls: type, attribute: str) -> bool:
        if attribute.startswith("_"):
            return False
        if issubclass(cls, _OWN_NAMES):
            return True  # macros and blocks of a template; a namespace's own values
        for base in cls.__mro__:
            names = self.allowed.get(base)
            if names is not None:
                return attribute in names
        return False

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return self.may_read(obj, attr)

    def wrap_str_format(self, value: Any) -> None:
        return None  # str.format is simply not allowed (widths, attribute lookups)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, jinja2.Undefined):  # doc.orgg.name: the message names “orgg”
            return obj
        if self.may_read(obj, attribute):
            try:
                return getattr(obj, attribute)
            except AttributeError:
                pass
        if isinstance(obj, dict) or self.may_read(obj, attribute):
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        exists = hasattr(type(obj), attribute) or attribute in getattr(obj, "__dict__", {})
        if not attribute.startswith("_") and not exists:
            return self.undefined(obj=obj, name=attribute)  # no such value at all
        return self.unsafe_undefined(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, jinja2.Undefined):
            return obj
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

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if getattr(__obj, "__name__", None) == "replace" and isinstance(
            getattr(__obj, "__self__", None), str
        ):
            _check_replace(__obj.__self__, *args)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)


class FolderLoader(jinja2.BaseLoader):
    """Templates from one folder: names may not leave it (no ``..``, no symlink out),
    only regular files of at most MAX_TEMPLATE_BYTES, UTF-8."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
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


# --- compiled templates ------------------------------------------------------------------

MAX_COMPILED_BYTES = 64 * 1024 * 1024  # a cache entry larger than this is not read


class CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled by earlier runs, in a folder :func:`kxreport.files.private_folder`
    found to be this user's alone from the cache root down (a compiled template is code
    that runs). Jinja keys each entry by the template's name and file and checks its
    source's checksum, so an edited template is compiled anew.

    An entry is read with :func:`kxreport.files.read_private` (no link followed, no wait on
    a FIFO, only a regular file of this user's that no one else can write) and its
    checksum compared byte for byte, never unpickled. A cache entry that cannot be read,
    is not ours or is damaged is no entry; one that cannot be written is no error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        import marshal
        import pickle
        import types

        from .files import read_private

        data = read_private(Path(self._get_cache_filename(bucket)), MAX_COMPILED_BYTES)
        if data is None:
            return
        # what jinja writes before the code: its magic and the pickled checksum
        head = jinja2.bccache.bc_magic + pickle.dumps(bucket.checksum, 2)
        if not data.startswith(head):
            bucket.reset()
            return
        try:
            code = marshal.loads(data[len(head) :])
        except Exception:  # cut short, or another Python's
            code = None
        if isinstance(code, types.CodeType):
            bucket.code = code
        else:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


# --- time and memory ---------------------------------------------------------------------


class Timeout(Exception):
    """A render ran longer than MAX_SECONDS."""


def _address_space() -> int | None:
    """Bytes of address space this process uses now (Linux), or None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


@contextlib.contextmanager
def limits() -> Iterator[None]:
    """Time and memory limits around one render, where the platform allows them: a
    SIGALRM timer (POSIX, main thread) raising :class:`Timeout`, and RLIMIT_AS raised
    MAX_MEMORY above what the process uses (Linux), so a runaway render gets MemoryError.
    The output budget starts again from zero."""
    restore: list[Callable[[], None]] = []
    try:
        if sys.platform.startswith("linux"):
            import resource

            soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            used = _address_space()
            if used is not None:
                want = used + MAX_MEMORY
                infinite = resource.RLIM_INFINITY
                if (soft == infinite or soft > want) and (hard == infinite or want <= hard):
                    resource.setrlimit(resource.RLIMIT_AS, (want, hard))
                    restore.append(lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard)))
        if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
            armed = [True]

            def expire(_signum: int, _frame: Any) -> None:
                if armed[0]:
                    raise Timeout

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
