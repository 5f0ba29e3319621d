from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.compare import change_text, compare, percent
from kxreport.loader import load
from kxreport.render import render_markdown, year_range
from kxreport.values import Count

from .conftest import EXAMPLES, MINIMAL

C = Count.parse


@pytest.mark.parametrize(
    ("now", "before", "text"),
    [
        ("66场", "52场", "同比增长26.9%"),
        ("2850人次", "2600人次", "同比增长9.6%"),
        (90, 100, "同比下降10%"),
        (100, 100, "与上年持平"),
        ("45.2%", "42.1%", "同比提高3.1个百分点"),
        ("38.9%", "42%", "同比下降3.1个百分点"),
        ("近万", 8600, None),
        ("30余", 20, None),
        (5, 0, None),
    ],
)
def test_change_text(now, before, text):
    assert change_text(C(now), C(before)) == text


def test_percent_rounding():
    assert percent(Decimal("26.923")) == "26.9"
    assert percent(Decimal("50.0")) == "50"
    assert percent(Decimal("0.05")) == "0.1"


@pytest.mark.parametrize(
    ("written", "official"),
    [
        (2130000, "213万"),
        (1250000, "125万"),
        (720000, "72万"),
        (350000000, "3.5亿"),
        (4800, "4800"),
        (99999, "99999"),
        (2135678, "2135678"),
        (123456789, "123456789"),
    ],
)
def test_large_numbers_use_wan_and_yi_only_without_losing_digits(written, official):
    assert str(C(written)) == official
    assert C(written).value == written


def test_year_range_uses_an_em_dash():
    assert year_range(2021, 2025) == "2021—2025年"


def test_demo_pair_compares_by_key():
    result = load(EXAMPLES / "demo-2023.yaml")
    assert result.ok and result.diagnostics == []
    comparison = compare(result.model, result.previous.model)
    lectures = comparison.get("lectures")
    assert (str(lectures.current), str(lectures.previous), str(lectures.target)) == (
        "66场",
        "52场",
        "60场",
    )
    assert lectures.change == "同比增长26.9%"
    assert (lectures.completion_rate, lectures.status) == ("110%", "完成")
    trainees = comparison.get("trainees")
    assert (trainees.completion_rate, trainees.status) == ("95%", "未完成")
    audience = comparison.get("audience")
    assert audience.change is None  # 近万 is vague: no 同比
    assert [row.key for row in comparison.with_targets] == [
        "lectures",
        "e_stations",
        "trainees",
        "members",
        "reports",
    ]


def test_demo_output_shows_yoy_and_completion():
    result = load(EXAMPLES / "demo-2023.yaml")
    text = render_markdown(result.model, None, result.previous.model)
    assert "| 1 | 举办科普讲座 | 66场 | 52场 | 同比增长26.9% |" in text
    assert "| 3 | 农民实用技术培训 | 3000人次 | 2850人次 | 95% | 未完成 |" in text
    # the comparison is an annex: listed in the 附件说明 and titled on its own page
    assert "\n2\\.2023年计划指标完成情况\n" in text
    assert "\n# 2023年计划指标完成情况\n" in text


def test_status_with_approximate_and_vague_values():
    from kxreport.compare import Row

    assert Row("k", "x", C("30余"), None, C(30)).status == "完成"
    assert Row("k", "x", C("数十"), None, C(30)).status == "待核实"
    assert Row("k", "x", None, None, C(30)).status == "未填报"


def test_previous_problems_are_reported_at_the_previous_field(tmp_path, write_yaml):
    path = write_yaml(MINIMAL + "previous: 2022.yaml\n")
    (missing,) = load(path).diagnostics
    assert missing.format() == f"{path}:8:11: 错误: 找不到上一年度文件：{tmp_path / '2022.yaml'}"
    (tmp_path / "2022.yaml").write_text("year: 20xx\n", encoding="utf-8")
    result = load(path)
    assert [d.code for d in result.diagnostics] == ["previous-invalid"]
    (tmp_path / "2022.yaml").write_text(
        MINIMAL.replace("year: 2023", "year: 2020"), encoding="utf-8"
    )
    assert [d.code for d in load(path).diagnostics] == ["previous-year"]


def test_paragraph_copied_from_last_year_is_a_warning(tmp_path):
    shutil.copy(EXAMPLES / "demo-2022.yaml", tmp_path / "demo-2022.yaml")
    copied = (
        (EXAMPLES / "demo-2023.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "closing: 2024年，县科协将以更加务实的作风，推动全县科协工作再上新台阶。",
            "closing: |\n  县科协党支部严格落实“三会一课”制度，全年开展集中学习24次，\n"
            "  以党建引领科协业务工作提质增效。",
        )
    )
    path = tmp_path / "demo-2023.yaml"
    path.write_text(copied, encoding="utf-8")
    result = load(path)
    assert [d.code for d in result.diagnostics] == ["copied"]
    assert "与上一年度文件" in result.diagnostics[0].message
    nearly = copied.replace("全年开展集中学习24次", "全年开展集中学习25次")
    path.write_text(nearly, encoding="utf-8")
    (diagnostic,) = load(path).diagnostics
    assert diagnostic.message.endswith("中的段落几乎相同：是不是照抄了去年的文字？")


def test_stats_prints_every_indicator():
    result = CliRunner().invoke(app, ["stats", str(EXAMPLES / "demo-2023.yaml")])
    assert result.exit_code == 0, result.output
    for needle in ["lectures", "66场", "52场", "同比增长26.9%", "60场", "110%", "未完成"]:
        assert needle in result.output


def test_stats_of_a_broken_file_exits_1(write_yaml):
    result = CliRunner().invoke(app, ["stats", str(write_yaml("year: x\n"))])
    assert result.exit_code == 1
