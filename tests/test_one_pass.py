"""One pass: a year file with one problem of every kind gets all of them in one run.

The file (tests/data/one-pass/2023.yaml) has YAML typing mistakes that stop the parser
(a full-width colon after a key, a value starting with “[”, “: ” inside a value), a schema
error (2023-05-32), an unknown key, slots, traditional characters, stale wording, a number
that disagrees with its text, one indicator with two values, an activity dated outside the
year, a 成文日期 far from the year, a repeated honour and a paragraph copied from last
year. ``validate`` must name every one at its line, and neither ``build`` nor ``fmt`` may
use what was read past the mistakes."""

from __future__ import annotations

import shutil

from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load

from .conftest import DATA

runner = CliRunner()
CASE = DATA / "one-pass"

# (line, code) of every problem in the file, each of a different kind
EXPECTED = {
    (7, "date-far-from-year"),
    (11, "stale-wording"),
    (14, "duplicate-honour"),
    (17, "slot-placeholder"),
    (17, "traditional"),
    (21, "figure-differs"),
    (21, "comment-in-text"),
    (23, "figure-prose"),
    (26, "period_invalid"),
    (28, "date-outside-year"),
    (30, "full-width-colon"),
    (32, "slot-missing-number"),
    (33, "extra_forbidden"),
    (37, "copied"),
    (38, "colon-in-value"),
    (39, "yaml-indicator"),
}


def test_every_kind_of_problem_is_found_in_one_run():
    result = load(CASE / "2023.yaml")
    found = {(d.line, d.code) for d in result.diagnostics}
    assert found >= EXPECTED, sorted(EXPECTED - found)
    assert not result.ok


def test_the_cli_lists_them_all_at_once_and_builds_nothing(tmp_path):
    shutil.copytree(CASE, tmp_path / "case")
    path = tmp_path / "case" / "2023.yaml"
    before = path.read_bytes()
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    for line, _code in EXPECTED:
        assert f"2023.yaml:{line}:" in result.output, line
    # what was read past the typing mistakes is checked, never built or written back
    out = tmp_path / "out"
    assert runner.invoke(app, ["build", str(path), "-o", str(out)]).exit_code == 1
    assert not out.exists() or not any(out.iterdir())
    result = runner.invoke(app, ["fmt", "--simplified", str(path)])
    assert result.exit_code == 1 and "未修改" in result.output
    assert path.read_bytes() == before


def test_a_mistake_that_cannot_be_read_past_still_comes_with_those_that_could(write_yaml):
    path = write_yaml(
        "org:\n  name: 示例县科学技术协会\n  level: 县\nyear: 2023\nkind: summary\n"
        "sections:\n  - kind: party\n    items:\n"
        "      - heading: 主题: 严格落实\n"
        "        text: [重点]建成院士工作站1个。\n"
        "      - text: “未闭合 [ 括号\n"
        "        counts: [ {key: a, value: 1\n"
    )
    result = load(path)
    found = [(d.line, d.code) for d in result.diagnostics]
    assert (9, "colon-in-value") in found and (10, "yaml-indicator") in found, found
    assert any(code == "syntax" and line >= 12 for line, code in found), found
    assert result.model is None
