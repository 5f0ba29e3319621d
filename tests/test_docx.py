"""The DOCX is checked by reopening it: GB/T 9704-2012 layout, fonts resolved
run -> style -> docDefaults, and byte-for-byte reproducibility."""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from kxreport.document import Meta, Paragraph, parse
from kxreport.layout import (
    FANGSONG,
    HEITI,
    KAITI,
    LATIN,
    SONGTI,
    XIAOBIAOSONG,
    signature_indents,
    text_width,
    title_lines,
)
from kxreport.loader import load
from kxreport.render import render
from kxreport.writers.docx import to_bytes

from .conftest import EXAMPLES

CASES = sorted(EXAMPLES.glob("*.yaml"))


def build(path: Path) -> bytes:
    rendered = render(load(path).model)
    return to_bytes(rendered.document, rendered.meta)


@pytest.fixture(scope="module", params=CASES, ids=[c.stem for c in CASES])
def example(request) -> tuple[Path, docx.document.Document, bytes]:
    data = build(request.param)
    return request.param, docx.Document(io.BytesIO(data)), data


# --- resolving formatting the way Word does: run -> paragraph style chain -> docDefaults


def _styles_root(document):
    return document.styles.element


def _style_chain(document, paragraph):
    style = paragraph.style
    chain = []
    while style is not None:
        chain.append(style.element)
        style = style.base_style
    return chain


def _rpr_value(rpr, tag, attr):
    if rpr is None:
        return None
    el = rpr.find(qn(tag))
    if el is None:
        return None
    if tag in ("w:b", "w:bCs", "w:i") and el.get(qn(attr)) is None:
        return "1"  # a toggle property without w:val is on
    return el.get(qn(attr))


def resolve(document, paragraph, run, tag, attr="w:val"):
    """A run property as it takes effect: run, then the paragraph's styles, then docDefaults."""
    value = _rpr_value(run._r.rPr, tag, attr)
    if value is not None:
        return value
    for style in _style_chain(document, paragraph):
        value = _rpr_value(style.find(qn("w:rPr")), tag, attr)
        if value is not None:
            return value
    defaults = _styles_root(document).find(qn("w:docDefaults"))
    return _rpr_value(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), tag, attr)


def resolve_ppr(document, paragraph, tag, attr):
    ppr = paragraph._p.pPr
    if (
        ppr is not None
        and ppr.find(qn(tag)) is not None
        and ppr.find(qn(tag)).get(qn(attr)) is not None
    ):
        return ppr.find(qn(tag)).get(qn(attr))
    for style in _style_chain(document, paragraph):
        el = style.find(qn("w:pPr"))
        if (
            el is not None
            and el.find(qn(tag)) is not None
            and el.find(qn(tag)).get(qn(attr)) is not None
        ):
            return el.find(qn(tag)).get(qn(attr))
    return None


def font_of(document, paragraph, run):
    return {
        "eastAsia": resolve(document, paragraph, run, "w:rFonts", "w:eastAsia"),
        "ascii": resolve(document, paragraph, run, "w:rFonts", "w:ascii"),
        "size": int(resolve(document, paragraph, run, "w:sz")) / 2,
        "bold": resolve(document, paragraph, run, "w:b") in ("1", "true", "on"),
    }


def paragraphs_with_style(document, name):
    return [p for p in document.paragraphs if p.style.name == name]


def text_runs(paragraph):
    return [r for r in paragraph.runs if r.text.strip() and not set(r.text) <= set("“”‘’—…·")]


LEAD = re.compile(r"^(（[一二三四五六七八九十]+）|\d+\.|（\d+）)[^。]*。")


def split_lead(paragraph):
    """(runs of the run-in heading, runs of the text after it)."""
    match = LEAD.match(paragraph.text)
    length = len(match[0]) if match else 0
    lead, rest, seen = [], [], 0
    for run in paragraph.runs:
        (lead if seen < length else rest).append(run)
        seen += len(run.text)
    return lead, rest


def mm(length) -> float:
    return length / 36000


# --- the layout table of the issue ----------------------------------------------------


def test_paper_and_margins(example):
    _, document, _ = example
    section = document.sections[0]
    measured = [
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    ]
    assert [round(mm(v), 1) for v in measured] == [210, 297, 37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"


def test_body_text(example):
    path, document, _ = example
    texts = {b.text for b in render(load(path).model).document.blocks if isinstance(b, Paragraph)}
    bodies = [p for p in paragraphs_with_style(document, "公文正文") if p.text.strip()]
    assert bodies
    assert {p.text for p in bodies} == texts  # nothing else is in the body style
    for paragraph in bodies:
        assert resolve_ppr(document, paragraph, "w:spacing", "w:line") == "579"
        assert resolve_ppr(document, paragraph, "w:spacing", "w:lineRule") == "exact"
        assert resolve_ppr(document, paragraph, "w:ind", "w:firstLine") == "640"
        _, rest = split_lead(paragraph)
        for run in [r for r in rest if r in text_runs(paragraph) or r.text.strip()]:
            if set(run.text) <= set("“”‘’—…·"):
                continue
            font = font_of(document, paragraph, run)
            assert font["eastAsia"] == FANGSONG
            assert font["ascii"] == LATIN
            assert font["size"] == 16
            assert resolve(document, paragraph, run, "w:color") == "000000"


def test_no_first_line_chars_and_no_theme_fonts(example):
    _, _, data = example
    package = zipfile.ZipFile(io.BytesIO(data))
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml", "word/footer2.xml"):
        xml = package.read(part).decode("utf-8")
        assert "firstLineChars" not in xml, part
        assert "eastAsiaTheme" not in xml, part
        assert "asciiTheme" not in xml, part
    styles = package.read("word/styles.xml").decode("utf-8")
    assert 'w:eastAsia="zh-CN"' in styles


def test_doc_defaults_carry_chinese_fonts(example):
    _, document, _ = example
    rpr = (
        _styles_root(document).find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    fonts = rpr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == FANGSONG
    assert fonts.get(qn("w:ascii")) == LATIN
    assert rpr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_title(example):
    path, document, _ = example
    (title,) = paragraphs_with_style(document, "公文标题")
    assert resolve_ppr(document, title, "w:jc", "w:val") == "center"
    for run in text_runs(title):
        font = font_of(document, title, run)
        assert font["eastAsia"] == XIAOBIAOSONG
        assert font["size"] == 22
        assert not font["bold"]
    body = document.element.body
    paragraphs = body.findall(qn("w:p"))
    expected = load(path).model
    if expected.dispatch is None:
        assert paragraphs[0] is title._p
    index = paragraphs.index(title._p)
    assert "".join(t.text for t in paragraphs[index + 1].iter(qn("w:t"))) == ""  # a blank line
    assert title.text.replace("\n", "") == expected.full_title


def test_level_one_headings(example):
    _, document, _ = example
    headings = paragraphs_with_style(document, "Heading 1")
    assert len(headings) >= 3
    for number, heading in zip("一二三四五", headings, strict=False):
        assert heading.text.startswith(number + "、")
        assert resolve_ppr(document, heading, "w:ind", "w:firstLine") == "640"
        for run in text_runs(heading):
            font = font_of(document, heading, run)
            assert (font["eastAsia"], font["size"]) == (HEITI, 16)


def test_run_in_headings_use_kaiti_for_level_two_and_bold_fangsong_for_level_three():
    document = docx.Document(io.BytesIO(build(EXAMPLES / "baoan-2020.yaml")))
    level2 = [p for p in document.paragraphs if p.text.startswith("（一）突出政策引领。")]
    (paragraph,) = level2
    lead = paragraph.runs[0]
    assert lead.text == "（一）突出政策引领。"
    assert font_of(document, paragraph, lead)["eastAsia"] == KAITI
    assert font_of(document, paragraph, paragraph.runs[1])["eastAsia"] == FANGSONG
    own_line = [p for p in paragraphs_with_style(document, "Heading 2")]
    assert own_line and own_line[0].text == "（一）规划引领，科学统筹区域发展"
    assert font_of(document, own_line[0], own_line[0].runs[0])["eastAsia"] == KAITI
    level3 = next(p for p in document.paragraphs if p.text.startswith("1.开展科技创新"))
    lead, rest = split_lead(level3)
    assert "".join(r.text for r in lead) == "1.开展科技创新“十四五”规划编制。"
    for run in lead:
        assert font_of(document, level3, run)["bold"]
    assert font_of(document, level3, lead[0])["eastAsia"] == FANGSONG
    assert not font_of(document, level3, rest[0])["bold"]


def test_chinese_punctuation_takes_the_chinese_font():
    document = docx.Document(io.BytesIO(build(EXAMPLES / "linfen-2022.yaml")))
    quotes = [
        (p, r)
        for p in document.paragraphs
        for r in p.runs
        if r.text and set(r.text) <= set("“”‘’—…·")
    ]
    assert quotes
    for paragraph, run in quotes:
        assert (
            font_of(document, paragraph, run)["ascii"]
            == font_of(document, paragraph, run)["eastAsia"]
        )


def test_recipients_of_the_plan():
    document = docx.Document(io.BytesIO(build(EXAMPLES / "changzhi-2022-plan.yaml")))
    (recipients,) = paragraphs_with_style(document, "主送机关")
    assert recipients.text.endswith("机关各部室及直属事业单位：")
    assert resolve_ppr(document, recipients, "w:ind", "w:firstLine") == "0"
    assert resolve_ppr(document, recipients, "w:jc", "w:val") == "left"
    paragraphs = document.paragraphs
    index = paragraphs.index(next(p for p in paragraphs if p._p is recipients._p))
    assert paragraphs[index - 1].text == ""
    assert paragraphs[index - 2].style.name == "公文标题"


def test_signature_and_date(example):
    path, document, _ = example
    model = load(path).model
    signature = paragraphs_with_style(document, "落款")
    issuer = signature[0]
    assert issuer.text == (model.issuer or model.org.name)
    assert resolve_ppr(document, issuer, "w:jc", "w:val") == "right"
    paragraphs = document.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p._p is issuer._p)
    assert paragraphs[index - 1].text == ""  # a blank line after the body
    if model.date:
        date = signature[1]
        assert date.text == f"{model.date.year}年{model.date.month}月{model.date.day}日"
        assert paragraphs[index + 1]._p is date._p


def test_signature_indents_follow_the_unsealed_rule():
    # issuer 9 characters, date 2023年1月10日 = 4 + 1 + 1 + 2 digits (half) + 3 CJK = 6.5
    assert text_width("2023年1月10日") == 6.5
    issuer, date = signature_indents("临汾市科学技术协会", "2023年1月10日")
    assert issuer == 2  # 右空二字 (in characters)
    assert date == 9 - 6.5  # date starts two characters right of the issuer
    # a short issuer: the date is set two characters in, the issuer moves left
    issuer, date = signature_indents("县科协", "2023年12月30日")
    assert date == 2
    assert issuer == 7 + 4 - 3


def test_page_numbers(example):
    _, document, data = example
    settings = zipfile.ZipFile(io.BytesIO(data)).read("word/settings.xml").decode()
    assert "<w:evenAndOddHeaders/>" in settings or "w:evenAndOddHeaders" in settings
    section = document.sections[0]
    for footer, alignment, indent in (
        (section.footer, "right", "w:right"),
        (section.even_page_footer, "left", "w:left"),
    ):
        (paragraph,) = footer.paragraphs
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert resolve_ppr(document, paragraph, "w:jc", "w:val") == alignment
        ind = paragraph._p.pPr.find(qn("w:ind"))
        assert ind.get(qn(indent)) == "280"  # one 4号 character in from the edge
        font = font_of(document, paragraph, paragraph.runs[0])
        assert (font["eastAsia"], font["size"]) == (SONGTI, 14)


def test_indicator_tables():
    document = docx.Document(io.BytesIO(build(EXAMPLES / "baoan-2020.yaml")))
    assert len(document.tables) == 2
    # appended tables are annexes: the label, then the title, on a new page each
    labels = [p.text for p in paragraphs_with_style(document, "附件标识")]
    assert labels == ["附件1", "附件2"]
    titles = [p.text for p in paragraphs_with_style(document, "附件标题")]
    assert titles == ["2020年主要工作指标", "2021年主要目标"]
    assert not paragraphs_with_style(document, "表题")
    table = document.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["序号", "目标", "数值"]
    assert [c.text for c in table.rows[3].cells] == ["3", "新增国高企业", "500家"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {el.get(qn("w:val")) for el in borders} == {"single"}
    cell = table.rows[1].cells[1].paragraphs[0]
    font = font_of(document, cell, cell.runs[0])
    assert (font["eastAsia"], font["size"]) == (FANGSONG, 14)


def test_headings_use_word_heading_styles_with_the_official_fonts(example):
    """Word's navigation pane, LibreOffice, pandoc and screen readers key on the built-in
    heading styles; ours carry the GB/T 9704 fonts, no theme fonts, black text."""
    _, document, _ = example
    used = {p.style.name for p in document.paragraphs}
    assert "Heading 1" in used
    for level in (1, 2, 3, 4):
        style = document.styles[f"Heading {level}"]
        assert style.style_id == f"Heading{level}" and style.builtin
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert not [a for a in fonts.attrib if a.endswith("Theme")]
        assert style.element.rPr.find(qn("w:color")).get(qn("w:val")) == "000000"
    assert used <= {
        "公文正文",
        "公文标题",
        "Heading 1",
        "Heading 2",
        "Heading 3",
        "Heading 4",
        "主送机关",
        "落款",
        "表题",
        "表格文字",
        "版头",
        "发文机关标志",
        "附件说明",
        "附注",
        "附件标识",
        "附件标题",
    }


# --- reproducibility -------------------------------------------------------------------


def test_same_input_gives_the_same_bytes_on_another_day_and_folder(tmp_path, monkeypatch):
    first = build(EXAMPLES / "linfen-2022.yaml")
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + 3 * 86400 + 3601)
    monkeypatch.chdir(tmp_path)
    second = build(EXAMPLES / "linfen-2022.yaml")
    assert first == second
    package = zipfile.ZipFile(io.BytesIO(first))
    assert package.namelist()[0] == "[Content_Types].xml"
    assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = package.read("docProps/core.xml").decode()
    assert "2023-01-10T00:00:00Z" in core
    assert "<cp:revision>1</cp:revision>" in core


# --- title line breaking ----------------------------------------------------------------


def test_short_title_stays_on_one_line():
    assert title_lines("长治市科学技术协会2022年工作要点") == ["长治市科学技术协会2022年工作要点"]


def test_long_title_breaks_into_balanced_lines_between_words():
    title = "关于印发《长治市科学技术协会2022年工作要点》的通知"
    lines = title_lines(title)
    assert "".join(lines) == title
    assert len(lines) == 2
    assert all(text_width(line) <= 20 for line in lines)
    assert lines[0] == "关于印发《长治市科学技术协会"
    widths = [text_width(line) for line in lines]
    assert max(widths) - min(widths) <= 6


def test_title_never_splits_a_number():
    title = "示例县科学技术协会关于表彰2023年度全县科普工作先进集体和先进个人的决定"
    for line in title_lines(title):
        assert not line.startswith(("023", "23", "3年"))
    assert "".join(title_lines(title)) == title


# --- one document, two writers -----------------------------------------------------------


def test_docx_text_equals_markdown_text(example):
    path, document, _ = example
    rendered = render(load(path).model)
    blocks = parse(rendered.markdown).blocks
    texts_md = [getattr(b, "text", None) for b in blocks if getattr(b, "text", None)]
    texts_docx = [p.text.replace("\n", "") for p in document.paragraphs if p.text.strip()]
    for text in texts_md:
        assert text in texts_docx


def test_meta_is_used_for_core_properties():
    document = parse("# 标题\n\n正文。\n")
    data = to_bytes(document, Meta("标题", "示例县科学技术协会", dt.date(2024, 1, 12), 2023))
    props = docx.Document(io.BytesIO(data)).core_properties
    assert (props.title, props.author) == ("标题", "示例县科学技术协会")
    assert props.created.date() == props.modified.date() == dt.date(2024, 1, 12)
    # without a 成文日期 the properties get no date at all: none is invented
    data = to_bytes(document, Meta("标题", "示例县科学技术协会", None, 2023))
    props = docx.Document(io.BytesIO(data)).core_properties
    assert props.created is None and props.modified is None


def test_styles_are_generated_from_the_layout_rules():
    """No binary template: every style in styles.xml is written from STYLES, whose heading
    fonts come from layout.HEADING_FONTS, so a change to a rule cannot be forgotten."""
    from kxreport import layout
    from kxreport.writers import docx_parts

    styles = docx_parts.static_parts()["word/styles.xml"].decode("utf-8")
    for level in (1, 2, 3, 4):
        face, bold = layout.HEADING_FONTS[level]
        spec = docx_parts.STYLES[f"h{level}"]
        assert (spec.east_asia, spec.bold) == (face, bold)
    for spec in docx_parts.STYLES.values():
        found = re.search(rf'<w:style [^>]*w:styleId="{spec.style_id}">.*?</w:style>', styles)
        assert found, spec.style_id
        xml = found.group(0)
        assert f'w:eastAsia="{spec.east_asia}"' in xml
        assert f'<w:sz w:val="{round(spec.size * 2)}"/>' in xml
        assert f'<w:b w:val="{1 if spec.bold else 0}"/>' in xml
    assert "Theme" not in styles  # no theme font anywhere
    names = zipfile.ZipFile(io.BytesIO(build(CASES[0]))).namelist()
    assert not any(n.endswith((".jpeg", "theme1.xml", "numbering.xml")) for n in names)
