"""Property-based: mutated examples and arbitrary YAML never raise an unhandled exception.
Every run ends valid, or with at least one diagnostic that has a line number."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kxreport.build import produce
from kxreport.errors import DataError
from kxreport.loader import load

from .conftest import EXAMPLES

SEEDS = [
    p.read_text(encoding="utf-8")
    for p in sorted(EXAMPLES.glob("*.yaml"))
    if "demo-2023" not in p.name
]
ALPHABET = string.printable + "：，。、“”（）科协年XX余万近数十上千\t\x00\x07-[]{}&*!|>%@`"


def outcome(text: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
        result = load(path)
        if result.ok:
            try:
                produce(path, ("md", "docx"))
            except DataError as exc:
                assert exc.diagnostics
            return
        assert result.diagnostics
        assert all(d.line >= 1 and d.column >= 1 for d in result.diagnostics)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate-line", "swap"]))
        if action == "insert":
            text = text[:at] + draw(st.text(ALPHABET, min_size=1, max_size=8)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif action == "duplicate-line":
            lines = text.splitlines(keepends=True)
            i = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: i + 1] + lines[i:])
        else:
            lines = text.splitlines(keepends=True)
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "".join(lines)
    return text


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(ALPHABET, max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(ALPHABET, max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)

FIELDS = st.sampled_from(
    [
        "org",
        "year",
        "kind",
        "date",
        "sections",
        "honours",
        "overview",
        "title",
        "include",
        "units",
        "previous",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_examples_never_crash(text):
    outcome(text)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(FIELDS, yaml_values, max_size=6))
def test_arbitrary_documents_never_crash(data):
    import json

    outcome(json.dumps(data, ensure_ascii=False))  # JSON is YAML


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_crash(data):
    outcome(data)
