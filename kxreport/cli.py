"""The command line: parse arguments, call the library, print, set the exit code."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__, i18n
from .errors import DataError, KxreportError, UsageError
from .help import Context as HelpContext
from .kinds import DIAGNOSTIC_STYLES, DOC_KINDS, FONT_PROFILES, ORG_LEVELS, STATS_FORMATS
from .writers import FORMATS, formats_help

if TYPE_CHECKING:
    from rich.console import Console

    from .report import PlainConsole


class _Chinese:
    """Chinese usage line and help-option text (click prints them in English), laid out by
    display width (``help.Formatter``)."""

    context_class = HelpContext

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = i18n.ZH["Show this message and exit."]
        return option


class _Group(_Chinese, TyperGroup):
    """The commands are made into click commands only when asked for: a run needs one
    (typer reads each command's signature and annotations, ~1 ms a command), the list
    of commands in the help needs them all, in the order they are defined here."""

    def parse_args(self, ctx: Any, args: list[str]) -> Any:
        for param in self.params:  # typer adds its completion options after __init__
            callback = param.callback
            if param.name == "install_completion" and callable(callback):
                param.callback = i18n.completion_installed(callback)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: Any) -> list[str]:
        return list(_COMMANDS)

    def get_command(self, ctx: Any, name: str) -> Any:
        if name not in self.commands and name in _COMMANDS:
            self.commands[name] = typer.main.get_command(_COMMANDS[name])
        return self.commands.get(name)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in _COMMANDS:  # mistyped: typer suggests among them all
            for name in _COMMANDS:
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


class _Command(_Chinese, TyperCommand):
    pass


app = typer.Typer(
    cls=_Group,
    name="kxreport",
    help=(
        "kxreport：用一个 YAML 年度文件生成科协年度工作总结和工作要点。\n\n"
        "示例：\n\n"
        "  kxreport validate 2023.yaml          检查年度文件，指出每个问题的行和列\n\n"
        "  kxreport build 2023.yaml -o dist/    生成 dist/2023.md 和 dist/2023.docx\n\n"
        "  kxreport build 2023.yaml -f pdf      只导出 PDF（需要 LibreOffice）\n\n"
        "  kxreport init 2024.yaml --from 2023.yaml   开始新的一年\n\n"
        "  kxreport stats 2023.yaml             列出全部指标、同比和计划完成率"
    ),
    add_completion=True,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    options_metavar="[选项]",
    subcommand_metavar="命令 [参数]...",
)


def _completes(values: tuple[str, ...]) -> Any:
    """Shell completion of an option's values (the list it is checked against)."""

    def complete(incomplete: str) -> list[str]:
        return [value for value in values if value.startswith(incomplete)]

    return complete


StrictOpt = Annotated[bool, typer.Option("--strict", help="把警告也当作错误（退出码 1）")]
RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        help="补充的过时提法规则文件（YAML，格式同内置的 kxreport/rules/stale.yaml；可重复）",
        metavar="文件",
    ),
]

RootOpt = Annotated[
    Path | None,
    typer.Option(
        "--root",
        help="项目文件夹：年度文件里的 include、previous、units 只能引用这个文件夹里的文件"
        "（默认是年度文件所在的文件夹）",
        metavar="文件夹",
    ),
]

DiagnosticsOpt = Annotated[
    str,
    typer.Option(
        "--diagnostics",
        help="问题的输出方式：text（默认，给人看）、github（GitHub Actions 批注）、json",
        metavar="方式",
        autocompletion=_completes(DIAGNOSTIC_STYLES),
    ),
]


# Each command of the app, by name, as a one-command Typer made into a click command when
# first asked for (``_Group``).
_COMMANDS: dict[str, typer.Typer] = {}


def _command(help_text: str, name: str | None = None) -> Any:
    """A command of the app, with Chinese help, our usage line and options metavar; the
    list of commands shows the help's first words (click would cut it after 45 characters)."""
    short = re.split("[：。]", help_text, maxsplit=1)[0]

    def define(function: Any) -> Any:
        one = typer.Typer(
            add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None
        )
        one.command(name, help=help_text, short_help=short, options_metavar="[选项]", cls=_Command)(
            function
        )
        _COMMANDS[name or function.__name__.replace("_", "-")] = one
        return function

    return define


SourcesArg = Annotated[
    list[Path],
    typer.Argument(
        help="年度文件（YAML）或包含年度文件的文件夹，可以写多个",
        metavar="文件或文件夹...",
        show_default=False,
    ),
]
FilesArg = Annotated[
    list[Path],
    typer.Argument(help="年度文件（YAML），可以写多个", metavar="文件...", show_default=False),
]


def _stderr() -> Console | PlainConsole:
    from .report import stderr

    return stderr()


def _say(text: object, style: str | None = None) -> None:
    from .report import say

    say(text, style)


def _reporter(style: str) -> Any:
    from .report import STYLES, Reporter

    if style not in STYLES:
        _fail(UsageError(f"--diagnostics 只能是 {'、'.join(STYLES)}，不能是“{style}”"))
    return Reporter(style)  # type: ignore[arg-type]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kxreport {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="显示版本号并退出"),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", help="内部错误时显示完整的调用栈（向开发者报告缺陷时用）"),
    ] = False,
) -> None:
    """kxreport 命令行。"""


@_command(
    "检查年度文件：YAML 语法、字段、类型、数量写法等，一次列出全部问题（文件:行:列）。\n\n"
    "全部无误时退出码为 0，有错误时为 1。\n\n"
    "示例：kxreport validate examples/linfen-2022.yaml"
)
def validate(
    files: SourcesArg,
    strict: StrictOpt = False,
    rules: RulesOpt = None,
    root: RootOpt = None,
    changed: Annotated[
        bool,
        typer.Option(
            "--changed",
            help="把给出的文件当作改动了的文件（pre-commit 用）：年度文件直接检查；片段和下属单位文件"
            "改为检查引用它们的年度文件（在 --root 或当前文件夹下查找）；其他 YAML 文件跳过",
        ),
    ] = False,
    diagnostics: DiagnosticsOpt = "text",
) -> None:
    from .loader import expand_sources, load

    reporter = _reporter(diagnostics)
    extra = _load_rules(rules)
    failed = 0
    try:
        if changed:
            from .project import select

            files = select(files, root or Path.cwd()).year_files
        else:
            files = expand_sources(files)
    except KxreportError as exc:
        _fail(exc)
    for path in files:
        try:
            result = load(path, extra, root=root)
        except KxreportError as exc:
            _fail(exc)
        passed = result.ok and not (strict and result.diagnostics)
        reporter.file(path, result.diagnostics, "通过" if passed else "未通过", passed)
        failed += not passed
    reporter.finish()
    if failed:
        raise typer.Exit(1)


def _rebuild_command(
    source: Path,
    out_dir: Path | None,
    formats: tuple[str, ...],
    templates: Path | None,
    root: Path | None,
    strict: bool,
) -> str:
    """The exact ``kxreport build`` that brings ``source``'s outputs up to date, as ``build
    --check`` was called: the same output folder, formats, templates and root."""
    import shlex

    from .writers import DEFAULT_FORMATS

    words = ["kxreport", "build", str(source)]
    if out_dir is not None:
        words += ["-o", str(out_dir)]
    if formats != DEFAULT_FORMATS:
        for name in formats:
            words += ["-f", name]
    if templates is not None:
        words += ["--templates", str(templates)]
    if root is not None:
        words += ["--root", str(root)]
    if strict:
        words.append("--strict")
    return " ".join(shlex.quote(word) for word in words)


@_command(
    "生成文档：检查年度文件，无误后写出 <输出文件夹>/<文件名>.md 和 .docx（GB/T 9704 公文格式）。"
    "有错误的文件列出问题、不写也不改任何文件，其余文件照常生成；有文件失败时退出码为 1。"
    "给出文件夹时，生成其中全部 *.yaml 年度文件（子文件夹里的片段文件除外），默认用全部 CPU 核并行。\n\n"
    "示例：kxreport build examples/linfen-2022.yaml -o dist/\n\n"
    "示例：kxreport build reports/ -o dist/ -j 4\n\n"
    "示例：kxreport build --check examples/ -o dist/    只比较，不写文件（CI 用）"
)
def build(
    files: SourcesArg,
    out_dir: Annotated[
        Path | None,
        typer.Option("-o", "--out-dir", help="输出文件夹（默认与年度文件相同）", metavar="文件夹"),
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "-f",
            "--format",
            help=formats_help(),
            metavar="格式",
            autocompletion=_completes(FORMATS),
        ),
    ] = None,
    templates: Annotated[
        Path | None,
        typer.Option(
            "--templates",
            help="自定义模板文件夹：其中的同名文件优先于内置模板",
            metavar="文件夹",
        ),
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "-j", "--jobs", help="同时生成的进程数（默认为 CPU 核数）", metavar="N", min=1
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="只在内存中生成并与磁盘上的文件比较：列出缺少或过时的输出，退出码 1，不写任何文件",
        ),
    ] = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="先生成一次，之后年度文件、片段文件或自定义模板一有改动就重新生成（Ctrl-C 结束）",
        ),
    ] = False,
    strict: StrictOpt = False,
    rules: RulesOpt = None,
    root: RootOpt = None,
    diagnostics: DiagnosticsOpt = "text",
    fonts: Annotated[
        str | None,
        typer.Option(
            "--fonts",
            help="字体：official（公文字体，默认）或 windows（普通 Windows 电脑自带的仿宋、宋体、楷体、黑体）；"
            "不写时按年度文件的 fonts:",
            metavar="字体",
            autocompletion=_completes(FONT_PROFILES),
        ),
    ] = None,
) -> None:
    from .build import (
        DEFAULT_FORMATS,
        Options,
        Outcome,
        build_many,
        build_one,
        check_formats,
    )
    from .loader import expand_sources

    chosen = tuple(dict.fromkeys(formats)) if formats else DEFAULT_FORMATS
    reporter = _reporter(diagnostics)
    if fonts is not None and fonts not in FONT_PROFILES:
        _fail(UsageError(f"--fonts 只能是 {'、'.join(FONT_PROFILES)}，不能是“{fonts}”"))
    options = Options(
        out_dir,
        chosen,
        templates,
        _load_rules(rules),
        strict,
        check,
        root,
        tuple(rules or ()),
        fonts,
    )
    console = _stderr()
    try:
        sources = expand_sources(files)
    except KxreportError as exc:
        _fail(exc)

    def show(outcome: Outcome) -> None:
        if outcome.data_failed:
            reporter.file(outcome.source, outcome.diagnostics, "未生成", False)
            return
        reporter.file(
            outcome.source, outcome.diagnostics, _verdict(outcome, check), not outcome.failed
        )
        fix = _rebuild_command(outcome.source, out_dir, chosen, templates, root, strict)
        reporter.stale(outcome.source, outcome.stale, fix)
        if outcome.error and diagnostics != "json":
            _say(f"错误：{outcome.error}", "red")
        if diagnostics == "text":
            for path in outcome.outputs:
                _say(f"已写入 {path}")
            for path, reason in outcome.stale:
                _say(f"  需要重新生成：{path}（{reason}）")
            if outcome.stale:
                _say(f"  请运行：{fix}")

    if watch:
        from .watch import watch as watch_loop

        try:
            check_formats(chosen)
        except KxreportError as exc:
            _fail(exc)
        _say("正在监视改动，按 Ctrl-C 结束。")
        watch_loop(
            sources,
            lambda source: build_one(source, options),
            show,
            templates,
            root=root,
        )
        _say("已停止监视。")
        return
    try:
        if console.is_terminal and len(sources) > 1 and diagnostics == "text":
            outcomes = _with_progress(
                sources, show, lambda done: build_many(sources, options, jobs=jobs, done=done)
            )
        else:
            outcomes = build_many(sources, options, jobs=jobs, done=show)
    except KxreportError as exc:
        _fail(exc)
    reporter.finish()
    failed = [o for o in outcomes if o.failed]
    if len(sources) > 1 and diagnostics != "json":
        what = "检查" if check else "生成"
        _say(
            f"共 {len(sources)} 个年度文件：{len(sources) - len(failed)} 个{what}通过，{len(failed)} 个失败"
        )
    if failed:
        raise typer.Exit(1)


def _verdict(outcome: Any, check: bool) -> str:
    if outcome.error:
        return "未生成"
    if check:
        return "需要重新生成" if outcome.stale else "输出是最新的"
    return "已生成"


def _with_progress(sources: list[Path], show: Any, run: Any, label: str = "生成中") -> Any:
    """Run with a rich progress bar on a terminal; each outcome is shown as it arrives."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    console = _stderr()
    assert isinstance(console, Console)  # called only on a terminal
    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("build", total=len(sources))

        def done(outcome: Any) -> None:
            show(outcome)
            progress.advance(task)

        return run(done)


@_command(
    "改写年度文件：--simplified 把文字中的繁体字转换为简体（OpenCC）；--punctuation 把中文里的"
    "半角标点（, : ; ( ) ? ! 和直引号）改为全角，2021-2025年 改为 2021—2025年；--counts 把开篇和条目正文里"
    "写到而 counts 里还没有的数字补进 counts（按原文写法，和 import 相同）。可以同时指定几项；"
    "每一项都同时去掉文字里改变显示顺序的双向控制字符（U+202E、U+2066 等）。"
    "只改动要改的值，注释、键的顺序、引号、缩进和换行符保持原样；先写临时文件再替换。"
    "有错误的文件不修改、列出问题（这次改写本身去掉的错误除外，例如双向控制字符；--counts 要求文件没有错误）；"
    "改写结果超过 5 MB 上限或读回不一致时也不修改。\n\n"
    "示例：kxreport fmt --simplified 2023.yaml\n\n"
    "示例：kxreport fmt --punctuation --counts 2023.yaml"
)
def fmt(
    files: FilesArg,
    simplified: Annotated[bool, typer.Option("--simplified", help="把繁体字转换为简体字")] = False,
    punctuation: Annotated[
        bool, typer.Option("--punctuation", help="把中文里的半角标点改为全角")
    ] = False,
    counts: Annotated[
        bool, typer.Option("--counts", help="把正文里写到的数字补进开篇和条目的 counts")
    ] = False,
    root: RootOpt = None,
) -> None:
    from .fmt import format_file

    steps = [
        (simplified, "simplified", "处文字转换为简体", "没有繁体字"),
        (punctuation, "punctuated", "处文字的半角标点改为全角", "没有半角标点"),
        (counts, "counted", "个数字补进 counts", "正文里的数字都已记录"),
    ]
    chosen = [step for step in steps if step[0]]
    if not chosen:
        _fail(UsageError("请指定要做的改写：--simplified、--punctuation 或 --counts"))
    failed = 0
    for path in files:
        try:
            done = format_file(
                path, simplified=simplified, punctuation=punctuation, counts=counts, root=root
            )
        except DataError as exc:
            _reporter("text").file(path, exc.diagnostics, "未修改", False)
            failed += 1
            continue
        except UsageError as exc:
            _fail(exc)
        except KxreportError as exc:  # the result would not be a file validate accepts
            _say(f"错误：{exc}", "red")
            failed += 1
            continue
        for _, field, did, nothing in chosen:
            changed = getattr(done, field)
            if changed:
                _say(f"{path}：已把 {changed} {did}")
            else:  # “未修改” only when no other step changed the file either
                _say(f"{path}：{nothing}" + ("" if done.changed else "，未修改"))
        if done.unbidi:
            _say(f"{path}：已去掉 {done.unbidi} 处文字里改变显示顺序的双向控制字符")
    if failed:
        raise typer.Exit(1)


@_command(
    "开始新的一年：写出一个新的年度文件，每个字段上方都有中文注释说明该填什么。"
    "用 --from 指定上一年度文件时，沿用单位、各部分结构和指标键，设置 previous:，"
    "把上年计划的各项变成今年要报告的部分，所有数字留空待填。不会覆盖已有文件（除非 --force）。\n\n"
    "示例：kxreport init 2024.yaml --org 示例县科学技术协会 --year 2024\n\n"
    "示例：kxreport init 2024.yaml --from 2023.yaml"
)
def init(
    file: Annotated[
        Path, typer.Argument(help="要创建的年度文件", metavar="文件", show_default=False)
    ],
    org: Annotated[
        str | None, typer.Option("--org", help="单位全称，例如 示例县科学技术协会", metavar="名称")
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="年度，例如 2024", metavar="年")
    ] = None,
    source: Annotated[
        Path | None, typer.Option("--from", help="上一年度文件", metavar="文件")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="summary（工作总结，默认）或 plan（工作要点）",
            metavar="文种",
            autocompletion=_completes(DOC_KINDS),
        ),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            help="单位层级（" + "、".join(ORG_LEVELS) + "；默认按名称判断）",
            metavar="层级",
            autocompletion=_completes(ORG_LEVELS),
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的文件")] = False,
) -> None:
    from .files import write_new
    from .loader import load
    from .scaffold import LEVELS, scaffold

    if kind is not None and kind not in DOC_KINDS:
        _fail(UsageError(f"--kind 只能是 {'、'.join(DOC_KINDS)}，不能是“{kind}”"))
    if level is not None and level not in LEVELS:
        _fail(UsageError(f"--level 只能是 {'、'.join(LEVELS)} 之一"))
    previous = None
    try:
        if source is not None:
            result = load(source)
            if result.model is None:
                _reporter("text").file(source, result.diagnostics, "不能作为上一年度文件", False)
                raise typer.Exit(1)
            previous = result.model
        text = scaffold(
            org,
            year,
            kind or (previous.kind if previous else "summary"),
            previous,
            source,
            file,
            level,
        )
        written = write_new(file, text, force=force)
    except KxreportError as exc:
        _fail(exc)
    for path in written:
        _say(f"已写入 {path}")


@_command(
    "导入已有的材料：把 Word 文件（.docx；装了 LibreOffice 时还有 .doc、.wps、.odt、.rtf）"
    "或从网页复制的文字（.txt、.md）变成年度文件。繁体转为简体、半角标点改为全角，网页上的"
    "导航、来源、浏览次数、图片说明、编辑和版权声明等删去；按编号（一、（一）1.（1））、标题样式、"
    "加粗和段首小标题分出各部分和条目，正文里的每个数字按原文写法记入该条目（或开篇）的 counts，"
    "荣誉句子整理为 honours。导入时的判断都在文件里用“# 导入：”注释标出；原文没有的内容"
    "（日期、层级等）不会编造，留空让 validate 提示。不会覆盖已有文件（除非 --force）。\n\n"
    "示例：kxreport import 2022年工作总结.docx -o 2022.yaml\n\n"
    "示例：kxreport import 新闻稿.txt --org 临汾市科学技术协会 --year 2022\n\n"
    "示例：kxreport import 各县材料/*.docx -o counties/    每个文件导入为一个年度文件\n\n"
    "示例：kxreport import 各县材料/ -o counties/    文件夹里的每份材料",
    name="import",
)
def import_(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="要导入的材料：.docx、.doc、.wps、.odt、.rtf、.txt、.md、.html（另存的网页），可以写多个，"
            "也可以写文件夹（导入其中的每份材料）",
            metavar="材料...",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="写入的年度文件（.yaml），或文件夹（导入多个材料时；以 / 结尾或已存在的文件夹）；"
            "默认写在材料旁边，同名 .yaml",
            metavar="文件或文件夹",
        ),
    ] = None,
    org: Annotated[
        str | None,
        typer.Option("--org", help="单位全称（原文没有写明或写得不对时）", metavar="名称"),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year", help="年度（原文标题没有写年度时）", metavar="年", min=1949, max=2100
        ),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="summary（工作总结）或 plan（工作要点）；默认按标题判断",
            metavar="文种",
            autocompletion=_completes(DOC_KINDS),
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的年度文件")] = False,
    into: Annotated[
        Path | None,
        typer.Option(
            "--into",
            help="把填好的指标填报表（.xlsx）的数字并入这个已有的年度文件（正文和注释不动）",
            metavar="文件",
        ),
    ] = None,
) -> None:
    from .files import write_new
    from .importing import expand_sources, outputs_for, plan_source, refusals

    if kind is not None and kind not in DOC_KINDS:
        _fail(UsageError(f"--kind 只能是 {'、'.join(DOC_KINDS)}，不能是“{kind}”"))
    if into is not None:
        _merge_sheet(sources, into)
        return
    sources = expand_sources(sources)
    try:
        targets = outputs_for(sources, output, force=force)
    except KxreportError as exc:
        _fail(exc)
    # each source on its own (one that fails is said and the others go on), every output
    # planned before anything is written, so that two never land on one file
    planned: dict[Path, list[tuple[Path, str, str]]] = {}
    failed = 0

    def one(source: Path) -> None:
        nonlocal failed
        try:
            planned[source] = plan_source(source, targets[source], org=org, year=year, kind=kind)
        except DataError as exc:
            _reporter("text").file(source, exc.diagnostics, "未导入", False)
            failed += 1
        except KxreportError as exc:
            _say(f"{source}：{exc}", "red")
            failed += 1
        except Exception as exc:  # a defect: said for this source, the batch goes on
            if os.environ.get("KXREPORT_DEBUG") not in (None, "", "0"):
                raise
            _say(f"{source}：内部错误：{type(exc).__name__}（这是 kxreport 的缺陷，请报告）", "red")
            failed += 1

    console = _stderr()
    if console.is_terminal and len(sources) > 1:
        _with_progress(
            sources, lambda _: None, lambda done: [done(one(s)) for s in sources], "导入中"
        )
    else:
        for source in sources:
            one(source)
    refused = refusals(planned, sources, force=force)
    for source, plans in planned.items():
        problem = refused.get(source)
        if problem is None:
            try:
                for output, text, _ in plans:
                    write_new(output, text, force=force)
            except KxreportError as exc:
                problem = str(exc)
        if problem is not None:
            _say(f"{source}：{problem}", "red")
            failed += 1
            continue
        for output, _, said in plans:
            _say(f"已导入 {source} → {output}")
            _say("  " + said)
    if len(sources) > 1:
        _say(f"共 {len(sources)} 份材料：{len(sources) - failed} 份导入，{failed} 份失败")
    if failed:
        raise typer.Exit(1)


def _merge_sheet(sources: list[Path], into: Path) -> None:
    """``import 某县.xlsx --into 某县.yaml``: the sheet's counts into an existing year file."""
    from .readers import SHEET_SUFFIXES
    from .sheet import merge_into

    if len(sources) != 1 or sources[0].suffix.lower() not in SHEET_SUFFIXES:
        _fail(
            UsageError(
                "--into 只用于一份填好的指标填报表（.xlsx），例如 kxreport import 祁县.xlsx --into 祁县.yaml"
            )
        )
    try:
        filled, changed = merge_into(sources[0], into)
    except DataError as exc:
        _reporter("text").file(
            exc.diagnostics[0].path if exc.diagnostics else into, exc.diagnostics, "未修改", False
        )
        raise typer.Exit(1) from None
    except KxreportError as exc:
        _fail(exc)
    _say(f"已把 {sources[0]} 的 {len(filled.counts)} 项指标并入 {into}（{changed} 个数值有变化）")


@_command(
    "输出年度文件的 JSON Schema（含中文标题和说明），供 VS Code 等编辑器补全和提示。"
    "在 YAML 文件第一行写 # yaml-language-server: $schema=kxreport.schema.json 即可使用。\n\n"
    "示例：kxreport schema -o kxreport.schema.json"
)
def schema(
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="写入这个文件（默认输出到屏幕）", metavar="文件"),
    ] = None,
) -> None:

    from .files import atomic_write
    from .model import YearFile

    text = YearFile.json_schema_text()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        atomic_write(output, text.encode("utf-8"))
    except KxreportError as exc:
        _fail(exc)
    _say(f"已写入 {output}")


@_command(
    "列出年度文件的全部指标：本年数值、上年数值、同比、上年计划目标、完成率和完成情况"
    "（上年数据来自年度文件的 previous: 字段）；有下属单位（units:）的汇总文件列出各单位×各指标和合计。"
    "csv 带 BOM（Excel 直接打开不乱码），xlsx 是 Excel 工作簿（数字是数字，首行冻结）；"
    "以 = + - @ 开头的文字一律按文字写出，不会被电子表格当成公式。\n\n"
    "示例：kxreport stats examples/demo-2023.yaml\n\n"
    "示例：kxreport stats 2023.yaml --format xlsx -o 各县指标.xlsx"
)
def stats(
    file: Annotated[
        Path, typer.Argument(help="年度文件（YAML）", metavar="文件", show_default=False)
    ],
    output: Annotated[
        str,
        typer.Option(
            "--format",
            help="输出格式：table（默认，终端表格）、json、csv、xlsx（Excel，需要 -o）",
            metavar="格式",
            autocompletion=_completes(STATS_FORMATS),
        ),
    ] = "table",
    target: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="写入这个文件（默认输出到屏幕）", metavar="文件"),
    ] = None,
    root: RootOpt = None,
) -> None:
    from .compare import compare
    from .loader import load
    from .stats import (
        BINARY_FORMATS,
        STATS_FORMATS,
        as_csv,
        as_json,
        as_table,
        as_xlsx,
        indicator_sheet,
        rollup_sheet,
    )

    if output not in STATS_FORMATS:
        _fail(UsageError(f"--format 只能是 {'、'.join(STATS_FORMATS)}，不能是“{output}”"))
    if output in BINARY_FORMATS and target is None:
        _fail(UsageError(f"--format {output} 要用 -o 指定写入的文件，例如 -o 指标.{output}"))
    if target is not None and target.exists() and target.resolve() == file.resolve():
        _fail(UsageError(f"输出文件 {target} 就是年度文件本身：请换一个文件名"))
    try:
        result = load(file, root=root)
    except KxreportError as exc:
        _fail(exc)
    if result.model is None:
        _reporter("text").file(file, result.diagnostics, "未通过", False)
        raise typer.Exit(1)
    doc = result.model
    table = None
    if doc.units:
        from .rollup import rollup

        table = rollup([u.model for u in result.units if u.model is not None], doc.rollup)
        sheet = rollup_sheet(doc, table)
    else:
        previous = result.previous.model if result.previous else None
        sheet = indicator_sheet(doc, compare(doc, previous))
    if output == "table":
        from rich.console import Console

        console = Console(highlight=False, markup=False, emoji=False)
        if not console.is_terminal:
            console = Console(highlight=False, markup=False, emoji=False, width=200)
        console.print(as_table(sheet, console.width))
        return
    if output == "xlsx":
        data = as_xlsx(sheet)
    else:
        text = as_json(sheet, doc, table) if output == "json" else as_csv(sheet)
        if target is None:
            sys.stdout.write(text)
            return
        data = text.encode("utf-8")
    from .files import atomic_write

    assert target is not None
    try:
        atomic_write(target, data)
    except KxreportError as exc:
        _fail(exc)
    _say(f"已写入 {target}")


@_command(
    "写出市科协发给各单位的指标填报表（Excel .xlsx）：年度文件 rollup.indicators 里的每个指标一行"
    "（指标键、名称、计量单位、数值、备注），只有填报单位、数值和备注可以填写。各单位填好后用 "
    "kxreport import 某县.xlsx 读回，成为该单位的年度文件（或用 --into 并入已有的年度文件）。\n\n"
    "示例：kxreport sheet 2023.yaml -o 指标填报表.xlsx"
)
def sheet(
    file: Annotated[
        Path,
        typer.Argument(
            help="市科协的年度文件（YAML，写有 rollup.indicators）",
            metavar="文件",
            show_default=False,
        ),
    ],
    target: Annotated[
        Path,
        typer.Option("-o", "--output", help="写入的填报表（.xlsx）", metavar="文件"),
    ] = Path("指标填报表.xlsx"),
    root: RootOpt = None,
) -> None:
    from .files import atomic_write
    from .loader import load
    from .sheet import template

    if target.suffix.lower() != ".xlsx":
        _fail(UsageError(f"填报表要写成 .xlsx 文件，不能是“{target.name}”"))
    try:
        result = load(file, root=root, follow_previous=False)
    except KxreportError as exc:
        _fail(exc)
    if result.model is None:
        _reporter("text").file(file, result.diagnostics, "未通过", False)
        raise typer.Exit(1)
    try:
        atomic_write(target, template(result.model))
    except KxreportError as exc:
        _fail(exc)
    _say(f"已写入 {target}")


@_command(
    "检查这台电脑能生成哪些格式：Python 和 kxreport 的版本、LibreOffice 和它的 UNO 接口、"
    "公文用的每种字体（已安装，或 PDF 用哪种字体代替）、缓存文件夹；缺少的部分给出 Debian/Ubuntu、"
    "Windows、macOS 上的安装命令。要生成的格式所需的都齐全时退出码为 0，否则为 1。\n\n"
    "示例：kxreport doctor -f pdf\n\n"
    "示例：kxreport doctor --format json"
)
def doctor(
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "-f",
            "--for",
            help="要生成的格式（md、docx、html、pdf，可重复；默认 md 和 docx）",
            metavar="格式",
            autocompletion=_completes(FORMATS),
        ),
    ] = None,
    output: Annotated[
        str,
        typer.Option(
            "--format",
            help="text（默认）或 json（供 CI 使用）",
            metavar="方式",
            autocompletion=_completes(("text", "json")),
        ),
    ] = "text",
) -> None:
    from .doctor import as_json, as_text, checks, verdict
    from .writers import DEFAULT_FORMATS

    chosen = list(dict.fromkeys(formats)) if formats else list(DEFAULT_FORMATS)
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown:
        _fail(UsageError(f"-f 只能是 {'、'.join(FORMATS)}，不能是“{unknown[0]}”"))
    if output not in ("text", "json"):
        _fail(UsageError(f"--format 只能是 text 或 json，不能是“{output}”"))
    found = checks()
    sys.stdout.write(as_json(found, chosen) if output == "json" else as_text(found, chosen))
    if not verdict(found, chosen):
        raise typer.Exit(1)


def _load_rules(paths: list[Path] | None) -> tuple[Any, ...]:
    """User stale-wording rules; a broken rules file stops the command (exit 1)."""
    if not paths:
        return ()
    from .content import load_rules

    rules: list[Any] = []
    for path in paths:
        try:
            found, problems = load_rules(path)
        except KxreportError as exc:
            _fail(exc)
        if problems:
            _reporter("text").file(path, problems, "规则文件有误", False)
            raise typer.Exit(1)
        rules.extend(found)
    return tuple(rules)


def run() -> None:
    """Console-script entry point: run the app; usage errors in Chinese (exit 2); any
    unexpected exception becomes one Chinese “内部错误” message, never a traceback
    (the traceback only with ``--debug`` or KXREPORT_DEBUG=1)."""
    from .files import Interrupted, install_signal_handlers

    i18n.install()
    install_signal_handlers()
    usage_error = typer.BadParameter.__mro__[1]  # click's UsageError, as typer ships it
    try:
        code = app(standalone_mode=False, prog_name="kxreport")
    except usage_error as exc:
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `kxreport`: show the help
            _say(exc.format_message())
            sys.exit(2)
        if ctx is not None:
            _say(ctx.get_usage())
        # click leaves out the context of some option errors (`build -f` with no value)
        named = [a for a in sys.argv[1:] if a in _COMMANDS][:1]
        command = ctx.command_path if ctx is not None else " ".join(["kxreport", *named])
        _say(f"运行“{command} -h”查看帮助。")
        _say(f"错误：{i18n.translate_error(exc.format_message())}")
        sys.exit(2)
    except (typer.Abort, KeyboardInterrupt):
        _say("已中断。")
        sys.exit(130)
    except Interrupted:
        raise
    except BrokenPipeError:  # the reader went away (kxreport schema | head)
        _quiet_stdout()
        sys.exit(1)
    except Exception as exc:
        _internal_error(exc)
        sys.exit(1)
    if code == 130:  # typer turns Ctrl-C into this exit code without a word
        _say("已中断。")
    sys.exit(code if isinstance(code, int) else 0)


def console() -> NoReturn:
    """The installed ``kxreport`` command and ``python -m kxreport``: :func:`run` in a
    process tuned for one short command, which ends without the interpreter's teardown
    (:mod:`kxreport.process`)."""
    from . import process

    process.start()
    try:
        run()
    except SystemExit as done:
        process.leave(done.code)
    process.leave(0)  # pragma: no cover - run() always ends with SystemExit


def _quiet_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _internal_error(exc: BaseException) -> None:
    import os
    import shlex
    import traceback

    from .build import internal_error_text

    debug = "--debug" in sys.argv[1:] or os.environ.get("KXREPORT_DEBUG") not in (None, "", "0")
    if debug:
        traceback.print_exception(exc)
    command = shlex.join(["kxreport", *sys.argv[1:]])
    _say(f"{internal_error_text(exc)}。命令：{command}", "red")
    if not debug:
        _say("加上 --debug（kxreport --debug …）可以看到完整的调用栈。")


def _fail(exc: KxreportError) -> None:
    _say(f"错误：{exc}", "red")
    raise typer.Exit(exc.exit_code)
