"""What reaches the terminal: locations print exactly (no markup, no emoji codes), nothing
from a file or a file name can send a control sequence, and an unexpected error is one
Chinese message, with the traceback only on request."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from kxreport.cli import app, run
from kxreport.report import plain

from .conftest import EXAMPLES, MINIMAL, run_kxreport

runner = CliRunner()


cli = run_kxreport


@pytest.mark.parametrize("line", [100, 1234, 8])
def test_locations_print_exactly(tmp_path, line):
    path = tmp_path / "x.yaml"
    padding = "".join(f"# {i}\n" for i in range(line - 8))
    path.write_text(MINIMAL + padding + "nmae: root:x:0:0\n", encoding="utf-8")
    for style in ("text", "github"):
        done = cli("validate", str(path), "--diagnostics", style)
        output = done.stdout + done.stderr
        if style == "text":
            assert f"{path}:{line}:1: 错误: 未知字段“nmae”" in output
            assert f"{line:>5} | nmae: root:x:0:0" in output
        else:
            assert f"line={line},col=1" in output
        assert "💯" not in output and "🔢" not in output and "❌" not in output


def test_emoji_codes_and_markup_in_data_print_as_written(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(MINIMAL + 'closing: ":100: [red]XX[/red] :x:"\n', encoding="utf-8")
    done = cli("validate", str(path))
    assert "“XX”是没有填写的占位符" in done.stderr
    assert 'closing: ":100: [red]XX[/red] :x:"' in done.stderr


@pytest.mark.parametrize(
    "sequence", ["\x1b[2J", "\x1b]0;title\x07", "\x9b2J", "\u202e", "\u2066", "\x7f"]
)
def test_control_sequences_in_the_file_never_reach_the_terminal(tmp_path, sequence):
    """Written raw into the file, they come back in echoed source lines and messages."""
    path = tmp_path / "x.yaml"
    path.write_text(MINIMAL + f"closing: 甲{sequence}XX乙\n", encoding="utf-8")
    controls = [ch for ch in sequence if not ch.isprintable()]
    for style in ("text", "github", "json"):
        done = cli("validate", str(path), "--diagnostics", style)
        output = done.stdout + done.stderr
        assert done.returncode == 1 and "x.yaml" in output
        assert not any(ch in output for ch in controls), (style, output)


def test_file_names_with_control_characters_are_shown_escaped(tmp_path):
    path = tmp_path / "bad\x1b[2Jname.yaml"
    path.write_text(MINIMAL.replace("year: 2023", "year: 20xx"), encoding="utf-8")
    done = cli("validate", str(path))
    assert "\x1b" not in done.stderr
    assert "bad\\x1b[2Jname.yaml:5:7: 错误:" in done.stderr
    done = cli("build", str(path))
    assert "\x1b" not in done.stderr and done.returncode == 1


def test_an_undecodable_file_name_does_not_break_json_output(tmp_path):
    import os

    raw = os.fsencode(tmp_path) + b"/bad\xff.yaml"
    with open(raw, "wb") as handle:
        handle.write(MINIMAL.replace("year: 2023", "year: 20xx").encode())
    name = os.fsdecode(raw)
    for style in ("json", "github", "text"):
        done = cli("validate", name, "--diagnostics", style)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr


def test_stats_prints_labels_as_text(tmp_path):
    source = (EXAMPLES / "demo-2023.yaml").read_text(encoding="utf-8")
    (tmp_path / "demo-2022.yaml").write_text(
        (EXAMPLES / "demo-2022.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    label = "label: 举办科普讲座"
    assert label in source
    (tmp_path / "demo-2023.yaml").write_text(
        source.replace(label, 'label: "[bold]讲座[/bold] :100:"', 1), encoding="utf-8"
    )
    done = cli("stats", str(tmp_path / "demo-2023.yaml"))
    assert done.returncode == 0, done.stderr
    assert "[bold]讲座[/bold] :100:" in done.stdout


def test_plain_shows_every_unsafe_character():
    assert plain("a\x1b[2Jb\u202ec\x00\n") == "a\\x1b[2Jb\\u202ec\\x00\\n"
    assert plain("一\n二", newlines=True) == "一\n二"
    assert plain("\udcff") == "\\udcff"


# --- unexpected errors ---------------------------------------------------------------------


def _crash(*args, **kwargs):
    raise KeyError("h6")


def test_an_internal_error_is_one_chinese_message(monkeypatch, capsys, tmp_path):
    from kxreport import loader

    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setattr(loader, "_load", _crash)
    monkeypatch.setattr(sys, "argv", ["kxreport", "validate", str(tmp_path / "2023.yaml")])
    with pytest.raises(SystemExit) as caught:
        run()
    err = capsys.readouterr().err
    assert caught.value.code == 1
    assert "内部错误：KeyError: 'h6'" in err
    assert "命令：kxreport validate" in err and "--debug" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(monkeypatch, capsys, tmp_path):
    from kxreport import loader

    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setattr(loader, "_load", _crash)
    monkeypatch.setattr(
        sys, "argv", ["kxreport", "--debug", "validate", str(tmp_path / "2023.yaml")]
    )
    with pytest.raises(SystemExit):
        run()
    err = capsys.readouterr().err
    assert "Traceback" in err and "内部错误" in err


def test_ctrl_c_is_a_short_message(monkeypatch, capsys, tmp_path):
    from kxreport import loader

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setattr(loader, "_load", interrupted)
    monkeypatch.setattr(sys, "argv", ["kxreport", "validate", str(tmp_path / "2023.yaml")])
    with pytest.raises(SystemExit) as caught:
        run()
    assert caught.value.code == 130
    assert capsys.readouterr().err.strip() == "已中断。"


def test_a_closed_pipe_is_not_an_error():
    done = subprocess.run(
        f"{sys.executable} -m kxreport schema | head -c 10 > /dev/null",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stderr and "内部错误" not in done.stderr


def test_watch_keeps_going_when_reading_inputs_fails(tmp_path, monkeypatch):
    from kxreport import watch

    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")
    monkeypatch.setattr(watch, "load", _crash)
    assert watch.inputs([tmp_path / "2023.yaml"], None) == {(tmp_path / "2023.yaml").resolve()}


def test_cli_runner_shows_the_same(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(
        MINIMAL + "".join(f"# {i}\n" for i in range(92)) + "nmae: 1\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["validate", str(path)])
    assert f"{path}:100:1: 错误:" in result.output
