"""GB/T 9704 7.3.5: the signature and date stay on the page of the body's last lines, and
the 附件说明 list is never split across pages — in LibreOffice's PDF of the DOCX and in
Chromium's print of the HTML page. Checked over a range of body lengths, so that the page
boundary falls at every place around the end of the text."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.writers import pdf

from .conftest import require
from .test_html import _chromium

PARAGRAPH = (
    "围绕全国科普日、科技活动周等节点，组织开展科普进校园、进社区、进农村活动，受众覆盖"
    "全县各乡镇，群众反响良好，科普工作的覆盖面和影响力进一步扩大。"
)
DATE = "2024年1月10日"
ISSUER = "示例县科学技术协会"


def _year_file(parts: int) -> str:
    body = "".join(
        f"      - heading: 第{i}项工作\n        text: {PARAGRAPH}\n" for i in range(1, parts + 1)
    )
    return (
        f"org:\n  name: {ISSUER}\n  short_name: 示例县科协\n  level: 县\n"
        "year: 2023\nkind: summary\ndate: 2024-01-10\nindicator_table: true\n"
        "sections:\n  - kind: popularization\n    items:\n"
        + body
        + "      - heading: 数字\n        text: 举办科普讲座52场，受众8600人次。\n"
        "        counts:\n          - {key: lectures, label: 举办科普讲座, value: 52场}\n"
        "          - {key: audience, label: 受众, value: 8600人次}\n"
        "  - kind: next_year\n    items:\n      - heading: 目标\n        text: 举办科普讲座60场。\n"
        "        targets:\n          - {key: lectures, label: 举办科普讲座, value: 60场}\n"
    )


def _pages(document: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(document)], capture_output=True, text=True).stdout
    count = int(re.search(r"Pages:\s+(\d+)", info)[1])
    return [
        "".join(
            subprocess.run(
                ["pdftotext", "-f", str(p), "-l", str(p), str(document), "-"],
                capture_output=True,
                text=True,
            ).stdout.split()
        )
        for p in range(1, count + 1)
    ]


def _check(document: Path) -> None:
    pages = _pages(document)
    (page,) = [p for p in pages if DATE in p]
    before_note = page.split("附件：")[0] if "附件：" in page else page.split(ISSUER)[0]
    # body text on the signature's page, not the signature (and the note) alone
    assert "。" in before_note, f"{document.name}: signature without the body's last lines"
    # the 附件说明 list whole, on that same page
    assert "附件：1.2023年主要工作指标2.2024年主要目标" in page, f"{document.name}: note split"


def _sources(folder: Path, lengths: range) -> Path:
    folder.mkdir()
    for parts in lengths:
        (folder / f"n{parts:02d}.yaml").write_text(_year_file(parts), encoding="utf-8")
    return folder


def test_libreoffice_keeps_the_signature_and_the_note_with_the_body(tmp_path):
    require(pdf.soffice() is not None and shutil.which("pdftotext"), "LibreOffice and poppler")
    sources = _sources(tmp_path / "src", range(10, 24))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(sources), "-o", str(out), "-f", "pdf"])
    assert result.exit_code == 0, result.output
    for document in sorted(out.glob("*.pdf")):
        _check(document)


def test_chromiums_print_keeps_the_signature_and_the_note_with_the_body(tmp_path):
    browser = _chromium()
    require(browser, "chromium")
    require(shutil.which("pdftotext"), "poppler")
    sources = _sources(tmp_path / "src", range(12, 20))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["build", str(sources), "-o", str(out), "-f", "html"])
    assert result.exit_code == 0, result.output
    for page in sorted(out.glob("*.html")):
        printed = page.with_suffix(".pdf")
        subprocess.run(
            [str(browser), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             f"--print-to-pdf={printed}", page.as_uri()],
            capture_output=True, timeout=120, check=True,
        )  # fmt: skip
        _check(printed)
