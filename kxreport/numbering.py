"""The one numbering grammar of headings (GB/T 9704-2012 §7.3.3): 一、 （一） 1. （1）.

The templates write numbers with :func:`ordinal`; the parser of the template output reads
them back with :func:`split`; the writers ask :func:`split` for a run-in heading's level.
:data:`TOLERANT` is the same four levels as people type them in Word files and web pages
(ASCII brackets and dots, 、 after digits, circled digits), for ``import``.
"""

from __future__ import annotations

import re

LEVELS = (1, 2, 3, 4)  # 一、 （一） 1. （1）

_CN_DIGITS = "零一二三四五六七八九"
_CN_GROUPS = ("", "万", "亿", "万亿")


def _cn_four(group: int) -> str:
    """1..9999 in Chinese numerals, 零 between non-zero digits: 1005 -> 一千零五."""
    out = ""
    zero = False
    for size, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = group // size % 10
        if digit:
            if zero:
                out += "零"
                zero = False
            out += _CN_DIGITS[digit] + unit
        elif out:
            zero = True
    return out


def cn_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 105 -> 一百零五, 1000 -> 一千, 10005 -> 一万零五."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"cn_number 需要非负整数，而不是 {n!r}")
    if n < 10:
        return _CN_DIGITS[n]
    groups = []
    while n:
        groups.append(n % 10_000)
        n //= 10_000
    if len(groups) > len(_CN_GROUPS):
        raise ValueError("数字太大，无法写成中文数字")
    out = ""
    gap = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if not group:
            gap = bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _cn_four(group) + _CN_GROUPS[index]
        gap = False
    return out[1:] if out.startswith("一十") else out


def ordinal(n: int, level: int) -> str:
    """Heading numbers of GB/T 9704: 一、 （一） 1. （1） for levels 1 to 4."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"序号必须是正整数，而不是 {n!r}")
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"标题层级只能是 1 到 4，而不是 {level!r}")


_CN_NUMERAL = "[零一二三四五六七八九十百千万]+"
# a heading number of each level at the start of a text, exactly as ordinal() writes it
PATTERNS: dict[int, re.Pattern[str]] = {
    1: re.compile(rf"^{_CN_NUMERAL}、"),
    2: re.compile(rf"^（{_CN_NUMERAL}）"),
    3: re.compile(r"^\d+\.(?!\d)"),
    4: re.compile(r"^（\d+）"),
}


def split(text: str) -> tuple[int | None, str, str]:
    """(level, number, rest) of a text that starts with a heading number; (None, "", text)
    otherwise."""
    for level, pattern in PATTERNS.items():
        m = pattern.match(text)
        if m:
            return level, m.group(0), text[m.end() :]
    return None, "", text


# the same levels as typed in real documents: “一.” “一，” “(一)” “1、” “1)” “(1)” “①”
_CN_SMALL = "[一二三四五六七八九十]{1,3}"
TOLERANT: dict[int, re.Pattern[str]] = {
    1: re.compile(rf"^({_CN_SMALL})\s*[、．.，]\s*"),
    2: re.compile(rf"^[（(]\s*({_CN_SMALL})\s*[）)]\s*[、．.]?\s*"),
    3: re.compile(r"^(\d{1,2})\s*(?:[、．.](?!\d)|[）)](?![）)]))\s*"),
    4: re.compile(r"^(?:[（(]\s*(\d{1,2})\s*[）)]|([①-⑳]))\s*[、．.]?\s*"),
}
