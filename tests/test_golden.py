"""The shipped examples render to exactly the Markdown in tests/golden/."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kxreport.loader import load
from kxreport.render import render_markdown

from .conftest import EXAMPLES

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(EXAMPLES.glob("*.yaml"))


def _render(path: Path) -> str:
    result = load(path)
    assert result.ok, [d.format() for d in result.diagnostics]
    # the only warning a shipped example may keep: a 成文日期 its source never gave
    assert [d.code for d in result.diagnostics if d.code != "missing-date"] == []
    return render_markdown(result.model)


@pytest.mark.parametrize("example", CASES, ids=[c.stem for c in CASES])
def test_example_matches_golden(example: Path):
    rendered = _render(example)
    golden = GOLDEN / f"{example.stem}.md"
    if os.environ.get("KXREPORT_UPDATE_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_all_three_examples_are_shipped():
    assert {c.stem for c in CASES} >= {"linfen-2022", "baoan-2020", "changzhi-2022-plan"}


LINFEN_FIGURES = [
    "30余次",
    "32项",
    "百余人",
    "近万名",
    "5所",
    "871名",
    "300余名",
    "213万余次",
    "72万",
    "55万余人次",
    "数十名",
    "数十万人次",
    "300余册",
    "四场",
    "8个社区",
    "6个科普惠农中心",
    "80余人",
    "十余个县",
    "300余名科技教师",
    "十余名专家",
    "第37届",
    "2021—2025年",
]


def test_linfen_contains_every_figure_of_the_source_written_the_same_way():
    text = _render(EXAMPLES / "linfen-2022.yaml")
    for figure in LINFEN_FIGURES:
        assert figure in text, figure
    # and every count recorded in the YAML appears in the prose exactly as formatted
    doc = load(EXAMPLES / "linfen-2022.yaml").model
    for section in doc.sections:
        for item in section.items:
            for figure in item.counts:
                assert str(figure.value) in item.text, figure.label


def test_linfen_opening_honours_sentence_is_generated_from_the_honours():
    text = _render(EXAMPLES / "linfen-2022.yaml")
    assert (
        "2022年临汾市科协先后被中国科协、中国科协青少年科技中心、国家机关事务管理局、中共中央直属机关事务管理局、"
        "省科协等部门和单位授予“全国科普日优秀组织单位”“科学调查体验活动优秀组织单位”“节约型机关”"
        "“2022年中国创新方法大赛优秀组织单位”“第十七届山西省宋庆龄少年儿童发明奖优秀组织单位”等荣誉。"
        "我市被中国科协青少年科技中心、中国青少年科技辅导员协会确定为“科创筑梦助力双减试点城市”，"
        "被省科协设立为“山西省科协科技创新智库试点”。整体工作位列全省科协系统第一方阵。"
    ) in text


def test_baoan_never_prints_a_lost_number():
    text = _render(EXAMPLES / "baoan-2020.yaml")
    for defect in ["共亿元", "增长%", "达%", "人次万", "亿元贷款", "万多人", "XX", "20xx"]:
        assert defect not in text, defect
    assert re.search(r"新增国高500家", text)


def test_changzhi_plan_has_recipients_notice_and_signature():
    text = _render(EXAMPLES / "changzhi-2022-plan.yaml")
    lines = text.splitlines()
    assert lines[:3] == ["<!-- 发文机关标志 -->", "长治市科学技术协会文件", ""]
    lines = lines[3:]  # the 版头 above the title
    assert lines[0] == "# 长治市科学技术协会2022年工作要点"
    assert lines[2] == "<!-- 主送机关 -->"
    assert lines[3].startswith("各县区科协，高新区科协，")
    assert lines[3].endswith("机关各部室及直属事业单位：")
    assert lines[5].startswith("为了进一步明确2022年工作目标任务")
    assert lines[-1] == '<p align="right">长治市科学技术协会<br>2022年7月18日</p>'
    assert [line for line in lines if line.startswith("## ")] == [
        "## 一、切实履行桥梁和纽带职责，在团结凝聚科技工作者上作出新实践",
        "## 二、深入实施“科创中国”长治行动，在服务创新驱动发展上作出新贡献",
        "## 三、深入实施“科普中国”长治行动，在提升全民科学素质上取得新进展",
        "## 四、深入实施“智汇中国”长治行动，在服务党和政府科学决策上发挥新作用",
        "## 五、持续深化科协系统改革，在“一体两翼”建设上取得新成效",
        "## 六、全面加强党的建设，在创建清廉机关上展现新作为",
    ]
