"""Stage 3: the judgements — organisation (name, short name, level), year, kind, period and
成文日期 — each chosen from candidates scored over the whole document, never taken from the
first line that matches. Every judgement carries the evidence it was made from, which the
year file shows in its comment (“导入：按正文“现将2019年工作总结如下”判断”); where there is
none the field is left blank, never invented."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from ..kinds import guess_level, short_name
from ..official_parts import SIGN_DATE
from . import words

# a named organisation: a place or a body, then 科协
_NAMED = re.compile(
    r"(?P<end>省|自治区|市|自治州|州|盟|地区|县|旗|区|新区|街道办事处|街道|社区|镇|乡|大学|学院|"
    r"学校|公司|集团|厂|医院|中国)(?P<body>科学技术协会|科协|老科协|老科技工作者协会|"
    r"[\u4e00-\u9fff]{1,8}?学会(?:[\u4e00-\u9fff]{1,8}?分会)?)"
)
_GENERIC = re.compile(
    r"(?:本|我|全|某)?(?P<place>省|市|州|盟|县|区|旗|街道|镇|乡|校|院|厂|公司|集团)"
    r"(?:科学技术协会|科协)"
)
# where a name may start: the text's start, after punctuation or a space, after a year
# (“2023年某县科协”), or after a word that stands before a name (在, 由, 对, 和 …)
_ANCHOR = re.compile(
    r"[\s\d，。、；：！？“”‘’《》（）()【】\[\],.:;!?\-—_|·]|(?<=\d)年|年度|(?<=年)度"
)
_BEFORE_NAME = set("在由向对经与及是为被让把将受获据从于以给即系")
_GENERIC_NAMES = {
    "全省",
    "全市",
    "全县",
    "全区",
    "全州",
    "全国",
    "各级",
    "上级",
    "基层",
    "地方",
    "中省",
    # classes of places, not a place: 乡镇科协工作总结, 县区科协
    "乡镇",
    "街镇",
    "县区",
    "区县",
    "市县",
    "县市",
}
_YEAR = r"((?:19|20)\d{2})"
# a name that is its sentence's subject, led by the bodies above it or holding the meeting
# the news is about
_LED = re.compile(
    r"[^在，。]{2,24}?(?:科协|科学技术协会|学会|分会)(?:在[^。；]{2,30}(?:领导|指导)下|召开|举行)"
)


@dataclass
class Judged:
    value: object
    evidence: str  # what the comment says; "" when the value came from the command line


def _quote(text: str, at: int, length: int = 18) -> str:
    start = max(0, at - 4)
    piece = text[start : start + length].strip()
    return piece


def _names_in(text: str) -> list[tuple[str, int]]:
    """The named organisations of a text with their offsets. A name starts where a name can
    start (``_ANCHOR``, ``_BEFORE_NAME``), at most 14 characters before its ending; a text
    naming itself without a name (“县科协”, “全省科协”) names none."""
    found = []
    for m in _NAMED.finditer(text):
        start = None
        for at in range(m.start(), max(0, m.start() - 14) - 1, -1):
            if at == 0 or _ANCHOR.match(text, at - 1) or text[at - 1] in _BEFORE_NAME:
                start = at
                break
        if start is None:
            continue
        pre = text[start : m.start()]
        cut = max((pre.rfind(w) + len(w) for w in words.NAME_BREAKERS if w in pre), default=0)
        pre = pre[cut:]
        start += cut
        if m["end"] == "中国":
            pre = ""
        elif (
            not pre
            or any(ch in _BEFORE_NAME for ch in pre[:1])
            or (len(pre) == 1 and m["end"] in ("省", "自治区", "盟", "地区"))
        ):
            continue
        # “吉林省延边州科协”, “延边朝鲜族自治州安图县科协”: the innermost place is the body
        inner = re.search(r"(?:省|自治区|自治州|市|盟|地区)(?=[\u4e00-\u9fff]{2,}$)", pre)
        if inner and not pre.endswith(("新", "高新", "开发", "经开")):
            pre = pre[inner.end() :]
        name = pre + m["end"]
        if name in _GENERIC_NAMES or pre in ("本", "我", "全", "各", "该", "中", "省"):
            continue
        if any(w in pre for w in words.NOT_IN_NAME):
            continue
        body = m["body"]
        if body.endswith(("学会", "分会")) and re.search(
            r"[的和与及各直]|政府|党委|支持|重视|单位|挂靠", body
        ):
            continue  # “……乡镇党委政府重视支持学会”: a clause, not a 学会's name
        name += "科协" if body in ("科协", "科学技术协会") else body
        # one body under two names: “区科技创新局（区科学技术协会）”
        agency = (
            _AGENCY.search(text, 0, max(0, start - 1))
            if start and text[start - 1] in "（("
            else None
        )
        if agency and text[m.end() : m.end() + 1] in ("）", ")"):
            name, start = f"{agency['name']}（{name}）", agency.start("name")
        found.append((name, start))
    return found


# an agency whose name a 科协 shares (“两块牌子”): 某区科技创新局（某区科学技术协会）
_AGENCY = re.compile(r"(?:^|(?<=[，。；：、\s]|年))(?P<name>[\u4e00-\u9fff]{2,14}?(?:局|委员会))$")


def full_name(short: str) -> str:
    """临汾市科协 → 临汾市科学技术协会, 某县老科协 → 某县老科技工作者协会; other bodies as named."""
    if short.endswith("）"):  # 某区科技创新局（某区科协）
        head, _, inner = short[:-1].partition("（")
        return f"{head}（{full_name(inner)}）"
    if short.endswith("老科协"):
        return short[: -len("老科协")] + "老科技工作者协会"
    return short[: -len("科协")] + "科学技术协会" if short.endswith("科协") else short


def level_of(name: str) -> str | None:
    """The level from the organisation's own words (one rule with ``init``'s)."""
    # a 学会 or a 老科协 has the level of its place: 湖北省地质学会 → 省, 中国某学会 → 全国
    if name.endswith(("）", ")")):  # 某区科技创新局（某区科协）: the 科协's name says
        name = re.split(r"[（(]", name[:-1])[-1]
    place = re.sub(
        r"(?:老科协|老科技工作者协会|(?<=[省区市州盟县旗镇乡国])[\u4e00-\u9fff]{1,8}?学会.*)$",
        "",
        name,
    )
    return guess_level(place)


def judge_org(
    title: str | None,
    notice_title: str | None,
    issuer: str | None,
    body: list[str],
    published: dict[str, str],
) -> tuple[Judged | None, Judged | None]:
    """((全称, 简称), level), each with its evidence, or None."""
    scores: dict[str, float] = defaultdict(float)
    said: dict[str, str] = {}

    def vote(name: str, weight: float, where: str) -> None:
        name = short_name(name)
        # a longer name of the same body wins its shorter forms (恩施州科协 → 恩施土家族苗族自治州科协)
        scores[name] += weight
        said.setdefault(name, where)

    if issuer and issuer.endswith(("科协", "科学技术协会")) and "办公" not in issuer:
        for name, _ in _names_in(issuer) or [(short_name(issuer), 0)]:
            vote(name, 8, f"落款“{issuer}”")
    elif issuer:
        for name, _ in _names_in(issuer):
            vote(name, 6, f"落款“{issuer}”")
    for head in (title, notice_title):
        if not head:
            continue
        for name, at in _names_in(head)[:1]:
            vote(name, 6 if at <= 2 else 3, f"标题“{head}”")
    publisher = published.get("publisher") or published.get("name") or ""
    for name, _ in _names_in(publisher)[:1]:
        vote(name, 2, f"网页的发布机构“{publisher}”")
    for number, para in enumerate(body[:40]):
        for name, at in _names_in(para):
            subject = at <= 12 or bool(re.match(r"[，。；]", para[max(0, at - 1) : at]))
            if re.search(r"(?:被|由|经|受|向|获|在)$", para[max(0, at - 2) : at]):
                continue  # “被中国科协评为……”: the body that gave it
            weight = (1.0 if subject else 0.5) * (1.5 if number < 3 else 1.0)
            if subject and _LED.match(para, at):
                weight = 3.0  # “XX市科协在市委、市政府的领导下……”: the text's own subject
            if name == "中国科协" and not (subject and number < 2):
                weight *= 0.3  # the national body is named by every level's text
            vote(name, weight, f"正文“{_quote(para, at)}”")
    # “某某科学技术协会（简称“某科协”）是……”: the text defines its subject
    for para in body[:10]:
        for name, at in _names_in(para):
            after = para[at + len(full_name(name)) : at + len(full_name(name)) + 6]
            if re.match(r"\s*[（(]\s*简称", after) or re.match(
                r"\s*[（(]\s*简称", para[at + len(name) :]
            ):
                vote(name, 8, f"正文“{_quote(para, at, 24)}”")
    # the same body under a longer and a shorter name (恩施土家族苗族自治州科协, 恩施州科协)
    groups: list[list[str]] = []
    for name in sorted(scores, key=len, reverse=True):
        group = next((g for g in groups if _same_body(g[0], name)), None)
        if group is None:
            groups.append([name])
        else:
            group.append(name)
    best = max(groups, key=lambda g: (sum(scores[n] for n in g), len(g[0])), default=None)
    org = level = None
    generic = generic_self(title, body)
    if best is not None and sum(scores[n] for n in best) < 2.5 and generic is not None:
        # the text calls itself “市科协” and names one city: that city's 科协
        same = [g for g in groups if level_of(g[0]) == generic[1]]
        if len(same) > 1:  # several such bodies named: the one whose place the text is about
            same = _about_place(same, body)
        if len(same) == 1:
            best = same[0]
            scores[best[0]] += 2.5
    if best is not None and sum(scores[n] for n in best) >= 2.5:
        top = max(best, key=lambda n: scores[n])
        org = Judged((full_name(best[0]), best[-1]), said.get(top, ""))
        lv = level_of(best[0])
        if lv:
            level = Judged(lv, f"单位名称“{best[0]}”")
    if org is None and generic is not None:
        said_words, lv, where = generic
        org = Judged((full_name(said_words), said_words), where)
        level = Judged(lv, where)
    return org, level


def _about_place(groups: list[list[str]], body: list[str]) -> list[list[str]]:
    """Of several bodies of one level, the one whose place the text names on its own
    (“荆州市公民具备科学素质比例……” among 荆州市科协, 石首市科协, 洪湖市科协); all when none is."""
    text = "".join(body[:40])
    said = {}
    for group in groups:
        place = re.sub(r"(?:科协|科学技术协会)$", "", group[0])
        said[group[0]] = len(re.findall(re.escape(place) + r"(?!科协|科学技术协会)", text))
    top = max(said.values())
    best = [g for g in groups if said[g[0]] == top]
    return best if top and len(best) == 1 else groups


def _same_body(longer: str, shorter: str) -> bool:
    """恩施土家族苗族自治州科协 / 恩施州科协: the same first two characters and level."""
    if len(longer) <= len(shorter) or longer[:2] != shorter[:2]:
        return False
    return level_of(longer) == level_of(shorter) and shorter[:-2] != longer[:2]


_PLACES = {"省": "省", "市": "市", "州": "州", "盟": "盟", "县": "县", "旗": "县", "区": "区",
           "街道": "街道", "镇": "乡镇", "乡": "乡镇", "校": "高校", "院": "高校", "厂": "企业",
           "公司": "企业", "集团": "企业"}  # fmt: skip


# no 科协 named anywhere: a place writing its own plan or summary (“2011年维桥乡科普工作
# 计划”, “街道科普年度工作计划”) is the writer
_PLACE_WRITES = re.compile(
    r"(?:^|年度?)(?P<place>[\u4e00-\u9fff]{0,8}?(?:乡|镇|街道|社区))"
    r"(?:科普|科技)?(?:年度)?(?:工作)?(?:总结|计划|要点|安排)"
)


def place_as_writer(title: str) -> tuple[Judged | None, Judged | None]:
    """The writer of a title that names only a place below the county (乡、镇、街道), or
    (None, None)."""
    m = _PLACE_WRITES.search(title)
    if m is None:
        return None, None
    place = m["place"]
    level = guess_level(place)
    where = f"标题“{title}”"
    return Judged((place, place), where), (Judged(level, where) if level else None)


def generic_self(title: str | None, body: list[str]) -> tuple[str, str, str] | None:
    """How the text names itself without a name (“县科协2022年……”, “2022年，街道科协……”,
    “校科协”): (the words, level, evidence), from the self-references at the start of the
    title or of a sentence, the most frequent; never one that follows 在/由/向 (a body above)."""
    counts: dict[str, float] = defaultdict(float)
    first: dict[str, str] = {}
    shared: dict[str, str] = {}  # the name with the agency it shares (区科技创新局（区科协）)
    for number, text in enumerate([title or "", *body[:20]]):
        for m in _GENERIC.finditer(text):
            before = text[max(0, m.start() - 6) : m.start()]
            if re.search(r"(?:在|由|向|对|经|受|被|和|与|及|、|省|市|县|区|州)$", before):
                continue
            if m.start() > 0 and not re.search(
                r"(?:^|[，。；：\s（(]|\d年|年度|年以来|上半年)$", before
            ):
                continue
            words_ = m[0].lstrip("本我全")
            if m[0].startswith("全"):
                continue  # 全市科协: the system, not the writer
            counts[words_] += 3.0 if number == 0 else (1.5 if number <= 2 else 1.0)
            first.setdefault(words_, text if number == 0 else _quote(text, m.start(), 20))
            agency = (
                _AGENCY.search(text, 0, m.start() - 1) if before.endswith(("（", "(")) else None
            )
            if agency and text[m.end() : m.end() + 1] in ("）", ")"):
                shared.setdefault(words_, f"{agency['name']}（{words_}）")
    if not counts:
        return None
    words_ = max(counts, key=lambda w: counts[w])
    place = _GENERIC.match(words_)
    assert place is not None
    return shared.get(words_, words_), _PLACES[place["place"]], f"原文“{first[words_]}”"


_SELF_YEAR = (
    (rf"现将{_YEAR}\s*年(?:度)?", 12),
    (rf"^{_YEAR}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日", 3),
    (rf"^\s*{_YEAR}\s*年(?:度)?(?:以来)?[，,]", 6),
    (rf"[。；！]\s*{_YEAR}\s*年(?:度)?(?:以来)?[，,]", 4),  # inside a paragraph: often a past year
    # results of the year: “2024年新建省级专家工作站8家”, “被评为2024年全国科普日优秀组织单位”
    (rf"{_YEAR}\s*年(?:度)?(?:新建|新增|共|累计|全年)", 3),
    (rf"(?:评为|荣获|获得|获评){_YEAR}\s*年(?:度)?", 2),
    (rf"(?:^|[。；！])\s*{_YEAR}\s*[，,]", 6),
    (rf"^(?:[一二三四五六七八九十]+、)?{_YEAR}\s*年(?:度)?(?:科协)?工作总结$", 12),
    (
        rf"^(?:[一二三四五六七八九十]+、)?{_YEAR}\s*年(?:度)?(?:科协)?(?:主要|开展|重点)?工作"
        r"(?:回顾|情况|成效|取得的成效|开展情况|完成情况)",
        10,
    ),
    (rf"(?:^|[。；！])\s*{_YEAR}\s*年(?!\s*\d{{1,2}}\s*月)(?!度?(?:以前|之前|前|后))", 3),
    (rf"召开(?:了)?{_YEAR}\s*年(?:度)?.{{0,12}}工作(?:会议|会)", -1),
    (rf"{_YEAR}\s*年(?:度)?(?:所|以来)?(?:取得|获得)", 5),
    (rf"^{_YEAR}\s*年(?:度)?(?:上半年|以来|来)?[，,]", 9),
    (rf"^{_YEAR}\s*年(?:度)?(?:，|是|我|本|全|.{{0,14}}科协)", 6),
    (rf"总结(?:了)?(?:过去一年|去年)?.{{0,4}}?{_YEAR}\s*年(?:度)?(?:的)?(?:科协)?工作", 10),
    (rf"回顾(?:总结)?(?:了)?{_YEAR}\s*年", 8),
    (rf"{_YEAR}\s*年(?:度)?(?:科协)?(?:工作)?(?:总结|情况|要点|计划|工作报告)", 4),
    (rf"{_YEAR}\s*年以来", 5),
    # “圆满完成了二〇〇九年科协工作目标任务”: the year whose targets the text reports met
    (rf"完成(?:了)?{_YEAR}\s*年(?:度)?(?:的)?.{{0,10}}(?:目标|任务)", 9),
    # “如皋市科学技术协会2020年科普活动项目……”: the text's subject, then its year
    (rf"^[^，。；：]{{2,20}}?(?:科协|科学技术协会)\s*{_YEAR}\s*年", 6),
)
_PLAN_YEAR = (
    (rf"^{_YEAR}\s*年(?:是|，)", 9),
    (rf"^{_YEAR}\s*年(?:度)?", 4),  # a plan's text opens with the year it plans
    (rf"部署(?:了)?{_YEAR}\s*年", 10),
    (rf"{_YEAR}\s*年(?:度)?(?:科协)?(?:工作|科普工作)?(?:要点|计划|重点|意见|谋划|安排)", 6),
)


def judge_year(
    kind: str,
    title: str | None,
    seo_title: bool,
    body: list[str],
    signed: dt.date | None,
    published: dict[str, str],
) -> Judged | None:
    scores: dict[int, float] = defaultdict(float)
    said: dict[int, tuple[float, str]] = {}

    def vote(year: int, weight: float, where: str) -> None:
        if not 1949 <= year <= 2100:
            return
        scores[year] += weight
        if weight > said.get(year, (0, ""))[0]:
            said[year] = (weight, where)

    rules = _PLAN_YEAR if kind == "plan" else _SELF_YEAR
    body = [_arabic_years(p) for p in body[:30]]
    for number, para in enumerate(body):
        factor = 1.0 if number < 4 else 0.5
        for pattern, weight in rules:
            for m in re.finditer(pattern, para):
                year = int(m[1])
                if weight < 0:  # a meeting in Y reports on Y-1
                    year, weight = year - 1, 6
                vote(year, weight * factor, f"正文“{_quote(para, m.start(), 20)}”")
    opening = " ".join(body[:3])
    placeholder = re.search(words.PLACEHOLDER_YEAR, opening)
    if placeholder and max(scores.values(), default=0) < 9:
        return Judged(None, f"正文写的是“{placeholder[0]}”")  # a slot never filled in
    # the title's year (a meeting in Y reports on Y-1); a 范文 site's title is the site's
    found = re.search(rf"{_YEAR}\s*年", title) if title and not seo_title else None
    ref = int(found[1]) if found else None
    if ref is not None:
        meeting = kind == "summary" and re.search(r"召开|工作会|全委|年会|全体会议", title or "")
        # “工作总结与2011年工作计划”: the year is the plan's, the summary's is the one before
        ahead = (
            kind == "summary"
            and found is not None
            and re.search(r"总结.{0,6}(?:与|和|及|暨)\s*$", (title or "")[: found.start()])
            and re.match(
                rf"{_YEAR}\s*年.{{0,8}}(?:计划|要点|安排|打算|思路)", (title or "")[found.start() :]
            )
        )
        vote(ref - 1 if meeting or ahead else ref, 7, f"标题“{title}”")
    day = _iso_day(published.get("date")) if not seo_title else None
    # “回顾总结去年工作”, “今年以来”: years told from the title's, the page's or the
    # signature's year
    anchor = ref or (day.year if day else None) or (signed.year if signed else None)
    if anchor is not None:
        opening = " ".join(body[:4])
        last_year = re.search(
            r"(?:总结|回顾)(?:了)?(?:过去一年|去年)|去年(?:一年)?(?:以来|来)?[，,]", opening
        )
        this_year = re.search(r"(?:^|[。\s])今年(?:以来|来|上半年)?[，,]", opening)
        if last_year:
            vote(anchor - 1, 5, f"正文“{_quote(opening, last_year.start(), 16)}”")
        elif this_year and (ref or day):
            vote(ref or anchor, 3, f"正文“{_quote(opening, this_year.start(), 16)}”")
    # a summary signed (or published) early in Y+1 reports on Y; a plan late in Y-1 plans Y
    for date, weight, where in ((signed, 4, "落款日期"), (day, 1, "网页发布日期")):
        if date is not None:
            early = date.month <= (6 if weight == 4 else 3)
            year = date.year - (kind == "summary" and early) + (kind == "plan" and date.month >= 10)
            vote(year, weight, f"{where} {date.isoformat()}")
    if not scores:
        return None
    year, _ = max(scores.items(), key=lambda kv: kv[1])
    return Judged(year, said[year][1])


# a title that names the work to be done, not done: “2021年度丽水市科协重点工作”,
# “淳安县科协新年着重做好四方面工作” (a title with 总结/计划… is told by those words)
_PLAN_TITLE_END = r"(?:重点(?:科普)?工作|(?:着重|重点|全力|扎实)做好.{0,10}工作)$"

_KIND_TEXT = (
    (r"现将.{0,16}(?:工作)?(?:总结|情况)(?:报告)?如下", "summary", 10),
    (r"现将.{0,30}(?:要点|计划|意见|安排)(?:》)?(?:印发|印制|下发)", "plan", 10),
    (r"(?:总结|回顾)(?:了)?.{0,10}(?:一年|年度|年)(?:来)?(?:的)?(?:工作)?", "summary", 4),
    (r"[一全]年来|今年以来|年初以来|截至目前|共(?:开展|举办|组织)|累计", "summary", 2),
    (r"(?:^|。)(?:19|20)\d{2}\s*年(?:以来)?[，,]", "summary", 3),
    (r"先后获得|荣获|被.{0,20}(?:评为|授予|表彰为|认定为)", "summary", 2),
    (r"汇报(?:了)?.{0,12}(?:工作情况|工作)", "summary", 6),
    (r"(?:要|将|拟)(?:重点)?(?:抓好|做好|围绕|着力|推进|开展|实施)", "plan", 1),
)


_CN_YEAR = re.compile(r"([一二三四五六七八九〇零○oOＯ]{4})(?=\s*年)")


def _arabic_years(text: str) -> str:
    """二〇〇九年 (also typed 二oo九年) → 2009年, so a year in Chinese numerals is read too."""

    def arabic(m: re.Match[str]) -> str:
        digits = "".join(
            "0" if c in "〇零○oOＯ" else str("一二三四五六七八九".index(c) + 1) for c in m[1]
        )
        return digits if digits.startswith(("19", "20")) else m[0]

    return _CN_YEAR.sub(arabic, text) if "年" in text else text


def _iso_day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def judge_kind(
    title: str | None, seo_title: bool, notice_title: str | None, body: list[str]
) -> Judged:
    scores = {"summary": 0.0, "plan": 0.0}
    said: dict[str, tuple[float, str]] = {}

    def vote(kind: str, weight: float, where: str) -> None:
        scores[kind] += weight
        if weight > said.get(kind, (0, ""))[0]:
            said[kind] = (weight, where)

    for head, weight in ((notice_title, 9), (title, 3 if seo_title else 8)):
        if not head:
            continue
        found = [(head.find(w), k) for k, ws in words.KIND_WORDS.items() for w in ws if w in head]
        if found:
            vote(min(found)[1], weight, f"标题“{head}”")
        elif re.search(_PLAN_TITLE_END, head):  # “…重点工作”, “…着重做好四方面工作”
            vote("plan", weight, f"标题“{head}”")
    for number, para in enumerate(body[:30]):
        factor = 1.0 if number < 4 else 0.3
        for pattern, kind, weight in _KIND_TEXT:
            hits = len(re.findall(pattern, para))
            if hits:
                m = re.search(pattern, para)
                assert m is not None
                vote(kind, weight * factor * min(hits, 3), f"正文“{_quote(para, m.start(), 20)}”")
    kind = max(scores, key=lambda k: (scores[k], k == "summary"))
    if scores[kind] == 0:
        return Judged("summary", "")
    return Judged(kind, said[kind][1])


_HALF = r"上半年|半年(?:度)?(?:工作)?总结|1\s*[-—至~]\s*6\s*月|一至六月"
_STAGE = (
    r"前三季度|第[一二三四]季度|[一二三四]季度|1\s*[-—至~]\s*(?:[2-57-9]|1[01])\s*月份?"
    r"|一至[二三四五七八九十]月|阶段|(?<![\d年—-])\d{1,2}\s*月(?:份)?(?:工作)?(?:总结|计划|报告)"
    r"|(?<!工作)(?<!年度)活动(?:情况)?总结"  # one campaign's summary, not the year's work
)
# several years at once: “五年工作综述”, “近年来”, “过去五年”, “十四五以来”
_YEARS = (
    r"(?:[二三四五六七八九十两]|(?<![\d.])\d{1,2})年(?:来|以来|工作|综述|回顾|历程)|近年来|近几年"
    r"|过去(?:[二三四五六七八九十]|\d{1,2})年|“?十[一二三四五]五”?(?:期间|以来)"
)


def judge_period(title: str | None, body: list[str]) -> Judged | None:
    """half or stage (a part of a year, or several years), from the title or from what the
    text says of itself; None for a year."""
    head = title or ""
    opening = " ".join(body[:2])[:200]
    for text, where in ((head, "标题"), (opening, "正文")):
        m = re.search(_HALF, text)
        if m and (
            where == "标题"
            or re.search(
                r"现将|^(?:\d{4}年)?上半年|今年上半年|上半年以来|上半年[，,]|汇报(?:了)?.{0,8}上半年",
                text,
            )
        ):
            return Judged("half", f"{where}“{_quote(text, m.start(), 20)}”")
        m = re.search(_STAGE, text)
        if m and (where == "标题" or re.search(r"现将.{0,8}(?:" + _STAGE + ")", text)):
            return Judged("stage", f"{where}“{_quote(text, m.start(), 20)}”")
        m = re.search(_YEARS, text)
        if m and (where == "标题" or m.start() < 40):
            return Judged("stage", f"{where}“{_quote(text, m.start(), 20)}”")
    if (
        head
        and not re.search(r"(?:19|20)\d{2}|年度|全年", head)
        and opening.startswith(("今年以来", "年初以来"))
    ):
        return Judged("stage", f"正文“{opening[:12]}”")
    return None


def several_years(period: Judged | None) -> bool:
    """Whether a stage is several years (its year is none of them)."""
    return bool(period and re.search(_YEARS, period.evidence))


def cn_int(text: str) -> int:
    from ..values import cn_numeral

    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(c in "〇零一二三四五六七八九" for c in text):
        return int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in text))
    return cn_numeral(text) or 0


def signed(text: str) -> dt.date | None:
    """The 成文日期 of a signature line (“2022年7月18日”, “二〇二二年七月十八日”)."""
    m = SIGN_DATE.match(text)
    if not m:
        return None
    try:
        return dt.date(cn_int(m["y"]), cn_int(m["m"]), cn_int(m["d"]))
    except ValueError:
        return None
