"""CLI wiring: exit codes, what is written, Chinese help and usage errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxreport.cli import app, run

from .conftest import EXAMPLES, MINIMAL

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["kxreport", *args])
    with pytest.raises(SystemExit) as caught:
        run()
    out, err = capsys.readouterr()
    return caught.value.code, out, err


def test_validate_examples_exit_0():
    result = invoke("validate", *map(str, sorted(EXAMPLES.glob("*.yaml"))))
    assert result.exit_code == 0, result.output
    assert "linfen-2022.yaml：通过（0 个错误，0 个警告）" in result.output


def test_validate_reports_every_file_and_exits_1_if_any_fails(write_yaml):
    good = write_yaml(MINIMAL, "good.yaml")
    bad = write_yaml(
        MINIMAL.replace("year: 2023", "year: 20xx").replace("level: 县", "level: 镇"), "bad.yaml"
    )
    result = invoke("validate", str(bad), str(good))
    assert result.exit_code == 1
    assert f"{bad}:4:10: 错误: “单位层级”（level）只能是以下之一" in result.output
    assert f"{bad}:5:7: 错误: “年度”（year）应为整数，实际是“20xx”" in result.output
    assert "    5 | year: 20xx\n      |       ^" in result.output
    assert f"{bad}:5:9: 错误: “xx”是没有填写的占位符：请写上实际的内容或数字" in result.output
    assert f"{bad}：未通过（3 个错误，0 个警告）" in result.output
    assert f"{good}：通过（0 个错误，0 个警告）" in result.output


def test_caret_accounts_for_wide_characters(write_yaml):
    bad = write_yaml(MINIMAL.replace("level: 县", "level: 县\n  名称: x"))
    result = invoke("validate", str(bad))
    assert "    5 |   名称: x\n      |   ^" in result.output


def test_build_writes_markdown_and_docx_next_to_the_input_by_default(tmp_path):
    source = tmp_path / "linfen-2022.yaml"
    shutil.copy(EXAMPLES / "linfen-2022.yaml", source)
    result = invoke("build", str(source))
    assert result.exit_code == 0, result.output
    written = tmp_path / "linfen-2022.md"
    assert written.read_text(encoding="utf-8").startswith("# 临汾市科协2022年工作综述\n")
    assert f"已写入 {written}" in result.output
    assert (tmp_path / "linfen-2022.docx").read_bytes()[:2] == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "linfen-2022.docx",
        "linfen-2022.md",
        "linfen-2022.yaml",
    ]


def test_format_docx_writes_only_the_docx(tmp_path):
    source = tmp_path / "plan.yaml"
    shutil.copy(EXAMPLES / "changzhi-2022-plan.yaml", source)
    result = invoke("build", str(source), "-f", "docx")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.docx", "plan.yaml"]
    assert source.read_bytes() == (EXAMPLES / "changzhi-2022-plan.yaml").read_bytes()


def test_build_many_files_into_an_output_folder(tmp_path):
    out = tmp_path / "dist"
    result = invoke("build", *map(str, sorted(EXAMPLES.glob("*.yaml"))), "-o", str(out), "-f", "md")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        p.stem + ".md" for p in EXAMPLES.glob("*.yaml")
    )  # only the format asked for


def test_invalid_input_writes_and_changes_nothing(tmp_path, write_yaml):
    bad = write_yaml(MINIMAL.replace("year: 2023", "year: 二〇二三"))
    previous = tmp_path / "2023.md"
    previous.write_text("上一次的输出\n", encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    result = invoke("build", str(bad))
    assert result.exit_code == 1
    assert "未生成（1 个错误，0 个警告）" in result.output
    assert previous.read_text(encoding="utf-8") == "上一次的输出\n"
    assert sorted(tmp_path.iterdir()) == before


def test_one_bad_file_does_not_stop_the_others(tmp_path, write_yaml):
    bad = write_yaml("year: 20xx\n", "bad.yaml")
    good = write_yaml(MINIMAL, "good.yaml")
    result = invoke("build", str(bad), str(good))
    assert result.exit_code == 1
    assert (tmp_path / "good.md").exists()
    assert not (tmp_path / "bad.md").exists()


def test_unknown_format_is_a_usage_error(write_yaml):
    result = invoke("build", str(write_yaml(MINIMAL)), "-f", "rtf")
    assert result.exit_code == 2
    assert "不支持的输出格式：rtf（可选：md、docx、html、pdf）" in result.output


def test_missing_file_is_a_usage_error(tmp_path):
    result = invoke("validate", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "错误：找不到文件：" in result.output


def test_template_problem_exits_1(tmp_path, write_yaml):
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "summary.md.j2").write_text("{{ doc.nope }}\n")
    result = invoke("build", str(write_yaml(MINIMAL)), "--templates", str(templates))
    assert result.exit_code == 1
    assert "模板引用了不存在的值" in result.output


def test_help_is_chinese_with_examples(monkeypatch, capsys):
    code, out, _ = run_main(monkeypatch, capsys, "--help")
    assert code == 0
    assert out.startswith("用法：kxreport")
    assert "示例：" in out and "kxreport validate 2023.yaml" in out
    assert "显示本帮助并退出。" in out
    for command in ("validate", "build"):
        code, out, _ = run_main(monkeypatch, capsys, command, "--help")
        assert code == 0
        assert f"用法：kxreport {command}" in out
        assert f"示例：kxreport {command} examples/linfen-2022.yaml" in out
        assert "Show this message" not in out
        assert "<list[" not in out and "Arguments" not in out and "Options" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["build", "--bogus"], "错误：没有这个选项：--bogus"),
        (["build"], "错误：缺少参数“文件或文件夹...”"),
        (["valdate"], "错误：没有这个命令：valdate（是不是想写 'validate'？）"),
        (["build", "--out-dir"], "错误：选项 --out-dir 需要一个值"),
        (["build", "x.yaml", "-j", "abc"], "错误：'-j' / '--jobs' 的值无效：应为整数"),
        (["build", "x.yaml", "-j", "0"], "错误：'-j' / '--jobs' 的值无效：不能小于 1"),
        (["import", "x.txt", "--year", "3000"], "错误：'--year' 的值无效：不能大于 2100"),
        (["stats", "x.yaml", "a", "b"], "错误：多余的参数：a b"),
        # click gives this error no context: the help to run is still the command's
        (["build", "-f"], "运行“kxreport build -h”查看帮助。\n错误：选项 -f 需要一个值"),
    ],
)
def test_usage_errors_are_chinese_and_exit_2(monkeypatch, capsys, args, message):
    code, _, err = run_main(monkeypatch, capsys, *args)
    assert code == 2
    assert message in err
    assert "运行“kxreport" in err


def test_run_returns_command_exit_codes(monkeypatch, capsys, write_yaml):
    assert run_main(monkeypatch, capsys, "validate", str(write_yaml(MINIMAL)))[0] == 0
    assert run_main(monkeypatch, capsys, "validate", str(write_yaml("year: x\n", "b.yaml")))[0] == 1


def test_version(monkeypatch, capsys):
    from kxreport import __version__

    code, out, _ = run_main(monkeypatch, capsys, "--version")
    assert (code, out) == (0, f"kxreport {__version__}\n")


def test_python_dash_m_runs_the_cli(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "kxreport", "validate", str(EXAMPLES / "changzhi-2022-plan.yaml")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "通过" in done.stderr


def test_no_traceback_for_bad_input(tmp_path):
    path = Path(tmp_path / "garbage.yaml")
    path.write_bytes(b"\xff\xfe\x00garbage")
    done = subprocess.run(
        [sys.executable, "-m", "kxreport", "build", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "UTF-16" in done.stderr


def test_slot_written_by_a_template_stops_the_build(tmp_path, write_yaml):
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "summary.md.j2").write_text("# {{ doc.org.short }}20xx年工作总结\n")
    result = invoke("build", str(write_yaml(MINIMAL)), "--templates", str(templates))
    assert result.exit_code == 1
    assert (
        "生成的文档中有没有填写的空“xx”（在“示例县科协20xx年工作总结”中），它来自模板"
        in result.output
    )
    assert not (tmp_path / "2023.md").exists()


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        # typer >= 0.28 (pydantic's words)
        (
            "Invalid value for '--year': Input should be a valid integer, unable to parse "
            "string as an integer",
            "'--year' 的值无效：应为整数",
        ),
        (
            "Invalid value for '-j': Input should be greater than or equal to 1",
            "'-j' 的值无效：不能小于 1",
        ),
        # older typer (click's words)
        ("Invalid value for '-j': 'abc' is not a valid integer.", "'-j' 的值无效：“abc”不是整数"),
        (
            "Invalid value for '-j': 0 is not in the range x>=1.",
            "'-j' 的值无效：0 不在范围 x>=1 内",
        ),
        # not a value error: only the frame is translated, the rest left as it is
        (
            "No such option: --bogus Did you mean --bog?",
            "没有这个选项：--bogus（是不是想写 --bog？）",
        ),
    ],
)
def test_why_a_value_was_refused_is_said_in_chinese(english, chinese):
    from kxreport.i18n import translate_error

    assert translate_error(english) == chinese
