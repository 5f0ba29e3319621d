from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from pydantic_core import PydanticCustomError

from kxreport.values import PERIOD_HINT, Count, Period


@pytest.mark.parametrize(
    ("written", "text", "value", "precision", "unit"),
    [
        (30, "30", 30, "exact", ""),
        (871, "871", 871, "exact", ""),
        (4.5, "4.5", Decimal("4.5"), "exact", ""),
        ("30余", "30余", 30, "approx", ""),
        ("30余次", "30余", 30, "approx", "次"),
        ("213万余", "213万余", 2_130_000, "approx", ""),
        ("213万余次", "213万余", 2_130_000, "approx", "次"),
        ("4.8万", "4.8万", 48_000, "exact", ""),
        ("72万", "72万", 720_000, "exact", ""),
        ("55万余人次", "55万余", 550_000, "approx", "人次"),
        ("近万", "近万", 10_000, "vague", ""),
        ("近万名", "近万", 10_000, "vague", "名"),
        ("上千", "上千", 1000, "vague", ""),
        ("上万人次", "上万", 10_000, "vague", "人次"),
        ("数十", "数十", 10, "vague", ""),
        ("数十万人次", "数十万", 100_000, "vague", "人次"),
        ("百余", "百余", 100, "approx", ""),
        ("十余个", "十余", 10, "approx", "个"),
        ("四场", "四", 4, "exact", "场"),
        ("二十五", "二十五", 25, "exact", ""),
        ("1500多人", "1500多", 1500, "approx", "人"),
        ("约3000", "约3000", 3000, "approx", ""),
        ("860多万平方米", "860多万", 8_600_000, "approx", "平方米"),
        ("30余万人", "30余万", 300_000, "approx", "人"),
        ("105万元", "105万", 1_050_000, "exact", "元"),
        ("１２３", "123", 123, "exact", ""),
        ("1,145人", "1145", 1145, "exact", "人"),
    ],
)
def test_count_parses_every_official_form(written, text, value, precision, unit):
    count = Count.parse(written)
    assert count.text == text
    assert count.value == Decimal(value)
    assert count.precision == precision
    assert count.unit == unit
    assert count.is_exact == (precision == "exact")


@pytest.mark.parametrize(
    "written",
    ["30余次", "213万余次", "近万名", "数十名", "4.8万", "55万余人次", "四场", "百余人", "871名"],
)
def test_count_formats_back_exactly_as_written(written):
    assert str(Count.parse(written)) == written


def test_count_round_trips_through_its_own_text():
    for written in ["30余", "213万余", "近万", "上千", "数十", "数十万", "1500多"]:
        once = Count.parse(written)
        assert Count.parse(str(once)) == once


def test_unit_given_separately_is_attached():
    assert str(Count.parse("30余").with_unit("次")) == "30余次"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            "很多",
            "无法识别的数量“很多”：应写成 30、“30余”、“213万余”、“4.8万”、“近万”、“上千”、“数十”这样的形式",
        ),
        (
            "3千",
            "无法识别的数量“3千”：应写成 30、“30余”、“213万余”、“4.8万”、“近万”、“上千”、“数十”这样的形式",
        ),
        ("-5", "数量不能为负数（写的是“-5”）"),
        (-5, "数量不能为负数（写的是 -5）"),
        (True, "应为数量，应写成 30、“30余”、“213万余”、“4.8万”、“近万”、“上千”、“数十”这样的形式"),
        (float("inf"), "数量必须是有限的数"),
        (
            "XX",
            "无法识别的数量“XX”：应写成 30、“30余”、“213万余”、“4.8万”、“近万”、“上千”、“数十”这样的形式",
        ),
    ],
)
def test_count_rejects_with_a_chinese_message(raw, message):
    with pytest.raises(PydanticCustomError) as caught:
        Count.parse(raw)
    assert caught.value.message() == message


def test_period_forms():
    day = Period.parse(dt.date(2022, 9, 17))
    assert (day.start, day.end, day.granularity) == (dt.date(2022, 9, 17),) * 2 + ("day",)
    month = Period.parse("2022-02")
    assert (month.start, month.end, month.granularity) == (
        dt.date(2022, 2, 1),
        dt.date(2022, 2, 28),
        "month",
    )
    span = Period.parse("2022-01/2022-11")
    assert (span.start, span.end) == (dt.date(2022, 1, 1), dt.date(2022, 11, 30))
    assert Period.parse("2022-09-17/2022-09-23").iso() == "2022-09-17/2022-09-23"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2022-09-23/2022-09-17", "日期范围“2022-09-23/2022-09-17”的结束早于开始"),
        ("2022-02-30", "日期“2022-02-30”不存在"),
        ("2022-09/2022-10-01", "日期范围“2022-09/2022-10-01”的两端要么都写到日，要么都写到月"),
        (
            "九月",
            "无法识别的日期“九月”：" + PERIOD_HINT,
        ),
    ],
)
def test_period_rejects_with_a_chinese_message(raw, message):
    with pytest.raises(PydanticCustomError) as caught:
        Period.parse(raw)
    assert caught.value.message() == message


def test_a_single_month_is_not_a_range():
    month = Period.parse("2022-09")
    assert not month.is_range
    assert month.iso() == "2022-09"
    assert Period.parse("2022-09/2022-10").is_range


def test_totals_are_exact_only_when_every_part_is():
    from kxreport.values import total

    assert str(total([Count.parse("52场"), Count.parse("14场")])) == "66场"
    approximate = total([Count.parse("30余次"), Count.parse("12次")])
    assert (str(approximate), approximate.precision) == ("约42次", "approx")
    vague = total([Count.parse("近万人次"), Count.parse("200人次")])
    assert (str(vague), vague.is_exact) == ("约10200人次", False)  # never passed off as exact
    assert total([Count.parse("5个"), Count.parse("3家")]) is None  # different units
    assert str(total([Count.parse(1_200_000), Count.parse(930_000)])) == "213万"


def test_long_written_numbers_take_wan():
    assert str(Count.parse("2130000余次")) == "213万余次"
    assert Count.parse("2130000余次").value == 2_130_000
    assert str(Count.parse("123456余人")) == "123456余人"  # 万 would lose digits


@pytest.mark.parametrize(
    ("written", "text", "value", "unit"),
    [
        ("一万二千人次", "一万二千", 12_000, "人次"),
        ("十二万三千四百", "十二万三千四百", 123_400, ""),
        ("一百二", "一百二", 120, ""),
        ("三千五", "三千五", 3_500, ""),
        ("两万", "两万", 20_000, ""),
        ("三万五", "三万五", 35_000, ""),
        ("二十万零五百元", "二十万零五百", 200_500, "元"),
        ("一千二百万", "一千二百万", 12_000_000, ""),
        ("一亿零三", "一亿零三", 100_000_003, ""),
        ("两百人", "两百", 200, "人"),
    ],
)
def test_chinese_numerals_with_wan_and_spoken_forms(written, text, value, unit):
    count = Count.parse(written)
    assert (count.text, count.value, count.unit, count.precision) == (text, value, unit, "exact")
    assert str(count) == written


def test_approximate_chinese_numerals():
    count = Count.parse("一万二千余人")
    assert (count.text, count.value, count.precision, count.unit) == (
        "一万二千余",
        12_000,
        "approx",
        "人",
    )
    assert Count.parse("三十余万").value == 300_000


@pytest.mark.parametrize("raw", ["十十", "二十十", "万万", "一万二千二千人"])
def test_malformed_chinese_numerals_are_refused(raw):
    with pytest.raises(PydanticCustomError):
        Count.parse(raw)


def test_the_quick_reading_agrees_with_cn2an_below_one_hundred_thousand():
    import cn2an

    from kxreport.values import _plain_numeral, cn_numeral

    for n in range(100_000):
        numeral = cn2an.an2cn(n)
        assert cn_numeral(numeral) == n, numeral
        quick = _plain_numeral(numeral)
        assert quick is None or quick == n, numeral
        if n < 10_000 and numeral.endswith(("百", "千")) and n % 10 == 0:
            spoken = numeral + "五"  # 三千 -> 三千五 is 3500, not 3005
            assert cn_numeral(spoken) == cn2an.cn2an(spoken, "normal"), spoken


def test_year_on_year_with_a_chinese_numeral():
    from kxreport.compare import change_text

    assert change_text(Count.parse("一万二千人次"), Count.parse("2600人次")) == "同比增长361.5%"
