"""Content checks on the text: the defects that editing last year's file or a 范文 leaves.

Every text of the year file is scanned for unfilled slots, stale official wording and
traditional characters, and compared with last year's file for copied paragraphs. Each
finding has a code, a severity and the line and column of the text it came from. Checks
across the validated document (figures vs prose, dates, duplicates) are in ``checks.py``.
"""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from .errors import Diagnostic
from .slots import Finding, unfilled_slots
from .source import Loc, Source, strings
from .text import paragraphs, to_simplified

RULES_FILE = Path(__file__).resolve().parent / "rules" / "stale.yaml"

# --- stale wording -------------------------------------------------------------------


# A user's rule runs with a time limit (``regex`` supports one; ``re`` does not): a pattern
# with catastrophic backtracking is stopped, reported at its place in the rules file and
# left out for the rest of the run, instead of hanging ``validate``.
RULE_SECONDS = 2.0  # what one rule may spend over a whole run, in seconds
MAX_PATTERN = 1000  # characters
MAX_FINDINGS = 20  # per rule and text


@lru_cache(maxsize=1024)
def _compiled(pattern: str) -> Any:
    import regex

    return regex.compile(pattern)


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
    # where the rule is written: file, line, column (1-based) and the text of that line
    _origin: tuple[str, int, int, str | None] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _one_of(self, info: ValidationInfo) -> StaleRule:
        if bool(self.phrase) == bool(self.pattern):
            raise ValueError("phrase 和 pattern 必须且只能写一个")
        if len(self.phrase or self.pattern or "") > MAX_PATTERN:
            raise ValueError(f"提法或正则表达式太长（最多 {MAX_PATTERN} 个字）")
        if not self.pattern:
            return self
        if (info.context or {}).get("shipped"):  # ours: run by ``re``, like every shipped rule
            empty = re.fullmatch(self.pattern, "") is not None
        else:
            import regex

            try:
                empty = _compiled(self.pattern).fullmatch("", timeout=0.1) is not None
            except (regex.error, TimeoutError) as exc:
                raise ValueError(f"正则表达式有误：{exc}") from None
        if empty:
            raise ValueError("正则表达式不能匹配空文字（它会在每个位置都匹配）")
        return self

    @property
    def source(self) -> str:
        """The rule as a regular expression."""
        return self.pattern or re.escape(self.phrase or "")

    @property
    def regex(self) -> Any:
        return _compiled(self.source)


class RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[StaleRule] = Field(title="提法规则", description="过时提法的规则列表。")


def load_rules(path: Path, *, shipped: bool = False) -> tuple[list[StaleRule], list[Diagnostic]]:
    """A rules file, or the diagnostics that say why it cannot be used. The ``shipped``
    file is kxreport's own: its patterns run on ``re`` without time limits."""
    from pydantic import ValidationError

    from .messages import validation_diagnostics
    from .source import read_yaml

    read = read_yaml(path, "至少需要 rules")
    if not read.readable or read.source is None:
        return [], read.diagnostics
    try:
        rules = RulesFile.model_validate(read.data, context={"shipped": shipped}).rules
    except ValidationError as exc:
        return [], [*read.diagnostics, *validation_diagnostics(exc, read.source, RulesFile)]
    for index, rule in enumerate(rules):
        pos = read.source.pos_of(("rules", index, "pattern" if rule.pattern else "phrase"))
        rule._origin = (read.path, pos.line + 1, pos.col + 1, read.source.line_text(pos.line))
    return rules, read.diagnostics


@lru_cache(maxsize=1)
def builtin_rules() -> tuple[StaleRule, ...]:
    rules, problems = load_rules(RULES_FILE, shipped=True)
    if problems:  # a packaging mistake, not user input
        raise RuntimeError("; ".join(d.format() for d in problems))
    return tuple(rules)


@lru_cache(maxsize=1)
def _builtin_any() -> re.Pattern[str]:
    """One expression matching wherever any built-in rule could: most texts match none,
    and are done with one search."""
    return re.compile("|".join(f"(?:{rule.source})" for rule in builtin_rules()))


_rule_seconds: dict[int, float] = {}  # id(rule) -> time spent in this process


def _too_slow(rule: StaleRule) -> Diagnostic:
    path, line, col, text = rule._origin or ("（规则）", 1, 1, None)
    message = (
        f"这条规则的正则表达式运行超过 {RULE_SECONDS:g} 秒（可能有灾难性回溯），已停用：请改写它"
    )
    return Diagnostic(path, line, col, "error", "rule-timeout", message, text)


def stale_wording(
    text: str,
    year: int,
    rules: tuple[StaleRule, ...],
    problems: dict[int, Diagnostic] | None = None,
) -> Iterator[Finding]:
    """Stale wording in ``text``; a rule that runs out of time is left out and reported
    in ``problems`` (by rule) instead."""
    for rule in rules:
        if year <= rule.until:
            continue
        if rule._origin is None or rule._origin[0] == str(RULES_FILE):  # shipped: trusted
            yield from _findings(rule, year, re.finditer(rule.source, text))
            continue
        spent = _rule_seconds.get(id(rule), 0.0)
        if spent >= RULE_SECONDS:
            if problems is not None:
                problems[id(rule)] = _too_slow(rule)
            continue
        started = time.monotonic()
        try:
            matches = list(
                itertools.islice(
                    (m for m in rule.regex.finditer(text, timeout=RULE_SECONDS - spent) if m[0]),
                    MAX_FINDINGS,
                )
            )
        except TimeoutError:
            _rule_seconds[id(rule)] = RULE_SECONDS
            if problems is not None:
                problems[id(rule)] = _too_slow(rule)
            continue
        finally:
            _rule_seconds[id(rule)] = max(
                _rule_seconds.get(id(rule), 0.0), spent + time.monotonic() - started
            )
        yield from _findings(rule, year, matches)


def _findings(rule: StaleRule, year: int, matches: Iterable[Any]) -> Iterator[Finding]:
    now = (rule.instead or "").replace("“", "‘").replace("”", "’")
    instead = f"，现行提法是“{now}”" if now else ""
    years = f"{rule.since}—{rule.until} 年" if rule.since else f"{rule.until} 年及以前"
    found = (m[0] for m in matches if m[0])
    for text in list(itertools.islice(found, MAX_FINDINGS)):
        yield Finding(
            "stale-wording",
            "warning",
            f"“{text}”是 {years}的提法，{year} 年的文件不宜再用{instead}",
            text,
        )


# --- traditional characters ------------------------------------------------------------


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


# --- half-width punctuation ---------------------------------------------------------------

_NOT_PROSE = {"include", "units", "previous", "key", "url"}
MAX_PUNCTUATION = 5  # findings per text: one fix command corrects them all


def half_width(text: str) -> Iterator[Finding]:
    """ASCII punctuation in Chinese text (“歲月不居,天道酬勤”), and year ranges with a
    hyphen (2021-2025年)."""
    from .text import punctuation_problems

    for start, old, new in punctuation_problems(text)[:MAX_PUNCTUATION]:
        mark = old.strip() or old
        needle = text[max(0, start - 2) : start + len(old)]
        offset = start - max(0, start - 2) + (len(old) - len(old.lstrip()))
        what = "年份或月份范围用“—”连接" if new == "—" else f"中文里应写全角“{new}”"
        yield Finding(
            "punctuation",
            "warning",
            f"“{mark}”是半角标点：{what}（kxreport fmt --punctuation 可以一次改正）",
            needle,
            offset,
        )


# --- the whole file ----------------------------------------------------------------------


def text_diagnostics(
    data: Any, source: Source, year: int | None, extra_rules: tuple[StaleRule, ...] = ()
) -> list[Diagnostic]:
    """Scan every string of the file; runs even when the file does not validate."""
    found: list[Diagnostic] = []
    rule_problems: dict[int, Diagnostic] = {}
    for loc, text in strings(data):
        findings = [*unfilled_slots(text), *traditional(text)]
        if not loc or loc[-1] not in _NOT_PROSE:
            findings += half_width(text)
        if year is not None:
            if _builtin_any().search(text):
                findings += stale_wording(text, year, builtin_rules())
            findings += stale_wording(text, year, extra_rules, rule_problems)
        for finding in findings:
            found.append(
                source.in_value(
                    loc,
                    finding.needle,
                    finding.severity,
                    finding.code,
                    finding.message,
                    finding.offset,
                )
            )
    return found + list(rule_problems.values())


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


MAX_COMPARED = 2000  # paragraphs of each file taken into the copied-paragraph check
_COMPARED_CHARS = 1500  # characters of a paragraph compared
_SAMPLE = 64  # the rarest character pairs of a paragraph used to find its candidates
_COMMON = 200  # a character pair in more paragraphs than this says nothing about a match


class _Index:
    """Last year's paragraphs by the character pairs they contain, so that a paragraph is
    compared only with the few that share most of its pairs (not with every one)."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.paragraphs = paragraphs
        self.postings: dict[str, list[int]] = {}
        for number, text in enumerate(paragraphs):
            for pair in _pairs(text):
                self.postings.setdefault(pair, []).append(number)

    def candidates(self, text: str, limit: int = 3) -> list[str]:
        """Up to ``limit`` paragraphs sharing at least half of the rarest character pairs
        of ``text`` that last year's file has at all."""
        from collections import Counter
        from itertools import chain

        known = sorted((len(self.postings[p]), p) for p in _pairs(text) if p in self.postings)
        sample = [p for size, p in known[:_SAMPLE] if size <= _COMMON]
        if not sample:
            return []
        counts = Counter(chain.from_iterable(self.postings[p] for p in sample))
        enough = (len(sample) + 1) // 2
        return [self.paragraphs[n] for n, shared in counts.most_common(limit) if shared >= enough]


def _pairs(text: str) -> set[str]:
    text = text[:_COMPARED_CHARS]
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _similar(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    if not 0.8 <= len(b) / len(a) <= 1.25:
        return False
    matcher = SequenceMatcher(None, a[:_COMPARED_CHARS], b[:_COMPARED_CHARS], autojunk=False)
    return matcher.quick_ratio() >= 0.9 and matcher.ratio() >= 0.9


def copied_diagnostics(data: Any, source: Source, previous: Any) -> list[Diagnostic]:
    """Paragraphs identical or nearly identical to one in last year's file.

    Bounded: each paragraph is compared with at most three of last year's, found through
    an index of character pairs; at most MAX_COMPARED paragraphs of each file are taken.
    """
    before = list(_paragraphs(previous.data))[:MAX_COMPARED]
    exact = {norm for _, _, norm in before}
    index = _Index([norm for _, _, norm in before])
    found = []
    for loc, paragraph, norm in list(_paragraphs(data))[:MAX_COMPARED]:
        if norm in exact:
            how = "相同"
        elif any(_similar(norm, old) for old in index.candidates(norm)):
            how = "几乎相同"
        else:
            continue
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
