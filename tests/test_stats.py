"""``kxreport stats`` on a 市科协's roll-up: units × indicators with totals, as a terminal
table, JSON with numbers beside the text, CSV with a BOM and an Excel workbook — and no
cell a spreadsheet would run, checked by opening the files in LibreOffice Calc."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.stats import safe_text
from kxreport.writers import pdf

from .conftest import DATA, EXAMPLES, require

runner = CliRunner()


@pytest.fixture
def city(tmp_path):
    shutil.copytree(DATA / "rollup-chosen", tmp_path / "city")
    return tmp_path / "city" / "city.yaml"


def _stats(*args: str) -> str:
    result = runner.invoke(app, ["stats", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_terminal_table_is_units_by_indicators_with_totals(city):
    out = _stats(str(city))
    assert "各单位指标汇总" in out
    for words in ("培训农民（人次）", "太谷区科协", "合计", "约62", "2000"):
        assert words in out


def test_json_gives_numbers_beside_the_text(city):
    data = json.loads(_stats(str(city), "--format", "json"))
    assert [i["key"] for i in data["indicators"]] == ["trainees", "lectures", "members"]
    qixian = data["units"][0]
    assert qixian["name"] == "祁县科协"
    assert qixian["values"]["trainees"] == {
        "value": 1200,
        "text": "1200人次",
        "exact": True,
        "measure": "人次",
    }
    assert qixian["values"]["lectures"]["exact"] is False  # 30余
    assert qixian["values"]["members"] is None  # not reported: missing, not 0
    assert data["totals"]["trainees"]["value"] == 2000


def test_csv_has_a_bom_and_reads_back(city):
    out = _stats(str(city), "--format", "csv")
    assert out.startswith("\ufeff单位,")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0] == ["单位", "培训农民（人次）", "科普讲座（场）", "发展会员（名）"]
    assert rows[-1] == ["合计", "2000", "约62", "40"]
    assert rows[3] == ["平遥县科协", "", "20", ""]


def test_a_single_files_csv_has_a_bom_too():
    out = _stats(str(EXAMPLES / "demo-2023.yaml"), "--format", "csv")
    assert out.startswith("\ufeff指标键,指标,2023年")


def test_xlsx_numbers_are_numbers_header_frozen_and_widths_set(city, tmp_path):
    from openpyxl import load_workbook

    target = tmp_path / "指标.xlsx"
    result = runner.invoke(app, ["stats", str(city), "--format", "xlsx", "-o", str(target)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(target).active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == [
        "单位",
        "培训农民（人次）",
        "科普讲座（场）",
        "发展会员（名）",
    ]
    assert [c.value for c in ws[2]] == ["祁县科协", 1200, "30余", None]
    assert ws["B2"].data_type == "n" and ws["C2"].data_type == "s"
    assert [c.value for c in ws[5]] == ["合计", 2000, "约62", 40]
    assert ws.column_dimensions["B"].width >= 10


def test_xlsx_needs_an_output_file(city):
    result = runner.invoke(app, ["stats", str(city), "--format", "xlsx"])
    assert result.exit_code == 2 and "-o" in result.output


def test_the_guard_against_cells_a_spreadsheet_would_run():
    for text in ("=1+1", "+1", "-1+1", "@SUM(1,2)", "\t=1", "\r=1", "  =1"):
        assert safe_text(text).startswith("'"), text
    for text in ("培训农民", "1200", "约62", "—"):
        assert safe_text(text) == text


def _hostile_city(city):
    county = city.parent / "counties" / "太谷.yaml"
    text = county.read_text(encoding="utf-8").replace(
        "short_name: 太谷区科协", 'short_name: "=1+1"'
    )
    county.write_text(text, encoding="utf-8")
    main = city.read_text(encoding="utf-8").replace("label: 发展会员", 'label: "@SUM(1,2)"')
    city.write_text(main, encoding="utf-8")


def test_calc_shows_formula_like_text_as_text_in_csv_and_xlsx(city, tmp_path):
    require(pdf.soffice() is not None, "LibreOffice")
    _hostile_city(city)
    made = tmp_path / "made"
    made.mkdir()
    (made / "out.csv").write_text(_stats(str(city), "--format", "csv"), encoding="utf-8")
    runner.invoke(app, ["stats", str(city), "--format", "xlsx", "-o", str(made / "out.xlsx")])
    read = tmp_path / "read"
    ran = subprocess.run(
        [str(pdf.soffice()), "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76",
         "--outdir", str(read), str(made / "out.xlsx")],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (read / "out.csv").exists(), ran.stderr
    cells = [
        c for row in csv.reader(io.StringIO((read / "out.csv").read_text("utf-8"))) for c in row
    ]
    assert "=1+1" in cells and "@SUM(1,2)（名）" in cells  # text as written, not 2 or 3
    assert "2" not in cells and "3" not in cells
    ours = (made / "out.csv").read_text("utf-8")
    assert "'=1+1" in ours and "'@SUM(1,2)（名）" in ours


def test_calc_reads_the_csv_as_written_bom_and_all(city, tmp_path):
    require(pdf.soffice() is not None, "LibreOffice")
    from openpyxl import load_workbook

    (tmp_path / "s.csv").write_text(_stats(str(city), "--format", "csv"), encoding="utf-8")
    subprocess.run(
        [str(pdf.soffice()), "--headless", "--infilter=CSV:44,34,76", "--convert-to", "xlsx",
         "--outdir", str(tmp_path / "read"), str(tmp_path / "s.csv")],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    ws = load_workbook(tmp_path / "read" / "s.xlsx").active
    assert [c.value for c in ws[1]] == [
        "单位",
        "培训农民（人次）",
        "科普讲座（场）",
        "发展会员（名）",
    ]
    assert [c.value for c in ws[2]] == ["祁县科协", 1200, "30余", None]  # the BOM is not text
