"""One indicator, one value: a summary (the opening, a part's intro) and the text under
it must not give the same figure two values; a part's intro records its own counts and
targets, checked against its text like an item's."""

from __future__ import annotations

from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load

runner = CliRunner()

HEAD = (
    "org:\n  name: 示例县科学技术协会\n  level: 县\nyear: 2023\nkind: summary\ndate: 2024-01-10\n"
)
FILE = (
    HEAD
    + "overview:\n  text: 全年开展科普讲座320余场，培训农民2600人次。\n"
    + "sections:\n"
    + "  - kind: popularization\n"
    + "    intro: 全年新建科普e站8个。\n"
    + "    items:\n"
    + "      - text: 围绕科普日，开展科普讲座320余场。\n"
    + "      - text: 在各乡镇新建科普e站8个。\n"
    + "  - kind: scientists\n"
    + "    items:\n"
    + "      - text: 培训农民2600人次。\n"
)


def _differs(text: str) -> list[tuple[int, str]]:
    result = load_text(text)
    return [(d.line, d.message) for d in result.diagnostics if d.code == "figure-differs"]


def load_text(text: str):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp())
    path = folder / "2023.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_the_same_figures_agree_silently():
    assert load_text(FILE).diagnostics == []


def test_the_opening_and_a_part_giving_one_indicator_two_values_are_said():
    found = _differs(FILE.replace("开展科普讲座320余场。\n", "开展科普讲座350余场。\n"))
    assert len(found) == 1
    line, message = found[0]
    assert line == 13
    assert "开篇里写的是“320余场”" in message and "350余场" in message


def test_a_parts_intro_and_its_item_are_compared_too():
    found = _differs(FILE.replace("在各乡镇新建科普e站8个", "在各乡镇新建科普e站9个"))
    assert [line for line, _ in found] == [14]
    assert "本部分导语里写的是“8个”" in found[0][1]


def test_two_items_counting_different_things_with_the_same_words_are_not_compared():
    text = FILE.replace(
        "      - text: 在各乡镇新建科普e站8个。\n",
        "      - text: 在各乡镇新建科普e站8个。\n      - text: 在学校新建科普e站3个。\n",
    ).replace("    intro: 全年新建科普e站8个。\n", "")
    assert _differs(text) == []


def test_a_parts_intro_records_its_counts_checked_against_its_text():
    text = FILE.replace(
        "    intro: 全年新建科普e站8个。\n",
        "    intro: 全年新建科普e站8个。\n"
        "    counts:\n      - {key: e_stations, label: 新建科普e站, value: 8个}\n",
    )
    result = load_text(text)
    assert result.ok, [d.format() for d in result.diagnostics]
    section = result.model.sections[0]
    assert [str(f.value) for f in section.counts] == ["8个"]
    wrong = load_text(text.replace("value: 8个}", "value: 7个}"))
    found = [d for d in wrong.diagnostics if d.code == "figure-prose"]
    assert len(found) == 1 and "新建科普e站8个" in found[0].message  # quotes what it says


def test_fmt_counts_records_a_parts_intro_figures(tmp_path):
    path = tmp_path / "2023.yaml"
    path.write_text(FILE, encoding="utf-8")
    done = runner.invoke(app, ["fmt", "--counts", str(path)])
    assert done.exit_code == 0, done.output
    section = load(path).model.sections[0]
    assert [str(f.value) for f in section.counts] == ["8个"]
