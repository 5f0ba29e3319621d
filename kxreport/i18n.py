"""Chinese for the texts click and typer print themselves (usage lines, parse errors).

Both libraries mark these texts for translation with gettext; we supply the Chinese by
replacing the module-level ``_``/``ngettext`` they imported.
"""

from __future__ import annotations

import contextlib
import gettext
import io
import re
import sys
from collections.abc import Callable
from typing import Any

ZH: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Arguments": "参数",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "required": "必填",
    "default: {default}": "默认：{default}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "No such option: {name}": "没有这个选项：{name}",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing argument '{param_name}'.": "缺少参数“{param_name}”。",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Did you mean {possibility}?": "是不是想写 {possibility}？",
    "(Possible options: {possibilities})": "（可能的选项：{possibilities}）",
    "Aborted!": "已中止。",
    "{value!r} is not one of {choices}.": "{value!r} 不是可选值之一：{choices}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    # typer's completion options (plain strings, not marked for gettext)
    "Install completion for the current shell.": "为当前的 shell（bash、zsh、fish）安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "显示当前 shell 的补全脚本，可以复制后自行安装。"
    ),
}

ZH_PLURAL: dict[str, str] = {
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Did you mean {possibility}?": "是不是想写 {possibility}？",
}


def _gettext(message: str) -> str:
    return ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return ZH_PLURAL.get(singular) or ZH_PLURAL.get(plural) or (singular if n == 1 else plural)


def install() -> None:
    """Translate click's and typer's own messages (typer vendors click as typer._click)."""
    for name, module in list(sys.modules.items()):
        if not name.startswith(("click", "typer")) or module is None:
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _ngettext  # type: ignore[attr-defined]


# Usage errors that typer's bundled click words in English, as (pattern, Chinese). The
# patterns are compiled (by ``re``'s cache) only when an error is shown.
_ERRORS: list[tuple[str, str]] = [
    (r"^No such option: (\S+)", r"没有这个选项：\1"),
    (r"^No such command '(.+)'\.", r"没有这个命令：\1"),
    (r"^Missing argument '(.+)'\.", r"缺少参数“\1”"),
    (r"^Missing option '(.+)'\.", r"缺少选项“\1”"),
    (r"^Option '(.+)' requires an argument\.", r"选项 \1 需要一个值"),
    (r"^Got unexpected extra argument(?:s|\(s\))? \((.+)\)", r"多余的参数：\1"),
    (r"^Invalid value for (.+?): (.+)$", r"\1 的值无效：\2"),
]
_DID_YOU_MEAN = r"\s*\(?(?:Did you mean|Possible options:) ([^)?]+)\??\)?"
# Why a value was refused: typer >= 0.28 says it with pydantic's words, older ones with
# click's. The first that matches is used.
_VALUES: list[tuple[str, str]] = [
    (
        r"^Input should be a valid integer, got a number with a fractional part.*",
        "应为整数，不能有小数",
    ),
    (r"^Input should be a valid (?:integer|number).*", "应为整数"),
    (r"^Input should be greater than or equal to (\S+)$", r"不能小于 \1"),
    (r"^Input should be less than or equal to (\S+)$", r"不能大于 \1"),
    (r"^Input should be greater than (\S+)$", r"应大于 \1"),
    (r"^Input should be less than (\S+)$", r"应小于 \1"),
    (r"^'(.*)' is not a valid integer(?: range)?\.$", r"“\1”不是整数"),
    (r"^'?(.*?)'? is not in the range (.+)\.$", r"\1 不在范围 \2 内"),
]


def translate_error(message: str) -> str:
    """A click usage-error message in Chinese (unknown ones are returned unchanged)."""
    suggestion = re.search(_DID_YOU_MEAN, message)
    head = _first_match(_ERRORS, re.sub(_DID_YOU_MEAN, "", message).strip())
    what, sep, why = head.partition(" 的值无效：")
    if sep:
        head = what + sep + _first_match(_VALUES, why)
    if suggestion:
        head += f"（是不是想写 {suggestion[1].strip()}？）"
    return head


def _first_match(table: list[tuple[str, str]], text: str) -> str:
    """``text`` rewritten by the first pattern of ``table`` that matches it, else as is."""
    for pattern, chinese in table:
        if re.search(pattern, text, re.S):
            return re.sub(pattern, chinese, text, flags=re.S)
    return text


_INSTALLED = r"^(\S+) completion installed in (.+)$"


def completion_installed(callback: Callable[..., Any]) -> Callable[..., Any]:
    """typer's ``--install-completion`` callback, saying in Chinese what it did (typer
    prints an English sentence and ends the program). Wrapping it again changes nothing."""
    if getattr(callback, "chinese", False):
        return callback

    def install(ctx: Any, param: Any, value: Any) -> Any:
        if not value or ctx.resilient_parsing:
            return callback(ctx, param, value)
        said = io.StringIO()
        try:
            with contextlib.redirect_stdout(said):
                callback(ctx, param, value)
        finally:
            done = re.search(_INSTALLED, said.getvalue(), re.M)
            if done:
                print(f"已为 {done[1]} 安装命令补全：{done[2]}\n重新打开终端后生效。")
            else:
                print(said.getvalue(), end="")
        return value

    install.chinese = True  # type: ignore[attr-defined]
    return install
