"""A 市 report gathers its counties' year files (units: counties/*.yaml)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load
from kxreport.rollup import rollup
from kxreport.writers import pdf

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
    # one measure word per column, said in its header; numbers alone in the cells
    assert "| 单位 | 举办科普讲座（场） | 科普活动受众（人次） | 发展个人会员（名） |" in text
    assert "| 乙县科协 | 30余 | 900 | 210 |" in text
    assert "| 合计 | 约123 | 约3100 | 390 |" in text
    assert "| 丙县科协 | 41 | 近千 | — |" in text  # 丙县 reports no members: missing, not 0
    assert "注：“—”表示该单位未填报" in text
    document = docx.Document(io.BytesIO((tmp_path / "city.docx").read_bytes()))
    (table,) = document.tables
    assert [c.text for c in table.rows[0].cells] == [
        "单位",
        "举办科普讲座（场）",
        "科普活动受众（人次）",
        "发展个人会员（名）",
    ]
    assert [c.text for c in table.rows[-1].cells] == ["合计", "约123", "约3100", "390"]
    # numbers right-aligned as in the Markdown; no row splits across pages
    xml = table._tbl.xml
    assert xml.count("<w:cantSplit/>") == len(table.rows)
    assert '<w:jc w:val="right"/>' in table.rows[-1].cells[1]._tc.xml
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


# --- the city chooses the indicators ----------------------------------------------------

CHOSEN = DATA / "rollup-chosen"


def test_the_city_chooses_indicators_their_order_names_and_aliases():
    result = load(CHOSEN / "city.yaml")
    assert result.ok, [d.format() for d in result.errors]
    table = rollup([u.model for u in result.units], result.model.rollup)
    assert [c.key for c in table.columns] == ["trainees", "lectures", "members"]
    assert table.rows()[0] == ["单位", "培训农民（人次）", "科普讲座（场）", "发展会员（名）"]
    # 太谷's 农民培训 (another key) is 祁县's 培训农民; 祁县's count without a key matches
    # by its label, an alias
    assert table.rows()[1:] == [
        ["祁县科协", "1200", "30余", "—"],
        ["太谷区科协", "800", "12", "40"],
        ["平遥县科协", "—", "20", "—"],  # missing, never 0
        ["合计", "2000", "约62", "40"],
    ]
    assert table.missing("trainees") == ["平遥县科协"]


def test_what_matches_no_indicator_is_listed_with_each_county_file_and_line():
    result = load(CHOSEN / "city.yaml")
    found = [
        (Path(d.path).name, d.line, d.message)
        for d in result.diagnostics
        if d.code == "rollup-unmatched"
    ]
    assert [(name, line) for name, line, _ in found] == [
        ("平遥.yaml", 11),
        ("平遥.yaml", 14),
        ("祁县.yaml", 14),
    ]
    assert "“受众”（key: audience）没有对应" in found[0][2] and "加别名" in found[0][2]
    assert "对应同一个汇总指标" in found[1][2]
    assert "“建成科普示范基地”" in found[2][2]


def test_an_alias_in_two_indicators_is_refused(write_yaml):
    city = write_yaml(
        MINIMAL.replace("level: 县", "level: 市")
        + "rollup:\n  indicators:\n"
        + "    - {key: a, label: 甲, aliases: [培训]}\n    - {key: b, label: 乙, aliases: [培训]}\n",
        "city.yaml",
    )
    messages = [d.message for d in load(city).errors]
    assert any("“培训”同时属于指标“a”和“b”" in m for m in messages), messages


def test_without_a_list_the_indicators_most_units_report_are_shown_and_the_rest_named(tmp_path):
    counties = tmp_path / "counties"
    counties.mkdir()
    for name, extra in (("甲", "trainees"), ("乙", "stations"), ("丙", "reports")):
        (counties / f"{name}.yaml").write_text(
            _county(name, [("lectures", "举办科普讲座", "10场"), (extra, f"{extra}指标", "5个")]),
            encoding="utf-8",
        )
    city = tmp_path / "city.yaml"
    city.write_text(_CITY + "units: counties/*.yaml\n", encoding="utf-8")
    result = load(city)
    table = rollup([u.model for u in result.units])
    assert [c.key for c in table.columns] == ["lectures"]  # reported by all three
    (left,) = [d for d in result.diagnostics if d.code == "rollup-left-out"]
    assert left.line == 8
    for label in ("trainees指标（1个单位）", "stations指标（1个单位）", "reports指标（1个单位）"):
        assert label in left.message
    assert "rollup.indicators" in left.message


_CITY = (
    "org:\n  name: 示例市科学技术协会\n  short_name: 示例市科协\n  level: 市\n"
    "year: 2023\nkind: summary\ndate: 2024-01-15\n"
)


def _county(name: str, counts: list[tuple[str, str, str]]) -> str:
    lines = "".join(
        f"          - {{key: {k}, label: {label}, value: {v}}}\n" for k, label, v in counts
    )
    return (
        f"org:\n  name: 示例市{name}县科学技术协会\n  short_name: {name}县科协\n  level: 县\n"
        "year: 2023\nkind: summary\ndate: 2024-01-10\n"
        "sections:\n  - kind: popularization\n    items:\n      - heading: 主要指标\n"
        f"        counts:\n{lines}"
    )


# --- a table a reader can read ------------------------------------------------------------

_MANY = [
    ("lectures", "举办科普讲座", "场"),
    ("audience", "科普活动受众", "人次"),
    ("members", "发展个人会员", "名"),
    ("trainees", "培训农民", "人次"),
    ("stations", "新建科普e站", "个"),
    ("reports", "完成调研报告", "篇"),
    ("forums", "召开学术交流会", "次"),
    ("experts", "组织专家服务", "人次"),
]


def _wide_city(folder: Path, units: int, indicators: int, layout: str | None = None) -> Path:
    counties = folder / "counties"
    counties.mkdir(parents=True)
    names = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"[:units]
    for i, name in enumerate(names):
        counts = [
            (k, label, f"{(i + 1) * 1237 + j * 311}{unit}")
            for j, (k, label, unit) in enumerate(_MANY[:indicators])
        ]
        (counties / f"{i:02d}{name}.yaml").write_text(_county(name, counts), encoding="utf-8")
    city = folder / "city.yaml"
    choice = f"rollup: {{layout: {layout}}}\n" if layout else ""
    city.write_text(_CITY + "units: counties/*.yaml\n" + choice, encoding="utf-8")
    return city


def test_the_table_runs_the_way_that_fits_the_type_area(tmp_path):
    many_units = load(_wide_city(tmp_path / "a", 12, 3))
    table = rollup([u.model for u in many_units.units], many_units.model.rollup)
    assert table.layout == "units"  # 4 columns, 13 rows
    many_indicators = load(_wide_city(tmp_path / "b", 2, 8))
    table = rollup([u.model for u in many_indicators.units], many_indicators.model.rollup)
    assert table.layout == "indicators"  # 4 columns (指标, two units, 合计), 9 rows
    assert table.rows()[0] == ["指标", "甲县科协", "乙县科协", "合计"]
    assert table.rows()[1] == ["举办科普讲座（场）", "1237", "2474", "3711"]
    said = load(_wide_city(tmp_path / "c", 2, 8, "units"))
    assert rollup([u.model for u in said.units], said.model.rollup).layout == "units"


def test_a_number_never_breaks_and_widths_come_from_the_content():
    from kxreport.layout import table_plan, unbreakable

    assert unbreakable("1800人次") and unbreakable("约5.2万人次") and unbreakable("—")
    assert not unbreakable("举办科普讲座")
    rows = [["单位", "科普活动受众（人次）"], ["甲县科协", "1800人次"], ["合计", "约5.2万人次"]]
    plan = table_plan(rows)
    assert plan.fits and plan.size_pt == 14
    # the number column is at least as wide as its widest number at that size
    assert plan.widths_pt[1] >= 5.5 * 14 + 8


@pytest.mark.skipif(
    pdf.soffice() is None or shutil.which("pdftotext") is None, reason="LibreOffice/poppler"
)
def test_a_wide_rollup_in_the_pdf_splits_no_number_and_keeps_rows_whole(tmp_path):
    city = _wide_city(tmp_path, 12, 8)
    result = CliRunner().invoke(app, ["build", str(city), "-o", str(tmp_path / "out"), "-f", "pdf"])
    assert result.exit_code == 0, result.output
    loaded = load(city)
    table = rollup([u.model for u in loaded.units], loaded.model.rollup)
    numbers = {cell for row in table.rows()[1:] for cell in row[1:]}
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(tmp_path / "out" / "city.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', bbox
    )
    texts = [w[3] for w in words]
    for number in numbers:
        assert number in texts, f"{number} is split or missing"
    # every unit's row is on one line: its name and its numbers share a baseline
    for name, *cells in table.rows()[1:]:
        (at,) = [float(w[1]) for w in words if w[3] == name]
        row = [float(w[1]) for w in words if w[3] in cells]
        assert any(abs(y - at) < 3 for y in row), name
