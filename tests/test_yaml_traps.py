"""YAML's traps for people who are not programmers: nothing typed is lost without a word.

A table of real typing mistakes and the message each gets; Chinese lines joined without
spaces in every folded style; and a property: any text in any scalar style either reaches
the document exactly or ``validate`` refuses the file."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kxreport.loader import load
from kxreport.render import render_markdown

HEAD = """org:
  name: 平遥县科学技术协会
  level: 县
year: 2024
kind: summary
date: 2025-01-08
sections:
  - kind: popularization
    items:
"""
FIRST = HEAD.count("\n") + 1  # the line of the first item


def _diagnostics(write_yaml, body: str) -> list[tuple[int, int, str, str]]:
    result = load(write_yaml(HEAD + body))
    return [(d.line, d.column, d.code, d.message) for d in result.diagnostics]


# (what a staffer typed, line offset, column, code, words the message must say)
MISTAKES = [
    ("      - text: ! 重点建成科普基地。\n", 0, 15, "yaml-indicator", "标签"),
    (
        "      - text: 开展讲座30场，\n          #科普日#活动覆盖全县。\n",
        1,
        11,
        "comment-in-text",
        "以“#”开头",
    ),
    (
        "      - text: |\n            第一段缩进了四格。\n          #话题#第二段。\n",
        2,
        11,
        "comment-in-text",
        "缩进要和第一行一样",
    ),
    (
        "      - text: 发布信息186条 #平遥科协# 等话题阅读量大。\n",
        0,
        24,
        "comment-in-text",
        "#平遥科协#",
    ),
    ("      - text: 关注#科普中国#话题 #科技周# 活动。\n", 0, 26, "comment-in-text", "注释"),
    ("      - heading: 宣传 #科普日#\n", 0, 21, "comment-in-text", "| 块"),
    ("      - text：围绕中心开展工作。\n", 0, 13, "full-width-colon", "text: …"),
    (
        "      - heading: 科普\n        text：围绕中心开展工作。\n",
        1,
        13,
        "full-width-colon",
        "半角冒号",
    ),
    (
        "      - heading: 科普\n          text：接着上一行。\n",
        1,
        15,
        "full-width-colon",
        "并进上面的值",
    ),
    ("      - heading：科普活动\n", 0, 16, "full-width-colon", "heading: …"),
    ("      - text: 主题: 严格落实。\n", 0, 17, "colon-in-value", "全角“：”"),
    ("      - heading: 时间: 9月\n", 0, 20, "colon-in-value", "又一个键"),
    ("      - text: [重点]建成科普馆。\n", 0, 15, "yaml-indicator", "列表"),
    ("      - text: {重点}建成科普馆。\n", 0, 15, "yaml-indicator", "映射"),
    ("      - text: &重点 建成科普馆。\n", 0, 15, "yaml-indicator", "锚点名"),
    ("      - text: *重点 建成科普馆。\n", 0, 15, "yaml-indicator", "引用"),
    ("      - text: '重点'建成科普馆。\n", 0, 15, "yaml-indicator", "单引号"),
    ('      - text: "重点"建成科普馆。\n', 0, 15, "yaml-indicator", "双引号"),
    ("      - text: @科协 发布通知。\n", 0, 15, "yaml-indicator", "不允许"),
    ("      - text: `科普`活动。\n", 0, 15, "yaml-indicator", "不允许"),
    ("      - text: %50的学校参加。\n", 0, 15, "yaml-indicator", "不允许"),
    ("      - text: - 建成科普馆。\n", 0, 15, "yaml-indicator", "列表项"),
    ("      - text: |建成科普馆。\n", 0, 15, "yaml-indicator", "另起一行"),
    ("      - text: !重点 建成科普馆。\n", 0, 15, "yaml-indicator", "标签"),
    ("      - text: !secret 建成科普馆。\n", 0, 15, "tag", "标签"),
]


@pytest.mark.parametrize(("typed", "offset", "column", "code", "says"), MISTAKES)
def test_each_typing_mistake_is_named_where_it_is_with_the_fix(
    write_yaml, typed, offset, column, code, says
):
    found = _diagnostics(write_yaml, typed)
    assert found, "validated clean"
    line, col, got_code, message = found[0]
    assert (line, col, got_code) == (FIRST + offset, column, code), found
    assert says in message, message
    assert "|" in message or "半角冒号" in message  # the fix is named


def test_a_comment_written_as_a_comment_stays_one_and_is_said(write_yaml):
    result = load(write_yaml(HEAD + "      - text: 开展科普讲座30场。   # 数字待核\n"))
    assert result.ok  # a note for the editor, not refused
    assert result.model.sections[0].items[0].text == "开展科普讲座30场。"
    found = [(d.line, d.code, d.severity) for d in result.diagnostics]
    assert found == [(FIRST, "comment-after-text", "warning")], found
    assert "# 数字待核" in result.diagnostics[0].message


@pytest.mark.parametrize(
    "body",
    [
        "      - text: 开展活动9项，\n          开展讲座3场。\n",
        "      - text: >\n          开展活动9项，\n          开展讲座3场。\n",
        '      - text: "开展活动9项，\n          开展讲座3场。"\n',
        "      - text: '开展活动9项，\n          开展讲座3场。'\n",
        "      - text: |-\n          开展活动9项，开展讲座3场。\n",
    ],
)
def test_chinese_lines_are_joined_without_a_space_in_every_style(write_yaml, body):
    result = load(write_yaml(HEAD + body))
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.model.sections[0].items[0].text == "开展活动9项，开展讲座3场。"
    assert "开展活动9项，开展讲座3场。" in render_markdown(result.model)


def test_western_words_broken_over_lines_keep_their_space(write_yaml):
    result = load(write_yaml(HEAD + "      - text: 举办 Open\n          Day 活动。\n"))
    assert result.model.sections[0].items[0].text == "举办 Open Day 活动。"


# --- the property ----------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        *"科协开展讲座活动，。：、",
        *["#", " #", ": ", ":", "[", "]", "{", "}", '"', "'", "*", "&", "!", "%", "@", "`"],
        *["|", ">", "- ", "? ", " ", "30场", "#话题#", "主题: ", "\\"],
    ]
)
_LINE = st.lists(_PIECES, min_size=1, max_size=10).map("".join)


def _styled(text: str, style: str) -> str:
    pad = " " * 10
    if style == "plain":
        return f"      - text: {text}\n"
    if style == "single":
        return "      - text: '" + text.replace("'", "''") + "'\n"
    if style == "double":
        return f"      - text: {json.dumps(text, ensure_ascii=False)}\n"
    lines = "".join(pad + line + "\n" if line else "\n" for line in text.split("\n"))
    return f"      - text: {'|-' if style == 'literal' else '>-'}\n{lines}"


@settings(
    max_examples=int(os.environ.get("KX_EXAMPLES", "300")),
    deadline=None,
    derandomize=not os.environ.get("KX_EXAMPLES"),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(
        st.tuples(_LINE, st.sampled_from(["plain", "single", "double", "literal", "folded"])),
        st.tuples(st.lists(_LINE, min_size=2, max_size=4).map("\n".join), st.just("literal")),
    )
)
def test_any_text_in_any_style_arrives_exactly_or_validate_refuses(write_yaml, case):
    text, style = case
    # a plain value wholly in ASCII quotes is YAML's quoted style, tested as that style
    assume(not (style == "plain" and text.strip()[:1] in "\"'" and text.strip()))
    result = load(write_yaml(HEAD + _styled(text, style)))
    if not result.ok:
        assert result.errors, "refused without an error"
        return
    if any(d.code == "comment-after-text" for d in result.diagnostics):
        return  # what was left out is named, with the fix
    items = result.model.sections[0].items if result.model.sections else []
    got = items[0].text if items else None

    # spaces at a line's ends are layout, not words (a | block's indentation is its own)
    def words(value: str | None) -> str | None:
        return (
            "\n".join(line.strip() for line in value.split("\n")).strip() or None if value else None
        )

    assert words(got) == words(text), (style, text, got)
