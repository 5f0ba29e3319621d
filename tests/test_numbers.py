"""The counts written in prose (import, fmt --counts, the figures-vs-prose check), the
punctuation check and fix, and what the model now holds (levels, periods, dates)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load
from kxreport.model import YearFile
from kxreport.numbers import mentions, written_in
from kxreport.values import Count

runner = CliRunner()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("召开座谈会30余次，收集问题共计32项。", [("30余次", "召开座谈会"), ("32项", "收集问题")]),
        ("受众达数十万人次", [("数十万人次", "受众")]),
        ("举办四场心理健康讲座，百余人参加", [("四场", "举办心理健康讲座"), ("百余人", "参加")]),
        ("建成各类创新产业空间达860多万平方米", [("860多万平方米", "建成各类创新产业空间")]),
        ("覆盖率达95%，科技型企业2,588家", [("95%", "覆盖率"), ("2,588家", "科技型企业")]),
        ("871名同学参加线下活动", [("871名", "同学参加线下活动")]),
    ],
)
def test_counts_with_their_labels(text, found):
    assert [(m.written, m.label) for m in mentions(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "2022年7月31日召开",  # a date
        "1-11月产值增长",  # months
        "《纲要（2021—2025年）》",  # inside a title
        "坚持“1135”工作思路，统筹“5×3”工作矩阵，“三会一课”",  # quoted names
        "第37届大赛、第八届竞赛、十九届六中全会",  # ordinals
        "统一部署，千方百计，万众一心，5G网络，一是加强",  # words, codes, enumerations
        "党的二十大和十九届历次全会",
    ],
)
def test_not_counts(text):
    assert mentions(text) == []


def test_every_mention_reads_back_through_the_count_grammar():
    text = "开展活动20余场，近万名学生参加，发放图书3万余本，受众约3000人次，培训两期。"
    for mention in mentions(text):
        count = Count.parse(mention.written)
        assert count == mention.count
        assert written_in(text, count)


def test_figure_check_does_not_find_a_count_inside_a_longer_number():
    assert not written_in("新增产业技术创新联盟32个", Count.parse("2个"))
    assert written_in("科技型企业2,588家", Count.parse("2588家"))


MINIMAL = """\
org: {name: 示例县科学技术协会, level: 县}
year: 2023
kind: summary
sections:
  - kind: popularization
    items:
      - heading: 科普讲座
        text: 全年举办科普讲座66场,受众达5000余人次(含线上)。
        counts:
          - {key: lectures, label: 举办科普讲座, value: 66场}
date: 2024-01-10
"""


def test_half_width_punctuation_is_a_warning_with_line_and_column(write_yaml):
    path = write_yaml(MINIMAL)
    result = load(path)
    found = [d for d in result.diagnostics if d.code == "punctuation"]
    assert [(d.line, d.severity) for d in found] == [(8, "warning")] * 3
    assert "“,”是半角标点：中文里应写全角“，”" in found[0].message
    assert found[0].column == MINIMAL.splitlines()[7].index(",") + 1
    strict = runner.invoke(app, ["validate", "--strict", str(path)])
    assert strict.exit_code == 1


def test_fmt_punctuation_and_counts_rewrite_in_place_keeping_comments(write_yaml):
    path = write_yaml("# 我的注释\n" + MINIMAL)
    done = runner.invoke(app, ["fmt", "--punctuation", "--counts", str(path)])
    assert done.exit_code == 0, done.output
    text = path.read_text("utf-8")
    assert text.startswith("# 我的注释\n")
    assert "全年举办科普讲座66场，受众达5000余人次（含线上）。" in text
    assert "value: 5000余人次" in text and text.count("value: 66场") == 1
    result = load(path)
    assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]
    again = runner.invoke(app, ["fmt", "--counts", str(path)])
    assert "正文里的数字都已记录，未修改" in again.output


def test_a_value_failing_only_for_traditional_characters_says_fmt_simplified(write_yaml):
    path = write_yaml(MINIMAL.replace("level: 县", "level: 縣").replace("66场}", "超過66場}"))
    done = runner.invoke(app, ["validate", str(path)])
    assert done.exit_code == 1
    assert done.output.count("其中有繁体字：先运行 kxreport fmt --simplified") == 2


BASE = {"org": {"name": "延边朝鲜族自治州科学技术协会", "level": "州"}, "year": 2023}


def test_levels_periods_and_dates_real_documents_use():
    from kxreport.scaffold import guess_level

    assert [
        guess_level(n)
        for n in (
            "延边朝鲜族自治州科协",
            "阿拉善盟科协",
            "某某镇科协",
            "大兴安岭地区科协",
            "某旗科协",
        )
    ] == ["州", "盟", "乡镇", "地区", "县"]
    doc = YearFile.model_validate(
        {
            **BASE,
            "kind": "summary",
            "period": "half",
            "source": {"name": "延边新闻网", "date": "2023-07-20"},
            "honours": [{"name": "先进集体", "by": "省科协", "date": "6月"}],
            "sections": [
                {
                    "kind": "party",
                    "items": [{"activities": [{"name": "讲座", "date": "7月31日"}]}],
                }
            ],
        }
    )
    assert doc.default_title == "延边朝鲜族自治州科学技术协会2023年上半年工作总结"
    assert doc.sections[0].items[0].activities[0].date.iso() == "2023-07-31"
    assert doc.honours[0].date.iso() == "2023-06"
    assert str(doc.source.date) == "2023-07-20" and doc.date is None


def test_fmt_counts_leaves_out_a_label_with_a_placeholder(write_yaml):
    path = write_yaml(
        MINIMAL.replace(
            "全年举办科普讲座66场,受众达5000余人次(含线上)。",
            "全年举办科普讲座66场，为137家企业促成亿元贷款。",
        )
    )
    before = path.read_bytes()
    # the slot is an error: fmt --counts leaves a file validate rejects as it is
    done = runner.invoke(app, ["fmt", "--counts", str(path)])
    assert done.exit_code == 1 and "未修改" in done.output
    assert path.read_bytes() == before
    # and the extractor never records the slot's label
    from ruamel.yaml import YAML

    from kxreport.fmt import _add_counts

    data = YAML().load(before.decode("utf-8"))
    _add_counts(data)
    labels = [
        str(figure["label"])
        for section in data["sections"]
        for item in section.get("items") or []
        for figure in item.get("counts") or []
    ]
    assert labels and not any("亿元贷款" in label for label in labels), labels


OPENING = """\
org: {name: 示例县科学技术协会, short_name: 县科协, level: 县}
year: 2023
kind: summary
overview:
  text: 全年开展各类科普活动300余场，受众达5.2万人次。
  counts:
    - {key: activities, label: 开展各类科普活动, value: 300余场}
sections:
  - kind: popularization
    items:
      - heading: 科普讲座
        text: 全年举办科普讲座66场。
        counts:
          - {key: lectures, label: 举办科普讲座, value: 66场}
date: 2024-01-10
"""


def test_the_openings_counts_are_checked_against_its_text_and_keys_are_shared(write_yaml):
    result = load(write_yaml(OPENING))
    assert result.ok and not result.diagnostics, [d.format() for d in result.diagnostics]
    assert [f.key for f in result.model.figures("counts")] == ["activities", "lectures"]
    wrong = load(write_yaml(OPENING.replace("value: 300余场", "value: 310余场")))
    found = [d for d in wrong.diagnostics if d.code == "figure-prose"]
    assert [(d.line, d.severity) for d in found] == [(7, "error")]
    assert "开篇里写的是“" in found[0].message and "300余场”" in found[0].message
    clash = load(write_yaml(OPENING.replace("key: lectures", "key: activities")))
    assert [d.line for d in clash.diagnostics if d.code == "duplicate-figure-key"] == [14]


def test_fmt_counts_fills_the_opening_too(write_yaml):
    path = write_yaml(OPENING)
    done = runner.invoke(app, ["fmt", "--counts", str(path)])
    assert done.exit_code == 0, done.output
    overview = load(path).model.overview
    assert [str(f.value) for f in overview.counts] == ["300余场", "5.2万人次"]
    assert overview.counts[1].label == "受众"


def test_opening_counts_without_opening_text_are_written_as_a_sentence(write_yaml, tmp_path):
    path = write_yaml(
        OPENING.replace("  text: 全年开展各类科普活动300余场，受众达5.2万人次。\n", "")
    )
    done = runner.invoke(app, ["build", str(path), "-o", str(tmp_path / "out"), "-f", "md"])
    assert done.exit_code == 0, done.output
    built = (tmp_path / "out" / "2023.md").read_text("utf-8")
    assert "\n\n开展各类科普活动300余场。\n\n" in built
    # next year's file keeps the opening's keys to fill in
    from kxreport.scaffold import scaffold

    text = scaffold(None, 2024, "summary", previous=load(path).model)
    opening = text.split("\noverview:")[1].split("\nhonours:")[0]
    assert "key: activities" in opening and "300余场" not in opening


def test_straight_quotes_around_a_name_without_chinese_inside_become_chinese_quotes():
    from kxreport.text import normalize_punctuation

    assert normalize_punctuation('推进"3+1"基层组织建设') == "推进“3+1”基层组织建设"
    assert normalize_punctuation('print("a")') == 'print("a")'
