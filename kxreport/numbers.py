"""The counts written in prose: "召开座谈会30余次", "受众达数十万人次", "四场心理健康讲座".

One extractor serves ``import`` (every count of an item's text becomes a ``counts`` entry),
``fmt --counts`` (the missing entries are added) and ``validate`` (a recorded figure must be
written in its item's prose). Each match is read by ``Count.parse``, the same grammar the
year file's ``value`` fields use, so what the extractor records reads back as written.

Not counts: years and dates (2022年, 7月31日, 1-11月, 2021—2025年), ordinals (第37届), enumerations
(一是), anything inside 《》 or quotation marks (“1135”工作思路, “5×3”工作矩阵), numbers that are
part of a word (统一, 千方百计, 5G) and bare numbers without a measure word.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from pydantic_core import PydanticCustomError

from .values import Count

# Measure words (量词) and units a count is followed by; the longest is tried first.
MEASURE_WORDS = [
    "个百分点",
    "平方公里",
    "平方米",
    "立方米",
    "万平方米",
    "人次",
    "户次",
    "场次",
    "批次",
    "课时",
    "学时",
    "小时",
    "公里",
    "千米",
    "亿元",
    "万元",
    "元",
    "吨",
    "亩",
    "公顷",
    "次",
    "名",
    "人",
    "位",
    "个",
    "家",
    "项",
    "场",
    "篇",
    "件",
    "所",
    "条",
    "册",
    "期",
    "批",
    "支",
    "座",
    "处",
    "台",
    "套",
    "份",
    "本",
    "部",
    "户",
    "天",
    "门",
    "节",
    "类",
    "种",
    "大项",
    "大类",
    "支队",
    "队",
    "组",
    "村",
    "镇",
    "乡",
    "县",
    "校",
    "站",
    "间",
    "辆",
    "株",
    "头",
    "只",
    "幅",
    "首",
    "集",
    "部",
    "块",
    "把",
    "张",
    "枚",
    "颗",
    "道",
    "例",
    "千克",
    "公斤",
    "米",
    "平米",
    "%",
    "％",
    "‰",
]
_UNITS = "|".join(sorted({re.escape(w) for w in MEASURE_WORDS}, key=len, reverse=True))

_CN_NUM = "零〇一二两三四五六七八九十百千"
_NUMBER = (
    r"(?P<prefix>将近|大约|超过|近|约|逾|超|上|数|几)?"
    r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|[" + _CN_NUM + r"]+)?"
    r"(?P<inner>余|多)?"
    r"(?P<mag>万亿|万|亿)?"
    r"(?P<suffix>余|多|以上|左右)?"
)
# Patterns that only some commands use are kept as text and compiled on first use (by
# ``re``'s own cache): one with a wide range of characters takes a millisecond to compile.
# (a candidate starts with a digit, a numeral or a prefix: the lookahead skips every other
# position at once, where the all-optional pattern would match nothing slowly)
_CANDIDATE = r"(?=[\d" + _CN_NUM + r"将大超近约逾上数几])" + _NUMBER + r"(?P<unit>" + _UNITS + r")?"

# Spans that are names, not prose: book titles and quotations.
_QUOTED = r"《[^《》]{0,80}》|【[^【】]{0,80}】|“[^“”]{0,80}”|‘[^‘’]{0,80}’|「[^「」]{0,80}」|\"[^\"]{0,80}\""
# Dates and years, masked before counts are looked for.
_DATES = (
    r"\d{4}\s*[-—–~～至到]\s*\d{4}\s*年度?"  # 2021-2025年
    r"|\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?"  # 2022年7月18日
    r"|\d{1,2}\s*[-—–~～至到]\s*\d{1,2}\s*月"  # 1-11月
    r"|\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?(?:\s*[-—–~～至到]\s*\d{1,2}\s*[日号])?"  # 7月31日
    r"|\d{1,2}\s*[日号](?=[，。、；：）)\s]|$)"
    r"|[一二三四五六七八九十〇零]{4}年"  # 二〇二二年
    r"|[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}日)?"
    r"|\d{1,2}[:：]\d{2}"  # 09:13
    r"|\d{4}-\d{1,2}-\d{1,2}"
)
# Characters that make a preceding Chinese numeral part of a word (统一, 唯一, 之一, 第一).
_WORD_BEFORE = set("第之唯统同单逐专初周其每这那哪某另十百千万亿零〇星届")
# What follows an ordinal rather than a count: 十九届六中全会, 第二次代表大会.
_ORDINAL_AFTER = re.compile(r"全会|全体会议|代表大会|党代会|中全会|次会议")
# what follows 两个 in a slogan (两个维护, 两个确立, 两个“务必”, 两个一百年, 两个大局)
_SLOGAN = re.compile(
    r"[“\"「\0]|维护|确立|务必|作用|结合|一百年|大局|毫不|面向|更加|绝不|凡是|提升|方面|阶段|层面"
)
_ENUMERATION = re.compile(r"^[一二三四五六七八九十]+是")
_CLAUSE_END = "，。；：！？,;:!?\n"
_LEAD_WORDS = (
    "其中",
    "并且",
    "同时",
    "另外",
    "此外",
    "以及",
    "并",
    "和",
    "及",
    "与",
    "还",
    "又",
    "共",
)
_TAIL_WORDS = (
    "共计有", "共计", "共有", "累计", "合计", "总计", "达到", "超过", "达", "有", "为", "约", "近",
    "计", "逾", "共", "等", "的", "了", "至", "到",
)  # fmt: skip
MAX_LABEL = 30


@dataclass(frozen=True)
class Mention:
    """A count written in prose: where it is, how it is written, what it counts."""

    start: int
    end: int
    written: str  # exactly as in the text: "30余次"
    count: Count
    label: str


def _mask(text: str) -> str:
    """The text with quoted names and dates blanked out (same length, so offsets hold)."""

    def blank(m: re.Match[str]) -> str:
        return "\0" * len(m[0])

    return re.sub(_DATES, blank, re.sub(_QUOTED, blank, text))


def mentions(text: str) -> list[Mention]:
    """Every count written in ``text``, in order (read once per text: import asks of one
    paragraph several times)."""
    return list(_mentions(text))


@functools.lru_cache(maxsize=4096)
def _mentions(text: str) -> tuple[Mention, ...]:
    masked = _mask(text)
    spans: list[tuple[int, int, Count]] = []
    for m in re.finditer(_CANDIDATE, masked):
        if not m[0] or not (m["num"] or (m["mag"] and m["prefix"])):
            continue
        if m["prefix"] in ("上", "数", "几") and (m["num"] or "")[:1].isdigit():
            # “参赛人数6.02万人”: the 数 ends the word before, the count starts at the digits
            m = re.compile(_CANDIDATE).match(masked, m.start("num"))  # type: ignore[assignment]
            assert m is not None
        count = _reading(m, masked)
        if count is not None:
            spans.append((m.start(), m.end(), count))
    found = []
    for index, (start, end, count) in enumerate(spans):
        previous_end = spans[index - 1][1] if index else 0
        next_start = spans[index + 1][0] if index + 1 < len(spans) else len(text)
        label = _label(text, start, end, previous_end, next_start)
        if not label and found and "。" not in text[found[-1].end : start]:
            label = found[-1].label  # "新引进人才154人，累计达1145人"
        label = label or "数字"
        found.append(Mention(start, end, text[start:end], count, label))
    return tuple(found)


def _reading(m: re.Match[str], masked: str) -> Count | None:
    """The count a candidate match stands for, or None when it is not one."""
    num, unit = m["num"] or "", m["unit"] or ""
    before = masked[m.start() - 1] if m.start() else ""
    after = masked[m.end()] if m.end() < len(masked) else ""
    if _ORDINAL_AFTER.match(masked, m.end()):
        return None
    if m["unit"] == "个" and masked[m.end() : m.end() + 1] == "月":
        return None  # 连续5个月: a duration, not a count
    arabic = num[:1].isdigit()
    prefix = m["prefix"] or ""
    if prefix in ("上", "数", "几") and not (num in ("十", "百", "千") or (not num and m["mag"])):
        return None  # 线上三场, 上2: not 上千/数十/几百/上万
    if arabic:
        if before and (
            before in "第.-/×xX+" or before.isdigit() or (before.isascii() and before.isalpha())
        ):
            return None
        if after and after.isascii() and (after.isalnum() or after in "+×-/.") and not unit:
            return None  # 5G, 1+6, 3.5.1 (not 9种500本)
    elif num:
        qualified = bool(prefix or m["inner"] or m["suffix"] or m["mag"])
        if before in _WORD_BEFORE:
            return None  # 统一, 第一, 之一
        if num == "一" and not qualified and unit not in ("位", "名", "家", "所"):
            return None  # 一批, 一次: an article, not a number (一位院士, 一家企业 are counts)
        if (
            num in ("两", "二")
            and unit == "个"
            and not qualified
            and _SLOGAN.match(masked, m.end())
        ):
            return None  # 两个确立, 两个维护, 两个“务必”: a slogan, not two of something
        if num == "二" and unit == "次":
            return None  # 二次开发: "second", two times is 两次
        if num in ("十", "百", "千") and not qualified:
            return None  # 千家万户, 百花, 十佳
    if not unit and not m["mag"] and not (m["suffix"] or m["inner"]) and not m["prefix"]:
        return None  # a bare number: an identifier, a code, a year without 年
    if not arabic and not unit:
        return None  # 千方百计, 万众一心, 十佳
    try:
        return Count.parse(m[0])
    except PydanticCustomError:
        return None


def _label(text: str, start: int, end: int, previous_end: int, next_start: int) -> str:
    """What is counted: the words before the number in its clause ("召开座谈会30余次" ->
    召开座谈会), with the words after it when little precedes ("871名同学参加" -> 同学参加)."""
    left = start
    while left > previous_end and text[left - 1] not in _CLAUSE_END:
        left -= 1
    before = _clean(_BRACKETED.sub("", text[left:start]), lead=True)
    if len(before) >= 4:
        return _shorten(before)
    right = end
    while right < next_start and text[right] not in _CLAUSE_END:
        right += 1
    after = _clean(_BRACKETED.sub("", text[end:right]), lead=False)
    return _shorten(before + after)


_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def _shorten(label: str) -> str:
    """At most MAX_LABEL characters, cut after an enumeration comma when there is one."""
    if len(label) <= MAX_LABEL:
        return label
    tail = label[-MAX_LABEL:]
    cut = tail.find("、")
    return tail[cut + 1 :] if 0 <= cut < len(tail) - 4 else tail


def _clean(words: str, *, lead: bool) -> str:
    words = _ENUMERATION.sub("", words.strip(" 　、“”‘’《》（）()\0"))
    changed = True
    while changed and words:
        changed = False
        for w in _LEAD_WORDS:
            if words.startswith(w) and len(words) > len(w):
                words, changed = words[len(w) :].lstrip("、 "), True
                break
        if lead and not changed:
            for w in _TAIL_WORDS:
                if words.endswith(w):
                    words, changed = words[: -len(w)].rstrip("、 "), True
                    break
    return words.replace("“", "").replace("”", "").replace("\0", "")


_KEY_DROP = r"[^A-Za-z0-9_\-\u4e00-\u9fff]+"  # compiled on first use


class Keys(set[str]):
    """Keys taken, remembering the last number given to each base: a document that counts
    the same thing a thousand times gets its keys in linear time."""

    def __init__(self) -> None:
        super().__init__()
        self.last: dict[str, int] = {}


def key_for(label: str, taken: set[str]) -> str:
    """A stable key from a label (Chinese is fine), unique among ``taken`` (which it joins)."""
    base = re.sub(_KEY_DROP, "", label)[:20] or "数字"
    key, n = base, 1
    if isinstance(taken, Keys) and base in taken.last:
        n = taken.last[base] + 1
        key = f"{base}-{n}"
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    if isinstance(taken, Keys):
        taken.last[base] = n
    return key


def figure_entry(
    mention: Mention, taken: set[str], label: str | None = None
) -> dict[str, str] | None:
    """A ``counts`` entry for a mention — key, label, value as written — as ``import`` and
    ``fmt --counts`` add it. A placeholder is reported in the text, once, never again in a
    label: the label is what follows the last placeholder (“XX街道各社区共组织” -> 街道各社区共组织),
    and None when too little follows (“企业促成亿元贷款”)."""
    from .slots import unfilled_slots

    label = label or mention.label
    for slot in list(unfilled_slots(label))[::-1]:
        at = label.rfind(slot.needle)
        label = label[at + len(slot.needle) :] if at >= 0 else ""
        if len(label) < 2 or next(unfilled_slots(label), None) is not None:
            return None
        break
    return {"key": key_for(label, taken), "label": label, "value": mention.written}


def written_in(prose: str, value: Count) -> bool:
    """Whether ``prose`` writes the count ``value`` (as recorded in a year file): the same
    written form, or a mention that reads as the same count (2,588家 and 2588家)."""
    squashed = re.sub(r"\s+", "", prose)
    written = re.sub(r"\s+", "", str(value))
    # as written, not inside a longer number: “2个” is not in “32个”
    if re.search(r"(?<![\d.,])" + re.escape(written), squashed):
        return True
    return any(same_count(m.count, value) for m in mentions(prose))


def same_count(found: Count, recorded: Count) -> bool:
    """Whether a count found in prose is the recorded one (a recorded count without unit
    matches any unit)."""
    return (
        found.value == recorded.value
        and found.precision == recorded.precision
        and (not recorded.unit or found.unit == recorded.unit)
    )
