"""A year file assembled from department fragments (include: parts/*.yaml)."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load
from kxreport.render import render_markdown

from .conftest import DATA

runner = CliRunner()


def test_fragments_are_merged_in_file_name_order():
    result = load(DATA / "include" / "2023.yaml")
    assert result.ok, [d.format() for d in result.diagnostics]
    doc = result.model
    assert [s.kind for s in doc.sections] == ["party", "popularization", "scientists"]
    popularization = doc.sections[1]
    assert popularization.title == "科普工作提质扩面"  # from the main file
    assert [i.heading for i in popularization.items] == ["科普活动", "学会科普"]  # 01-, then 02-
    assert [h.name for h in doc.honours] == ["全市学会工作先进单位"]
    assert [p.name for p in result.files] == ["2023.yaml", "01-kepu.yaml", "02-xuehui.yaml"]
    text = render_markdown(doc)
    assert "**（二）学会科普**。各学会开展科普进社区活动12场。" in text


def test_diagnostics_point_at_the_fragment_and_conflicts_name_both_places(monkeypatch):
    monkeypatch.chdir(DATA / "include-conflict")
    result = load("2023.yaml")
    assert not result.ok
    assert [d.format() for d in result.diagnostics] == [
        "parts/01-office.yaml:1:1: 错误: “closing”在 2023.yaml:17 已经写过，这里又写了一次：同一个值只能写在一个文件里",
        "parts/01-office.yaml:4:5: 错误: “intro”在 2023.yaml:14 已经写过，这里又写了一次：同一个值只能写在一个文件里",
        "parts/02-kepu.yaml:5:23: 错误: “XX”是没有填写的占位符：请写上实际的内容或数字",
        "parts/02-kepu.yaml:7:51: 错误: “举办科普讲座”记为“66场”，但本条正文里没有这个数字：正文和数字必须一致，请改正其中一处",
    ]


def test_include_pattern_without_match_and_nested_include(tmp_path):
    main = tmp_path / "2023.yaml"
    main.write_text(
        (DATA / "include" / "2023.yaml")
        .read_text(encoding="utf-8")
        .replace("parts/*.yaml", "[parts/*.yaml, nowhere/*.yaml]"),
        encoding="utf-8",
    )
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "a.yaml").write_text(
        "include: other.yaml\nclosing: x\n", encoding="utf-8"
    )
    messages = [d.format().split(": ", 1)[1] for d in load(main).diagnostics]
    assert "错误: 没有找到与“nowhere/*.yaml”匹配的片段文件" in messages
    assert "错误: 片段文件不能再用 include 引入别的文件" in messages


def test_validation_errors_inside_a_fragment_keep_their_position(tmp_path):
    shutil.copytree(DATA / "include", tmp_path / "r")
    part = tmp_path / "r" / "parts" / "02-xuehui.yaml"
    part.write_text(
        part.read_text(encoding="utf-8").replace("level: 市级", "level: 市"), encoding="utf-8"
    )
    (diagnostic,) = load(tmp_path / "r" / "2023.yaml").diagnostics
    assert diagnostic.path == str(part)
    assert (diagnostic.line, diagnostic.column) == (3, 40)
    assert diagnostic.message.startswith("“荣誉级别”（level）只能是以下之一")


def test_build_and_check_follow_the_fragments(tmp_path):
    shutil.copytree(DATA / "include", tmp_path / "r")
    main, out = tmp_path / "r" / "2023.yaml", tmp_path / "dist"
    assert runner.invoke(app, ["build", str(main), "-o", str(out)]).exit_code == 0
    assert runner.invoke(app, ["build", "--check", str(main), "-o", str(out)]).exit_code == 0
    part = tmp_path / "r" / "parts" / "01-kepu.yaml"
    part.write_text(part.read_text(encoding="utf-8").replace("66场", "68场"), encoding="utf-8")
    result = runner.invoke(app, ["build", "--check", str(main), "-o", str(out)])
    assert result.exit_code == 1
    assert "内容已过时" in result.output


def test_unusable_patterns_are_reported_not_crashed_on(tmp_path, write_yaml):
    from .conftest import MINIMAL

    path = write_yaml(MINIMAL + 'include: ["", /etc/*.yaml]\nunits: ["", "/abs/*.yaml"]\n')
    codes = [d.code for d in load(path).diagnostics]
    assert codes.count("include-pattern") == 2
    path = write_yaml(MINIMAL + 'units: ["/abs/*.yaml"]\n')
    assert [d.code for d in load(path).diagnostics] == ["units-pattern"]
