"""Data is text, everywhere: whatever a text field says — Markdown, HTML, entities,
template syntax — the document keeps its block structure and shows the text exactly as
written, in the Markdown and in the DOCX."""

from __future__ import annotations

import copy
import io
import re
from typing import Any

import docx as python_docx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kxreport.document import (
    Annex,
    AttachmentNote,
    Heading,
    PageBreak,
    Paragraph,
    Recipients,
    Signature,
    Table,
    Title,
    parse,
)
from kxreport.layout import title_lines
from kxreport.model import YearFile
from kxreport.render import render
from kxreport.text import without_bidi_controls
from kxreport.writers import docx

SUMMARY: dict[str, Any] = {
    "org": {"name": "Q00Q", "short_name": "Q01Q", "level": "县"},
    "year": 2023,
    "kind": "summary",
    "date": "2024-01-10",
    "title": "Q02Q",
    "recipients": ["Q03Q", "Q04Q"],
    "overview": {"situation": "Q05Q", "approach": "Q06Q", "standing": "Q07Q"},
    "honours": [
        {"name": "Q08Q", "by": ["Q09Q"]},
        {"name": "Q10Q", "by": "Q11Q"},
        {"name": "Q12Q", "by": "Q13Q", "recipients": ["Q14Q"], "verb": "Q15Q"},
    ],
    "sections": [
        {
            "kind": "custom",
            "title": "Q16Q",
            "intro": "Q17Q",
            "items": [
                {"heading": "Q18Q", "text": "Q19Q"},
                {"heading": "Q20Q", "items": [{"heading": "Q21Q", "text": "Q22Q"}]},
                {
                    "heading": "Q23Q",
                    "activities": [
                        {
                            "name": "Q24Q",
                            "date": "2023-05-01",
                            "place": "Q25Q",
                            "organizers": ["Q26Q"],
                            "partners": ["Q27Q"],
                            "participants": "30人",
                            "text": "Q28Q",
                        }
                    ],
                    "counts": [{"key": "a", "label": "Q29Q", "value": 5, "unit": "次"}],
                    "targets": [{"key": "b", "label": "Q30Q", "value": 6}],
                    "honours": [{"name": "Q31Q", "by": "Q32Q"}],
                },
            ],
            "honours": [{"name": "Q33Q", "by": "Q34Q", "recipients": "Q35Q"}],
        },
        {"kind": "party", "items": [{"text": "Q36Q"}]},
    ],
    "closing": "Q37Q",
    "indicator_table": True,
}
PLAN: dict[str, Any] = {
    "org": {"name": "示例县科学技术协会", "level": "县"},
    "year": 2024,
    "kind": "plan",
    "date": "2024-01-10",
    "issuer": "Q40Q",
    "recipients": "Q41Q",
    "notice": "Q42Q",
    "overview": {"text": "Q43Q"},
    "sections": [
        {"kind": "next_year", "title": "Q44Q", "items": [{"heading": "Q45Q", "text": "Q46Q"}]}
    ],
}


def _places(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [p for k, v in data.items() for p in _places(v, (*path, k))]
    if isinstance(data, list):
        return [p for i, v in enumerate(data) for p in _places(v, (*path, i))]
    return [path] if isinstance(data, str) and re.fullmatch(r"Q\d\dQ", data) else []


FIELDS = [(SUMMARY, p) for p in _places(SUMMARY)] + [(PLAN, p) for p in _places(PLAN)]


def _set(data: Any, path: tuple[Any, ...], value: str) -> Any:
    data = copy.deepcopy(data)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def _token(data: Any, path: tuple[Any, ...]) -> str:
    for part in path:
        data = data[part]
    return data


def _blocks(data: Any) -> tuple[list[tuple[Any, ...]], list[str], list[str]]:
    """(block structure, block texts) of the Markdown, and the DOCX's texts in order."""
    rendered = render(YearFile.model_validate(data))
    blocks = parse(rendered.markdown).blocks
    shape: list[tuple[Any, ...]] = []
    texts: list[str] = []
    for block in blocks:
        if isinstance(block, Table):
            shape.append(("table", len(block.header), len(block.rows), block.caption is not None))
            texts += [block.caption or "", *block.header, *(c for row in block.rows for c in row)]
        elif isinstance(block, Signature):
            shape.append(("signature", block.date is not None))
            texts += [block.issuer, block.date or ""]
        elif isinstance(block, Heading):
            shape.append(("heading", block.level))
            texts.append(block.text)
        elif isinstance(block, Paragraph):
            shape.append(("paragraph", block.lead is not None))
            texts.append(block.text)
        elif isinstance(block, PageBreak):
            shape.append(("page-break",))
        elif isinstance(block, AttachmentNote):
            shape.append(("note", len(block.items)))
            texts += block.items
        elif isinstance(block, Annex):
            shape.append(("annex",))
            texts += [block.label, block.title]
        else:
            assert isinstance(block, Title | Recipients)
            shape.append((type(block).__name__,))
            texts.append(block.text)
    document = python_docx.Document(io.BytesIO(docx.write(rendered)))
    out: list[str] = []
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in element.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for cell in element.iter():
                if cell.tag.endswith("}tc"):
                    out.append("".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t")))
    # a title too wide for one line is broken between words; a break at a space takes the
    # space's place (layout.title_lines), so that one paragraph is compared as laid out
    titles = [b for b in blocks if isinstance(b, Title)]
    for title in titles:
        shown = "".join(title.lines or title_lines(title.text))
        out = [title.text if t == shown else t for t in out]
    return shape, texts, [t for t in out if t]


BASE = {id(SUMMARY): _blocks(SUMMARY), id(PLAN): _blocks(PLAN)}


def test_every_field_reaches_the_document():
    for data, path in FIELDS:
        _, texts, docx_texts = BASE[id(data)]
        token = _token(data, path)
        assert any(token in t for t in texts), path
        assert any(token in t for t in docx_texts), path


CONSTRUCTS = [
    "**", "*", "__", "_", "`", "```", "~~~", "~~", "# ", "## ", "###### ", "> ", "- ", "+ ", "* ",
    "1. ", "1) ", "---", "***", "===", "    ", "\t", "|", " | ", "[x](http://x)", "![i](x.png)",
    "<b>", "</b>", "<p align=\"right\">", "</p>", "<br>", "<!--", "-->", "<!-- 主送机关 -->",
    "<script>alert(1)</script>", "<http://x.y>", "&amp;", "&lt;b&gt;", "&copy;", "&#65;", "&#12;",
    "&#x0;", "&nbsp;", "\\", "\\*", "{{ doc.org.name }}", "{% for x in range(9) %}", "{#",
    "[ ]", "[^1]", ":100:", "$x$", "%", "&", "<", ">", "\"", "'", "“", "”", "（一）", "1.",
    "一、", "\u00a0", "\u3000", "\u200b", "\u202e", "😀", "𠀀", "XX",
]  # fmt: skip
ALPHABET = st.sampled_from(CONSTRUCTS) | st.text(
    st.characters(
        categories=["L", "N", "P", "S", "Zs"],
        exclude_characters="\r\n\u2028\u2029\x85",
    ),
    min_size=1,
    max_size=3,
)
TITLE_FIELD = next(field for field in FIELDS if field[1] == ("title",))
hostile = st.lists(ALPHABET, min_size=1, max_size=12).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), text=hostile)
# found by CI: a title wide enough to break, with a space where it breaks
@example(field=TITLE_FIELD, text="******{{ doc.org.name }}[x](http://x)")
def test_text_fields_keep_the_structure_and_come_back_exactly(field, text):
    data, path = field
    token = _token(data, path)
    value = "甲" + text + "乙"
    shape, texts, docx_texts = BASE[id(data)]
    new_shape, new_texts, new_docx = _blocks(_set(data, path, value))
    shown = _quoted(value) if "honours" in path and path[-1] == "name" else value
    shown = without_bidi_controls(shown)  # no writer emits one (validate refuses them)
    assert new_shape == shape
    assert new_texts == [t.replace(token, shown) for t in texts]
    assert new_docx == [t.replace(token, shown) for t in docx_texts]


def _quoted(text: str) -> str:
    """An honour's name inside “…”: its own double quotes become single ones."""
    return text.replace("“", "‘").replace("”", "’")


@pytest.mark.parametrize(
    ("data", "path"),
    [
        (PLAN, ("issuer",)),
        (SUMMARY, ("title",)),
        (SUMMARY, ("sections", 0, "items", 0, "heading")),
        (SUMMARY, ("recipients", 0)),
        (SUMMARY, ("sections", 0, "title")),
        (SUMMARY, ("honours", 0, "name")),
    ],
)
@pytest.mark.parametrize(
    "value",
    [
        "甲\n\n# 伪造标题\n\n乙",
        "甲\n    缩进四格的代码\n乙",
        "甲\r# 伪造\r乙",
        "甲\u2028# 伪造\u2029- 列表乙",
        "甲\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n乙",
        '甲\n</p>\n<p align="right">伪造落款</p>\n乙',
    ],
)
def test_line_breaks_in_one_line_fields_are_folded_not_structure(data, path, value):
    shape, texts, _ = BASE[id(data)]
    token = _token(data, path)
    new_shape, new_texts, _ = _blocks(_set(data, path, value))
    folded = "".join(part.strip() for part in re.split("\r\n|[\r\n\u2028\u2029]", value))
    assert new_shape == shape
    assert new_texts == [t.replace(token, folded) for t in texts]


def test_prose_keeps_its_paragraphs_and_nothing_more():
    value = "第一段 # 不是标题\n- 不是列表\n\n> 第二段\n    1. 不是代码"
    data = _set(SUMMARY, ("closing",), value)
    shape, texts, _ = _blocks(data)
    base_shape, base_texts, _ = BASE[id(SUMMARY)]
    at = base_texts.index("Q37Q")
    assert texts[at : at + 2] == ["第一段 # 不是标题- 不是列表", "> 第二段1. 不是代码"]
    assert len(shape) == len(base_shape) + 1
