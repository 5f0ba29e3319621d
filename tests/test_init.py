from __future__ import annotations

import re
import shutil

from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load
from kxreport.model import Org, Overview, YearFile
from kxreport.scaffold import guess_level

from .conftest import EXAMPLES

runner = CliRunner()


def test_fresh_year_file_has_a_chinese_comment_on_every_field(tmp_path):
    path = tmp_path / "2024.yaml"
    result = runner.invoke(
        app, ["init", str(path), "--org", "示例县科学技术协会", "--year", "2024"]
    )
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=kxreport.schema.json\n")
    for model, names in (
        (Org, ["name", "short_name", "level"]),
        (Overview, ["text", "approach", "standing"]),
        (YearFile, ["org", "year", "kind", "date", "title", "honours", "sections", "closing"]),
    ):
        for name in names:
            info = model.model_fields[name]
            assert f"# {info.title}：{info.description}" in text, name
    loaded = load(path)
    assert loaded.ok
    assert loaded.model.org.level == "县" and loaded.model.org.short == "示例县科协"
    assert [s.kind for s in loaded.model.sections] == [
        "party",
        "scientists",
        "popularization",
        "innovation",
        "think_tank",
        "organization",
        "problems",
        "next_year",
    ]
    assert (tmp_path / "kxreport.schema.json").exists()


def test_from_last_year_keeps_structure_and_keys_and_leaves_figures_empty(tmp_path):
    shutil.copy(EXAMPLES / "demo-2022.yaml", tmp_path / "demo-2022.yaml")
    path = tmp_path / "2023.yaml"
    result = runner.invoke(app, ["init", str(path), "--from", str(tmp_path / "demo-2022.yaml")])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "previous: demo-2022.yaml" in text
    assert "year: 2023" in text and "name: 示例县科学技术协会" in text
    for key in ("lectures", "audience", "e_stations", "trainees", "members", "reports"):
        assert f"key: {key}" in text
    assert "title: 做强科普品牌" in text  # last year's plan item is now a part to report on
    result = load(path)
    assert not result.ok
    missing = [d for d in result.diagnostics if d.code == "count_missing"]
    assert len(missing) == 6
    assert all(d.source.strip().startswith("value:") for d in missing)
    assert missing[0].message.startswith("“数值”（value）：还没有填写数值")
    # once the figures are filled in, the file is valid and compares with last year
    filled = re.sub(r"value:   # 填写今年的数值.*", "value: 10", text)
    path.write_text(filled, encoding="utf-8")
    result = load(path)
    assert result.ok, [d.format() for d in result.errors]
    assert result.previous.model.year == 2022


def test_init_never_overwrites_without_force(tmp_path):
    path = tmp_path / "2024.yaml"
    path.write_text("我的文件\n", encoding="utf-8")
    args = ["init", str(path), "--org", "示例县科学技术协会", "--year", "2024"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "已经存在：不会覆盖它" in result.output
    assert path.read_text(encoding="utf-8") == "我的文件\n"
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_init_needs_an_organisation_and_year(tmp_path):
    result = runner.invoke(app, ["init", str(tmp_path / "a.yaml")])
    assert result.exit_code == 2 and "--org" in result.output
    result = runner.invoke(
        app, ["init", str(tmp_path / "a.yaml"), "--org", "某某协会", "--year", "2024"]
    )
    assert result.exit_code == 2 and "--level" in result.output
    plan = tmp_path / "p.yaml"
    result = runner.invoke(
        app,
        [
            "init",
            str(plan),
            "--org",
            "某协会",
            "--level",
            "企业",
            "--year",
            "2024",
            "--kind",
            "plan",
        ],
    )
    assert result.exit_code == 0
    assert load(plan).model.kind == "plan"


def test_guess_level():
    assert guess_level("临汾市科学技术协会") == "市"
    assert guess_level("宝安区科协") == "区"
    assert guess_level("八经街道科协") == "街道"
    assert guess_level("山西大学科协") == "高校"
    assert guess_level("某某协会") is None


def _strict(path) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", "--strict", str(path)])
    return result.exit_code, result.output


def test_a_fresh_scaffold_passes_its_own_strict_hook(tmp_path):
    for kind in ("summary", "plan"):
        path = tmp_path / f"{kind}.yaml"
        args = ["init", str(path), "--org", "示例县科学技术协会", "--year", "2024", "--kind", kind]
        assert runner.invoke(app, args).exit_code == 0
        code, output = _strict(path)
        assert code == 0, output


def test_init_from_last_year_filled_in_passes_strict_and_prints_no_bare_heading(tmp_path):
    from kxreport.render import render_markdown

    shutil.copy(EXAMPLES / "demo-2022.yaml", tmp_path / "demo-2022.yaml")
    path = tmp_path / "2023.yaml"
    result = runner.invoke(app, ["init", str(path), "--from", str(tmp_path / "demo-2022.yaml")])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    filled = re.sub(r"value:   # 填写今年的数值.*", "value: 10", text)
    filled = filled.replace("date:", "date: 2024-01-10", 1)
    path.write_text(filled, encoding="utf-8")
    loaded = load(path)
    assert loaded.ok, [d.format() for d in loaded.diagnostics]
    markdown = render_markdown(loaded.model)
    # last year's plan items are parts to report on; unwritten, none prints as a bare heading
    assert not re.search(r"（[一二三四五六七八九十]+）[^\n。]{0,12}落实情况。\s*$", markdown, re.M)
    assert "落实情况。\n" not in markdown


def test_init_refuses_a_two_digit_year_at_once(tmp_path):
    path = tmp_path / "a.yaml"
    result = runner.invoke(app, ["init", str(path), "--org", "示例县科学技术协会", "--year", "24"])
    assert result.exit_code == 2
    assert "--year 24 不是有效的年度" in result.output and "四位数" in result.output
    assert not path.exists()


def test_init_refuses_a_previous_year_outside_the_project(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    project = tmp_path / "project"
    elsewhere.mkdir()
    project.mkdir()
    shutil.copy(EXAMPLES / "demo-2022.yaml", elsewhere / "2022.yaml")
    path = project / "2023.yaml"
    result = runner.invoke(app, ["init", str(path), "--from", str(elsewhere / "2022.yaml")])
    assert result.exit_code == 2
    assert "不在新文件所在的文件夹" in result.output and "复制到这个文件夹" in result.output
    assert not path.exists()
    # inside the project (a subfolder too) it is written as a relative previous:
    (project / "old").mkdir()
    shutil.copy(EXAMPLES / "demo-2022.yaml", project / "old" / "2022.yaml")
    result = runner.invoke(app, ["init", str(path), "--from", str(project / "old" / "2022.yaml")])
    assert result.exit_code == 0, result.output
    assert "previous: old/2022.yaml" in path.read_text(encoding="utf-8")


def test_init_never_writes_the_new_year_over_last_years_file(tmp_path):
    path = tmp_path / "2022.yaml"
    shutil.copy(EXAMPLES / "demo-2022.yaml", path)
    before = path.read_bytes()
    result = runner.invoke(app, ["init", str(path), "--from", str(path), "--force"])
    assert result.exit_code == 2
    assert "就是上一年度文件" in result.output
    assert path.read_bytes() == before
