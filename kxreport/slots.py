"""Unfilled slots: what a staffer left to fill in — “参训人员达XX人（次）”, “产值共亿元”,
“20xx年”, “【待填】”. One rule list, used by ``validate`` (every text of the year file), by
``build`` (a template's own words) and by ``import`` (a count's label never repeats one).

Kept apart from ``content`` so that the importer reads it without loading the rest of the
content checks (and pydantic's models with them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import Severity

# --- unfilled slots ------------------------------------------------------------------

_CJK = "\u4e00-\u9fff"
_NUMERALS = "0-9０-９一二三四五六七八九十百千万亿两几数上近余多超过逾"

# measure words a count is written before: a measure word with no number before it, after a
# verb that counts (“推荐件参加”), or after a blank or a mark that stands for one (“推荐  件”,
# “？件”, “……件”), is a number left out
_MEASURES = "件场次期篇份册项家所个名"
_COUNTING_VERBS = "推荐|报送|上报|征集|发放|印发|举办|开展|组织|培训|评选|接待|完成|新增|新建|建成|创建|认定|共有|共计"
# what follows a measure word when it starts another word (举办期间, 新建场馆, 组织人事, 完成项目)
_NOT_A_MEASURE = "(?!次|案|体|达|为|未|共|增|同|比|超|较|占|累|总|间|刊|末|初|中|限|馆|所|地|景|合|面|数|序|目|庭|乡|长|属|人|性|别|单|称|义|额|事|章|幅|子|有|在|内|外|级|类|务|会|区)"

# (code, pattern, message); the pattern's match is what the user must fill in.
SLOT_RULES: list[tuple[str, re.Pattern[str], str]] = [
    (
        "slot-placeholder",
        re.compile(
            r"(?<![A-Za-z])(?:[Xx]{2,}|×{2,}|[Xx×](?=[名份人次个家项场篇件元位所条册期]))(?![A-Za-z])"
        ),
        "“{m}”是没有填写的占位符：请写上实际的内容或数字",
    ),
    (
        "slot-stars",
        re.compile(r"\*{3,}|\*{2}(?=[" + _CJK + r"])"),
        "“{m}”是没有填写的占位符：请写上实际的名称",
    ),
    (
        "slot-year",
        re.compile(
            r"(?<![0-9A-Za-z])(?:19|20)(?:[0-9]{1,2}[Xx×*＊_＿]|[_＿*＊](?![_＿*＊]))(?=\s*年)"
        ),
        "“{m}年”是没有填写的年份：请写上实际的年份，例如 2024年",
    ),
    ("slot-hashes", re.compile(r"#{2,}"), "“{m}”是没有填写的占位符：请写上实际的内容"),
    (
        "slot-blank",
        re.compile(r"[_＿]{2,}|\[\s*\]|【\s*】|（\s*）"),
        "“{m}”是留空没有填写的位置：请填上内容",
    ),
    (
        "slot-missing-number",
        re.compile(
            r"(?:共|达|达到|增长|下降|提高|降低|减少|增加|为|约|累计|合计|总计|成)(?:亿元|万元|亿|个百分点)"
            r"|(?<=[" + _CJK + r"])(?<![" + _NUMERALS + r"])[%％]"
        ),
        "“{m}”缺少数字（例如“共亿元”“增长%”）：请补上数字，没有数字就删去这句",
    ),
    (
        "slot-missing-number",
        re.compile(
            r"(?:" + _COUNTING_VERBS + r")(?:[ \u3000]*|[ \u3000]*(?:[?？]+|…+|\.{3,})[ \u3000]*)"
            r"(?:人次|["
            + _MEASURES
            + r"])"
            + _NOT_A_MEASURE
            + r"|(?<=["
            + _CJK
            + r"])(?:[ \u3000]{2,}|[ \u3000]*(?:[?？]+|…+)[ \u3000]*)"
            r"(?:人次|[" + _MEASURES + r"])"
        ),
        "“{m}”缺少数字（例如“推荐件参加”“共开展？场”）：请补上数字，没有数字就删去这句",
    ),
    (
        "slot-pending",
        re.compile(
            r"[【\[（(]\s*(?:待填|待补|待定|待核|填写|补充|数字|数据)[^】\]）)]{0,6}[】\]）)]"
        ),
        "“{m}”是留着待填的位置：请填上实际的内容",
    ),
    (
        "slot-missing-number",
        re.compile(
            r"(?<=["
            + _CJK
            + r"])(?<!["
            + _NUMERALS
            + r"])万(?:[多余][人名个家次项]|(?=[。，；、）]|$))"
        ),
        "“{m}”缺少数字（例如“参与人次万”“信息员万多人”）：请补上数字，没有数字就删去这句",
    ),
]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    needle: str  # the text found, to locate it in the source
    offset: int = 0  # where in the needle the problem is (the needle gives context)


# Every match of a rule above contains one of these characters: a text without any (most
# texts) is done with one quick scan. tests/test_content.py checks it against the rules.
SLOT_TRIGGERS = re.compile(r"[Xx×*＊#_＿\[【（(%％万亿个?？…待 \u3000" + _MEASURES + r"]")


def unfilled_slots(text: str) -> Iterator[Finding]:
    if not SLOT_TRIGGERS.search(text):
        return
    for code, pattern, message in SLOT_RULES:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if len(match[0]) == 1:  # show a lone mark with its neighbours: “增长%”, “x份”
                start, end = (max(0, start - 2), end) if match[0] in "%％万" else (start, end + 1)
            shown = text[start:end]
            yield Finding(code, "error", message.format(m=shown), shown)
