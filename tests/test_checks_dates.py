"""The 成文日期 against the report year: far from when a document of its year is written is a
warning with the reasoning; every real dated document of the import corpora is inside."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
from pathlib import Path

import pytest

from kxreport.checks import DATE_WINDOWS
from kxreport.loader import load

ROOT = Path(__file__).resolve().parent.parent

BASE = """org:
  name: 平遥县科学技术协会
  level: 县
year: 2024
kind: {kind}
period: {period}
date: {date}
sections:
  - kind: party
    items:
      - text: 开展活动。
"""


def _warned(write_yaml, kind: str, period: str, date: str) -> list[str]:
    result = load(write_yaml(BASE.format(kind=kind, period=period, date=date)))
    return [d.message for d in result.diagnostics if d.code == "date-far-from-year"]


@pytest.mark.parametrize(
    ("kind", "period", "date", "warned"),
    [
        ("summary", "year", "2023-01-08", True),  # a 2024 summary dated the year before
        ("summary", "year", "2024-12-20", False),
        ("summary", "year", "2025-01-15", False),
        ("summary", "year", "2025-10-10", True),  # long after
        ("summary", "half", "2024-07-05", False),
        ("summary", "half", "2024-12-30", True),
        ("plan", "year", "2023-12-28", False),
        ("plan", "year", "2024-03-01", False),
        ("plan", "year", "2024-11-01", True),  # the year planned is nearly over
        ("plan", "year", "2022-12-01", True),
        ("summary", "stage", "2021-01-01", False),  # a campaign or several years: no usual date
    ],
)
def test_a_date_far_from_its_year_is_a_warning_with_the_reason(
    write_yaml, kind, period, date, warned
):
    found = _warned(write_yaml, kind, period, date)
    assert bool(found) is warned, found
    if found:
        assert date in found[0] and "2024年" in found[0] and "成文" in found[0]


def test_every_dated_real_document_is_inside_its_window():
    spec = importlib.util.spec_from_file_location("import_eval", ROOT / "bench" / "import_eval.py")
    assert spec is not None and spec.loader is not None
    ev = importlib.util.module_from_spec(spec)
    sys.modules["import_eval"] = ev  # its dataclasses look their module up
    spec.loader.exec_module(ev)
    seen = 0
    for corpus in ev.corpora():
        for truth in ev.truth_files(corpus):
            for doc in ev.load_truth(truth).get("documents") or []:
                window = DATE_WINDOWS.get((doc.get("kind", "summary"), doc.get("period", "year")))
                if not (doc.get("date") and doc.get("year") and window):
                    continue
                (y0, m0, d0), (y1, m1, d1), _ = window
                year, date = doc["year"], doc["date"]
                assert dt.date(year + y0, m0, d0) <= date <= dt.date(year + y1, m1, d1), truth
                seen += 1
    assert seen >= 10
