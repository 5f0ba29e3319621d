"""A real (non-editable) wheel ships the templates and runs from anywhere."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLES, ROOT, isolated_venv

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (a test extra) builds the wheel offline")
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("kxreport-*.whl")
    return built


def test_wheel_contains_the_templates_inside_the_package(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    for template in ("summary.md.j2", "plan.md.j2", "_macros.md.j2"):
        assert f"kxreport/templates/{template}" in names
    assert "kxreport/rules/stale.yaml" in names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_installed_wheel_builds_an_example_from_another_folder(wheel: Path, tmp_path: Path):
    env_dir = tmp_path / "venv"
    python = isolated_venv(env_dir)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--ignore-installed",
            "-q",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    located = subprocess.run(
        [str(python), "-c", "import kxreport.render as r; print(r.packaged_templates())"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert str(env_dir) in located.stdout
    done = subprocess.run(
        [
            str(env_dir / "bin" / "kxreport"),
            "build",
            str(EXAMPLES / "linfen-2022.yaml"),
            "-o",
            str(tmp_path / "dist"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    written = (tmp_path / "dist" / "linfen-2022.md").read_text(encoding="utf-8")
    assert written == (GOLDEN / "linfen-2022.md").read_text(encoding="utf-8")


def test_wheel_and_sdist_carry_the_license(wheel: Path):
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.endswith("licenses/LICENSE") for name in names)


@pytest.fixture(scope="module")
def sdist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("hatchling", reason="hatchling (a test extra) builds the sdist offline")
    out = tmp_path_factory.mktemp("sdist")
    subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", str(out)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    (built,) = out.glob("kxreport-*.tar.gz")
    return built


def test_sdist_has_every_file_the_tests_and_the_install_need(sdist: Path):
    import shutil
    import tarfile

    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout (this is probably the unpacked sdist itself)")
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.split()
    needed = {
        name
        for name in tracked
        if not name.startswith((".ci/", ".gitignore")) and (ROOT / name).is_file()
    }
    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert needed <= members, sorted(needed - members)
    assert {"LICENSE", ".pre-commit-hooks.yaml", "README.md", "pyproject.toml"} <= members
