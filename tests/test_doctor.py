"""``kxreport doctor`` on this machine, with LibreOffice present and with it hidden, and
with no stand-in for the official fonts: what it finds, the install command for what is
missing, and an exit code that depends only on the formats asked for."""

from __future__ import annotations

import json
import shutil

from typer.testing import CliRunner

from kxreport import doctor, office
from kxreport.cli import app
from kxreport.layout import FACES

from .conftest import require

runner = CliRunner()


def test_with_libreoffice_here_pdf_can_be_made():
    require(office.soffice() is not None and shutil.which("fc-match"), "LibreOffice and fontconfig")
    done = runner.invoke(app, ["doctor", "-f", "pdf", "--format", "json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.output)
    assert report["ok"] and report["formats"] == ["pdf"]
    checks = {c["name"]: c for c in report["checks"]}
    assert checks["LibreOffice"]["ok"] and office.soffice() in checks["LibreOffice"]["found"]
    for face in FACES:
        assert checks[f"字体 {face}"]["ok"], checks[f"字体 {face}"]


def test_with_libreoffice_hidden_pdf_cannot_be_made_and_the_fix_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(office, "soffice_candidates", lambda *a, **k: [tmp_path / "soffice"])
    done = runner.invoke(app, ["doctor", "-f", "pdf"])
    assert done.exit_code == 1
    assert "✗ LibreOffice：没有找到" in done.output
    assert "sudo apt-get install libreoffice-writer-nogui" in done.output
    assert "winget install TheDocumentFoundation.LibreOffice" in done.output
    assert "brew install --cask libreoffice" in done.output
    assert "还不能生成 pdf" in done.output
    # Markdown and DOCX need nothing of that
    assert runner.invoke(app, ["doctor"]).exit_code == 0


def test_without_a_stand_in_font_the_pdf_cannot_be_made():
    require(shutil.which("fc-match"), "fontconfig")
    empty = (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig><dir>/nonexistent</dir></fontconfig>\n"
    )
    found = doctor.checks(fontconfig=empty)
    fangsong = next(c for c in found if c.name == "字体 仿宋_GB2312")
    assert not fangsong.ok and "没有找到代替的字体" in fangsong.found
    assert not doctor.verdict(found, ["pdf"]) and doctor.verdict(found, ["md", "docx"])
    assert "texlive-lang-chinese" in doctor.as_text(found, ["pdf"])


def test_an_unknown_format_is_a_usage_error():
    done = runner.invoke(app, ["doctor", "-f", "odt"])
    assert done.exit_code == 2 and "“odt”" in done.output
