"""PDF export through LibreOffice headless, checked with poppler; skipped without them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxreport import office
from kxreport.cli import app
from kxreport.writers import pdf

from .conftest import EXAMPLES, MINIMAL

OFFICE_MISSING = pdf.soffice() is None or shutil.which("pdftotext") is None
if OFFICE_MISSING and os.environ.get("KXREPORT_REQUIRE_OFFICE"):
    raise RuntimeError("KXREPORT_REQUIRE_OFFICE is set but LibreOffice or poppler is missing")
needs_office = pytest.mark.skipif(
    OFFICE_MISSING, reason="LibreOffice（soffice）或 poppler-utils 未安装：.ci/run 会安装它们"
)

# what each example's PDF must show: title, level-1 headings and figures as written
EXPECTED = {
    "linfen-2022": (
        [
            "临汾市科协2022年工作综述",
            "一、坚持从严治党",
            "五、积极探索路径",
            "临汾市科学技术协会",
            "2023年1月10日",
        ],
        ["30余次", "213万余次", "55万余人次", "871名", "近万名", "数十万人次"],
        (5, 9),
    ),
    "baoan-2020": (
        ["宝安区科协2020年工作总结", "一、工作成效", "三、2021年工作计划", "2021年主要目标"],
        ["2588家", "3764家", "492万余人次", "860多万平方米", "500家"],
        (8, 13),
    ),
    "changzhi-2022-plan": (
        [
            "长治市科学技术协会文件",  # the 版头 (its mark) takes the top of the first page
            "长治市科学技术协会2022年工作要点",
            "各县区科协",
            "六、全面加强党的建设",
            "2022年7月18日",
        ],
        ["2021—2025年"],
        (5, 10),
    ),
}


def pdf_text(path: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", "", text)


def pdf_pages(path: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    size = re.search(r"Page size:\s+(.*)", info)[1]
    return pages, size


@needs_office
def test_every_example_converts_in_libreoffice(tmp_path, monkeypatch):
    # a mark in the environment the batch's workers and their LibreOffice inherit: what is
    # left running is told apart from other kxreport runs on the same machine
    monkeypatch.setenv("KXREPORT_TEST_RUN", f"{os.getpid()}-{tmp_path.name}")
    result = CliRunner().invoke(
        app, ["build", *map(str, sorted(EXAMPLES.glob("*.yaml"))), "-o", str(tmp_path), "-f", "pdf"]
    )
    assert result.exit_code == 0, result.output
    for stem, (headings, figures, (low, high)) in EXPECTED.items():
        path = tmp_path / f"{stem}.pdf"
        text = pdf_text(path)
        for needle in headings + figures:
            assert needle in text, (stem, needle)
        pages, size = pdf_pages(path)
        assert low <= pages <= high, (stem, pages)
        assert "A4" in size
        assert re.search(r"—1—", text), "page number “— 1 —” is printed"
        assert_simplified_chinese_faces(path)
    # the batch's workers each drove one LibreOffice, and ended it when they ended
    assert not left_running()


def left_running() -> list[str]:
    """LibreOffice instances (and their bridges) started by kxreport processes other than
    this one, still running — of this test run only (marked by KXREPORT_TEST_RUN in their
    environment), so that another run on the machine is not taken for one of ours."""
    listing = subprocess.run(
        ["pgrep", "-af", "name=kxreport-|office_bridge.py kxreport-"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    mine = f"kxreport-{os.getpid()}-"
    mark = f"KXREPORT_TEST_RUN={os.environ.get('KXREPORT_TEST_RUN', '')}".encode()
    found = []
    for line in listing:
        if mine in line:
            continue
        try:
            environ = Path(f"/proc/{line.split()[0]}/environ").read_bytes().split(b"\0")
        except OSError:
            continue  # ended meanwhile (or not ours to read)
        if mark in environ:
            found.append(line)
    return found


def pdf_fonts(path: Path) -> set[str]:
    """The embedded fonts of a PDF by PostScript name, without the subset prefix."""
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in listing.stdout.splitlines()[2:] if line.strip()]
    return {name.split("+", 1)[-1] for name in names}


def assert_simplified_chinese_faces(path: Path) -> None:
    """The free Simplified Chinese faces stand in for the official ones: 仿宋 body, 小标宋
    title set in FandolSong, regular 黑体 and 楷体 headings, Liberation for digits — never a
    Japanese/Traditional/Korean collection face or a bold 黑体."""
    fonts = pdf_fonts(path)
    assert {"FandolFang-Regular", "FandolSong-Regular", "FandolHei-Regular"} <= fonts, fonts
    assert not [f for f in fonts if re.search(r"jp|JP|kr|KR|tc|TC|hk|HK|Mincho|Gothic", f)], fonts
    assert "FandolHei-Bold" not in fonts
    allowed = re.compile(r"(Fandol(Fang|Song|Hei|Kai)|Noto(Serif|Sans)CJKsc|LiberationSerif)")
    assert all(allowed.match(f) for f in fonts), fonts


def test_without_libreoffice_pdf_fails_clearly_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    source = tmp_path / "2023.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    result = CliRunner().invoke(app, ["build", str(source), "-f", "md", "-f", "pdf"])
    assert result.exit_code == 1
    assert "导出 PDF 需要 LibreOffice" in result.output
    assert "apt-get install libreoffice-writer-nogui" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023.yaml"]
