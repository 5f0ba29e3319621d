"""`kxreport import`: the seeds as scraped, Word files in the shapes staffers make, a .doc
through LibreOffice, and the round trip of kxreport's own DOCX."""

from __future__ import annotations

import re
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from typer.testing import CliRunner

from kxreport import office
from kxreport.cli import app
from kxreport.content import to_simplified
from kxreport.loader import load
from kxreport.numbers import mentions
from kxreport.text import normalize_punctuation

from .conftest import assert_strict_but_the_date, require

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "data" / "seeds"  # copies of shared/seeds, as scraped
runner = CliRunner()


def seed(name: str) -> Path:
    return SEEDS / name


def run(*args: str) -> object:
    return runner.invoke(app, list(args), catch_exceptions=False)


def import_and_build(source: Path, tmp_path: Path, *extra: str) -> tuple[Path, str]:
    out = tmp_path / (source.stem + ".yaml")
    done = run("import", str(source), "-o", str(out), *extra)
    assert done.exit_code == 0, done.output
    assert_strict_but_the_date(out)
    built = run("build", str(out), "-o", str(tmp_path / "dist"), "-f", "md")
    assert built.exit_code == 0, built.output
    return out, (tmp_path / "dist" / (source.stem + ".md")).read_text("utf-8")


def numbers_and_names(text: str) -> tuple[set[str], set[str]]:
    text = normalize_punctuation(to_simplified(text))
    numbers = {m.written for m in mentions(text)}
    names = set(re.findall(r"《[^《》]+》|“[^“”]+”", text))
    return numbers, names


def body_lines(path: Path, start: str, end: str | None = None) -> str:
    text = to_simplified(path.read_text("utf-8"))
    text = text[text.index(start) :]
    return text[: text.index(end)] if end else text


# --- the seeds, raw as scraped --------------------------------------------------------------


def test_linfen_news_article_imports_validates_strictly_and_keeps_every_number(tmp_path):
    source = seed("linfen-2022-summary.txt")
    out, built = import_and_build(source, tmp_path)
    result = load(out)
    assert result.ok
    doc = result.model
    assert doc.org.name == "临汾市科学技术协会" and doc.org.level == "市"
    assert (doc.year, doc.kind, doc.title) == (2022, "summary", "临汾市科协2022年工作综述")
    # the web page's publication time is not a 成文日期
    assert doc.date is None and str(doc.source.date) == "2023-01-10"
    assert doc.source.name == "临汾新闻网"
    assert [s.kind for s in doc.sections] == [
        "party",
        "scientists",
        "popularization",
        "innovation",
        "think_tank",
    ]
    assert doc.sections[1].items[0].heading == "规范制度，加强与科技工作者的联系"
    assert {h.name for h in doc.honours} >= {"全国科普日优秀组织单位", "节约型机关"}
    assert doc.overview.standing == "整体工作位列全省科协系统第一方阵"
    assert doc.closing.startswith("2023年是“十四五”规划实施的关键之年")
    figures = {(f.label, str(f.value)) for f in doc.figures("counts")}
    assert ("召开座谈会", "30余次") in figures
    assert ("全市参与答题", "55万余人次") in figures
    # every number and quoted name of the article's body is in the built document
    numbers, names = numbers_and_names(body_lines(source, "岁月不居", "记者"))
    assert numbers and names
    assert {n for n in numbers if n not in built} == set()
    assert {n for n in names if n not in built} == set()
    # furniture is gone: captions, bylines, the copyright notice
    for furniture in ("浏览次数", "责任编辑", "版权声明", "全体干部职工合影", "记者", "新闻网讯"):
        assert furniture not in out.read_text("utf-8").split("source:")[0] + built
    counted = sum(len(item.counts) for _, item, _ in doc.items())
    assert counted >= 0.8 * len(numbers)


def test_changzhi_notice_imports_with_recipients_notice_signature(tmp_path):
    source = seed("changzhi-2022-workplan.txt")
    out, built = import_and_build(source, tmp_path)
    result = load(out)
    assert result.ok and not result.diagnostics
    doc = result.model
    assert doc.kind == "plan" and doc.year == 2022 and str(doc.date) == "2022-07-18"
    assert doc.org.name == "长治市科学技术协会"
    # the scraped title lost a character (“长治市学技术”): the notice names the document
    assert doc.title == "长治市科学技术协会2022年工作要点"
    assert "与印发说明中的《长治市科学技术协会2022年工作要点》不一致" in out.read_text("utf-8")
    assert doc.recipients[0] == "各县区科协" and doc.notice.startswith("为了进一步明确")
    assert [len(s.items) for s in doc.sections] == [4, 2, 5, 2, 4, 3]
    assert doc.sections[0].items[1].heading == "大力弘扬科学家精神"
    _, names = numbers_and_names(body_lines(source, "2022年是党的二十大"))
    assert {n for n in names if n not in built} == set()
    assert "2021—2025年" in built  # 2021-2025年 with a dash


def test_template_site_page_gives_one_file_per_article_and_keeps_its_defects(tmp_path):
    source = seed("four-sample-summaries.txt")
    done = run("import", str(source), "-o", str(tmp_path / "out"))
    assert done.exit_code == 0, done.output
    files = sorted((tmp_path / "out").glob("*.yaml"))
    assert [f.name for f in files] == [f"four-sample-summaries-{n}.yaml" for n in range(1, 5)]
    checked = run("validate", str(tmp_path / "out"))
    assert checked.exit_code == 1
    # the defects of the 范文 are kept and reported, exactly as in a hand-written file
    for defect in (
        "“共亿元”缺少数字",
        "“XX”是没有填写的占位符",
        "“xx”是没有填写的占位符",
        "党的十七大",
    ):
        assert defect in checked.output
    # nothing is invented: a 范文 that calls itself only “区科学技术协会” keeps those words,
    # and validate asks for the name
    assert "单位全称“区科技创新局（区科学技术协会）”没有写地名或单位名" in checked.output
    assert "请核对" in files[0].read_text("utf-8")
    # the template site's own lines are furniture
    assert "阿拉题库" not in "".join(f.read_text("utf-8") for f in files)


# --- Word files in the shapes staffers make --------------------------------------------------

PARTS = [
    ("坚持党建引领，全面加强党的建设", "规范制度", "召开座谈会30余次，收集意见建议共计32项。"),
    ("提升全民科学素质", "示范引领", "全市参与“科普答题”达55万余人次，举办四场讲座。"),
]


def _signature(document: docx.Document) -> None:
    for text in ("示例县科学技术协会", "2024年1月10日"):
        paragraph = document.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _check(path: Path, tmp_path: Path) -> None:
    out, built = import_and_build(path, tmp_path)
    result = load(out)
    assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]
    doc = result.model
    assert doc.org.name == "示例县科学技术协会" and doc.org.level == "县"
    assert str(doc.date) == "2024-01-10" and doc.year == 2023
    assert [s.title for s in doc.sections] == [p[0] for p in PARTS]
    assert [s.items[0].heading for s in doc.sections] == [p[1] for p in PARTS]
    for _, _, text in PARTS:
        assert text in built
    values = {str(f.value) for f in doc.figures("counts")}
    assert values == {"30余次", "32项", "55万余人次", "四场"}
    assert "“科普答题”" in built


def _new(title: str = "示例县科协2023年工作总结") -> docx.Document:
    document = docx.Document()
    document.add_paragraph(title).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("2023年，示例县科协围绕中心、服务大局，各项工作取得新进展。")
    return document


def test_word_with_numbers_typed_and_bold_run_in_headings_in_their_own_run(tmp_path):
    document = _new()
    for number, (part, lead, text) in zip("一二", PARTS, strict=True):
        document.add_paragraph(f"{number}、{part}")
        paragraph = document.add_paragraph()
        paragraph.add_run(f"（一）{lead}。").bold = True
        paragraph.add_run(text)
    _signature(document)
    path = tmp_path / "typed.docx"
    document.save(path)
    _check(path, tmp_path)


NUMBERING = """<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="90">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:num w:numId="90"><w:abstractNumId w:val="90"/></w:num>
</w:numbering>"""


def test_word_automatic_numbering_with_chinese_counting_is_recovered(tmp_path):
    document = _new()
    numbering = document.part.numbering_part.element
    for child in parse_xml(NUMBERING):
        numbering.append(child)
    for part, lead, text in PARTS:
        for level, words in ((0, part), (1, None)):
            paragraph = document.add_paragraph()
            if words:
                paragraph.add_run(words)
            else:
                paragraph.add_run(lead + "。").bold = True
                paragraph.add_run(text)
            num_pr = parse_xml(
                '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'
            )
            paragraph._p.get_or_add_pPr().append(num_pr)
    _signature(document)
    path = tmp_path / "auto.docx"
    document.save(path)
    from kxreport.readers import read

    labels = [b.number for b in read(path).blocks if b.number]
    assert labels == ["一、", "（一）", "二、", "（一）"]
    _check(path, tmp_path)


def test_word_heading_styles_without_numbers_and_a_table(tmp_path):
    document = _new()
    for part, lead, text in PARTS:
        document.add_heading(part, level=1)
        document.add_heading(lead, level=2)
        document.add_paragraph(text)
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, [("项目", "说明"), ("科普讲座", "全年开展")], strict=True):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    _signature(document)
    path = tmp_path / "styles.docx"
    document.save(path)
    _check(path, tmp_path)
    text = (tmp_path / "styles.yaml").read_text("utf-8")
    assert "# 原文有一个表格" in text and "科普讲座 | 全年开展" in text


def test_doc_converted_by_libreoffice(tmp_path):
    require(office.soffice(), "LibreOffice（soffice）")
    document = _new()
    for number, (part, lead, text) in zip("一二", PARTS, strict=True):
        document.add_paragraph(f"{number}、{part}")
        document.add_paragraph(f"（一）{lead}。{text}")
    _signature(document)
    source = tmp_path / "made.docx"
    document.save(source)
    doc_bytes = office.convert(source.read_bytes(), ".docx", "doc:MS Word 97")
    path = tmp_path / "old.doc"
    path.write_bytes(doc_bytes)
    _check(path, tmp_path)


def test_doc_without_libreoffice_is_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 not really")
    done = run("import", str(path))
    assert done.exit_code == 1
    assert "需要 LibreOffice" in done.output
    assert not (tmp_path / "old.yaml").exists()


# --- the command -----------------------------------------------------------------------------


def test_never_overwrites_without_force_and_writes_the_schema_beside(tmp_path):
    source = tmp_path / "news.txt"
    source.write_text(
        "示例县科协2023年工作总结\n\n2023年，示例县科协各项工作取得新进展。\n\n全年举办科普讲座66场。\n",
        "utf-8",
    )
    target = tmp_path / "2023.yaml"
    target.write_text("mine\n", "utf-8")
    done = run("import", str(source), "-o", str(target))
    assert done.exit_code == 1 and "已经存在" in done.output
    assert target.read_text("utf-8") == "mine\n"
    done = run("import", str(source), "-o", str(target), "--force")
    assert done.exit_code == 0, done.output
    text = target.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=kxreport.schema.json")
    assert (tmp_path / "kxreport.schema.json").exists()
    assert "1 个数字" in done.output and "66场" in text


def test_gbk_text_without_year_leaves_the_year_for_validate(tmp_path):
    source = tmp_path / "stage.txt"
    source.write_bytes(
        "某某镇科协工作情况\n今年以来，某某镇科协开展科普活动12场。\n".encode("gb18030")
    )
    done = run("import", str(source))
    assert done.exit_code == 0, done.output
    out = tmp_path / "stage.yaml"
    text = out.read_text("utf-8")
    assert "year:\n" in text and "请填写这份材料所属的年度" in text
    assert "level: 乡镇" in text and "period: stage" in text
    checked = run("validate", str(out))
    assert checked.exit_code == 1 and "“年度”（year）应为整数" in checked.output


def test_several_sources_into_a_folder_and_a_bad_one_does_not_stop_the_rest(tmp_path):
    a, b, bad = tmp_path / "a.txt", tmp_path / "b.md", tmp_path / "c.docx"
    a.write_text("甲县科协2023年工作总结\n\n全年举办讲座5场。\n", "utf-8")
    b.write_text(
        "# 乙县科协2023年工作总结\n\n## 一、科普工作\n\n**（一）讲座**。举办讲座6场。\n", "utf-8"
    )
    bad.write_bytes(b"not a zip")
    done = run("import", str(a), str(b), str(bad), "-o", str(tmp_path / "out"))
    assert done.exit_code == 1
    assert "不是有效的 Word" in done.output and "2 份导入，1 份失败" in done.output
    assert sorted(p.name for p in (tmp_path / "out").glob("*.yaml")) == ["a.yaml", "b.yaml"]
    assert "title: 科普工作" in (tmp_path / "out" / "b.yaml").read_text("utf-8")


def test_a_source_with_nothing_to_import_fails_alone_and_writes_nothing(tmp_path):
    """An empty Word file, one with only a footer, a page of web furniture: no year file
    of blanks is written (it would pass for an import), the others are imported."""
    empty, footer, junk, good = (tmp_path / n for n in ("e.docx", "f.docx", "j.txt", "g.txt"))
    docx.Document().save(empty)
    with_footer = docx.Document()
    with_footer.sections[0].footer.paragraphs[0].text = "第 1 页 共 1 页"
    with_footer.save(footer)
    junk.write_text("来源：示县科协  浏览次数：12\n\n发布时间：2023-07-12 09:30\n", "utf-8")
    good.write_text("甲县科协2023年工作总结\n\n全年举办讲座5场。\n", "utf-8")
    done = run("import", str(empty), str(footer), str(junk), str(good), "-o", str(tmp_path / "o"))
    assert done.exit_code == 1
    for name in ("e.docx", "f.docx", "j.txt"):
        assert f"{tmp_path / name}：没有可导入的文字" in done.output
    assert "1 份导入，3 份失败" in done.output
    assert [p.name for p in (tmp_path / "o").glob("*.yaml")] == ["g.yaml"]


def test_help_is_chinese_with_examples():
    done = run("import", "--help")
    assert done.exit_code == 0
    assert "导入已有的材料" in done.output and "示例：kxreport import" in done.output


# --- round trip --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["linfen-2022", "changzhi-2022-plan", "demo-2022", "baoan-2020", "sample-2023-report"]
)
def test_importing_a_docx_kxreport_built_gives_back_the_same_text(tmp_path, name):
    first = run("build", str(ROOT / "examples" / f"{name}.yaml"), "-o", str(tmp_path / "a"))
    assert first.exit_code == 0, first.output
    back = tmp_path / f"{name}.yaml"
    done = run("import", str(tmp_path / "a" / f"{name}.docx"), "-o", str(back))
    assert done.exit_code == 0, done.output
    assert_strict_but_the_date(back)
    again = run("build", str(back), "-o", str(tmp_path / "b"), "-f", "md")
    assert again.exit_code == 0, again.output

    def blocks(path: Path) -> tuple[list[str], set[str]]:
        parts = [p for p in path.read_text("utf-8").split("\n\n") if p.strip()]
        rows = {line for p in parts if p.startswith("|") for line in p.splitlines()[2:]}
        rows = {re.sub(r"^\| \d+ ", "", row) for row in rows}  # 序号 follows the order
        return [p for p in parts if not p.startswith("|")], rows

    assert blocks(tmp_path / "b" / f"{name}.md") == blocks(tmp_path / "a" / f"{name}.md")


def test_org_year_and_kind_given_on_the_command_line_win_over_guesses(tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(
        "上半年工作情况\n\n今年以来，我们开展科普活动12场。\n\n组织培训班3期，培训农民500余人次。\n",
        "utf-8",
    )
    out = tmp_path / "a.yaml"
    done = run(
        "import", str(source), "-o", str(out),
        "--org", "延边朝鲜族自治州科学技术协会", "--year", "2023", "--kind", "plan",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    doc = load(out).model
    assert doc is not None
    assert (doc.org.name, doc.org.short_name, doc.org.level) == (
        "延边朝鲜族自治州科学技术协会",
        "延边朝鲜族自治州科协",
        "州",
    )
    assert (doc.year, doc.kind, doc.period) == (2023, "plan", "half")
    # the opening's numbers are the overview's counts (what was done); in a plan, the
    # items' numbers are targets
    assert [str(f.value) for f in doc.figures("counts")] == ["12场"]
    assert {str(f.value) for f in doc.figures("targets")} == {"3期", "500余人次"}
    bad = run("import", str(source), "--kind", "report")
    assert bad.exit_code == 2 and "--kind 只能是 summary、plan" in bad.output
