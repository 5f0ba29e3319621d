"""LibreOffice found where it is installed: $KXREPORT_SOFFICE, the PATH, then the standard
folders of Windows and macOS — tested on fake installation trees for each platform; the
UNO Python looked for beside it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kxreport import office

from .conftest import require


def _executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _first(candidates: list[Path]) -> Path | None:
    return next((c for c in candidates if c.is_file()), None)


def test_windows_program_files_and_the_per_user_install(tmp_path, monkeypatch):
    monkeypatch.delenv("KXREPORT_UNO_PYTHON", raising=False)
    program_files = tmp_path / "Program Files"
    installed = _executable(program_files / "LibreOffice" / "program" / "soffice.exe")
    env = {"PATH": str(tmp_path / "empty"), "ProgramFiles": str(program_files)}
    assert _first(office.soffice_candidates("win32", env)) == installed
    per_user = tmp_path / "AppData" / "Local"
    mine = _executable(per_user / "Programs" / "LibreOffice" / "program" / "soffice.exe")
    env = {"PATH": str(tmp_path / "empty"), "LOCALAPPDATA": str(per_user)}
    assert _first(office.soffice_candidates("win32", env)) == mine
    # LibreOffice's own Python beside it carries the UNO bridge
    assert office.uno_python_candidates(str(installed), "win32")[0] == str(
        installed.parent / "python.exe"
    )


def test_macos_applications_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("KXREPORT_UNO_PYTHON", raising=False)
    home = tmp_path / "home"
    app = _executable(home / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    env = {"PATH": str(tmp_path / "empty")}
    found = _first(office.soffice_candidates("darwin", env, home=str(home)))
    assert found == app
    assert office.uno_python_candidates(str(app), "darwin")[0] == str(
        app.parent.parent / "Resources" / "python"
    )


def test_an_explicit_choice_wins_and_the_path_comes_before_the_standard_folders(tmp_path):
    chosen = _executable(tmp_path / "mine" / "soffice")
    on_path = _executable(tmp_path / "bin" / "soffice")
    env = {"PATH": str(tmp_path / "bin"), "KXREPORT_SOFFICE": str(chosen)}
    assert office.soffice_candidates("linux", env)[:2] == [chosen, on_path]
    env.pop("KXREPORT_SOFFICE")
    assert office.soffice_candidates("linux", env)[0] == on_path


def test_nothing_installed_means_none(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice_candidates", lambda *a, **k: [tmp_path / "no" / "soffice"])
    assert office.soffice() is None


def test_this_machine_finds_its_libreoffice_for_real():
    found = office.soffice()
    require(found is not None, "LibreOffice")  # CI installs it: there this cannot skip
    assert os.access(found, os.X_OK)
    assert Path(found).resolve().name.startswith("soffice") or "libreoffice" in found
