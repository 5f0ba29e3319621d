"""`kxreport import` on articles in the shapes found on 科协 websites beyond the seeds: a
prefecture's half-year summary in traditional characters with page furniture, a 街道's
summary built of thematic run-in paragraphs, a news report of a work meeting, a county plan
typed with ASCII punctuation and numbered sentences, an opening full of figures.

Each must import, pass ``validate --strict`` with no edits (but for the missing 成文日期), keep every number and quoted name
of the source in its build, keep the parts in the source's order and record at least 80% of
the numbers as counts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.content import to_simplified
from kxreport.loader import load
from kxreport.numbers import mentions
from kxreport.text import normalize_punctuation

from .conftest import assert_strict_but_the_date

ARTICLES = Path(__file__).resolve().parent / "data" / "articles"
runner = CliRunner()


def imported(name: str, tmp_path: Path) -> tuple[Path, str, object]:
    source = ARTICLES / name
    out = tmp_path / (source.stem + ".yaml")
    done = runner.invoke(app, ["import", str(source), "-o", str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    checked = runner.invoke(app, ["validate", str(out)], catch_exceptions=False)
    assert checked.exit_code == 0, checked.output
    assert_strict_but_the_date(out)
    built = runner.invoke(app, ["build", str(out), "-o", str(tmp_path / "dist"), "-f", "md"])
    assert built.exit_code == 0, built.output
    result = load(out)
    return out, (tmp_path / "dist" / (source.stem + ".md")).read_text("utf-8"), result.model


def source_text(name: str) -> str:
    return normalize_punctuation(to_simplified((ARTICLES / name).read_text("utf-8")))


@pytest.mark.parametrize("name", sorted(p.name for p in ARTICLES.glob("*.txt")))
def test_article_imports_strictly_valid_keeping_numbers_names_order_and_counts(tmp_path, name):
    _, built, doc = imported(name, tmp_path)
    text = source_text(name)
    body = "\n".join(
        line for line in text.splitlines() if not re.search(r"版权|浏览次数|编辑：|ICP备", line)
    )
    numbers = [m.written for m in mentions(body)]
    names = set(re.findall(r"《[^《》]+》|“[^“”]+”", body))
    assert numbers
    assert [n for n in numbers if n not in built] == []
    assert {n for n in names if n not in built} == set()
    # the parts come in the source's order
    lines = [
        re.sub(r"^(?:[一二三四五六七八九十]+、|第.{1,2}部分 )", "", line)
        for line in text.splitlines()
    ]
    titles = [s.title for s in doc.sections if s.title]
    at = [next(n for n, line in enumerate(lines) if line.startswith(t)) for t in titles]
    assert at == sorted(at)
    counted = len(doc.figures("counts")) + len(doc.figures("targets"))
    assert counted >= 0.8 * len(numbers), (counted, numbers)


def test_prefecture_half_year_summary_in_traditional_characters(tmp_path):
    out, built, doc = imported("enshi-2023-half-traditional.txt", tmp_path)
    # the title's long name is the full name, the signature's the short one
    assert (doc.org.name, doc.org.short_name, doc.org.level) == (
        "恩施土家族苗族自治州科学技术协会",
        "恩施州科协",
        "州",
    )
    assert (doc.year, doc.period, str(doc.date)) == (2023, "half", "2023-07-10")
    assert [s.kind for s in doc.sections] == [
        "party",
        "popularization",
        "innovation",  # 服务科技创新
        "problems",
        "next_year",  # 下半年工作打算
    ]
    assert doc.source.name == "州科协办公室" and str(doc.source.date) == "2023-07-12"
    written = out.read_text("utf-8")
    for furniture in ("打印本页", "关闭窗口", "版权所有", "浏览次数", "首页"):
        assert furniture not in written and furniture not in built
    assert "協" not in written and "下半年工作打算" in built


def test_thematic_run_in_paragraphs_become_parts_and_their_pairs_items(tmp_path):
    _, built, doc = imported("chengguan-street-2022-themes.txt", tmp_path)
    assert doc.org.level == "街道"
    assert [(s.kind, s.title) for s in doc.sections] == [
        ("party", "坚持党建引领，锻造“红色科协”新高地"),
        ("popularization", "深化科普宣传，打造“科普惠民”新品牌"),
        ("innovation", "服务创新发展，激发“科技赋能”新动能"),
    ]
    assert [i.heading for i in doc.sections[0].items] == [
        "提高站位，强化引领",
        "夯实基础，筑牢堡垒",
    ]
    assert (
        doc.sections[0].items[0].text
        == "街道科协坚持把党的政治建设摆在首位，全年组织理论学习20余次。"
    )
    # “先后被评为“……””: honours without a conferring body
    assert [(h.name, h.verb, h.by) for h in doc.honours] == [
        ("区级科普示范街道", "评为", []),
        ("先进基层科协", "评为", []),
    ]
    assert doc.closing.startswith("2023年，街道科协将继续")
    assert "**（一）提高站位，强化引领**。" in built
    assert "城关街道科协被评为“区级科普示范街道”“先进基层科协”。" in built


def test_news_report_sentences_are_not_taken_for_headings(tmp_path):
    _, _, doc = imported("alxa-2024-meeting-news.txt", tmp_path)
    assert doc.org.level == "盟" and doc.org.short_name == "阿拉善盟科协"
    headings = [i.heading for _, i, _ in doc.items() if i.heading]
    assert not any(h.startswith("会上") for h in headings), headings
    assert {str(f.value) for f in doc.figures("counts")} >= {"210余场次", "约8.5万人次", "3200余人"}


def test_county_plan_with_ascii_punctuation_and_numbered_sentences(tmp_path):
    out, _, doc = imported("antu-2024-plan-ascii.txt", tmp_path)
    # a county in an autonomous prefecture: the county is the org
    assert (doc.org.name, doc.org.short_name, doc.org.level) == (
        "安图县科学技术协会",
        "安图县科协",
        "县",
    )
    assert (doc.kind, str(doc.date)) == ("plan", "2024-01-15")
    party = doc.sections[0]
    # “1.” then “2.” with no “（一）” above them are siblings, not a child of the first
    assert [(i.heading, bool(i.items)) for i in party.items] == [
        ("深入学习贯彻党的二十大精神", False),
        ("落实全面从严治党主体责任", False),
    ]
    assert party.items[0].text == "全年开展集中学习不少于12次。"
    youth = doc.sections[1].items[0].items
    assert [i.heading for i in youth] == ["面向青少年", "面向农民"]
    # what a plan says in numbers are its targets
    assert {str(f.value) for f in youth[1].targets} == {"上千人次", "两万余人"}
    assert not doc.figures("counts")
    written = out.read_text("utf-8")
    assert "“3+1”" in written and '"' not in written.split("sections:")[1]
    assert "，" in written and "," not in written.split("sections:")[1]


def test_numbers_of_the_opening_are_the_overviews_counts(tmp_path):
    _, _, doc = imported("liping-2023-opening-figures.txt", tmp_path)
    assert [str(f.value) for f in doc.overview.counts] == [
        "300余场",
        "5.2万人次",
        "4600人",
        "12.5%",
    ]
    assert doc.figures("counts")[:2] == doc.overview.counts[:2]


def test_summary_with_a_plan_part_makes_the_plan_its_next_year_part(tmp_path):
    _, built, doc = imported("xicheng-2023-summary-and-plan.txt", tmp_path)
    assert (doc.kind, doc.year) == ("summary", 2023)
    assert [s.kind for s in doc.sections] == ["party", "popularization", "scientists", "next_year"]
    plan = doc.sections[-1]
    assert plan.title == "2024年工作计划"
    assert [i.heading for i in plan.items] == ["持续强化政治引领", "提升科普服务能力"]
    assert [str(f.value) for f in plan.items[1].targets] == ["200场"]
    assert "部分" not in built
    assert "## 四、2024年工作计划" in built and "**（一）持续强化政治引领**。" in built


def test_a_look_ahead_before_the_plan_part_is_kept_as_its_opening(tmp_path):
    source = tmp_path / "two-parts.txt"
    text = (ARTICLES / "xicheng-2023-summary-and-plan.txt").read_text("utf-8")
    ahead = "2024年，区科协将继续围绕中心、服务大局，努力开创工作新局面。"
    source.write_text(text.replace("第二部分", ahead + "\n第二部分"), "utf-8")
    out = tmp_path / "two-parts.yaml"
    done = runner.invoke(app, ["import", str(source), "-o", str(out)], catch_exceptions=False)
    assert done.exit_code == 0, done.output
    doc = load(out).model
    assert doc is not None and doc.closing is None
    plan = doc.sections[-1]
    assert plan.kind == "next_year" and plan.intro == ahead  # not lost, still before the plan
