"""Value types that users write as short strings: counts ("30余", "213万余") and periods.

Both parse what the user wrote into a typed value that keeps the written form, so the
document can print the figure back exactly as official prose writes it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

Precision = Literal["exact", "approx", "vague"]

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿"
_MAGNITUDES = {"万": 10_000, "亿": 100_000_000, "万亿": 1_000_000_000_000}
# Qualifiers that make a figure vague: "数十", "上千" are orders of magnitude, not numbers.
_VAGUE_PREFIXES = ("数", "上", "几")
_APPROX_PREFIXES = ("近", "约", "逾", "超过", "超", "将近", "大约")
_SUFFIXES = ("余", "多", "以上", "左右")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")

# What a unit of measure may be made of: 次、人次、万元、平方米、%、km ... at most 12 of them.
UNIT_CHARS = r"[\u3400-\u9fffA-Za-z%‰°℃²³㎡/]"
UNIT = UNIT_CHARS + "{1,12}"  # compiled on first use (by ``re``'s cache)


def check_unit(unit: str) -> str:
    if not re.fullmatch(UNIT, unit):
        raise PydanticCustomError(
            "unit_invalid",
            "单位“{unit}”只能由汉字、字母或 % 等计量符号组成，最多 12 个字，例如“次”“人次”“万元”",
            {"unit": unit},
        )
    return unit


_COUNT_RE = re.compile(
    r"^(?P<prefix>将近|大约|超过|近|约|逾|超|上|数|几)?"
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千](?:[零〇一二两三四五六七八九十百千万亿]*[零〇一二两三四五六七八九十百千])?)?"
    r"(?P<inner>余|多)?"  # 30余万: "more than 30" of 万
    r"(?P<mag>万亿|万|亿)?"
    r"(?P<suffix>余|多|以上|左右)?"
    r"(?P<unit>" + UNIT_CHARS + r"{0,12})$"
)

# Counts outside these bounds are typing mistakes, and would overflow the decimal
# arithmetic of totals, 同比 and 完成率.
MAX_COUNT = Decimal(10) ** 15  # 千万亿
MAX_PLACES = 6

COUNT_HINT = "应写成 30、“30余”、“213万余”、“4.8万”、“近万”、“上千”、“数十”这样的形式"


_NEEDS_LIBRARY = re.compile("[万亿]|[百千][一二两三四五六七八九]$")


def cn_numeral(text: str) -> int | None:
    """The value of a Chinese numeral — 四, 十二, 三百零五, 两万, 一万二千, 十二万三千四百, and the
    spoken 一百二 (120) and 三千五 (3500) — or None if ``text`` is not one (十十).

    cn2an reads it, in its "normal" mode. cn2an compiles large regular expressions when it
    is imported (about 0.1 s), so the plain forms below 万 without a spoken short ending,
    which official prose mostly uses (四场, 十余个, 三百零五), are read here directly; a test
    checks that both readings agree on every number below 100 000.
    """
    if not _NEEDS_LIBRARY.search(text):
        value = _plain_numeral(text)
        if value is not None:
            return value
    import cn2an

    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return int(value) if value == int(value) else None


def _plain_numeral(text: str) -> int | None:
    """Value of a Chinese numeral below 万 (一, 十二, 三百零五, 百, 千); None if it is not one
    this reading is sure of."""
    total = 0
    digit: int | None = None
    last_unit = 10_000
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            unit = _CN_UNITS[ch]
            if unit >= last_unit or digit == 0:
                return None
            total += (1 if digit is None else digit) * unit
            digit = None
            last_unit = unit
        else:
            return None
    return total + (digit or 0)


@dataclass(frozen=True)
class Count:
    """A count as official prose writes it.

    ``text`` is the normalised written form without unit ("30余", "213万余", "近万"),
    ``value`` the nominal number it stands for (30, 2130000, 10000), ``precision`` says
    whether it may be summed or compared (only ``exact`` may), ``unit`` is optional ("次").
    """

    text: str
    value: Decimal
    precision: Precision
    unit: str = ""

    def __str__(self) -> str:
        return self.text + self.unit

    @property
    def is_exact(self) -> bool:
        return self.precision == "exact"

    def with_unit(self, unit: str) -> Count:
        return Count(self.text, self.value, self.precision, unit)

    @classmethod
    def parse(cls, raw: Any) -> Count:
        """Parse a YAML value (int, float or string) into a Count; raise PydanticCustomError."""
        if isinstance(raw, Count):
            return raw
        if raw is None:
            raise PydanticCustomError("count_missing", "还没有填写数值，" + COUNT_HINT)
        if isinstance(raw, bool):
            raise PydanticCustomError("count_type", "应为数量，" + COUNT_HINT)
        if isinstance(raw, int | float | Decimal):
            number = Decimal(str(raw))
            if not number.is_finite():
                raise PydanticCustomError("count_invalid", "数量必须是有限的数")
            if number < 0:
                raise PydanticCustomError(
                    "count_negative", "数量不能为负数（写的是 {text}）", {"text": str(raw)}
                )
            _check_bounds(number, str(raw))
            return cls(official(number), number, "exact")
        if not isinstance(raw, str):
            raise PydanticCustomError("count_type", "应为数量，" + COUNT_HINT)
        text = raw.strip().translate(_FULLWIDTH).replace(",", "")
        if text.startswith("-"):
            raise PydanticCustomError(
                "count_negative", "数量不能为负数（写的是“{text}”）", {"text": raw}
            )
        m = _COUNT_RE.match(text)
        if not m or not (m["num"] or m["mag"]) or (m["unit"] and m["unit"][0] in _NUMERAL_CHARS):
            raise _unreadable(raw)
        prefix, num, mag = m["prefix"] or "", m["num"], m["mag"] or ""
        inner, suffix = m["inner"] or "", m["suffix"] or ""
        if inner and not mag and not suffix:
            inner, suffix = "", inner  # plain "30余": the qualifier follows the number
        if inner and (suffix or num is None):
            raise _unreadable(raw)
        if num is None:
            base = Decimal(1)
        elif num[0].isdigit():
            base = Decimal(num)
        else:
            value = cn_numeral(num)
            if value is None:
                raise _unreadable(raw)
            base = Decimal(value)
        _check_bounds(base, raw)
        value = base * _MAGNITUDES.get(mag, 1)
        _check_bounds(value, raw)
        if value == value.to_integral_value():
            value = value.quantize(Decimal(1))
        if prefix in _VAGUE_PREFIXES or (prefix and num is None):
            precision: Precision = "vague"
        elif prefix or inner or suffix:
            precision = "approx"
        else:
            precision = "exact"
        if num and num[0].isdigit() and not mag and not inner:
            num = official(Decimal(num))  # "2130000余" is written "213万余"
        written = prefix + (num or "") + inner + mag + suffix
        return cls(written, value, precision, m["unit"] or "")

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(str),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "anyOf": [
                {"type": "number", "minimum": 0},
                # named groups are Python-only: JSON Schema patterns are ECMA regexes
                {"type": "string", "pattern": re.sub(r"\(\?P<\w+>", "(?:", _COUNT_RE.pattern)},
            ],
            "examples": [30, "30余", "213万余", "4.8万", "近万", "上千", "数十"],
        }


def total(counts: list[Count]) -> Count | None:
    """The sum of counts with one unit: exact only if every part is exact; a total that
    includes an approximate or vague part (30余, 近万) is marked 约. None if units differ."""
    if not counts:
        return None
    units = {c.unit for c in counts}
    if len(units) > 1:
        return None
    value = sum((c.value for c in counts), Decimal(0))
    if all(c.is_exact for c in counts):
        return Count(official(value), value, "exact", units.pop())
    return Count("约" + official(value), value, "approx", units.pop())


def _check_bounds(number: Decimal, raw: str) -> None:
    if number > MAX_COUNT:
        raise PydanticCustomError(
            "count_too_large",
            "数量“{text}”大得不合常理（上限是千万亿）：请检查是不是多写了数字",
            {"text": raw},
        )
    if -number.as_tuple().exponent > MAX_PLACES:  # type: ignore[operator]
        raise PydanticCustomError(
            "count_places",
            "数量“{text}”的小数位太多（最多 {places} 位）",
            {"text": raw, "places": MAX_PLACES},
        )


def _unreadable(raw: str) -> PydanticCustomError:
    return PydanticCustomError(
        "count_invalid", "无法识别的数量“{text}”：" + COUNT_HINT, {"text": raw}
    )


def official(number: Decimal) -> str:
    """A number as official prose writes it: 2130000 -> 213万, 1250000 -> 125万,
    4800 -> 4800, 350000000 -> 3.5亿; only when 万/亿 keep every digit given."""
    for unit, size, least in (
        ("亿", Decimal(100_000_000), Decimal(100_000_000)),
        ("万", Decimal(10_000), Decimal(100_000)),
    ):
        if number >= least and number == number.to_integral_value():
            scaled = number / size
            if scaled == scaled.quantize(Decimal("0.01")):
                return _plain(scaled) + unit
    return _plain(number)


def _plain(number: Decimal) -> str:
    """Digits of a number without exponent or trailing zeros: 4.50 -> 4.5, 1E+3 -> 1000."""
    if number == number.to_integral_value():
        return str(number.quantize(Decimal(1)))
    return format(number.normalize(), "f")


Granularity = Literal["day", "month"]

_PERIOD_PART = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


@dataclass(frozen=True)
class Period:
    """A date, a month, or a range of either ("2022-09-17", "2022-09", "2022-01/2022-11")."""

    start: dt.date
    end: dt.date
    granularity: Granularity
    # written without a year ("7月31日"): the year file puts it in the report year
    yearless: bool = False

    def in_year(self, year: int) -> Period:
        """This period in ``year`` when it was written without one."""
        if not self.yearless:
            return self
        try:
            start = self.start.replace(year=year)
            end = self.end.replace(year=year + (self.end.year - self.start.year))
        except ValueError:
            raise PydanticCustomError(
                "period_invalid",
                "{year} 年没有 {month} 月 {day} 日",
                {"year": year, "month": self.start.month, "day": self.start.day},
            ) from None
        if self.granularity == "month":
            nxt = dt.date(end.year + (end.month == 12), end.month % 12 + 1, 1)
            end = nxt - dt.timedelta(days=1)
        return Period(start, end, self.granularity)

    @property
    def is_range(self) -> bool:
        if self.granularity == "month":
            return (self.start.year, self.start.month) != (self.end.year, self.end.month)
        return self.start != self.end

    @classmethod
    def parse(cls, raw: Any) -> Period:
        if isinstance(raw, Period):
            return raw
        if isinstance(raw, dt.datetime):
            raw = raw.date()
        if isinstance(raw, dt.date):
            return cls(raw, raw, "day")
        if not isinstance(raw, str):
            raise PydanticCustomError("period_type", "应为日期，" + PERIOD_HINT)
        raw, no_year = _iso_period(raw)
        parts = [p.strip() for p in raw.split("/")]
        if len(parts) > 2:
            raise PydanticCustomError(
                "period_invalid", "无法识别的日期“{text}”：" + PERIOD_HINT, {"text": raw}
            )
        parsed = [_parse_period_part(p, raw) for p in parts]
        grains = {g for _, _, g in parsed}
        if len(grains) > 1:
            raise PydanticCustomError(
                "period_invalid",
                "日期范围“{text}”的两端要么都写到日，要么都写到月",
                {"text": raw},
            )
        start, end = parsed[0][0], parsed[-1][1]
        if end < start:
            raise PydanticCustomError(
                "period_order", "日期范围“{text}”的结束早于开始", {"text": raw}
            )
        return cls(start, end, parsed[0][2], no_year)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(cls.iso),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "string",
            "pattern": _PERIOD_SCHEMA,
            "examples": [
                "2022-09-17",
                "2022-09",
                "2022-09-17/2022-09-23",
                "2022-01/2022-11",
                "2022年9月17日",
                "7月31日",
            ],
        }

    def iso(self) -> str:
        def one(d: dt.date) -> str:
            return f"{d.year:04d}-{d.month:02d}" + (
                f"-{d.day:02d}" if self.granularity == "day" else ""
            )

        return one(self.start) if not self.is_range else f"{one(self.start)}/{one(self.end)}"


PERIOD_HINT = (
    "例如 2022-09-17、2022-09（整月）、2022-09-17/2022-09-23（起止）、2022年9月17日，"
    "在报告年度内也可以不写年份：7月31日、9月"
)
_NO_YEAR = 2000  # a leap year: 2月29日 is kept until the report year is known
_CN_DATE = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?")
_ONE = r"(?:\d{4}-\d{1,2}(?:-\d{1,2})?|(?:\d{4}年)?\d{1,2}月(?:\d{1,2}[日号])?)"
_PERIOD_SCHEMA = "^" + _ONE + "(?:[/至]" + _ONE + ")?$"


def _iso_period(raw: str) -> tuple[str, bool]:
    """Chinese dates as ISO: 2022年9月17日 -> 2022-09-17; 7月31日 -> 2000-07-31 (no year);
    9月17日至23日 -> two days; 至 as the range separator. Also says whether no year was
    written at all."""
    text = raw.strip().replace("至", "/").replace("—", "/").replace("～", "/")
    parts = [p.strip() for p in text.split("/")]
    out = []
    first: re.Match[str] | None = None
    no_year = True
    for index, part in enumerate(parts):
        m = _CN_DATE.fullmatch(part)
        day_only = re.fullmatch(r"(\d{1,2})\s*[日号]", part)
        if day_only and first is not None and index == 1 and first[3]:
            year = first[1] or str(_NO_YEAR)
            out.append(f"{year}-{first[2]}-{day_only[1]}")
            continue
        if not m:
            out.append(part)
            no_year = False
            continue
        no_year = no_year and not m[1]
        if index == 0:
            first = m
        year = m[1] or (first[1] if first is not None and first[1] else None) or str(_NO_YEAR)
        out.append(f"{year}-{m[2]}" + (f"-{m[3]}" if m[3] else ""))
    return "/".join(out), no_year


def _parse_period_part(part: str, raw: str) -> tuple[dt.date, dt.date, Granularity]:
    m = _PERIOD_PART.match(part)
    error = PydanticCustomError(
        "period_invalid", "无法识别的日期“{text}”：" + PERIOD_HINT, {"text": raw}
    )
    if not m:
        raise error
    year, month = int(m[1]), int(m[2])
    try:
        if m[3] is None:
            first = dt.date(year, month, 1)
            nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1), "month"
        day = dt.date(year, month, int(m[3]))
    except ValueError:
        raise PydanticCustomError("period_invalid", "日期“{text}”不存在", {"text": part}) from None
    return day, day, "day"
