"""A 市 report gathers its counties' year files (units: counties/*.yaml)."""

from __future__ import annotations

import io

import docx
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.compare import rollup
from kxreport.loader import load

from .conftest import DATA, MINIMAL

CITY = DATA / "rollup" / "city.yaml"


def test_counts_with_the_same_key_are_summed_and_approximate_totals_marked():
    result = load(CITY)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert len(result.units) == 3
    summary = rollup([u.model for u in result.units])
    assert [c.key for c in summary.columns] == ["lectures", "audience", "members"]
    assert str(summary.total("members")) == "390名"  # exact + exact
    assert summary.total("members").is_exact
    lectures = summary.total("lectures")  # 52 + 30余 + 41
    assert (str(lectures), lectures.is_exact) == ("约123场", False)
    assert str(summary.total("audience")) == "约3100人次"  # includes 近千


def test_per_unit_table_in_markdown_and_docx(tmp_path):
    result = CliRunner().invoke(app, ["build", str(CITY), "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "city.md").read_text(encoding="utf-8")
    assert "| 单位 | 举办科普讲座 | 科普活动受众 | 发展个人会员 |" in text
    assert "| 乙县科协 | 30余场 | 900人次 | 210名 |" in text
    assert "| 合计 | 约123场 | 约3100人次 | 390名 |" in text
    document = docx.Document(io.BytesIO((tmp_path / "city.docx").read_bytes()))
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [
        "单位",
        "举办科普讲座",
        "科普活动受众",
        "发展个人会员",
    ]
    assert [c.text for c in table.rows[-1].cells] == ["合计", "约123场", "约3100人次", "390名"]
    assert [p.text for p in document.paragraphs if p.style.name == "附件标题"] == [
        "2023年各单位主要指标"
    ]
    assert "附件：2023年各单位主要指标" in [p.text for p in document.paragraphs]


def test_a_broken_unit_file_is_reported_at_units(tmp_path, write_yaml):
    (tmp_path / "counties").mkdir()
    (tmp_path / "counties" / "a.yaml").write_text("year: 20xx\n", encoding="utf-8")
    city = write_yaml(
        MINIMAL.replace("level: 县", "level: 市") + "units: [counties/*.yaml, none/*.yaml]\n",
        "city.yaml",
    )
    messages = [d.message for d in load(city).diagnostics]
    assert any(
        m.startswith(f"下属单位文件 {tmp_path / 'counties' / 'a.yaml'} 有 ") for m in messages
    )
    assert "没有找到与“none/*.yaml”匹配的下属单位文件" in messages
