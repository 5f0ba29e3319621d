"""Font profiles: ``official`` names the GB/T 9704 faces; ``windows`` the faces every
Windows PC has (仿宋, 宋体 set bold for the title, 楷体, 黑体) — in the DOCX (styles, runs,
font table with alternate names and PANOSE), the HTML page and the PDF; chosen in the
year file (``fonts:``) or with ``build --fonts``."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.writers import pdf

from .conftest import EXAMPLES, require

runner = CliRunner()


def _build(tmp_path, *args, source=EXAMPLES / "demo-2022.yaml", formats=("docx", "html")):
    out = tmp_path / "out"
    flags = [f for name in formats for f in ("-f", name)]
    result = runner.invoke(app, ["build", str(source), "-o", str(out), *flags, *args])
    assert result.exit_code == 0, result.output
    return out / source.with_suffix("").name


def _parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as package:
        return {
            n: package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml")
        }


def test_the_official_profile_names_the_gbt_faces(tmp_path):
    built = _build(tmp_path)
    styles = _parts(built.with_suffix(".docx"))["word/styles.xml"]
    assert 'w:eastAsia="仿宋_GB2312"' in styles and 'w:eastAsia="方正小标宋简体"' in styles


@pytest.mark.parametrize("how", ["--fonts", "fonts:"])
def test_the_windows_profile_names_the_faces_every_windows_has(tmp_path, how):
    source = EXAMPLES / "demo-2022.yaml"
    args: tuple[str, ...] = ()
    if how == "--fonts":
        args = ("--fonts", "windows")
    else:
        source = tmp_path / "demo-2022.yaml"
        text = (EXAMPLES / "demo-2022.yaml").read_text(encoding="utf-8")
        source.write_text(
            text.replace("indicator_table: true", "indicator_table: true\nfonts: windows"),
            encoding="utf-8",
        )
    built = _build(tmp_path, *args, source=source)
    parts = _parts(built.with_suffix(".docx"))
    for name in ("word/document.xml", "word/styles.xml"):
        assert not re.search(
            r'w:(?:ascii|hAnsi|eastAsia|cs)="[^"]*(?:_GB2312|方正)', parts[name]
        ), name
    document = docx.Document(io.BytesIO(built.with_suffix(".docx").read_bytes()))
    title = document.styles["公文标题"]
    assert title.element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "宋体"
    assert title.font.bold  # 宋体 stands in for 小标宋 set bold
    body = document.styles["公文正文"]
    assert body.element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) == "仿宋"
    table = parts["word/fontTable.xml"]
    assert '<w:font w:name="仿宋"><w:altName w:val="仿宋_GB2312"/><w:panose1' in table
    assert '<w:charset w:val="86"/>' in table
    css = built.with_suffix(".html").read_text(encoding="utf-8")
    assert re.search(r'font-family: "仿宋", "仿宋_GB2312"', css)
    assert re.search(r"h1 \{[^}]*font-weight: bold", css)


def test_the_pdf_of_the_windows_profile_uses_the_free_stand_ins(tmp_path):
    require(pdf.soffice() is not None and shutil.which("pdffonts"), "LibreOffice and poppler")
    built = _build(tmp_path, "--fonts", "windows", formats=("pdf",))
    fonts = subprocess.run(
        ["pdffonts", str(built.with_suffix(".pdf"))], capture_output=True, text=True, check=True
    ).stdout
    for face in ("FandolFang", "FandolSong", "FandolHei", "FandolKai"):
        assert face in fonts, fonts


def test_an_unknown_profile_is_a_usage_error(tmp_path):
    result = runner.invoke(
        app, ["build", str(EXAMPLES / "demo-2022.yaml"), "-o", str(tmp_path), "--fonts", "mac"]
    )
    assert result.exit_code == 2 and "--fonts 只能是 official、windows" in result.output
