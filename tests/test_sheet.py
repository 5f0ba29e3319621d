"""The 指标填报表: the city writes it from its chosen indicators, a county fills it in Excel
or WPS, and the filled sheet comes back as that county's counts — values as typed, a bad
cell named by its sheet and cell, nothing written then."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.errors import UsageError
from kxreport.loader import load
from kxreport.rollup import rollup
from kxreport.sheet import merge_into, read_filled, to_year_file

from .conftest import DATA, MINIMAL

runner = CliRunner()


@pytest.fixture
def blank(tmp_path) -> Path:
    shutil.copytree(DATA / "rollup-chosen", tmp_path / "city")
    target = tmp_path / "指标填报表.xlsx"
    result = runner.invoke(app, ["sheet", str(tmp_path / "city" / "city.yaml"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def _fill(blank: Path, cells: dict[str, object], name: str = "filled.xlsx") -> Path:
    book = load_workbook(blank)
    ws = book["指标填报"]
    for ref, value in cells.items():
        ws[ref] = value
    target = blank.with_name(name)
    book.save(target)
    return target


def test_the_sheet_has_a_row_per_chosen_indicator_and_only_the_countys_cells_open(blank):
    ws = load_workbook(blank)["指标填报"]
    assert ws["A1"].value == "示例市科协2023年各单位主要指标填报表"
    assert ws["D2"].value == 2023
    rows = [tuple(c.value for c in row[:3]) for row in ws.iter_rows(min_row=5, max_row=7)]
    assert rows == [
        ("trainees", "培训农民", "人次"),
        ("lectures", "科普讲座", "场"),
        ("members", "发展会员", "名"),
    ]
    assert ws.protection.sheet
    assert ws["A5"].protection.locked and ws["C5"].protection.locked
    assert not ws["D5"].protection.locked and not ws["E5"].protection.locked
    assert not ws["B2"].protection.locked


def test_a_filled_sheet_comes_back_as_the_countys_counts(blank, tmp_path):
    filled = _fill(blank, {"B2": "祁县科学技术协会", "D5": 1200, "D6": "30余", "E5": "含线上"})
    read = read_filled(filled)
    assert read.problems == []
    assert (read.unit, read.year) == ("祁县科学技术协会", 2023)
    assert [(k, str(c)) for k, _, c, _ in read.counts] == [
        ("trainees", "1200人次"),
        ("lectures", "30余场"),
    ]
    path = tmp_path / "city" / "counties" / "祁县.yaml"
    path.write_text(to_year_file(read, filled.name), encoding="utf-8")
    county = load(path)
    assert county.ok and not county.diagnostics, [d.format() for d in county.diagnostics]
    assert "# 备注：含线上" in path.read_text(encoding="utf-8")
    city = load(tmp_path / "city" / "city.yaml")
    table = rollup([u.model for u in city.units], city.model.rollup)
    assert table.rows()[1] == ["祁县科协", "1200", "30余", "—"]  # members not reported


def test_a_bad_cell_is_named_by_its_sheet_and_cell(blank):
    filled = _fill(blank, {"B2": "祁县科学技术协会", "D5": "很多", "D7": "30人次"})
    problems = read_filled(filled).problems
    assert [(d.line, d.column) for d in problems] == [(5, 4), (7, 4)]
    assert "工作表“指标填报”单元格 D5：“很多”：无法识别的数量" in problems[0].message
    assert "单元格 D7" in problems[1].message and "计量单位“名”" in problems[1].message


def test_a_sheet_without_a_unit_or_with_a_changed_header_is_refused(blank):
    problems = read_filled(_fill(blank, {"D5": 10})).problems
    assert any("单元格 B2：没有填写填报单位" in d.message for d in problems)
    with pytest.raises(UsageError, match="第 4 行不是"):
        read_filled(_fill(blank, {"A4": "键"}, "header.xlsx"))


def test_a_file_that_is_not_a_workbook_or_unpacks_too_far_is_refused(tmp_path):
    fake = tmp_path / "a.xlsx"
    fake.write_bytes(b"not a zip")
    with pytest.raises(UsageError, match="不是有效的 Excel"):
        read_filled(fake)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b" " * (60 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(UsageError, match="解压后过大"):
        read_filled(bomb)


def test_a_city_without_chosen_indicators_gets_no_sheet(write_yaml, tmp_path):
    city = write_yaml(MINIMAL.replace("level: 县", "level: 市"), "city.yaml")
    result = runner.invoke(app, ["sheet", str(city), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "rollup.indicators" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_merging_into_a_year_file_changes_only_the_figures(blank, tmp_path):
    filled_sheet = _fill(blank, {"B2": "太谷区科学技术协会", "D5": 900, "D7": 45})
    source = (DATA / "rollup-chosen" / "counties" / "太谷.yaml").read_text(encoding="utf-8")
    county = tmp_path / "太谷.yaml"
    county.write_text("# 太谷的总结\n" + source, encoding="utf-8")
    # members (key: members) changes in place; trainees has no such key there (太谷 wrote
    # nongmin), so it goes to an opening made for it, before the parts
    filled, changed = merge_into(filled_sheet, county)
    assert (filled.unit, changed) == ("太谷区科学技术协会", 2)
    after = county.read_text(encoding="utf-8")
    expected = (
        ("# 太谷的总结\n" + source)
        .replace(
            "- {key: members, label: 发展会员, value: 40名}",
            "- {key: members, label: 发展会员, value: 45名}",
        )
        .replace(
            "sections:\n",
            "overview:\n  counts:\n    - {key: trainees, label: 培训农民, value: 900人次}\nsections:\n",
        )
    )
    assert after == expected  # not a byte more: comments, flow style and order as they were
    loaded = load(county)  # the prose still says 40名: validate says so, and nothing else
    assert [d.code for d in loaded.errors] == ["figure-prose"]
    # a second run: the opening exists, its count takes the new value in place
    read2 = _fill(blank, {"B2": "太谷区科学技术协会", "D5": 950}, "again.xlsx")
    assert merge_into(read2, county)[1] == 1
    assert "value: 950人次}" in county.read_text(encoding="utf-8")


def test_entities_in_a_sheet_are_refused_not_expanded(blank):
    import openpyxl

    assert openpyxl.DEFUSEDXML  # openpyxl parses through defusedxml (a dependency)
    filled = _fill(blank, {"B2": "祁县科学技术协会"})
    bomb = filled.with_name("lol.xlsx")
    entities = (
        '<!DOCTYPE worksheet [<!ENTITY x0 "lol">'
        + "".join(f'<!ENTITY x{i} "{f"&x{i - 1};" * 10}">' for i in range(1, 10))
        + "]>"
    )
    with zipfile.ZipFile(filled) as source, zipfile.ZipFile(bomb, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                at = text.index("<worksheet")
                data = (
                    (text[:at] + entities + text[at:])
                    .replace("<v>2023</v>", "<v>&x9;</v>")
                    .encode()
                )
            target.writestr(info, data)
    with pytest.raises(UsageError, match="不是有效的 Excel"):
        read_filled(bomb)


def test_import_reads_a_filled_sheet_as_a_new_unit_file(blank, tmp_path):
    filled = _fill(blank, {"B2": "榆次区科学技术协会", "D5": 1500, "D6": "近百"}, "榆次.xlsx")
    target = tmp_path / "city" / "counties" / "榆次.yaml"
    result = runner.invoke(app, ["import", str(filled), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "榆次区科学技术协会：2 项指标" in result.output
    county = load(target)
    assert county.ok, [d.format() for d in county.diagnostics]
    assert [(f.key, str(f.value)) for f in county.model.overview.counts] == [
        ("trainees", "1500人次"),
        ("lectures", "近百场"),
    ]
    main = tmp_path / "city" / "city.yaml"
    main.write_text(
        re.sub(r"units: \[.*\]", "units: counties/*.yaml", main.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    city = load(main)
    assert "榆次区科协" in [
        name for name, _ in rollup([u.model for u in city.units], city.model.rollup).units
    ]


def test_import_of_a_sheet_with_a_bad_cell_writes_nothing_and_names_the_cell(blank, tmp_path):
    filled = _fill(blank, {"B2": "榆次区科学技术协会", "D6": "好多"}, "bad.xlsx")
    target = tmp_path / "bad.yaml"
    result = runner.invoke(app, ["import", str(filled), "-o", str(target)])
    assert result.exit_code == 1
    assert "bad.xlsx:6:4: 错误: 工作表“指标填报”单元格 D6：“好多”" in result.output
    assert not target.exists()


def test_import_into_an_existing_year_file_keeps_its_text_and_comments(blank, tmp_path):
    county = tmp_path / "city" / "counties" / "太谷.yaml"
    county.write_text(
        "# 太谷区科协2023年总结\n" + county.read_text(encoding="utf-8"), encoding="utf-8"
    )
    filled = _fill(blank, {"B2": "太谷区科学技术协会", "D7": 45}, "太谷.xlsx")
    result = runner.invoke(app, ["import", str(filled), "--into", str(county)])
    assert result.exit_code == 0, result.output
    assert "1 个数值有变化" in result.output
    text = county.read_text(encoding="utf-8")
    assert text.startswith("# 太谷区科协2023年总结\n")
    assert "- {key: members, label: 发展会员, value: 45名}" in text
    assert "全年开展科普讲座12场，发展会员40名。" in text  # the text stays: validate says
    found = [d.code for d in load(county).diagnostics]
    assert "figure-prose" in found  # … that it now disagrees with the sheet's 45
    wrong = runner.invoke(app, ["import", str(county), "--into", str(county)])
    assert wrong.exit_code == 2 and "--into 只用于一份填好的指标填报表" in wrong.output


def test_a_sheet_saved_again_by_a_spreadsheet_program_reads_back(blank, tmp_path):
    """The county fills the form and saves it in its own program: LibreOffice Calc here
    (Excel and WPS write the same format), then import reads it."""
    import shutil
    import subprocess

    from kxreport.writers import pdf

    from .conftest import require

    require(pdf.soffice() is not None and shutil.which("soffice"), "LibreOffice")
    filled = _fill(blank, {"B2": "榆次区科学技术协会", "D5": 1500, "D6": "近百"}, "填好.xlsx")
    resaved = tmp_path / "resaved"
    subprocess.run(
        [str(pdf.soffice()), "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML",
         "--outdir", str(resaved), str(filled)],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    read = read_filled(resaved / "填好.xlsx")
    assert read.problems == []
    assert (read.unit, read.year) == ("榆次区科学技术协会", 2023)
    assert [(k, str(c)) for k, _, c, _ in read.counts] == [
        ("trainees", "1500人次"),
        ("lectures", "近百场"),
    ]
