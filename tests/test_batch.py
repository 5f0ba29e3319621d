"""Many files at once, --check for CI, and machine-readable diagnostics."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.errors import Diagnostic
from kxreport.report import github_command

from .conftest import EXAMPLES, MINIMAL

runner = CliRunner()


def copy_examples(folder):
    folder.mkdir()
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, folder / example.name)
    return folder


def test_a_folder_builds_every_year_file_in_parallel_and_one_broken_file_does_not_stop_it(tmp_path):
    reports = copy_examples(tmp_path / "reports")
    (reports / "broken.yaml").write_text("year: 20xx\n", encoding="utf-8")
    (reports / "parts").mkdir()
    (reports / "parts" / "fragment.yaml").write_text("not: a year file\n", encoding="utf-8")
    out = tmp_path / "dist"
    result = runner.invoke(app, ["build", str(reports), "-o", str(out), "-j", "2", "-f", "md"])
    assert result.exit_code == 1
    built = sorted(p.name for p in out.iterdir())
    assert built == sorted(p.stem + ".md" for p in EXAMPLES.glob("*.yaml"))
    assert "broken.yaml：未生成" in result.output
    n = len(built)
    assert f"共 {n + 1} 个年度文件：{n} 个生成通过，1 个失败" in result.output
    # inputs are never written
    for example in EXAMPLES.glob("*.yaml"):
        assert (reports / example.name).read_bytes() == example.read_bytes()


def test_parallel_and_serial_builds_give_the_same_bytes(tmp_path):
    reports = copy_examples(tmp_path / "reports")
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert runner.invoke(app, ["build", str(reports), "-o", str(serial), "-j", "1"]).exit_code == 0
    assert (
        runner.invoke(app, ["build", str(reports), "-o", str(parallel), "-j", "2"]).exit_code == 0
    )
    for path in serial.iterdir():
        assert (parallel / path.name).read_bytes() == path.read_bytes()


def test_empty_folder_is_a_usage_error(tmp_path):
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["build", str(tmp_path / "empty")])
    assert result.exit_code == 2
    assert "里没有 .yaml 年度文件" in result.output


def test_check_finds_missing_and_stale_outputs_and_writes_nothing(tmp_path):
    reports = copy_examples(tmp_path / "reports")
    out = tmp_path / "dist"
    assert runner.invoke(app, ["build", str(reports), "-o", str(out)]).exit_code == 0
    clean = runner.invoke(app, ["build", "--check", str(reports), "-o", str(out)])
    assert clean.exit_code == 0, clean.output
    assert "输出是最新的" in clean.output
    # a fact changes, an output disappears
    linfen = reports / "linfen-2022.yaml"
    linfen.write_text(
        linfen.read_text(encoding="utf-8")
        .replace("召开座谈会30余次", "召开座谈会40余次")
        .replace("value: 30余次", "value: 40余次"),
        encoding="utf-8",
    )
    (out / "baoan-2020.docx").unlink()
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    result = runner.invoke(app, ["build", "--check", str(reports), "-o", str(out)])
    assert result.exit_code == 1
    assert f"需要重新生成：{out / 'linfen-2022.md'}（内容已过时）" in result.output
    assert f"需要重新生成：{out / 'linfen-2022.docx'}（内容已过时）" in result.output
    assert f"需要重新生成：{out / 'baoan-2020.docx'}（缺少）" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_check_compares_docx_content_not_zip_metadata(tmp_path):
    import io
    import zipfile

    source = tmp_path / "plan.yaml"
    shutil.copy(EXAMPLES / "changzhi-2022-plan.yaml", source)
    assert runner.invoke(app, ["build", str(source), "-f", "docx"]).exit_code == 0
    docx_path = tmp_path / "plan.docx"
    original = zipfile.ZipFile(io.BytesIO(docx_path.read_bytes()))
    rezipped = io.BytesIO()
    with zipfile.ZipFile(rezipped, "w", zipfile.ZIP_STORED) as target:  # other machine, other zip
        for name in reversed(original.namelist()):
            target.writestr(name, original.read(name))
    docx_path.write_bytes(rezipped.getvalue())
    result = runner.invoke(app, ["build", "--check", str(source), "-f", "docx"])
    assert result.exit_code == 0, result.output


def test_check_refuses_pdf(tmp_path):
    source = tmp_path / "2023.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(app, ["build", "--check", "-f", "pdf", str(source)])
    assert result.exit_code == 2
    assert "--check 不比较 PDF" in result.output


def test_github_diagnostics(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        MINIMAL.replace("level: 县", "level: 村") + "closing: 参训人员达XX人，共50%。\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["validate", "--diagnostics", "github", str(bad)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("::")]
    assert lines == [
        f"::error file={bad},line=4,col=10,title=kxreport literal_error::“单位层级”（level）只能是以下之一：全国、省、市、州、盟、地区、县、区、乡镇、街道、高校、企业，实际是“村”",
        f"::error file={bad},line=8,col=15,title=kxreport slot-placeholder::“XX”是没有填写的占位符：请写上实际的内容或数字",
    ]


def test_github_command_escapes_newlines_and_percent():
    d = Diagnostic("a,b:c.yaml", 1, 2, "warning", "copied", "第一行\n增长%")
    assert (
        github_command(d)
        == "::warning file=a%2Cb%3Ac.yaml,line=1,col=2,title=kxreport copied::第一行%0A增长%25"
    )


def test_json_diagnostics(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(MINIMAL, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINIMAL.replace("year: 2023", "year: 二〇二三"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--diagnostics", "json", str(good), str(bad)])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [f["ok"] for f in report["files"]] == [True, False]
    (diagnostic,) = report["files"][1]["diagnostics"]
    assert diagnostic == {
        "path": str(bad),
        "line": 5,
        "column": 7,
        "severity": "error",
        "code": "int_type",
        "message": "“年度”（year）应为整数，实际是“二〇二三”",
    }


def test_unknown_diagnostics_style_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["validate", "--diagnostics", "xml", str(tmp_path / "a.yaml")])
    assert result.exit_code == 2


def test_progress_bar_on_a_terminal(tmp_path, monkeypatch):
    import io

    from rich.console import Console

    from kxreport import report

    screen = io.StringIO()
    monkeypatch.setattr(
        report,
        "stderr",
        lambda: Console(file=screen, force_terminal=True, width=100, highlight=False),
    )
    reports = copy_examples(tmp_path / "reports")
    result = runner.invoke(
        app, ["build", str(reports), "-o", str(tmp_path / "dist"), "-f", "md", "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    shown = screen.getvalue()
    assert "生成中" in shown  # the progress bar
    n = len(list(EXAMPLES.glob("*.yaml")))
    assert f"共 {n} 个年度文件：{n} 个生成通过，0 个失败" in shown
