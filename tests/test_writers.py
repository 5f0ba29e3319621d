from __future__ import annotations

import os

import pytest

from kxreport.errors import OutputError
from kxreport.files import atomic_write


def test_atomic_write_replaces_the_file_and_leaves_no_temporaries(tmp_path):
    target = tmp_path / "out" / "a.md"
    atomic_write(target, "旧\n".encode())
    atomic_write(target, "新\n".encode())
    assert target.read_text(encoding="utf-8") == "新\n"
    assert [p.name for p in target.parent.iterdir()] == ["a.md"]


def test_a_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "a.md"
    atomic_write(target, b"previous\n")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError, match="无法写入"):
        atomic_write(target, b"new\n")
    assert target.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]


def test_unwritable_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError):
        atomic_write(blocker / "sub" / "a.md", b"x")
