"""Content checks on the text: the defects that editing last year's file or a 范文 leaves.

Every text of the year file is scanned for unfilled slots, stale official wording and
traditional characters, and compared with last year's file for copied paragraphs. Each
finding has a code, a severity and the line and column of the text it came from. Checks
across the validated document (figures vs prose, dates, duplicates) are in ``checks.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .errors import Diagnostic, Severity
from .loader import Loc, Source
from .text import paragraphs

RULES_FILE = Path(__file__).resolve().parent / "rules" / "stale.yaml"

# --- unfilled slots ------------------------------------------------------------------

_CJK = "\u4e00-\u9fff"
_NUMERALS = "0-9０-９一二三四五六七八九十百千万亿两几数上近余多超过逾"

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


def unfilled_slots(text: str) -> Iterator[Finding]:
    for code, pattern, message in SLOT_RULES:
        for match in pattern.finditer(text):
            start, end = match.start(), match.end()
            if len(match[0]) == 1:  # show a lone mark with its neighbours: “增长%”, “x份”
                start, end = (max(0, start - 2), end) if match[0] in "%％万" else (start, end + 1)
            shown = text[start:end]
            yield Finding(code, "error", message.format(m=shown), shown)


# --- stale wording -------------------------------------------------------------------


class StaleRule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phrase: str | None = Field(default=None, title="提法", description="要查找的原文提法。")
    pattern: str | None = Field(
        default=None, title="正则", description="要查找的正则表达式（与 phrase 二选一）。"
    )
    since: int | None = Field(default=None, title="起始年份", description="提法开始使用的年份。")
    until: int = Field(
        title="截止年份", description="提法作为现行提法的最后一年；之后的报告使用它会提示。"
    )
    instead: str | None = Field(default=None, title="现行提法", description="应改用的现行提法。")

    @model_validator(mode="after")
    def _one_of(self) -> StaleRule:
        if bool(self.phrase) == bool(self.pattern):
            raise ValueError("phrase 和 pattern 必须且只能写一个")
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"正则表达式有误：{exc}") from None
        return self

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern or re.escape(self.phrase or ""))


class RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[StaleRule] = Field(title="提法规则", description="过时提法的规则列表。")


def load_rules(path: Path) -> tuple[list[StaleRule], list[Diagnostic]]:
    """A rules file, or the diagnostics that say why it cannot be used."""
    from pydantic import ValidationError

    from .loader import read_yaml
    from .messages import validation_diagnostics

    read = read_yaml(path, "至少需要 rules")
    if not read.readable or read.source is None:
        return [], read.diagnostics
    try:
        return RulesFile.model_validate(read.data).rules, read.diagnostics
    except ValidationError as exc:
        return [], [*read.diagnostics, *validation_diagnostics(exc, read.source, RulesFile)]


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[StaleRule, ...]:
    rules, problems = load_rules(RULES_FILE)
    if problems:  # a packaging mistake, not user input
        raise RuntimeError("; ".join(d.format() for d in problems))
    return tuple(rules)


def stale_wording(text: str, year: int, rules: tuple[StaleRule, ...]) -> Iterator[Finding]:
    for rule in rules:
        if year <= rule.until:
            continue
        for match in rule.regex.finditer(text):
            now = (rule.instead or "").replace("“", "‘").replace("”", "’")
            instead = f"，现行提法是“{now}”" if now else ""
            years = f"{rule.since}—{rule.until} 年" if rule.since else f"{rule.until} 年及以前"
            yield Finding(
                "stale-wording",
                "warning",
                f"“{match[0]}”是 {years}的提法，{year} 年的文件不宜再用{instead}",
                match[0],
            )


# --- traditional characters ------------------------------------------------------------


@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def traditional(text: str) -> Iterator[Finding]:
    simplified = to_simplified(text)
    if simplified == text:
        return
    # compare in place when OpenCC kept the length (it converts by phrase), else by character
    pairs = (
        zip(text, simplified, strict=True)
        if len(text) == len(simplified)
        else ((ch, to_simplified(ch)) for ch in text)
    )
    chars = list(dict.fromkeys(a for a, b in pairs if a != b))
    if chars:
        yield Finding(
            "traditional",
            "warning",
            f"含有繁体字“{''.join(chars[:10])}”：简体文件请用 kxreport fmt --simplified 转换",
            chars[0],
        )


# --- the whole file ----------------------------------------------------------------------


def strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every string value in the data, with its location."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*loc, index))
    elif isinstance(data, str):
        yield loc, data


def text_diagnostics(
    data: Any, source: Source, year: int | None, extra_rules: tuple[StaleRule, ...] = ()
) -> list[Diagnostic]:
    """Scan every string of the file; runs even when the file does not validate."""
    rules = builtin_rules() + extra_rules
    found: list[Diagnostic] = []
    for loc, text in strings(data):
        findings = [*unfilled_slots(text), *traditional(text)]
        if year is not None:
            findings += stale_wording(text, year, rules)
        for finding in findings:
            found.append(
                source.in_value(
                    loc, finding.needle, finding.severity, finding.code, finding.message
                )
            )
    return found


_PROSE_KEYS = {"text", "intro", "closing", "situation", "notice"}
_PUNCTUATION = re.compile(r"[\s，。；：、！？“”‘’（）《》,.;:!?()\-—…]")


def _paragraphs(data: Any) -> Iterator[tuple[Loc, str, str]]:
    """(location, paragraph, normalised paragraph) of every prose text in the data."""
    for loc, text in strings(data):
        if not loc or loc[-1] not in _PROSE_KEYS:
            continue
        for paragraph in paragraphs(text):
            norm = _PUNCTUATION.sub("", paragraph)
            if len(norm) >= 20:
                yield loc, paragraph, norm


def copied_diagnostics(data: Any, source: Source, previous: Any) -> list[Diagnostic]:
    """Paragraphs identical or nearly identical to one in last year's file."""
    from difflib import SequenceMatcher

    before = list(_paragraphs(previous.data))
    exact = {norm: loc for loc, _, norm in before}
    found = []
    for loc, paragraph, norm in _paragraphs(data):
        if norm in exact:
            how = "相同"
        else:
            similar = [
                (old_loc, old)
                for old_loc, _, old in before
                if 0.8 <= len(old) / len(norm) <= 1.25
                and SequenceMatcher(None, norm, old, autojunk=False).ratio() >= 0.9
            ]
            if not similar:
                continue
            how = "几乎相同"
        found.append(
            source.in_value(
                loc,
                paragraph[:12].split("\n")[0],
                "warning",
                "copied",
                f"这一段与上一年度文件（{previous.path}）中的段落{how}：是不是照抄了去年的文字？",
            )
        )
    return found
