"""Every broken file in tests/data/invalid is reported with its exact line, column and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from kxreport.loader import load

from .conftest import DATA

CORPUS = DATA / "invalid"
CASES = sorted(CORPUS.glob("*.yaml"))


def test_corpus_is_large_enough():
    assert len(CASES) >= 20
    assert all(case.with_suffix(".expected").exists() for case in CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_reported_exactly(case: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(CORPUS)
    result = load(case.name)
    assert not result.ok
    assert result.model is None
    got = [d.format() for d in result.diagnostics]
    assert got == case.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    for diagnostic in result.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.column >= 1


def test_many_errors_are_reported_in_one_run(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(CORPUS)
    result = load("many-errors.yaml")
    assert len(result.errors) == 6
