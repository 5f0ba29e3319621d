"""Building documents from year files: the library API behind ``kxreport build``.

One file: validate, render once, produce every format's bytes, replace the outputs
together. Many files: the same per file, in parallel processes; one bad file never stops
the rest, not even one that crashes its worker process. ``check`` produces the same bytes
in memory and compares them with the files on disk.

No output is ever written over an input of the run: the outputs of every file are planned
before anything is built (two inputs that would write the same output, or an output that
is itself one of the inputs, stop the run), and each report's own fragments, previous and
unit files are checked again before its outputs are replaced.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import DataError, Diagnostic, KxreportError, UsageError
from .files import TooLarge, read_regular, replace_together
from .loader import load
from .render import Rendered, render
from .writers import BY_NAME, DEFAULT_FORMATS, FORMATS, WRITERS

__all__ = ["DEFAULT_FORMATS", "FORMATS", "WRITERS"]

# An old output larger than this is out of date without being read (--check).
MAX_OLD_OUTPUT = 200 * 1024 * 1024


@dataclass
class Outcome:
    """What happened to one year file."""

    source: Path
    outputs: list[Path] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    error: str | None = None  # a problem that is not in the file's data (template, disk)
    # with check: outputs missing or out of date, and why (缺少, 内容已过时 ...)
    stale: list[tuple[Path, str]] = field(default_factory=list)
    data_failed: bool = False

    @property
    def failed(self) -> bool:
        return self.data_failed or self.error is not None or bool(self.stale)


def check_formats(formats: tuple[str, ...], *, checking: bool = False) -> None:
    """Refuse unknown formats, and PDF without LibreOffice, before anything is done."""
    unknown = [f for f in formats if f not in BY_NAME]
    if unknown:
        raise UsageError(f"不支持的输出格式：{'、'.join(unknown)}（可选：{'、'.join(FORMATS)}）")
    for writer in (BY_NAME[f] for f in formats):
        if checking and not writer.comparable:
            comparable = " ".join(f"-f {w.name}" for w in WRITERS if w.comparable)
            raise UsageError(
                f"--check 不比较 {writer.name.upper()}（由外部程序生成，每次都不同）：请用 {comparable}"
            )
        writer.check_available()


def output_paths(source: Path, out_dir: Path | None, formats: tuple[str, ...]) -> list[Path]:
    """``DIR/<stem>.<suffix>`` for each format; DIR defaults to the input's folder."""
    folder = out_dir if out_dir is not None else source.parent
    return [folder / (source.stem + BY_NAME[f].suffix) for f in formats]


def _key(path: Path) -> Path:
    """A path as the file system sees it: absolute, symlinks resolved."""
    return Path(os.path.realpath(path))


def plan_outputs(sources: list[Path], options: Options) -> None:
    """Refuse a run in which two inputs would write the same output, or an output would
    replace one of the inputs (a year file or a file given with ``--rules``)."""
    protected = {_key(p): p for p in [*sources, *options.inputs]}
    claimed: dict[Path, Path] = {}
    problems: list[str] = []
    for source in sources:
        for path in output_paths(source, options.out_dir, options.formats):
            key = _key(path)
            if key in protected:
                problems.append(f"{source} 的输出 {path} 会覆盖输入文件 {protected[key]}")
            elif key in claimed and claimed[key] != source:
                problems.append(f"{claimed[key]} 和 {source} 都会写出 {path}")
            claimed.setdefault(key, source)
    if problems:
        shown = "；".join(problems[:5]) + ("……" if len(problems) > 5 else "")
        raise UsageError(f"{shown}。没有写任何文件：请把输入文件改名，或用 -o 指定别的输出文件夹")


def _check_rendered(rendered: Rendered) -> None:
    """Slots that reach the output came from a template (the data was checked already)."""
    from .document import Table
    from .errors import TemplateError
    from .slots import unfilled_slots
    from .text import forbidden_char_message

    problem = forbidden_char_message(rendered.markdown, "模板生成的文档")
    if problem:
        raise TemplateError(problem)
    for block in rendered.document.blocks:
        texts = (
            [c for row in [block.header, *block.rows] for c in row]
            if isinstance(block, Table)
            else []
        )
        texts.append(getattr(block, "text", "") or "")
        for text in texts:
            for finding in unfilled_slots(text):
                raise TemplateError(
                    f"生成的文档中有没有填写的空“{finding.needle}”（在“{text[:20]}”中），"
                    "它来自模板：请检查模板"
                )


@dataclass
class Produced:
    """One year file built in memory: its findings, each format's bytes, and every file
    it was made from."""

    diagnostics: list[Diagnostic]
    outputs: dict[str, bytes]
    inputs: list[Path]


def _inputs_of(result: Any) -> list[Path]:
    found = [Path(p) for p in result.files]
    if result.previous is not None:
        found.append(Path(result.previous.path))
    for unit in result.units:
        found.extend(_inputs_of(unit))
    return found


def produce(
    source: Path,
    formats: tuple[str, ...],
    templates: Path | None = None,
    rules: tuple[Any, ...] = (),
    *,
    strict: bool = False,
    root: Path | None = None,
    fonts: str | None = None,
) -> Produced:
    """Validate ``source`` and produce each format's bytes in memory (DataError if invalid)."""
    result = load(source, rules, root=root)
    if not result.ok or result.model is None or (strict and result.diagnostics):
        raise DataError(result.diagnostics)
    previous = result.previous.model if result.previous else None
    units = [u.model for u in result.units if u.model is not None]
    model = result.model if fonts is None else result.model.model_copy(update={"fonts": fonts})
    rendered = render(model, templates, previous, units)
    _check_rendered(rendered)
    outputs = {fmt: BY_NAME[fmt].write(rendered) for fmt in formats}
    return Produced(result.diagnostics, outputs, _inputs_of(result))


def same_content(fmt: str, new: bytes, old: bytes) -> bool:
    """Whether two outputs of a format say the same (the writer decides how to compare)."""
    return BY_NAME[fmt].same_content(new, old)


@dataclass(frozen=True)
class Options:
    """How to build: where, which formats, whose templates and rules, how strictly."""

    out_dir: Path | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    templates: Path | None = None
    rules: tuple[Any, ...] = ()
    strict: bool = False
    check: bool = False  # compare with the files on disk instead of writing
    root: Path | None = None  # the project folder references must stay in
    inputs: tuple[Path, ...] = ()  # other input files of the run (rule files)
    fonts: str | None = None  # the font profile, over the year file's own (--fonts)


def _compare(fmt: str, path: Path, new: bytes) -> str | None:
    """Why ``path`` is not what would be built now, or None if it is."""
    if not path.is_file():
        return "缺少" if not path.exists() else "不是普通文件"
    try:
        old = read_regular(path, MAX_OLD_OUTPUT)
    except TooLarge:
        return "内容已过时"
    except UsageError:
        return "无法读取"
    return None if same_content(fmt, new, old) else "内容已过时"


def build_one(source: Path, options: Options = Options()) -> Outcome:
    """Build (or compare) one year file; never raises for a problem of its own."""
    o = options
    outcome = Outcome(source)
    try:
        produced = produce(
            source, o.formats, o.templates, o.rules, strict=o.strict, root=o.root, fonts=o.fonts
        )
        outcome.diagnostics = produced.diagnostics
        targets = list(zip(o.formats, output_paths(source, o.out_dir, o.formats), strict=True))
        if o.check:
            for fmt, path in targets:
                reason = _compare(fmt, path, produced.outputs[fmt])
                if reason:
                    outcome.stale.append((path, reason))
            return outcome
        inputs = {_key(p): p for p in [*produced.inputs, *o.inputs]}
        for _, path in targets:
            if _key(path) in inputs:
                raise UsageError(f"输出 {path} 会覆盖输入文件 {inputs[_key(path)]}：没有写任何文件")
        replace_together((path, produced.outputs[fmt]) for fmt, path in targets)
        outcome.outputs = [path for _, path in targets]
    except DataError as exc:
        outcome.diagnostics = exc.diagnostics
        outcome.data_failed = True
    except KxreportError as exc:
        outcome.error = str(exc)
    except RecursionError:
        outcome.error = "内部错误：处理这个文件时递归过深"
    except MemoryError:
        outcome.error = "内部错误：处理这个文件时内存不足"
    except Exception as exc:  # a bug: report it for this file and go on with the others
        outcome.error = internal_error_text(exc)
    return outcome


def internal_error_text(exc: BaseException) -> str:
    """A Chinese one-liner for an unexpected exception, with where it happened."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"（{Path(frames[-1].filename).name}:{frames[-1].lineno}）" if frames else ""
    return (
        f"内部错误：{type(exc).__name__}: {exc}{where}。这是 kxreport 的缺陷，"
        "请把这个文件和这条消息报告给开发者"
    )


def _warm(options: Options) -> None:
    """Fill the per-process caches once, before the workers are forked from this process:
    the templates are compiled, the rules and the DOCX parts built only once."""
    from .content import builtin_rules, to_simplified
    from .render import environment

    env = environment(options.templates)
    for name in ("summary.md.j2", "plan.md.j2"):
        try:
            env.get_template(name)
        except Exception:  # a broken user template is reported per file, later
            break
    builtin_rules()
    to_simplified("")  # loads OpenCC's dictionaries
    for fmt in options.formats:
        BY_NAME[fmt].warm()


def _worker_init() -> None:
    """Workers leave Ctrl-C to the main process (which stops the pool); SIGTERM unwinds
    the report being built (removing its temporary files) and ends the worker."""
    import signal

    from .files import install_signal_handlers

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    install_signal_handlers()


def _worker_build(sources: list[Path], options: Options) -> list[Outcome]:
    """Build a few reports in a worker process (a chunk: fewer round trips than one each)."""
    from .files import Interrupted

    try:
        return [build_one(source, options) for source in sources]
    except Interrupted as exc:  # temporary files are gone by now
        os._exit(exc.code if isinstance(exc.code, int) else 1)


def build_many(
    sources: list[Path],
    options: Options = Options(),
    *,
    jobs: int | None = None,
    done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build every source, ``jobs`` processes at once (default: all cores), in input order.

    Outputs are planned first (see :func:`plan_outputs`). A worker process that dies (it
    should not, but a C library can crash) fails the reports it was building with a
    message; the pool is started again for the rest.
    """
    check_formats(options.formats, checking=options.check)
    if not options.check:
        plan_outputs(sources, options)
    jobs = max(1, jobs or os.cpu_count() or 1)
    outcomes: list[Outcome] = []
    if jobs == 1 or len(sources) == 1:
        for source in sources:
            outcomes.append(build_one(source, options))
            if done:
                done(outcomes[-1])
        return outcomes
    _warm(options)
    batch = _Batch(sources, options, done)
    pending = list(range(len(sources)))
    chunk = max(1, min(16, len(sources) // (jobs * 8)))
    while pending:
        broken = batch.run(pending, jobs, chunk)
        # Workers take chunks in order, so the report that crashed is in one of the first
        # few unfinished chunks: build those reports alone, each in its own process, and
        # resume the rest.
        suspects, pending = broken[: (jobs + 1) * chunk], broken[(jobs + 1) * chunk :]
        for index in suspects:
            if batch.run([index], 1, 1):
                batch.finish(
                    index,
                    Outcome(
                        sources[index], error="内部错误：生成这个文件的进程意外退出，已跳过这个文件"
                    ),
                )
    return [batch.results[i] for i in range(len(sources))]


@dataclass
class _Batch:
    """Outcomes of a parallel build, handed to ``done`` in input order as they complete."""

    sources: list[Path]
    options: Options
    done: Callable[[Outcome], None] | None
    results: dict[int, Outcome] = field(default_factory=dict)
    reported: int = 0

    def finish(self, index: int, outcome: Outcome) -> None:
        self.results[index] = outcome
        while self.reported in self.results:
            if self.done:
                self.done(self.results[self.reported])
            self.reported += 1

    def run(self, indexes: list[int], jobs: int, chunk: int) -> list[int]:
        """Build ``indexes`` in a process pool; returns those lost to a broken pool."""
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        groups = [indexes[i : i + chunk] for i in range(0, len(indexes), chunk)]
        broken: list[int] = []
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(groups)), initializer=_worker_init)
        try:
            futures = [
                (group, pool.submit(_worker_build, [self.sources[i] for i in group], self.options))
                for group in groups
            ]
            for group, future in futures:
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    broken.extend(group)
                    continue
                except Exception as exc:  # could not be sent to or from the worker
                    outcomes = [
                        Outcome(self.sources[i], error=internal_error_text(exc)) for i in group
                    ]
                for index, outcome in zip(group, outcomes, strict=True):
                    self.finish(index, outcome)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        return broken
