"""Help and shell: Chinese help fits an 80-column terminal and stays aligned, our metavars
are shown whole, shells complete commands and options, stats has machine-readable output."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from kxreport.help import cells, wrap

from .conftest import EXAMPLES, run_kxreport

COMMANDS = [
    [],
    ["validate"],
    ["build"],
    ["fmt"],
    ["init"],
    ["schema"],
    ["stats"],
    ["sheet"],
    ["doctor"],
]


def kxreport(*args: str) -> subprocess.CompletedProcess[str]:
    return run_kxreport(*args, env={"COLUMNS": "80"})


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "main")
def test_help_fits_eighty_columns_and_is_aligned(command):
    done = kxreport(*command, "--help")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert max(cells(line) for line in lines) <= 80, done.stdout
    # in the option list, every description starts in the same column
    section = False
    starts = set()
    for line in lines:
        if line in ("选项:", "Options:"):
            section = True
            continue
        if section and not line.strip():
            break
        if section and line.startswith("  -") and "  " in line.strip():
            _, _, rest = line.strip().partition("  ")
            starts.add(cells(line) - cells(rest.lstrip()))
    assert len(starts) <= 1, (starts, done.stdout)


def test_chinese_metavars_are_kept():
    done = kxreport("build", "--help")
    assert "<输出文件夹>/<文件名>.md" in done.stdout
    assert "list[Path]" not in done.stdout and "<Path>" not in done.stdout


def test_help_says_what_format_does():
    assert "只导出 PDF" in kxreport("--help").stdout
    flat = "".join(line.strip() for line in kxreport("build", "--help").stdout.splitlines())
    assert "写了哪几种就只生成哪几种" in flat


def test_wrapping_by_display_width():
    text = "检查年度文件：YAML 语法、字段、类型、数量写法等，一次列出全部问题（文件:行:列）。"
    lines = wrap(text, 30).splitlines()
    # a closing punctuation mark may hang past the end rather than start the next line
    assert all(
        cells(line) <= 30 or (cells(line) <= 32 and line[-1] in "，。、；：）") for line in lines
    )
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("，", "。", "、", "）")) for line in lines)
    assert "YAML" in "".join(lines)  # a Latin word is never split


SHELL_SCRIPTS = {"bash": "complete -o", "zsh": "#compdef kxreport", "fish": "complete --command"}


@pytest.mark.parametrize("shell", sorted(SHELL_SCRIPTS))
def test_completion_scripts(shell):
    """Each shell's script, asked for by name (``--show-completion`` takes no shell name:
    it detects the running shell, which a test cannot rely on)."""
    done = run_kxreport(env={"_KXREPORT_COMPLETE": f"source_{shell}"})
    assert done.returncode == 0 and "_KXREPORT_COMPLETE" in done.stdout
    assert SHELL_SCRIPTS[shell] in done.stdout


def test_bash_loads_the_completion_script():
    """The script is valid bash and registers the completion of ``kxreport``."""
    script = run_kxreport(env={"_KXREPORT_COMPLETE": "source_bash"}).stdout
    done = subprocess.run(
        ["bash", "--norc", "-c", script + "\ncomplete -p kxreport"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "kxreport" in done.stdout and "-F" in done.stdout


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("kxreport bu", "1", "build"),
        ("kxreport build --fo", "2", "--format"),
        ("kxreport st", "1", "stats"),
        # an option's values, from the list it is checked against
        ("kxreport build x.yaml -f ", "4", "pdf"),
        ("kxreport build x.yaml --format h", "4", "html"),
        ("kxreport init a.yaml --kind ", "4", "plan"),
        ("kxreport init a.yaml --level 街", "4", "街道"),
        ("kxreport import a.docx --kind s", "4", "summary"),
        ("kxreport stats a.yaml --format ", "4", "xlsx"),
        ("kxreport validate --diagnostics g", "3", "github"),
    ],
)
def test_bash_completes_commands_and_options(words, cword, expected):
    done = subprocess.run(
        [sys.executable, "-m", "kxreport"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={
            **os.environ,
            "_KXREPORT_COMPLETE": "complete_bash",
            "COMP_WORDS": words,
            "COMP_CWORD": cword,
        },
    )
    assert expected in done.stdout.split()


def test_stats_json_and_csv_say_the_same_as_the_table():
    path = str(EXAMPLES / "demo-2023.yaml")
    rows = json.loads(kxreport("stats", path, "--format", "json").stdout)["rows"]
    lectures = next(row for row in rows if row["key"] == "lectures")
    assert lectures == {
        "key": "lectures",
        "label": "举办科普讲座",
        "current": "66场",
        "previous": "52场",
        "change": "同比增长26.9%",
        "target": "60场",
        "completion_rate": "110%",
        "status": "完成",
    }
    table = list(
        csv.reader(io.StringIO(kxreport("stats", path, "--format", "csv").stdout.lstrip("\ufeff")))
    )
    assert table[0] == [
        "指标键",
        "指标",
        "2023年",
        "2022年",
        "同比",
        "2022年计划目标",
        "完成率",
        "情况",
    ]
    assert table[1] == [
        "lectures",
        "举办科普讲座",
        "66场",
        "52场",
        "同比增长26.9%",
        "60场",
        "110%",
        "完成",
    ]
    assert len(table) == len(rows) + 1


def test_stats_table_wraps_instead_of_cutting_cells(tmp_path):
    path = str(EXAMPLES / "demo-2023.yaml")
    done = subprocess.run(
        ["script", "-qc", f"{sys.executable} -m kxreport stats {path}", "/dev/null"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
    )
    if done.returncode != 0 and "script" in done.stderr:
        pytest.skip("util-linux script is not available")
    assert "…" not in done.stdout
    # in 80 columns the key (for machines) is left out first; every column still shows
    assert "lecture" not in done.stdout and "指标键" not in done.stdout
    assert "情况" in done.stdout and "未完成" in done.stdout
    wide = subprocess.run(
        ["script", "-qc", f"{sys.executable} -m kxreport stats {path}", "/dev/null"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "COLUMNS": "160", "NO_COLOR": "1"},
    )
    assert "lectures" in wide.stdout and "指标键" in wide.stdout


def test_stats_refuses_an_unknown_format():
    done = kxreport("stats", str(EXAMPLES / "demo-2023.yaml"), "--format", "xml")
    assert done.returncode == 2 and "--format 只能是" in done.stderr


def test_installing_completion_says_what_it_did_in_chinese(tmp_path):
    """typer installs the script and prints an English sentence: ours says it in Chinese
    (in a temporary home folder: the test must not touch the real ~/.bashrc)."""
    done = run_kxreport(
        "--install-completion", "bash", env={"HOME": str(tmp_path), "SHELL": "/bin/bash"}
    )
    script = tmp_path / ".bash_completions" / "kxreport.sh"
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"已为 bash 安装命令补全：{script}\n重新打开终端后生效。\n"
    assert "_KXREPORT_COMPLETE" in script.read_text("utf-8")
    assert str(script) in (tmp_path / ".bashrc").read_text("utf-8")
