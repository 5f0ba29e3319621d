from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

import pytest

# The tests' own cache (compiled templates, the LibreOffice profile), made once per run
# and removed after it: the tests never read or fill the user's ~/.cache/kxreport.
_CACHE = tempfile.mkdtemp(prefix="kxreport-tests-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
# examples whose source gives no 成文日期: their one finding is the missing-date warning
UNDATED = {"baoan-2020"}
# the examples `validate --strict` passes
STRICT_EXAMPLES = sorted(p for p in EXAMPLES.glob("*.yaml") if p.stem not in UNDATED)

MINIMAL = """\
org:
  name: 示例县科学技术协会
  short_name: 示例县科协
  level: 县
year: 2023
kind: summary
date: 2024-01-10
"""


@pytest.fixture
def write_yaml(tmp_path: Path):
    """Write a year file into a temporary folder and return its path."""

    def write(text: str, name: str = "2023.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def require(available: object, what: str) -> None:
    """Skip when a real client is missing, unless CI said every client must be there."""
    import os

    if available:
        return
    if os.environ.get("KXREPORT_REQUIRE_CLIENTS"):
        pytest.fail(f"{what} is required here (KXREPORT_REQUIRE_CLIENTS) but missing")
    pytest.skip(f"{what} is not installed")


def isolated_venv(folder: Path) -> Path:
    """A fresh venv that does not see the base interpreter's packages; the dependencies
    come from the environment running the tests (its site-packages, through a .pth file),
    so nothing is downloaded and a user's virtualenv works as well as CI's system Python.
    The project itself is not on that path (a .pth only adds folders, it does not run the
    editable-install hooks inside them), so what is imported is what is installed."""
    venv.EnvBuilder(system_site_packages=False, with_pip=False).create(folder)
    python = folder / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = [
        p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and Path(p).is_dir()
    ]
    Path(site, "_test_dependencies.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return python


def run_python(*args: str, env: dict[str, str] | None = None, timeout: int = 60):
    """A fresh Python process (``-c CODE …`` or ``-m kxreport …``), output captured; a
    hang fails the test at ``timeout``."""
    import os

    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def run_kxreport(*args: str, env: dict[str, str] | None = None):
    """The command line in a real process (rich sees a pipe, not CliRunner's buffer)."""
    return run_python("-m", "kxreport", *args, env=env)


def assert_strict_but_the_date(path: Path) -> None:
    """What ``validate --strict`` asks, except that a source without a 成文日期 keeps the one
    warning saying so (nothing may invent a date)."""
    from kxreport.loader import load

    result = load(path)
    assert result.ok, [d.format() for d in result.diagnostics]
    expected = [] if result.model.date else ["missing-date"]
    assert [d.code for d in result.diagnostics] == expected, [
        d.format() for d in result.diagnostics
    ]
