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


# --- templates, rule files and file names ---------------------------------------------------

TEMPLATE_PIECES = [
    "{{ doc.org.name }}", "{{ doc.title }}", "{{ doc.year * 3 }}", "{{ doc.org.name * 10 }}",
    "{{ doc.sections|length }}", "{{ doc.parse_raw('x') }}", "{{ doc.__class__ }}",
    "{{ 1 / 0 }}", "{{ 'x' * 99999999 }}", "{{ 9 ** 99999 }}", "{{ range(99999999) }}",
    "{{ '%999999999d' % 1 }}", "{{ 'x'|center(99999999) }}", "{{ lipsum() }}",
    "{% for s in doc.sections %}", "{% endfor %}", "{% if doc.title %}", "{% endif %}",
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}", "{{ f(1) }}", '{% include "summary.md.j2" %}',
    '{% include "../x" %}', '{% extends "plan.md.j2" %}', "{% set x = doc.org %}", "{{ x.name }}",
    "{{ doc.figures('counts')|map(attribute='label')|join(', ') }}", "{{ 1|ordinal(9) }}",
    "{{ none|cn_date }}", "{{ comparison.get('x') }}", "{{ rollup.total('x') }}", "######",
    "# ", "**", "<p align=\"right\">", "</p>", "<!-- 主送机关 -->", "| a | b |\n|---|---|\n",
    "\n", "\n\n", "{{", "}}", "{%", "%}", "XX", "&#12;", "{{ '\\x0c' }}", "{{ '\\ud800' }}",
]  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TEMPLATE_PIECES), min_size=1, max_size=8))
def test_arbitrary_templates_never_crash(pieces):
    from kxreport.errors import KxreportError

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tpl"
        folder.mkdir()
        (folder / "summary.md.j2").write_text("".join(pieces), encoding="utf-8")
        try:
            produce(EXAMPLES / "linfen-2022.yaml", ("md", "docx"), folder)
        except KxreportError as exc:
            assert str(exc)


RULE_ALPHABET = "()[]{}*+?|^$\\.ab科协十七大-" + "0123456789,"


@settings(max_examples=150, deadline=None)
@given(st.text(RULE_ALPHABET, min_size=1, max_size=20), st.integers(1900, 2100))
def test_arbitrary_rule_files_never_crash(pattern, until):
    import json

    from kxreport.content import load_rules

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.yaml"
        rules.write_text(
            f"rules:\n  - {{pattern: {json.dumps(pattern)}, until: {until}}}\n", encoding="utf-8"
        )
        found, problems = load_rules(rules)
        assert found or problems
        if found:
            result = load(EXAMPLES / "linfen-2022.yaml", tuple(found))
            assert all(d.line >= 1 for d in result.diagnostics)


NAME_ALPHABET = st.characters(blacklist_characters="/\x00", blacklist_categories=["Cs"])


@settings(max_examples=100, deadline=None)
@given(st.text(NAME_ALPHABET, min_size=1, max_size=60))
def test_arbitrary_file_names_build_inside_the_output_folder(stem):
    from kxreport.build import Options, build_one

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{stem}.yaml"
        try:
            source.write_bytes((EXAMPLES / "demo-2022.yaml").read_bytes())
        except OSError:  # the file system refuses the name itself
            return
        out = Path(tmp) / "out"
        outcome = build_one(source, Options(out_dir=out, formats=("md",)))
        assert outcome.error is None or "内部错误" not in outcome.error
        for path in outcome.outputs:
            assert path.parent == out and path.is_file()
