"""The document model and the strict parser of the template output: every convention gives
its typed block, and everything outside them stops the build with a message naming the
template and the line — never a traceback, never silent loss."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.document import (
    Heading,
    PageBreak,
    Paragraph,
    Recipients,
    Signature,
    Table,
    Title,
    parse,
)
from kxreport.errors import TemplateError
from kxreport.numbering import TOLERANT, ordinal, split

from .conftest import MINIMAL

runner = CliRunner()

CONVENTIONS = """\
# 示例县科协2023年工作总结

<!-- 主送机关 -->
各乡镇科协，县直各学会：

## 一、党建引领

### （一）规范制度

**（二）强化引领**。全年学习12次。

**1.学会建设**。新建学会3个。

**（1）社区**。覆盖8个社区。

**坚持创新**。没有编号的段首小标题。

#### 1.三级标题

##### （1）四级标题

正文 R\\&D \\*不是斜体\\*。

<p align="right">示例县科学技术协会<br>2024年1月10日</p>

**2023年主要工作指标**

| 序号 | 指标 | 数值 |
|:---:|:---|---:|
| 1 | 科普讲座 | 30余场 |
"""


def test_every_convention_gives_its_typed_block():
    blocks = parse(CONVENTIONS, "summary.md.j2").blocks
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == [
        "Title", "Recipients", "Heading", "Heading", "Paragraph", "Paragraph", "Paragraph",
        "Paragraph", "Heading", "Heading", "Paragraph", "Signature", "PageBreak", "Table",
    ]  # fmt: skip
    title, recipients, h1, h2, p2, p3, p4, plain, h3, h4, text, signature, _, table = blocks
    assert isinstance(title, Title) and title.text == "示例县科协2023年工作总结"
    assert isinstance(recipients, Recipients) and recipients.text == "各乡镇科协，县直各学会："
    assert isinstance(h1, Heading) and (h1.level, h1.number) == (1, "一、")
    assert isinstance(h2, Heading) and (h2.level, h2.number) == (2, "（一）")
    assert isinstance(h3, Heading) and (h3.level, h3.number, h3.text) == (3, "1.", "1.三级标题")
    assert isinstance(h4, Heading) and (h4.level, h4.number) == (4, "（1）")
    # run-in headings carry their level and number as data, read by the one grammar
    assert [(p.lead, p.lead_level) for p in (p2, p3, p4, plain)] == [
        ("（二）强化引领。", 2),
        ("1.学会建设。", 3),
        ("（1）社区。", 4),
        ("坚持创新。", None),
    ]
    assert isinstance(p2, Paragraph) and p2.text == "（二）强化引领。全年学习12次。"
    assert isinstance(text, Paragraph) and text.text == "正文 R&D *不是斜体*。"
    assert isinstance(signature, Signature)
    assert (signature.issuer, signature.date) == ("示例县科学技术协会", "2024年1月10日")
    assert isinstance(table, Table) and table.caption == "2023年主要工作指标"
    assert table.header == ["序号", "指标", "数值"] and table.rows == [["1", "科普讲座", "30余场"]]
    assert table.align == ["center", "left", "right"]


def test_only_the_first_table_after_the_signature_opens_a_new_page():
    text = CONVENTIONS + "\n**第二张表**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    blocks = parse(text).blocks
    assert sum(isinstance(b, PageBreak) for b in blocks) == 1
    before = parse("| a | b |\n|---|---|\n| 1 | 2 |\n").blocks
    assert not any(isinstance(b, PageBreak) for b in before)


@pytest.mark.parametrize(
    ("markdown", "line", "what"),
    [
        ("# 标题\n\n###### 五级\n", 3, "第 5 级标题（######）：只有四级标题"),
        ("# 标题\n\n```\ncode\n```\n", 3, "代码块"),
        ("# 标题\n\n    缩进的代码\n", 3, "代码块（缩进四格的行）"),
        ("# 标题\n\n- 一\n- 二\n", 3, "列表"),
        ("# 标题\n\n1. 一\n2. 二\n", 3, "编号列表"),
        ("# 标题\n\n> 引用\n", 3, "引用"),
        ("# 标题\n\n---\n", 3, "分隔线"),
        ("# 标题\n\n<div>块</div>\n", 3, "HTML 块"),
        ("# 标题\n\n正文\n===\n", 3, "下划线式标题"),
        ("# 标题\n\n正文*斜体*\n", 3, "斜体"),
        ("# 标题\n\n[链接](http://x)\n", 3, "链接"),
        ("# 标题\n\n![图](x.png)\n", 3, "图片"),
        ("# 标题\n\n正文<b>粗</b>\n", 3, "HTML 标签"),
        ("# 标题\n\n`code`\n", 3, "行内代码"),
        ("# 标题\n\n| a |\n|---|\n| [x](y) |\n", 5, "链接"),  # the row itself
    ],
)
def test_anything_outside_the_conventions_is_a_message_with_template_and_line(markdown, line, what):
    with pytest.raises(TemplateError) as caught:
        parse(markdown, "my/summary.md.j2")
    message = str(caught.value)
    assert message.startswith(f"my/summary.md.j2：生成的第 {line} 行“")
    assert f"是{what}：文档只能有标题" in message


def test_a_user_template_writing_a_list_stops_the_build_naming_it(tmp_path):
    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "summary.md.j2").write_text(
        "# {{ doc.title or doc.default_title }}\n\n- 第一项\n- 第二项\n", encoding="utf-8"
    )
    done = runner.invoke(
        app, ["build", str(tmp_path / "2023.yaml"), "-f", "md", "--templates", str(folder)]
    )
    assert done.exit_code == 1
    assert f"{folder / 'summary.md.j2'}：生成的第 3 行“- 第一项”是列表" in done.output
    assert not (tmp_path / "2023.md").exists()  # nothing written, not even the Markdown
    assert "Traceback" not in done.output


def test_numbering_grammar_reads_back_what_ordinal_writes():
    for level in (1, 2, 3, 4):
        for n in (1, 9, 10, 12, 21, 100):
            number = ordinal(n, level)
            assert split(number + "标题") == (level, number, "标题")
    assert split("2.5亿元") == (None, "", "2.5亿元")
    assert split("（一）") == (2, "（一）", "")


def test_tolerant_grammar_reads_the_strict_one_and_what_people_type():
    """import's grammar accepts every number ordinal() writes at the same level (so a
    kxreport document imports back), and the variants typed in Word and on web pages."""

    def level_of(text: str) -> int | None:
        return next((lv for lv, p in TOLERANT.items() if p.match(text)), None)

    for level in (1, 2, 3, 4):
        for n in (1, 9, 10, 12):
            assert level_of(ordinal(n, level) + "标题") == level, (n, level)
    typed = {"一.标题": 1, "三，标题": 1, "(二)标题": 2, "1、标题": 3, "2)标题": 3, "(3)标题": 4}
    for text, level in {**typed, "②标题": 4}.items():
        assert level_of(text) == level, text
    assert level_of("2.5亿元") is None
