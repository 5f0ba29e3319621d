"""The 市科协's whole job, end to end, with no hand edit but the indicator list: three
county Word files and one filled Excel sheet imported, the city file naming its
indicators, DOCX/PDF/HTML built, stats in every format — and the PDF measured for numbers
split across lines and a signature left alone on a page."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
from openpyxl import load_workbook
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load
from kxreport.rollup import rollup
from kxreport.writers import pdf

from .conftest import require

runner = CliRunner()

COUNTIES = {  # name: (培训农民, 举办科普讲座, 发展个人会员)
    "祁县": (1200, 30, 45),
    "太谷区": (800, 12, 40),
    "平遥县": (950, 20, 38),
}
CITY = """org:
  name: 晋中市科学技术协会
  short_name: 晋中市科协
  level: 市
year: 2023
kind: summary
date: 2024-01-15
units: counties/*.yaml
rollup:
  indicators:
    - {key: trainees, label: 培训农民, measure: 人次}
    - {key: lectures, label: 举办科普讲座, measure: 场}
    - {key: members, label: 发展个人会员, measure: 名}
overview:
  text: 2023年，全市科协系统聚焦科普惠民，各县（区）科协工作成效明显，主要指标见附件。
"""


def _county_docx(folder: Path, name: str, figures: tuple[int, int, int]) -> None:
    trainees, lectures, members = figures
    document = docx.Document()
    document.add_heading(f"{name}科协2023年工作总结", 0)
    document.add_paragraph(
        f"2023年，{name}科协在党委领导下，围绕中心、服务大局，各项工作取得新成效。"
    )
    document.add_heading("一、提升全民科学素质", 1)
    document.add_paragraph(f"全年举办科普讲座{lectures}场，培训农民{trainees}人次。")
    document.add_heading("二、服务科技工作者", 1)
    document.add_paragraph(f"发展个人会员{members}名，组织专家下乡服务5次。")
    document.add_paragraph(f"{name}科学技术协会")
    document.add_paragraph("2024年1月8日")
    document.save(folder / f"{name}.docx")


def _tokens(document: Path) -> set[str]:
    """The PDF's text as pieces that touch on one line (a cell's text), by pdftotext -bbox."""
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(document), "-"], capture_output=True, text=True, check=True
    ).stdout
    found: set[str] = set()
    for page in bbox.split("<page ")[1:]:
        words = [
            (float(y0), float(x0), float(x1), text)
            for x0, y0, x1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                page,
            )
        ]
        words.sort()
        current, right, line = "", -1.0, -1.0
        for y, x0, x1, text in words:
            if abs(y - line) < 2 and -1 < x0 - right < 4:
                current += text
            else:
                found.add(current)
                current, line = text, y
            right = x1
        found.add(current)
    return found


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_the_city_job_from_county_files_to_every_output(tmp_path):
    require(pdf.soffice() is not None and shutil.which("pdftotext"), "LibreOffice and poppler")
    sent = tmp_path / "收到的材料"
    sent.mkdir()
    for name, figures in COUNTIES.items():
        _county_docx(sent, name, figures)
    city = tmp_path / "city.yaml"
    city.write_text(CITY, encoding="utf-8")  # the one hand edit: the indicator list
    _run("import", str(sent), "-o", str(tmp_path / "counties"))
    _run("sheet", str(city), "-o", str(tmp_path / "指标填报表.xlsx"))
    book = load_workbook(tmp_path / "指标填报表.xlsx")  # what 榆次区 types into the sheet
    sheet = book["指标填报"]
    sheet["B2"], sheet["D5"], sheet["D6"], sheet["D7"] = "榆次区科学技术协会", 1500, "近百", 60
    book.save(sent / "榆次区.xlsx")
    _run("import", str(sent / "榆次区.xlsx"), "-o", str(tmp_path / "counties" / "榆次区.yaml"))

    loaded = load(city)
    assert loaded.ok, [d.format() for d in loaded.errors]
    table = rollup([u.model for u in loaded.units], loaded.model.rollup)
    rows = {row[0]: row[1:] for row in table.rows()[1:]}
    assert rows["祁县科协"] == ["1200", "30", "45"]
    assert rows["榆次区科协"] == ["1500", "近百", "60"]
    assert rows["合计"] == ["4450", "约162", "183"]
    # what the counties report beyond the list is named, with each county file and line
    unmatched = [d for d in loaded.diagnostics if d.code == "rollup-unmatched"]
    assert {Path(d.path).name for d in unmatched} == {"祁县.yaml", "太谷区.yaml", "平遥县.yaml"}
    assert all("组织专家下乡服务" in d.message for d in unmatched)

    out = tmp_path / "dist"
    _run("build", str(city), "-o", str(out), "-f", "md", "-f", "docx", "-f", "html", "-f", "pdf")
    markdown = (out / "city.md").read_text(encoding="utf-8")
    assert "| 合计 | 4450 | 约162 | 183 |" in markdown
    opened = docx.Document(io.BytesIO((out / "city.docx").read_bytes()))
    assert [c.text for c in opened.tables[0].rows[0].cells] == [
        "单位",
        "培训农民（人次）",
        "举办科普讲座（场）",
        "发展个人会员（名）",
    ]
    assert "4450" in (out / "city.html").read_text(encoding="utf-8")

    # the PDF: every number whole on one line (pdftotext cuts words where the font
    # changes, so pieces closer than a cell margin on a line are joined); the signature with the body
    tokens = _tokens(out / "city.pdf")
    for row in table.rows()[1:]:
        for number in row[1:]:
            assert number in tokens, f"{number} split across lines"
    pages = subprocess.run(
        ["pdftotext", str(out / "city.pdf"), "-"], capture_output=True, text=True
    ).stdout.split("\f")
    (signed,) = [p for p in pages if "2024年1月15日" in "".join(p.split())]
    assert "。" in "".join(signed.split()).split("附件：")[0]

    shown = _run("stats", str(city))
    assert "榆次区科协" in shown and "4450" in shown
    data = json.loads(_run("stats", str(city), "--format", "json"))
    assert data["totals"]["trainees"] == {
        "value": 4450,
        "text": "4450人次",
        "exact": True,
        "measure": "人次",
    }
    text = _run("stats", str(city), "--format", "csv")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[-1] == [
        "合计",
        "4450",
        "约162",
        "183",
    ]
    _run("stats", str(city), "--format", "xlsx", "-o", str(tmp_path / "汇总.xlsx"))
    totals = [c.value for c in list(load_workbook(tmp_path / "汇总.xlsx").active.rows)[-1]]
    assert totals == ["合计", 4450, "约162", 183]
