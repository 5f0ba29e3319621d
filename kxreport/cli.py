"""The command line: parse arguments, call the library, print, set the exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__, i18n
from .errors import DataError, Diagnostic, KxreportError, UsageError

if TYPE_CHECKING:
    from rich.console import Console


class _Chinese:
    """Chinese usage line and help-option text (click prints them in English)."""

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = i18n.ZH["Show this message and exit."]
        return option


class _Group(_Chinese, TyperGroup):
    pass


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
        "  kxreport build 2023.yaml -f pdf      另外导出 PDF（需要 LibreOffice）"
    ),
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    options_metavar="[选项]",
)

StrictOpt = Annotated[bool, typer.Option("--strict", help="把警告也当作错误（退出码 1）")]
RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules",
        help="补充的过时提法规则文件（YAML，格式同内置的 kxreport/rules/stale.yaml；可重复）",
        metavar="文件",
    ),
]

FilesArg = Annotated[
    list[Path],
    typer.Argument(help="年度文件（YAML），可以写多个", metavar="文件...", show_default=False),
]


def _stderr() -> Console:
    """A console on standard error; rich is imported lazily to keep start-up fast."""
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _print_diagnostics(diagnostics: list[Diagnostic]) -> None:
    from rich.cells import cell_len
    from rich.markup import escape

    console = _stderr()
    for d in diagnostics:
        colour = "red" if d.severity == "error" else "yellow"
        head = d.format()
        console.print(f"[{colour}]{escape(head)}[/{colour}]")
        if d.source is not None:
            gutter = f"{d.line:>5} | "
            console.print(escape(gutter + d.source))
            caret = " " * cell_len(d.source[: d.column - 1])
            console.print(escape(" " * (len(gutter) - 2) + "| " + caret + "^"))


def _report(path: object, diagnostics: list[Diagnostic], verdict: str) -> None:
    """The diagnostics of one file, then one line: ``PATH：verdict（N 个错误，M 个警告）``."""
    _print_diagnostics(diagnostics)
    _stderr().print(f"{path}：{verdict}（{_summary(diagnostics)}）", markup=False)


def _summary(diagnostics: list[Diagnostic]) -> str:
    errors = sum(d.severity == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    return f"{errors} 个错误，{warnings} 个警告"


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
) -> None:
    """kxreport 命令行。"""


@app.command(
    help=(
        "检查年度文件：YAML 语法、字段、类型、数量写法等，一次列出全部问题（文件:行:列）。\n\n"
        "全部无误时退出码为 0，有错误时为 1。\n\n"
        "示例：kxreport validate examples/linfen-2022.yaml"
    ),
    options_metavar="[选项]",
    cls=_Command,
)
def validate(files: FilesArg, strict: StrictOpt = False, rules: RulesOpt = None) -> None:
    from .loader import load

    extra = _load_rules(rules)
    failed = 0
    for path in files:
        try:
            result = load(path, extra)
        except KxreportError as exc:
            _fail(exc)
        passed = result.ok and not (strict and result.diagnostics)
        _report(path, result.diagnostics, "通过" if passed else "未通过")
        failed += not passed
    if failed:
        raise typer.Exit(1)


@app.command(
    help=(
        "生成文档：检查年度文件，无误后写出 <输出文件夹>/<文件名>.md 和 .docx（GB/T 9704 公文格式）。"
        "有错误时列出问题、退出码为 1，不写也不改任何文件。\n\n"
        "示例：kxreport build examples/linfen-2022.yaml -o dist/"
    ),
    options_metavar="[选项]",
    cls=_Command,
)
def build(
    files: FilesArg,
    out_dir: Annotated[
        Path | None,
        typer.Option("-o", "--out-dir", help="输出文件夹（默认与年度文件相同）", metavar="文件夹"),
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "-f",
            "--format",
            help="输出格式：md、docx、pdf（可重复；默认 md 和 docx；pdf 需要 LibreOffice）",
            metavar="格式",
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
    strict: StrictOpt = False,
    rules: RulesOpt = None,
) -> None:
    from .build import DEFAULT_FORMATS
    from .build import build as build_one

    chosen = tuple(dict.fromkeys(formats)) if formats else DEFAULT_FORMATS
    console = _stderr()
    failed = 0
    extra = _load_rules(rules)
    for path in files:
        try:
            built = build_one(path, out_dir, chosen, templates, extra, strict=strict)
        except DataError as exc:
            _report(path, exc.diagnostics, "未生成")
            failed += 1
            continue
        except KxreportError as exc:
            _fail(exc)
        _print_diagnostics(built.warnings)
        for output in built.outputs:
            console.print(f"已写入 {output}")
    if failed:
        raise typer.Exit(1)


@app.command(
    help=(
        "改写年度文件：--simplified 把文字中的繁体字转换为简体（OpenCC），"
        "保留注释、键的顺序和格式；先写临时文件再替换。\n\n"
        "示例：kxreport fmt --simplified 2023.yaml"
    ),
    options_metavar="[选项]",
    cls=_Command,
)
def fmt(
    files: FilesArg,
    simplified: Annotated[bool, typer.Option("--simplified", help="把繁体字转换为简体字")] = False,
) -> None:
    from .fmt import simplify

    if not simplified:
        _fail(UsageError("请指定要做的改写，例如 --simplified"))
    console = _stderr()
    failed = 0
    for path in files:
        try:
            done = simplify(path)
        except DataError as exc:
            _report(path, exc.diagnostics, "未修改")
            failed += 1
            continue
        except KxreportError as exc:
            _fail(exc)
        if done.changed:
            console.print(f"{path}：已把 {done.changed} 处文字转换为简体")
        else:
            console.print(f"{path}：没有繁体字，未修改")
    if failed:
        raise typer.Exit(1)


@app.command(
    help=(
        "列出年度文件的全部指标：本年数值、上年数值、同比、上年计划目标、完成率和完成情况"
        "（上年数据来自年度文件的 previous: 字段）。\n\n"
        "示例：kxreport stats examples/demo-2023.yaml"
    ),
    options_metavar="[选项]",
    cls=_Command,
)
def stats(
    file: Annotated[
        Path, typer.Argument(help="年度文件（YAML）", metavar="文件", show_default=False)
    ],
) -> None:
    from rich.console import Console
    from rich.table import Table

    from .compare import compare
    from .loader import load

    try:
        result = load(file)
    except KxreportError as exc:
        _fail(exc)
    if result.model is None:
        _report(file, result.diagnostics, "未通过")
        raise typer.Exit(1)
    doc = result.model
    previous = result.previous.model if result.previous else None
    comparison = compare(doc, previous)
    before = f"{comparison.previous_year}年" if comparison.has_previous else "上年"
    table = Table(title=f"{doc.title or doc.default_title}：指标", show_lines=False)
    for header, justify in (
        ("指标键", "left"),
        ("指标", "left"),
        (f"{doc.year}年", "right"),
        (before, "right"),
        ("同比", "left"),
        (f"{before}计划目标", "right"),
        ("完成率", "right"),
        ("情况", "center"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    unkeyed = [f for f in doc.figures("counts") if not f.key]
    for row in comparison.rows:
        table.add_row(
            row.key,
            row.label,
            str(row.current) if row.current else "—",
            str(row.previous) if row.previous else "—",
            row.change or "—",
            str(row.target) if row.target else "—",
            row.completion_rate or "—",
            row.status or "—",
        )
    for figure in unkeyed:
        table.add_row("", figure.label, str(figure.value), "—", "—", "—", "—", "—")
    console = Console(highlight=False)
    if not console.is_terminal:
        console = Console(highlight=False, width=200)
    console.print(table)


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
            _report(path, problems, "规则文件有误")
            raise typer.Exit(1)
        rules.extend(found)
    return tuple(rules)


def run() -> None:
    """Console-script entry point: run the app, printing usage errors in Chinese (exit 2)."""
    i18n.install()
    usage_error = typer.BadParameter.__mro__[1]  # click's UsageError, as typer ships it
    try:
        code = app(standalone_mode=False, prog_name="kxreport")
    except usage_error as exc:
        ctx = getattr(exc, "ctx", None)
        stderr = _stderr()
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `kxreport`: show the help
            stderr.print(exc.format_message(), markup=False)
            sys.exit(2)
        if ctx is not None:
            stderr.print(ctx.get_usage(), markup=False)
        command = ctx.command_path if ctx is not None else "kxreport"
        stderr.print(f"运行“{command} -h”查看帮助。", markup=False)
        stderr.print(f"错误：{i18n.translate_error(exc.format_message())}", markup=False)
        sys.exit(2)
    except typer.Abort:
        _stderr().print("已中止。")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(exc: KxreportError) -> None:
    from rich.markup import escape

    _stderr().print(f"[red]错误：{escape(str(exc))}[/red]")
    raise typer.Exit(exc.exit_code)
