from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"

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
