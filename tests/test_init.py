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
