"""The GB/T 9704-2012 layout of an official document, in one place: paper and margins,
fonts and sizes (号 in pt), line pitch, indents in characters, how a long title breaks
between words and where the signature sits. Writers (DOCX, HTML, …) read these rules and
translate them into their own units; none of them decides layout on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

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
    panose: str = ""  # the PANOSE class Word and WPS match a missing face by


FACES: dict[str, Face] = {
    face.name: face
    for face in (
        Face(
            FANGSONG,
            ("仿宋", "FangSong", "STFangsong"),
            ("FandolFang", "Noto Serif CJK SC"),
            panose="02010609030101010101",
        ),
        Face(
            XIAOBIAOSONG,
            ("方正小标宋_GBK", "FZXiaoBiaoSong-B05S"),
            ("FandolSong", "Noto Serif CJK SC"),
            panose="02000000000000000000",
        ),
        Face(
            HEITI,
            ("SimHei", "STHeiti"),
            ("FandolHei", "Noto Sans CJK SC"),
            "sans-serif",
            "02010609060101010101",
        ),
        Face(
            KAITI,
            ("楷体", "KaiTi", "STKaiti"),
            ("FandolKai", "AR PL UKai CN"),
            panose="02010609060101010101",
        ),
        Face(
            SONGTI,
            ("SimSun", "STSong"),
            ("FandolSong", "Noto Serif CJK SC"),
            panose="02010600030101010101",
        ),
        Face(LATIN, (), ("Liberation Serif",)),
    )
}

# The faces of a font profile (kinds.FONT_PROFILES) in place of the official ones: name and
# whether the stand-in is set bold (宋体 for 小标宋 reads too light otherwise). One table for
# the DOCX, the HTML page and (through FACES' aliases) the PDF.
STAND_INS: dict[str, dict[str, tuple[str, bool]]] = {
    "official": {},
    "windows": {
        FANGSONG: ("仿宋", False),
        XIAOBIAOSONG: ("宋体", True),
        KAITI: ("楷体", False),
        HEITI: ("黑体", False),
        SONGTI: ("宋体", False),
    },
}


def face_for(name: str, profile: str) -> tuple[str, bool]:
    """The face a document in ``profile`` names for the layout's ``name``, and whether the
    stand-in is set bold."""
    return STAND_INS.get(profile, {}).get(name, (name, False))


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

MM_PT = 72 / 25.4
TYPE_AREA_PT = (TYPE_AREA_MM[0] * MM_PT, TYPE_AREA_MM[1] * MM_PT)

# 版头 (GB/T 9704 7.2): the red 发文机关标志 in 小标宋, its top edge 35 mm below the top of
# the type area, as large as fits (at most 初号); the red separator line 4 mm below the
# 发文字号, as wide as the type area; 发文字号 two lines below the mark; the title two
# lines below the separator
RED = "FF0000"
MARK_TOP_MM = 35
MARK_MAX_PT = 42
SEPARATOR_PT = 1.5
SEPARATOR_GAP_MM = 4
# 版记 (7.4): 4号仿宋, one character in on both sides; the first and last rules 0.35 mm,
# the middle one 0.25 mm
IMPRINT_PT = 14
IMPRINT_THICK_PT = 1.0
IMPRINT_THIN_PT = 0.75
# 附件 (8): “附件” in 3号黑体 at the top left, the annex title on the third line
ANNEX_LABEL_FONT = HEITI


SIGNERS_PER_LINE = 2  # 7.2.4: 一般每行排两个姓名


def signer_lines(signers: list[str]) -> list[str]:
    """签发人 names two to a line, a full-width space between them (GB/T 9704 7.2.4); the
    writers start every line under the first name and put 发文字号 on the last line."""
    return [
        "\u3000".join(signers[i : i + SIGNERS_PER_LINE])
        for i in range(0, len(signers), SIGNERS_PER_LINE)
    ]


def mark_size(mark: str) -> float:
    """The point size of the 发文机关标志: the largest up to 初号 that keeps it on one line
    of the type area."""
    width = max(text_width(mark), 1)
    return min(MARK_MAX_PT, math.floor(TYPE_AREA_PT[0] / width * 2) / 2)


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


# no line may start with these, nor end with the opening ones
_NO_START = "，。、；：？！）》」』”’…—·"
_NO_END = "（《「『“‘"
_SPACES = " \u3000"
MAX_BALANCED_TITLE = 200  # characters: longer titles are broken greedily


def title_lines(title: str, per_line: int = CHARS_PER_TITLE_LINE) -> list[str]:
    """Break a long title into lines between words, balanced as GB/T 9704 7.3.1 asks
    (上下长短适宜，排列对称，使用梯形或菱形).

    A title that fits stays one line. Otherwise it gets the fewest lines that fit, broken
    only between words (found by jieba, loaded only now), never inside a number or a Latin
    word, never before closing or after opening punctuation. Among those breaks the lines
    are made as even as possible; a space in the title is the preferred break (the break
    takes its place, as in any typesetting: LibreOffice would count a space left at the
    end of a centred line), the end of an organisation name, 年度, 关于 … are preferred
    too, a break inside a 《书名》 is avoided, and a 正梯形 (upper line no longer) is
    preferred to an 倒梯形.
    When no break between words fits, any break between Chinese characters is used.
    """
    if text_width(title) <= per_line:
        return [title]
    if len(title) > MAX_BALANCED_TITLE:
        return _greedy_lines(title, per_line)
    soft = _soft_breaks(title)
    for allowed in (_word_breaks(title) & soft, soft):
        lines = _balanced(title, sorted(allowed), per_line)
        if lines:
            return lines
    return _greedy_lines(title, per_line)


def _word_breaks(text: str) -> set[int]:
    found: set[int] = set()
    for _, start, end in _tokenizer().tokenize(text):
        found |= {start, end}
    return found


MAX_WORDS_BYTES = 256 * 1024 * 1024  # jieba's prefix dictionary, marshalled, is about 30 MB
_tokenizers: list[Any] = []  # the one tokenizer of this process, once made


def _tokenizer() -> Any:
    """jieba's tokenizer, its prefix dictionary built from jieba's own dictionary file and
    kept in kxreport's private cache (:func:`kxreport.files.private_folder`, read with
    :func:`kxreport.files.read_private`), never jieba's ``jieba.cache`` in the shared
    temporary folder, which anyone can plant (and whose failures jieba prints in
    English). Where the cache is not private, the dictionary is built without a cache
    file. Quiet: jieba's log is not printed."""
    if _tokenizers:
        return _tokenizers[0]
    import logging

    import jieba

    jieba.setLogLevel(logging.CRITICAL)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = _prefix_dictionary(tokenizer)
    tokenizer.initialized = True  # so jieba never looks for its own cache file
    _tokenizers.append(tokenizer)
    return tokenizer


def _prefix_dictionary(tokenizer: Any) -> tuple[dict[str, int], int]:
    import contextlib
    import hashlib
    import marshal
    import os
    import tempfile
    from pathlib import Path

    import jieba

    from .files import cache_folder, private_folder, read_private

    words = Path(jieba.__file__).with_name("dict.txt")
    key = hashlib.sha256(f"{jieba.__version__} {words}".encode())
    try:
        info = words.stat()
        key.update(f" {info.st_size} {info.st_mtime_ns}".encode())
    except OSError:
        pass
    folder = private_folder(cache_folder() / "jieba")
    entry = folder / f"{key.hexdigest()[:16]}.marshal" if folder else None
    data = read_private(entry, MAX_WORDS_BYTES) if entry else None
    if data is not None:
        try:
            freq, total = marshal.loads(data)
        except (ValueError, TypeError, EOFError):
            freq = total = None
        if (
            type(freq) is dict
            and type(total) is int
            and all(type(w) is str and type(n) is int for w, n in freq.items())
        ):
            return freq, total
    with tokenizer.get_dict_file() as handle:
        freq, total = tokenizer.gen_pfdict(handle)
    if entry is not None:
        try:
            fd, temporary = tempfile.mkstemp(prefix=".words-", dir=entry.parent)
            try:
                with os.fdopen(fd, "wb") as out:
                    marshal.dump((freq, total), out)
                os.replace(temporary, entry)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            pass  # no cache file: built again next time
    return freq, total


def _soft_breaks(text: str) -> set[int]:
    """Positions a line may break at: not inside a Latin word or number, not before closing
    or after opening punctuation, not before a space (after it is the preferred break)."""
    found = set()
    for i in range(1, len(text)):
        prev, ch = text[i - 1], text[i]
        if ch in _NO_START or prev in _NO_END or ch in _SPACES:
            continue  # a space ends the line before the break, never starts the next
        at_space = prev in _SPACES
        if not at_space and prev.isascii() and ch.isascii() and (prev.isalnum() or ch.isalnum()):
            continue
        if (prev.isdigit() or prev == ".") and ch.isdigit():
            continue
        found.add(i)
    return found


def _break_bonus(text: str, end: int) -> float:
    """How much a break at ``end`` is preferred (negative: avoided)."""
    if text[end - 1] in _SPACES:
        return 6.0
    bonus = 0.0
    if text[:end].count("《") > text[:end].count("》"):
        bonus -= 6.0  # inside a book title
    if text.startswith(_BREAK_BEFORE, end) or text[:end].endswith(_BREAK_AFTER):
        bonus += 2.0
    if text.startswith("关于", end):
        bonus += 2.0  # “……协会|关于……的通知”: the subject starts a line
    if text[:end].endswith(_BOUND_PREFIXES):
        bonus -= 6.0  # “关于|……”: a preposition never ends a line
    if text.startswith(_BOUND_SUFFIXES, end):
        bonus -= 4.0  # “科学技术|协会”: the suffix belongs to the name before it
    if text[end - 1].isascii() != text[end].isascii():
        bonus += 1.0  # where Chinese meets a number or a Latin word
    return bonus


def _balanced(text: str, allowed: list[int], per_line: int) -> list[str] | None:
    """The best lines over ``allowed`` break positions with the fewest lines that fit (one
    more if none does), or None."""
    from functools import cache
    from itertools import accumulate

    at = [0.0, *accumulate(0.5 if _half_width(ch) else 1.0 for ch in text)]
    n = len(text)

    def width(start: int, end: int) -> float:
        line = text[start:end]
        return text_width(line.strip(_SPACES))

    total = width(0, n)
    least = math.ceil(total / per_line)
    for count in (least, least + 1):

        @cache
        def best(
            start: int, left: int, count: int = count, ideal: float = total / count
        ) -> tuple[float, tuple[int, ...]] | None:
            """(cost, ends) of breaking text[start:] into ``left`` lines."""
            if left == 1:
                w = width(start, n)
                return ((w - ideal) ** 2, (n,)) if w <= per_line else None
            found: tuple[float, tuple[int, ...]] | None = None
            for end in allowed:
                if end <= start:
                    continue
                if at[end] - at[start] > per_line + 1:
                    break
                w = width(start, end)
                rest = best(end, left - 1) if w <= per_line else None
                if rest is None:
                    continue
                cost = (w - ideal) ** 2 + rest[0] - _break_bonus(text, end)
                if left == 2 and count == 2 and w > width(end, n) + 1:
                    cost += 2.0  # 倒梯形
                if found is None or cost < found[0]:
                    found = (cost, (end, *rest[1]))
            return found

        result = best(0, count)
        best.cache_clear()
        if result is not None:
            lines, start = [], 0
            for end in result[1]:
                lines.append(text[start:end].rstrip(_SPACES))
                start = end
            return lines
    return None


# A title may break after these words (ends of words in official titles) or before 《（;
# used for titles too long to balance.
_BREAK_AFTER = (
    "科协", "协会", "学会", "委员会", "政府", "办公室", "局", "厅", "部", "院", "省", "市", "县",
    "区", "镇", "街道", "年", "年度", "的", "和", "与", "及", "印发", "要点", "计划",
    "总结", "综述", "通知", "决定", "意见", "方案", "》", "）", "、", "，",
)  # fmt: skip
_BREAK_BEFORE = ("《", "（", "关于")
# words that bind to the next word and never end a line
_BOUND_PREFIXES = ("关于", "对于", "《", "（")
# words that end a name and are never a line's first word
_BOUND_SUFFIXES = ("科协", "协会", "学会", "委员会", "政府", "办公室", "研究会", "联合会")


def _greedy_lines(title: str, per_line: int) -> list[str]:
    """Split a very long title into the fewest lines that fit, each break at the allowed
    position nearest to an even share of the width. O(n log n)."""
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
        0 < i < n
        and (
            title[i] in _SPACES
            or (title[i - 1].isascii() and title[i].isascii() and title[i].isalnum())
        )
        for i in range(n + 1)
    ]
    words = sorted(i for i in {*after, *before} if 0 < i < n and not splits_word[i])
    soft = [
        i
        for i in range(1, n)
        if title[i] not in _SPACES and not (title[i - 1].isascii() and title[i].isascii())
    ]
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


# --- tables ----------------------------------------------------------------------------
# The sizes a table's text may take, largest first (4号, 小四, 五号): a wide table steps
# down before a number would break; the cell margins (left and right together) as the
# DOCX writes them (100 twips a side) and the HTML page copies.
TABLE_SIZES_PT = (float(TABLE_PT), 12.0, 10.5)
CELL_PADDING_PT = 8.0
HEADER_MAX_LINES = 3  # a header cell breaks into at most three lines
LABEL_WHOLE_CHARS = 6.0  # a unit's name or a short label stays on one line
_AMOUNT_PREFIX = "约近逾超上数"


def unbreakable(cell: str) -> bool:
    """A number with its measure word (“1800人次”, “约5.2万人次”, “30余场”, “12.5%”) or a
    dash for a missing value: a cell that must never break across lines."""
    text = cell.strip()
    if text in ("—", "-", "–"):
        return True
    core = text.lstrip(_AMOUNT_PREFIX)
    return bool(core[:1].isdigit()) and len(text) <= 12 and " " not in text


def cell_min_chars(cell: str, header: bool = False) -> float:
    """The narrowest a cell can be, in characters: all of a number; a header in at most
    HEADER_MAX_LINES lines; a short label whole, a long one in two lines."""
    width = text_width(cell.strip())
    if unbreakable(cell):
        return width
    if header:
        return max(min(width, 2.0), math.ceil(width / HEADER_MAX_LINES))
    return width if width <= LABEL_WHOLE_CHARS else max(LABEL_WHOLE_CHARS, math.ceil(width / 2))


@dataclass(frozen=True)
class TablePlan:
    """A table's text size and column widths (pt), and whether it fits without breaking a
    number (when it does not even at the smallest size, the widths are scaled to fit)."""

    size_pt: float
    widths_pt: tuple[float, ...]
    fits: bool


def table_plan(rows: list[list[str]], width_pt: float = TYPE_AREA_PT[0]) -> TablePlan:
    """The largest of TABLE_SIZES_PT at which every column gets its narrowest width (its
    widest number whole), and the widths: each column at least that, the rest of the width
    shared by how much more text each column holds (its widest cell)."""
    columns = max((len(r) for r in rows), default=0)
    if columns == 0:
        return TablePlan(TABLE_SIZES_PT[0], (), True)
    cells = [[r[c] if c < len(r) else "" for r in rows] for c in range(columns)]
    least = [
        max([cell_min_chars(x, header=i == 0) for i, x in enumerate(col)] + [1.0]) for col in cells
    ]
    widest = [max([text_width(x.strip()) for x in col] + [1.0]) for col in cells]
    for size in TABLE_SIZES_PT:
        need = [w * size + CELL_PADDING_PT for w in least]
        if sum(need) <= width_pt:
            want = [w * size + CELL_PADDING_PT for w in widest]
            return TablePlan(size, _shared(need, want, width_pt), True)
    size = TABLE_SIZES_PT[-1]
    need = [w * size + CELL_PADDING_PT for w in least]
    scale = width_pt / sum(need)
    return TablePlan(size, tuple(w * scale for w in need), False)


def _shared(need: list[float], want: list[float], width: float) -> tuple[float, ...]:
    """Widths filling ``width``: ``want`` scaled up when it fits, else ``need`` and the rest
    given where more text waits."""
    if sum(want) <= width:
        scale = width / sum(want)
        return tuple(w * scale for w in want)
    spare = width - sum(need)
    extra = [max(w - n, 0.0) for n, w in zip(need, want, strict=True)]
    more = sum(extra) or 1.0
    return tuple(n + spare * e / more for n, e in zip(need, extra, strict=True))
