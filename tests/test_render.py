from __future__ import annotations

import datetime as dt

import pytest

from kxreport.errors import TemplateError, UsageError
from kxreport.model import YearFile
from kxreport.render import (
    cn_date,
    cn_number,
    normalise_markdown,
    ordinal,
    paragraphs,
    quote,
    render_markdown,
    sentence,
)
from kxreport.text import md_escape
from kxreport.values import Count, Period


def doc(**extra) -> YearFile:
    data = {
        "org": {"name": "示例县科学技术协会", "short_name": "示例县科协", "level": "县"},
        "year": 2023,
        "kind": "summary",
        "date": "2024-01-10",
    }
    data.update(extra)
    return YearFile.model_validate(data)


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (21, "二十一"),
        (99, "九十九"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (999, "九百九十九"),
    ],
)
def test_cn_number(n, text):
    assert cn_number(n) == text


def test_ordinals_of_the_four_heading_levels():
    assert [ordinal(3, level) for level in (1, 2, 3, 4)] == ["三、", "（三）", "3.", "（3）"]
    assert ordinal(12, 1) == "十二、"
    with pytest.raises(ValueError):
        ordinal(1, 5)


def test_dates_without_zero_padding():
    assert cn_date(dt.date(2023, 1, 10)) == "2023年1月10日"
    assert cn_date(Period.parse("2022-09")) == "2022年9月"
    assert cn_date(Period.parse("2022-01/2022-11")) == "2022年1—11月"
    assert cn_date(Period.parse("2022-11/2023-02")) == "2022年11月—2023年2月"
    assert cn_date(Period.parse("2022-09-17/2022-09-23")) == "2022年9月17日—23日"
    assert cn_date(Period.parse("2022-09-28/2022-10-03")) == "2022年9月28日—10月3日"
    assert cn_date(Period.parse("2022-12-30/2023-01-02")) == "2022年12月30日—2023年1月2日"


def test_markdown_escaping_keeps_user_text_literal():
    assert (
        md_escape("社区的群防群治离不开他们，******分子")
        == r"社区的群防群治离不开他们，\*\*\*\*\*\*分子"
    )
    assert md_escape("1.规范制度") == r"1\.规范制度"
    assert md_escape("# 标题") == r"\# 标题"
    assert md_escape("- 列表") == r"\- 列表"
    assert md_escape("<b>粗</b>") == r"\<b\>粗\</b\>"
    assert md_escape("2021—2025年，近万名") == "2021—2025年，近万名"


def test_paragraphs_join_wrapped_lines_without_spaces():
    assert paragraphs("第一段第一行\n第一段第二行\n\n第二段\n") == [
        "第一段第一行第一段第二行",
        "第二段",
    ]
    assert paragraphs(None) == []


def test_sentence_and_quote():
    assert sentence("规范制度，加强联系") == "规范制度，加强联系。"
    assert sentence("已经结束。") == "已经结束。"
    assert sentence("以逗号结尾，") == "以逗号结尾。"
    assert quote("浮山县科协“三进”活动") == "“浮山县科协‘三进’活动”"


def test_normalise_markdown_collapses_blank_lines():
    assert normalise_markdown("a  \n\n\n\nb\n\n") == "a\n\nb\n"


def test_default_title_and_signature():
    text = render_markdown(doc())
    assert text.splitlines()[0] == "# 示例县科协2023年工作总结"
    assert text.splitlines()[-1] == '<p align="right">示例县科学技术协会<br>2024年1月10日</p>'
    plan = render_markdown(doc(kind="plan", issuer="中共示例县科协党组"))
    assert plan.splitlines()[0] == "# 示例县科协2023年工作要点"
    assert plan.splitlines()[-1] == '<p align="right">中共示例县科协党组<br>2024年1月10日</p>'


def test_headings_stay_contiguous_when_an_empty_section_is_omitted():
    text = render_markdown(
        doc(
            sections=[
                {"kind": "party", "intro": "加强党建。"},
                {"kind": "scientists"},
                {"kind": "popularization", "intro": "科普。"},
                {"kind": "next_year", "intro": "计划。"},
                {"kind": "custom", "title": "开展禁毒宣传", "intro": "禁毒。"},
            ]
        )
    )
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## 一、全面加强党的建设",
        "## 二、提升全民科学素质",
        "## 三、2024年工作计划",
        "## 四、开展禁毒宣传",
    ]


def test_a_custom_part_without_title_has_no_heading_and_takes_no_number():
    text = render_markdown(
        doc(
            sections=[
                {"kind": "custom", "items": [{"text": "新闻稿的第一段。"}, {"text": "第二段。"}]},
                {"kind": "party", "intro": "加强党建。"},
                {"kind": "custom", "intro": "没有标题的一段。"},
                {"kind": "custom", "title": "开展禁毒宣传", "intro": "禁毒。"},
            ]
        )
    )
    lines = [line for line in text.splitlines() if line]
    headings = [line for line in lines if line.startswith("## ")]
    assert headings == ["## 一、全面加强党的建设", "## 二、开展禁毒宣传"]
    assert lines.index("新闻稿的第一段。") < lines.index("第二段。") < lines.index(headings[0])
    assert lines.index(headings[0]) < lines.index("没有标题的一段。") < lines.index(headings[1])


def test_items_are_numbered_by_level_and_headless_items_are_plain_paragraphs():
    text = render_markdown(
        doc(
            sections=[
                {
                    "kind": "innovation",
                    "items": [
                        {
                            "heading": "聚焦研发",
                            "items": [
                                {
                                    "heading": "建设研发机构",
                                    "text": "引进研究院。",
                                    "items": [
                                        {"heading": "签约", "text": "签约3家。"},
                                        {"heading": "落地", "text": "落地2家。"},
                                    ],
                                },
                                {"heading": "填报辅导", "text": "录制短视频。"},
                            ],
                        },
                        {"text": "没有小标题的段落。"},
                        {"heading": "聚焦企业", "text": "国高申报3764家。"},
                    ],
                }
            ]
        )
    )
    body = text.split("## 一、服务创新驱动发展\n\n", 1)[1].rsplit("\n\n<p", 1)[0]
    assert body.split("\n\n") == [
        "### （一）聚焦研发",
        "#### 1.建设研发机构",
        "引进研究院。",
        "**（1）签约**。签约3家。",
        "**（2）落地**。落地2家。",
        "**2.填报辅导**。录制短视频。",
        "没有小标题的段落。",
        "**（二）聚焦企业**。国高申报3764家。",
    ]


def test_items_without_text_are_written_from_their_facts():
    text = render_markdown(
        doc(
            sections=[
                {
                    "kind": "popularization",
                    "items": [
                        {
                            "heading": "全国科普日",
                            "activities": [
                                {
                                    "name": "全国科普日主场活动",
                                    "date": "2023-09-16",
                                    "place": "县科技馆",
                                    "organizers": ["县科协"],
                                    "partners": ["县教育局"],
                                    "participants": "2000余人次",
                                },
                                {"name": "科普讲座", "participants": 300},
                            ],
                            "counts": [
                                {"label": "发放资料", "value": "5000余份"},
                                {"label": "解答咨询", "value": "200余条"},
                            ],
                        },
                        {
                            "heading": "计划",
                            "targets": [{"label": "新增国高企业", "value": 50, "unit": "家"}],
                        },
                        {
                            "heading": "获得表彰",
                            "honours": [{"name": "优秀组织单位", "by": ["市科协"], "verb": "评为"}],
                        },
                    ],
                }
            ]
        )
    )
    assert (
        "**（一）全国科普日**。2023年9月16日，县科协联合县教育局在县科技馆开展全国科普日主场活动，"
        "2000余人次参加。开展科普讲座，300人参加。发放资料5000余份，解答咨询200余条。"
    ) in text
    assert "**（二）计划**。新增国高企业50家。" in text
    assert "**（三）获得表彰**。示例县科协被市科协评为“优秀组织单位”。" in text


def test_section_honours_close_the_section():
    text = render_markdown(
        doc(
            sections=[
                {
                    "kind": "popularization",
                    "intro": "科普工作。",
                    "honours": [
                        {
                            "name": "全国科普日活动优秀组织单位",
                            "by": "中科协",
                            "recipients": ["市科协", "翼城县科协"],
                            "verb": "评为",
                        },
                        {
                            "name": "全国科普日优秀特色活动",
                            "by": "中国科协",
                            "recipients": ["吉县科协活动"],
                            "verb": "评为",
                        },
                    ],
                }
            ]
        )
    )
    assert (
        "2023年，市科协、翼城县科协被中科协评为“全国科普日活动优秀组织单位”；"
        "吉县科协活动被中国科协评为“全国科普日优秀特色活动”。"
    ) in text


def test_opening_from_approach_when_no_text_and_single_own_honour():
    text = render_markdown(
        doc(
            overview={"approach": "“1135”工作思路", "standing": "整体工作位列全市前列"},
            honours=[{"name": "节约型机关", "by": ["国管局"]}],
        )
    )
    assert "2023年，示例县科协坚持“1135”工作思路。" in text
    assert "2023年示例县科协被国管局授予“节约型机关”荣誉。整体工作位列全市前列。" in text


def test_user_text_with_markdown_or_jinja_is_printed_literally():
    text = render_markdown(doc(closing="**县科协 {{ doc.year }} {% raw %} 1. 完成"))
    assert r"\*\*县科协 {{ doc.year }} {% raw %} 1. 完成" in text


def test_user_templates_override_packaged_ones_by_name(tmp_path):
    (tmp_path / "summary.md.j2").write_text(
        '{% import "_macros.md.j2" as m %}# 自定义：{{ doc.org.short }}{{ doc.year }}\n\n{{ m.signature(doc) }}',
        encoding="utf-8",
    )
    text = render_markdown(doc(), tmp_path)
    assert (
        text
        == '# 自定义：示例县科协2023\n\n<p align="right">示例县科学技术协会<br>2024年1月10日</p>\n'
    )
    # the plan template was not overridden and still comes from the package
    assert render_markdown(doc(kind="plan"), tmp_path).startswith("# 示例县科协2023年工作要点")


def test_missing_value_in_a_template_fails_instead_of_leaving_a_blank(tmp_path):
    (tmp_path / "summary.md.j2").write_text("# {{ doc.org.short }}\n{{ doc.org.no_such_field }}\n")
    with pytest.raises(TemplateError) as caught:
        render_markdown(doc(), tmp_path)
    assert "模板引用了不存在的值" in str(caught.value)
    assert "summary.md.j2:2" in str(caught.value)


def test_template_syntax_error_names_the_file_and_line(tmp_path):
    (tmp_path / "summary.md.j2").write_text("# 标题\n{% if %}\n")
    with pytest.raises(TemplateError, match=r"summary.md.j2:2: 模板语法错误"):
        render_markdown(doc(), tmp_path)


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ("{% if doc.year %}年度", "模板语法错误：模板在“if”块结束之前就结束了：缺少 {% endif %}"),
        (
            "{% for s in doc.sections %}{{ s.title }}{% endif %}",
            "模板语法错误：这里不能用“endif”：先要用 {% endfor %} 结束“for”块",
        ),
        ("{% if %}{% endif %}", "模板语法错误：这里应写一个值或表达式，却遇到了“%}”"),
        ("{{ doc.year doc.kind }}", "模板语法错误：这里应是“}}”，却遇到了“doc”"),
        ("{% shout %}", "模板语法错误：不认识的标签“shout”"),
        ("{{ doc.year | shout }}", "模板语法错误：没有名为“shout”的过滤器"),
        ("{{ 'abc }}", "模板语法错误：这里不应出现“'”（引号没有配对？）"),
        ("{{ year }}", "模板引用了不存在的值：没有名为“year”的值"),
        ("{{ name }}", "模板引用了不存在的值：没有名为“name”的值"),  # not a token's name
        ("{% macro %}{% endmacro %}", "模板语法错误：这里应写一个名称，却遇到了“%}”"),
        # the first name that is missing, not the last one looked up on it
        ("{{ doc.orgg.name }}", "模板引用了不存在的值：YearFile 没有“orgg”这一项"),
        ("{{ doc.sections[99].title }}", "模板引用了不存在的值：列表里没有第 99 项（从 0 数起）"),
    ],
)
def test_what_is_wrong_with_a_template_is_said_in_chinese(tmp_path, template, said):
    (tmp_path / "summary.md.j2").write_text(template + "\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render_markdown(doc(), tmp_path)
    assert str(caught.value) == f"{tmp_path / 'summary.md.j2'}:1: {said}"


def test_a_missing_value_is_still_defined_false_in_a_test(tmp_path):
    (tmp_path / "summary.md.j2").write_text(
        "{% if doc.orgg.name is defined %}有{% else %}无{% endif %}\n", encoding="utf-8"
    )
    assert render_markdown(doc(), tmp_path) == "无\n"


def test_templates_are_sandboxed(tmp_path):
    (tmp_path / "summary.md.j2").write_text("{{ doc.__class__.__mro__ }}\n")
    with pytest.raises(TemplateError):
        render_markdown(doc(), tmp_path)


def test_missing_template_folder_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="模板文件夹不存在"):
        render_markdown(doc(), tmp_path / "nope")


def test_amount_filter_uses_default_unit_only_when_none_written():
    from kxreport.render import count_text

    assert count_text(Count.parse("300余"), "人") == "300余人"
    assert count_text(Count.parse("300余名"), "人") == "300余名"


@pytest.mark.parametrize(
    "attack",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ doc.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__.os.system('touch pwned') }}",
        "{{ doc.org.__class__.__base__.__subclasses__() }}",
        "{% include '/etc/passwd' %}",
        "{% include '../../../../etc/passwd' %}",
        "{% import 'os' as os %}",
    ],
)
def test_user_templates_cannot_reach_files_or_code(tmp_path, attack, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "summary.md.j2").write_text(attack + "\n", encoding="utf-8")
    with pytest.raises(TemplateError):
        render_markdown(doc(), tmp_path)
    assert not (tmp_path / "pwned").exists()


def test_the_annex_page_template_knows_every_kind_of_table():
    """The kinds of annex are listed once (render.AnnexKind); the template that prints an
    annex page picks the table by kind, so it must know every one."""
    from kxreport.render import ANNEX_KINDS

    from .conftest import ROOT

    macros = (ROOT / "templates" / "_macros.md.j2").read_text("utf-8")
    tables = [kind for kind in ANNEX_KINDS if kind != "attachment"]
    assert tables and all(f'a.kind == "{kind}"' in macros for kind in tables)
