"""The complete official document (GB/T 9704-2012): 版头, 附件说明 and 附件 pages, 附注,
版记, title breaking, 成文日期 — from the year file through the parser to the reopened
DOCX, the HTML page and LibreOffice's PDF."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.document import (
    Annex,
    Annotation,
    AttachmentNote,
    Imprint,
    Masthead,
    PageBreak,
    Table,
    Title,
    parse,
)
from kxreport.errors import TemplateError
from kxreport.layout import FANGSONG, HEITI, RED, XIAOBIAOSONG, mark_size, title_lines
from kxreport.loader import load
from kxreport.render import marker, render
from kxreport.writers import docx as docx_writer
from kxreport.writers import html as html_writer

from .conftest import EXAMPLES, MINIMAL, require
from .test_pdf import needs_office, pdf_pages

runner = CliRunner()
SAMPLE = EXAMPLES / "sample-2023-report.yaml"


def rendered(path=SAMPLE):
    result = load(path)
    assert result.ok, [d.format() for d in result.diagnostics]
    return render(result.model)


@pytest.fixture(scope="module")
def sample():
    out = rendered()
    data = docx_writer.write(out)
    return out, data, docx.Document(io.BytesIO(data))


# --- the year file -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("长科协发[2022]5号", "六角括号〔〕"),
        ("长科协发（2022）5号", "六角括号〔〕"),
        ("长科协发〔2022〕05号", "不编虚位"),
        ("长科协发2022年5号", "机关代字〔年份〕序号号"),
    ],
)
def test_doc_number_is_validated_with_the_place(write_yaml, number, message):
    path = write_yaml(MINIMAL + f"dispatch:\n  number: {number}\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"{path}:9:11" in result.output and message in result.output, result.output


@pytest.mark.parametrize(
    ("field", "value"),
    [("copy_number", "12"), ("secrecy", "内部"), ("urgency", "急")],
)
def test_masthead_fields_are_validated(write_yaml, field, value):
    path = write_yaml(MINIMAL + f'dispatch:\n  {field}: "{value}"\n')
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and f"{path}:9:" in result.output, result.output


def test_missing_date_is_a_warning_and_never_invented(write_yaml):
    path = write_yaml(MINIMAL.replace("date: 2024-01-10\n", ""))
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0 and "没有成文日期" in result.output
    assert runner.invoke(app, ["validate", "--strict", str(path)]).exit_code == 1
    core = zipfile.ZipFile(io.BytesIO(docx_writer.write(render(load(path).model)))).read(
        "docProps/core.xml"
    )
    assert b"dcterms:created" not in core and b"dcterms:modified" not in core
    assert docx.Document(io.BytesIO(docx_writer.write(rendered()))).core_properties.created


def test_doc_number_year_against_the_date(write_yaml):
    path = write_yaml(MINIMAL + "dispatch:\n  number: 示县科协发〔2021〕3号\n")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0 and "dispatch-year" not in result.output
    assert "不是同一年" in result.output and f"{path}:9:11" in result.output


def test_title_over_two_yaml_lines_is_joined_never_a_paragraph(write_yaml):
    path = write_yaml(MINIMAL + "title: |\n  示例县科协\n  2023年工作总结\n")
    document = render(load(path).model).document
    assert document.blocks[0] == Title("示例县科协2023年工作总结")
    assert not any(getattr(b, "text", None) == "2023年工作总结" for b in document.blocks)


# --- the template conventions --------------------------------------------------------


def test_parser_builds_each_official_element():
    blocks = rendered().document.blocks
    masthead = blocks[0]
    assert masthead == Masthead(
        mark="示例县科学技术协会文件",
        number="示县科协发〔2024〕3号",
        copy_number="000012",
        secrecy="秘密★1年",
        urgency="加急",
        signers=["王明"],
    )
    assert blocks[1] == Title(
        "示例县科学技术协会关于报送2023年工作总结的报告",
        ["示例县科学技术协会关于报送", "2023年工作总结的报告"],
    )
    note = next(b for b in blocks if isinstance(b, AttachmentNote))
    assert note.items == [
        "1.2023年主要工作指标",
        "2.2024年主要目标",
        "3.2023年示例县科普活动一览",
        "4.2023年示例县科普工作照片集",
    ]
    assert Annotation("（联系人：李华；联系电话：0000-1234567）") in blocks
    annexes = [b for b in blocks if isinstance(b, Annex)]
    # the photo collection has no text: listed in the note, no page of its own
    assert [(a.label, a.title) for a in annexes] == [
        ("附件1", "2023年主要工作指标"),
        ("附件2", "2024年主要目标"),
        ("附件3", "2023年示例县科普活动一览"),
    ]
    assert not any(isinstance(b, PageBreak) for b in blocks)
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 2 and all(t.caption is None for t in tables)
    assert blocks[-1] == Imprint(
        "抄送：示例县人民政府办公室，示例县科学技术局。",
        "示例县科学技术协会办公室",
        "2024年1月12日印发",
    )


def test_unknown_or_dangling_markers_stop_the_build():
    with pytest.raises(TemplateError, match="HTML 块"):
        parse("<!-- 其他 -->\n\n正文。\n", "t.md.j2")
    with pytest.raises(TemplateError, match="结尾"):
        parse("# 标题\n\n<!-- 抄送 -->\n", "t.md.j2")
    with pytest.raises(TemplateError, match="附件标题"):
        parse("<!-- 附件 -->\n\n附件\n\n正文。\n", "t.md.j2")
    with pytest.raises(ValueError, match="没有“其他”这个标记"):
        marker("其他")


def test_data_cannot_forge_an_element(write_yaml):
    path = write_yaml(
        MINIMAL + "overview:\n  text: |\n    <!-- 抄送 -->\n\n    抄送：伪造。\n"
        "closing: '<!-- 附件 -->'\n"
    )
    document = render(load(path).model).document
    assert not any(isinstance(b, Imprint | Annex) for b in document.blocks)


# --- DOCX ----------------------------------------------------------------------------


def _ppr_child(paragraph, tag):
    ppr = paragraph._p.pPr
    return None if ppr is None else ppr.find(qn(tag))


def _run_props(paragraph):
    run = paragraph.runs[0]._r
    rpr = run.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    color = rpr.find(qn("w:color")) if rpr is not None else None
    size = rpr.find(qn("w:sz")) if rpr is not None else None
    if fonts is None:  # the paragraph style's font
        fonts = paragraph.style.element.rPr.find(qn("w:rFonts"))
    return (
        fonts.get(qn("w:eastAsia")),
        color.get(qn("w:val")) if color is not None else None,
        int(size.get(qn("w:val"))) / 2 if size is not None else None,
    )


def docx_style_align(document, paragraph) -> str:
    return document.styles[paragraph.style.name].element.pPr.find(qn("w:jc")).get(qn("w:val"))


def test_docx_masthead(sample):
    _, _, document = sample
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    assert texts[:3] == ["000012", "秘密★1年", "加急"]
    assert _run_props(paragraphs[1])[0] == HEITI and _run_props(paragraphs[2])[0] == HEITI
    mark = paragraphs[3]
    assert mark.text == "示例县科学技术协会文件"
    font, color, size = _run_props(mark)
    assert (font, color, size) == (XIAOBIAOSONG, RED, mark_size(mark.text))
    assert mark.style.name == "发文机关标志"
    assert docx_style_align(document, mark) == "center"
    # top edge 35 mm below the type area: three lines of 份号/密级/紧急程度 above it
    before = int(_ppr_child(mark, "w:spacing").get(qn("w:before")))
    assert abs(before / 20 + 3 * 28.95 - 35 * 72 / 25.4) < 1
    # two blank lines, then 发文字号 left and 签发人 right (上行文)
    assert texts[4:6] == ["", ""]
    number = paragraphs[6]
    assert number.text == "示县科协发〔2024〕3号\t签发人：王明"
    assert _ppr_child(number, "w:tabs") is not None
    signer_fonts = {r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in number.runs[-1:]}
    assert signer_fonts == {"楷体_GB2312"}
    # the red line: a bottom border as wide as the type area (no indents)
    line = paragraphs[7]
    border = _ppr_child(line, "w:pBdr").find(qn("w:bottom"))
    assert border.get(qn("w:color")) == RED and border.get(qn("w:val")) == "single"
    assert line.paragraph_format.left_indent in (None, 0)
    # the title two lines below, in the user's two lines
    assert texts[8:10] == ["", ""]
    assert paragraphs[10].text == "示例县科学技术协会关于报送\n2023年工作总结的报告"


def test_docx_attachment_note_annexes_and_annotation(sample):
    _, _, document = sample
    texts = [p.text for p in document.paragraphs]
    first = texts.index("附件：1.2023年主要工作指标")
    assert texts[first - 1] == ""  # a blank line under the body
    assert texts[first + 1 : first + 4] == [
        "2.2024年主要目标",
        "3.2023年示例县科普活动一览",
        "4.2023年示例县科普工作照片集",
    ]
    note = document.paragraphs[first + 1]
    ind = _ppr_child(note, "w:ind")
    # later names start under the first name, after “附件：”
    assert int(ind.get(qn("w:left"))) - int(ind.get(qn("w:hanging"))) == (2 + 3) * 320
    date = texts.index("2024年1月12日")
    assert texts[date + 1] == "（联系人：李华；联系电话：0000-1234567）"
    labels = [p for p in document.paragraphs if re.fullmatch(r"附件\d", p.text)]
    assert [p.text for p in labels] == ["附件1", "附件2", "附件3"]
    for label in labels:
        assert _ppr_child(label, "w:pageBreakBefore") is not None
        assert _run_props(label)[0] == HEITI
        assert label.style.name == "附件标识"
        index = texts.index(label.text)
        title = document.paragraphs[index + 2]
        assert title.style.name == "附件标题" and texts[index + 1] == ""
        assert (
            _run_props(title)[0] == XIAOBIAOSONG and docx_style_align(document, title) == "center"
        )


def test_docx_imprint_on_an_even_last_page(sample):
    _, data, document = sample
    sections = document.sections
    assert len(sections) == 2
    assert sections[1].start_type == docx.enum.section.WD_SECTION.EVEN_PAGE
    footer = sections[1].footer
    table = footer.tables[0]
    assert [c.text for row in table.rows for c in row.cells] == [
        "抄送：示例县人民政府办公室，示例县科学技术局。",
        "示例县科学技术协会办公室\t2024年1月12日印发",
    ]
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    sizes = {
        edge: int(borders.find(qn(f"w:{edge}")).get(qn("w:sz")))
        for edge in ("top", "bottom", "insideH")
    }
    assert sizes["top"] == sizes["bottom"] > sizes["insideH"]
    assert _run_props(table.rows[0].cells[0].paragraphs[0])[0] in (None, FANGSONG)
    # the 版记 ends on the bottom edge of the type area, and the page has no number
    assert abs(sections[1].footer_distance.mm - 35) < 0.1
    assert "PAGE" not in zipfile.ZipFile(io.BytesIO(data)).read("word/footer3.xml").decode()
    assert sections[0].footer.paragraphs[0].text.startswith("— ")


SIGNERS = (
    MINIMAL
    + """dispatch:
  number: 示县科协发〔2024〕3号
  signers: [王明, 欧阳明华, 李四]
"""
)


def test_several_signers_two_a_line_the_number_on_the_last(write_yaml):
    out = render(load(write_yaml(SIGNERS)).model)
    document = docx.Document(io.BytesIO(docx_writer.write(out)))
    lines = [p for p in document.paragraphs if "王明" in p.text or "李四" in p.text]
    assert [p.text for p in lines] == [
        "\t签发人：王明\u3000欧阳明华",
        "示县科协发〔2024〕3号\t\t李四",
    ]
    stops = [
        [(t.get(qn("w:val")), t.get(qn("w:pos"))) for t in _ppr_child(p, "w:tabs")] for p in lines
    ]
    assert stops[0] == stops[1]  # the names of both lines start at the same stop
    (_, label_at), (_, names_at) = stops[0]
    assert int(names_at) - int(label_at) == 4 * 320  # “签发人：” just before the names
    # the longest line ends one character in from the right of the type area
    assert int(names_at) + 7 * 320 == round(156 / 25.4 * 1440) - 320  # 王明　欧阳明华
    page = html_writer.write(out).decode()
    assert (
        '<p class="signed"><span>示县科协发〔2024〕3号</span><span class="signers">'
        '<span>签发人：</span><span class="signer">王明\u3000欧阳明华</span>'
        '<span></span><span class="signer">李四</span></span></p>'
    ) in page


def _signer_places(pdf) -> dict[str, tuple[float, float, float]]:
    """(left, vertical middle, right) on page 1 of the names, the label and the number, from pdftotext
    -bbox; a name inside a longer word (“签发人：王明”) by its share of the word (the
    characters are equally wide)."""
    box = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', box
    )
    places = {}
    for name in ("签发人：", "王明", "欧阳明华", "李四", "示县科协发"):
        for x0, y0, x1, y1, text in words:
            if name in text:
                step = (float(x1) - float(x0)) / len(text)
                left = float(x0) + text.index(name) * step
                places[name] = (left, (float(y0) + float(y1)) / 2, left + len(name) * step)
                break
    return places


def assert_signers_line_up(pdf) -> None:
    places = _signer_places(pdf)
    assert abs(places["李四"][0] - places["王明"][0]) < 1.5, places  # under the first name
    assert abs(places["签发人："][2] - places["王明"][0]) < 1.5  # the label just before
    # the number on the last line (the fonts' boxes differ in height: a third of a line)
    assert abs(places["李四"][1] - places["示县科协发"][1]) < 6
    assert places["李四"][1] > places["王明"][1] + 20  # a line lower
    right = 595.3 - 26 * 72 / 25.4  # the type area's right edge (A4, 26 mm margin)
    assert abs(places["欧阳明华"][2] - (right - 16)) < 2.5  # one 3号 character (16 pt) in


@needs_office
def test_several_signers_line_up_in_libreoffices_pdf(tmp_path, write_yaml):
    path = write_yaml(SIGNERS)
    result = runner.invoke(app, ["build", str(path), "-f", "pdf", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert_signers_line_up(tmp_path / f"{path.stem}.pdf")


def test_several_signers_line_up_in_chromiums_print(tmp_path, write_yaml):
    from .test_html import _chromium, print_to_pdf

    browser = _chromium()
    require(browser, "chromium")
    require(shutil.which("pdftotext"), "poppler")
    out = render(load(write_yaml(SIGNERS)).model)
    assert_signers_line_up(print_to_pdf(str(browser), html_writer.write(out), tmp_path))


def test_documents_without_the_elements_keep_their_layout():
    document = docx.Document(io.BytesIO(docx_writer.write(rendered(EXAMPLES / "linfen-2022.yaml"))))
    assert len(document.sections) == 1
    assert not any(p.text.startswith("附件") for p in document.paragraphs)


# --- HTML ----------------------------------------------------------------------------


def test_html_has_every_element(sample):
    out, _, _ = sample
    page = html_writer.write(out).decode()
    assert '<header class="masthead">' in page and f"color: #{RED}" in page
    assert "示县科协发〔2024〕3号" in page and "签发人：" in page
    assert page.count('class="annex-label"') == 3
    assert '<footer class="imprint">' in page and "2024年1月12日印发" in page
    assert "示例县科学技术协会关于报送<br>2023年工作总结的报告" in page


# --- titles --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "聚合力稳步调 抓重点促提升 延边州扎实推进全民科学素质提升",
        "中国科学技术协会关于开展2023年全国科普日活动的通知",
        "恩施土家族苗族自治州科学技术协会2023年上半年工作总结",
        "长治市科学技术协会关于印发《长治市科学技术协会2022年工作要点》的通知",
    ],
)
def test_titles_break_between_words_and_balance(title):
    import jieba

    lines = title_lines(title)
    assert len(lines) == 2
    assert "".join(lines).replace(" ", "") == title.replace(" ", "")
    joined = title.replace(" ", "")
    cut = len(lines[0].replace(" ", ""))
    ends = {0}
    for _, _, end in jieba.tokenize(joined):
        ends.add(end)
    assert cut in ends, lines  # never inside a word
    widths = [len(line) for line in lines]
    assert abs(widths[0] - widths[1]) <= 6, lines
    assert max(widths) <= 20


def test_a_space_is_the_preferred_break():
    assert title_lines("聚合力稳步调 抓重点促提升 延边州扎实推进全民科学素质提升") == [
        "聚合力稳步调 抓重点促提升",  # the break takes the space's place
        "延边州扎实推进全民科学素质提升",
    ]
    title = "Science Week " * 4 + "科学技术协会"
    lines = title_lines(title)
    assert " ".join(lines) == title.strip()
    assert not any(line != line.strip() for line in lines), lines
    assert title_lines("示例县科协2023年工作总结") == ["示例县科协2023年工作总结"]


def test_hostile_titles_break_quickly():
    import time

    start = time.perf_counter()
    for title in ("一" * 199, "科协" * 99, "A" * 150 + "一" * 49, "《" * 199):
        lines = title_lines(title)
        assert "".join(lines) == title
    assert time.perf_counter() - start < 5


# --- LibreOffice ---------------------------------------------------------------------


@needs_office
def test_pdf_of_the_complete_document(tmp_path):
    result = runner.invoke(app, ["build", str(SAMPLE), "-f", "pdf", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    path = tmp_path / "sample-2023-report.pdf"
    pages, _ = pdf_pages(path)
    assert pages % 2 == 0, pages
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    sheets = text.split("\f")[:pages]
    assert "示例县科学技术协会文件" in sheets[0] and "签发人" in sheets[0]
    last = sheets[-1]
    assert "抄送：" in last and "印发" in last
    assert not re.search(r"—\s*\d+\s*—", last), "the 版记 page has no page number"
    starts = [s.strip().splitlines()[0] for s in sheets if s.strip()]
    assert [s for s in starts if s.startswith("附件")] == ["附件 1", "附件 2", "附件 3"]
    from .test_pdf import assert_simplified_chinese_faces

    assert_simplified_chinese_faces(path)


# --- import: a 红头 document people already have ------------------------------------------

NOTICE = """\
000035
机密★6个月
特急
延边州科学技术协会文件
延科协发[2023] 07号    签发人：金某某  李某某
延边州科学技术协会关于印发
2023年全州科普工作要点的通知
各县（市）科协，州直各学会：
现将《2023年全州科普工作要点》印发给你们，请结合实际认真贯彻落实。
一、加强科普阵地建设
全年新建科普e站20个。
二、办好重大科普活动
举办全国科普日活动30场。
附件：1.2023年全州科普工作任务分工
2.2023年全州科普活动安排表
延边州科学技术协会
2023年3月6日
（联系人：张某；联系电话：0433-0000000）
附件1
2023年全州科普工作任务分工
科普阵地建设由科普部负责。
附件2
2023年全州科普活动安排表
抄送：州人民政府办公室，州科技局。
延边州科学技术协会办公室        2023年3月6日印发
"""


def test_import_reads_several_signers_over_lines(tmp_path, write_yaml):
    """Our own DOCX with three 签发人 (two lines, 发文字号 on the second), and the same as
    typed lines of text: the names and the number come back."""
    built = tmp_path / "built"
    done = runner.invoke(app, ["build", str(write_yaml(SIGNERS)), "-f", "docx", "-o", str(built)])
    assert done.exit_code == 0, done.output
    typed = tmp_path / "typed.txt"
    typed.write_text(
        "示例县科学技术协会文件\n签发人：王明　欧阳明华\n示县科协发〔2024〕3号　　李四\n"
        "示例县科协2023年工作总结\n一、加强科普阵地建设\n全年新建科普e站20个。\n"
        "示例县科学技术协会\n2024年1月10日\n",
        encoding="utf-8",
    )
    for source in (*built.glob("*.docx"), typed):
        out = tmp_path / f"imported-{source.stem}.yaml"
        done = runner.invoke(app, ["import", str(source), "-o", str(out)])
        assert done.exit_code == 0, done.output
        dispatch = load(out).model.dispatch
        assert dispatch.signers == ["王明", "欧阳明华", "李四"], source
        assert dispatch.number == "示县科协发〔2024〕3号"
    # a short title after a lone 签发人 line (no 发文字号 below it) stays the title
    lone = tmp_path / "lone.txt"
    lone.write_text(
        typed.read_text("utf-8").replace("示县科协发〔2024〕3号　　李四\n", ""), "utf-8"
    )
    lone.write_text(
        lone.read_text("utf-8").replace("示例县科协2023年工作总结", "工作总结"), "utf-8"
    )
    done = runner.invoke(app, ["import", str(lone), "-o", str(tmp_path / "lone.yaml")])
    assert done.exit_code == 0, done.output
    imported = load(tmp_path / "lone.yaml").model
    assert imported.dispatch.signers == ["王明", "欧阳明华"]
    assert imported.full_title == "工作总结"


def test_import_reads_the_official_elements_of_a_notice(tmp_path):
    """A 红头 notice typed by hand (ASCII brackets, a leading zero, the 版记 as lines at the
    end): every element lands in its field, the rest reads as before."""
    source = tmp_path / "notice.txt"
    source.write_text(NOTICE, encoding="utf-8")
    out = tmp_path / "notice.yaml"
    done = runner.invoke(app, ["import", str(source), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "版头" in done.output and "版记" in done.output
    result = load(out)
    assert result.ok and not [d for d in result.diagnostics if d.severity == "error"]
    doc = result.model
    dispatch = doc.dispatch
    assert dispatch.mark is None  # the default: the org's name + 文件
    assert dispatch.number == "延科协发〔2023〕7号"  # brackets and the zero put right
    assert (dispatch.copy_number, dispatch.secrecy, dispatch.urgency) == (
        "000035",
        "机密★6个月",
        "特急",
    )
    assert dispatch.signers == ["金某某", "李某某"]
    assert "延科协发[2023] 07号" in out.read_text("utf-8")  # the rewrite is said
    assert doc.title == ["延边州科学技术协会关于印发", "2023年全州科普工作要点的通知"] or (
        doc.full_title == "延边州科学技术协会关于印发2023年全州科普工作要点的通知"
    )
    assert doc.recipients == ["各县（市）科协", "州直各学会"]
    assert [s.title for s in doc.sections] == ["加强科普阵地建设", "办好重大科普活动"]
    assert str(doc.date) == "2023-03-06"
    assert doc.annotation == "联系人：张某；联系电话：0433-0000000"
    assert [(a.title, a.text) for a in doc.attachments] == [
        ("2023年全州科普工作任务分工", "科普阵地建设由科普部负责。"),
        ("2023年全州科普活动安排表", None),
    ]
    assert doc.imprint.cc == ["州人民政府办公室", "州科技局"]
    assert doc.imprint.printer == "延边州科学技术协会办公室"
    assert str(doc.imprint.printed) == "2023-03-06"
    # and it builds into a document with each element again
    built = runner.invoke(app, ["build", str(out), "-o", str(tmp_path / "dist"), "-f", "md"])
    assert built.exit_code == 0, built.output
    text = (tmp_path / "dist" / "notice.md").read_text("utf-8")
    for expected in ("延科协发〔2023〕7号", "附件1", "2\\.2023年全州科普活动安排表", "抄送："):
        assert expected in text


def test_import_reads_a_word_notice_whose_imprint_is_a_table(tmp_path):
    """In Word the 版记 is usually a table at the end of the body."""
    document = docx.Document()
    for line in NOTICE.split("抄送")[0].splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "抄送：州人民政府办公室，州科技局。"
    table.cell(1, 0).text = "延边州科学技术协会办公室\t2023年3月6日印发"
    path = tmp_path / "notice.docx"
    document.save(path)
    out = tmp_path / "notice.yaml"
    done = runner.invoke(app, ["import", str(path), "-o", str(out)])
    assert done.exit_code == 0, done.output
    doc = load(out).model
    assert doc.imprint.cc == ["州人民政府办公室", "州科技局"]
    assert doc.dispatch.number == "延科协发〔2023〕7号"
    assert len(doc.attachments) == 2 and doc.annotation


def test_lines_that_only_look_official_stay_in_the_text(tmp_path):
    """No mark, no 版头: a first line “特急” or “000035” without “…文件” under it is text;
    “附件” inside a sentence is not an annex."""
    source = tmp_path / "plain.txt"
    source.write_text(
        "示例县科协2023年工作总结\n"
        "2023年，县科协各项工作取得新进展，附件材料另行报送。\n"
        "一、加强党的建设\n全年开展集中学习24次。\n"
        "示例县科学技术协会\n2024年1月10日\n",
        encoding="utf-8",
    )
    out = tmp_path / "plain.yaml"
    assert runner.invoke(app, ["import", str(source), "-o", str(out)]).exit_code == 0
    doc = load(out).model
    assert doc.dispatch is None and doc.attachments == [] and doc.imprint is None
    assert "附件材料另行报送" in doc.overview.text
