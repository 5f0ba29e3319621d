"""The GB/T 9704-2012 layout of an official document, in one place: paper and margins,
fonts and sizes (号 in pt), line pitch, indents in characters, how a long title breaks
between words and where the signature sits. Writers (DOCX, HTML, …) read these rules and
translate them into their own units; none of them decides layout on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# GB/T 9704-2012 fonts and sizes (号 -> pt: 2号 22, 3号 16, 4号 14)
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
LATIN = "Times New Roman"
BODY_PT = 16
TITLE_PT = 22
PAGE_NUMBER_PT = 14
TABLE_PT = 14
LINE_PT = 28.95  # fixed line spacing: 22 lines in the 225 mm type area
INDENT_CHARS = 2  # paragraphs and headings start two characters in
CHARS_PER_TITLE_LINE = 20  # 156 mm type area / 22 pt characters


@dataclass(frozen=True)
class Face:
    """One typeface of the standard: the name documents use, the names the same face goes
    by elsewhere (Windows, macOS), the free faces that stand in for it, best first (Fandol
    from texlive-lang-chinese covers GB2312 in Simplified Chinese forms; Noto CJK SC and
    AR PL UKai fill the gaps) and the generic family. Noto CJK comes as collections whose
    shared CFF is named "…jp", so a Fandol face is always the first stand-in."""

    name: str
    aliases: tuple[str, ...]
    free: tuple[str, ...]
    generic: str = "serif"


FACES: dict[str, Face] = {
    face.name: face
    for face in (
        Face(FANGSONG, ("仿宋", "FangSong", "STFangsong"), ("FandolFang", "Noto Serif CJK SC")),
        Face(
            XIAOBIAOSONG,
            ("方正小标宋_GBK", "FZXiaoBiaoSong-B05S"),
            ("FandolSong", "Noto Serif CJK SC"),
        ),
        Face(HEITI, ("SimHei", "STHeiti"), ("FandolHei", "Noto Sans CJK SC"), "sans-serif"),
        Face(KAITI, ("楷体", "KaiTi", "STKaiti"), ("FandolKai", "AR PL UKai CN")),
        Face(SONGTI, ("SimSun", "STSong"), ("FandolSong", "Noto Serif CJK SC")),
        Face(LATIN, (), ("Liberation Serif",)),
    )
}

# headings by level (GB/T 9704 7.3.3): 一、黑体 （一）楷体 1.仿宋加粗 （1）仿宋; the same
# font for a run-in heading of that level, and bold 仿宋 for a run-in without a number
HEADING_FONTS: dict[int | None, tuple[str, bool]] = {
    1: (HEITI, False),
    2: (KAITI, False),
    3: (FANGSONG, True),
    4: (FANGSONG, False),
    None: (FANGSONG, True),
}

# paper and margins (mm)
PAGE = (210, 297)
MARGINS = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# the type area (mm): 156 × 225
TYPE_AREA_MM = (
    PAGE[0] - MARGINS["left"] - MARGINS["right"],
    PAGE[1] - MARGINS["top"] - MARGINS["bottom"],
)


def text_width(text: str) -> float:
    """Width in characters of 3号 text: CJK one each, Latin letters and digits half."""
    return sum(0.5 if _half_width(ch) else 1 for ch in text)


def signature_indents(issuer: str, date: str | None) -> tuple[float, float]:
    """Right indents (in characters) of the signature lines, unsealed form of GB/T 9704
    7.3.5.2.

    The issuer is set two characters in from the right; the date goes on the next line,
    starting two characters right of the issuer's start. If the date is longer, the date
    is set two characters in and the issuer moves so that the rule still holds.
    """
    issuer_w = text_width(issuer)
    if not date:
        return 2, 0
    date_w = text_width(date)
    date_right = issuer_w - date_w  # issuer starts 2 + issuer_w from the edge
    if date_right >= 2:
        return 2, date_right
    return date_w + 4 - issuer_w, 2


# A title may break after these words (ends of words in official titles) or before 《（.
_BREAK_AFTER = (
    "科协", "协会", "学会", "委员会", "政府", "办公室", "局", "厅", "部", "院", "省", "市", "县",
    "区", "镇", "街道", "年", "年度", "的", "和", "与", "及", "关于", "印发", "要点", "计划",
    "总结", "综述", "通知", "决定", "意见", "方案", "》", "）", "、", "，",
)  # fmt: skip
_BREAK_BEFORE = ("《", "（", "关于")


def title_lines(title: str, per_line: int = CHARS_PER_TITLE_LINE) -> list[str]:
    """Split a long title into balanced lines, breaking only between words.

    A title that fits stays one line. Otherwise it is cut into the fewest lines that fit,
    each break at the allowed position nearest to an even share of the width; digits and
    Latin words are never split. O(n log n) in the length of the title.
    """
    from bisect import bisect_right
    from itertools import accumulate

    # at[i]: the width of title[:i]
    at = [0.0, *accumulate(0.5 if _half_width(ch) else 1.0 for ch in title)]
    width = at[-1]
    if width <= per_line:
        return [title]
    count = math.ceil(width / per_line)
    n = len(title)
    after = sorted({i + len(w) for w in _BREAK_AFTER for i in _find_all(title, w)})
    before = sorted({i for w in _BREAK_BEFORE for i in _find_all(title, w)})
    splits_word = [
        0 < i < n and title[i - 1].isascii() and title[i].isascii() and title[i].isalnum()
        for i in range(n + 1)
    ]
    words = sorted(i for i in {*after, *before} if 0 < i < n and not splits_word[i])
    soft = [i for i in range(1, n) if not (title[i - 1].isascii() and title[i].isascii())]
    anywhere = list(range(1, n))
    lines: list[str] = []
    start = 0
    for line in range(1, count):
        target = width * line / count
        reach = at[start] + per_line
        cut = None
        for positions in (words, soft, anywhere):
            lo = bisect_right(positions, start)
            hi = bisect_right(at, reach) - 1  # the last index whose prefix still fits
            hi = bisect_right(positions, hi)
            if lo < hi:
                cut = _nearest(positions, lo, hi, at, target)
                break
        if cut is None or cut >= n:
            break
        lines.append(title[start:cut])
        start = cut
    lines.append(title[start:])
    return lines


def _half_width(ch: str) -> bool:
    return ord(ch) < 0x2E80 and ch not in "—…“”‘’"


def _find_all(text: str, word: str) -> list[int]:
    found = []
    at = text.find(word)
    while at >= 0:
        found.append(at)
        at = text.find(word, at + 1)
    return found


def _nearest(positions: list[int], lo: int, hi: int, at: list[float], target: float) -> int:
    """The position in ``positions[lo:hi]`` whose prefix width is nearest to ``target``
    (the earlier one on a tie)."""
    from bisect import bisect_left

    widths = [at[p] for p in positions[lo:hi]]
    k = bisect_left(widths, target)
    best = [i for i in (k - 1, k) if 0 <= i < len(widths)]
    return positions[lo + min(best, key=lambda i: (abs(widths[i] - target), i))]
