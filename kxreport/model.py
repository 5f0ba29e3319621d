"""The year file schema: everything a 科协 工作总结 or 工作要点 states, as typed data.

Keys are English identifiers; every field carries a Chinese ``title`` (used in messages
and as an editor hint) and ``description``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from annotated_types import Len
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .kinds import DOC_KINDS, DOC_PERIODS, FONT_PROFILES, ORG_LEVELS
from .text import fold_lines
from .values import Count, Period, check_unit

# Prose: paragraphs separated by blank lines (line breaks within a paragraph are folded).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _fold(value: Any) -> Any:
    return fold_lines(value) if isinstance(value, str) else value


# One line: a title, a name, a heading. Line breaks written in YAML are folded away, so a
# value can never start a new paragraph, heading or table row in the document.
Line = Annotated[
    str, BeforeValidator(_fold), StringConstraints(strip_whitespace=True, min_length=1)
]


def _date_input(value: Any) -> Any:
    """A date as YAML reads it unquoted (a date) or quoted (an ISO string), never a number
    (pydantic would read 20240110 as seconds since 1970)."""
    if isinstance(value, bool | int | float):
        raise PydanticCustomError("date_type", "应为日期，例如 2024-01-10")
    return value


# A date: unquoted in YAML it is a date, quoted a string; an editor reading the file
# without YAML's timestamp type sees a string in both cases, as the schema says.
Date = Annotated[dt.date, BeforeValidator(_date_input), Strict(False)]


def _as_list(value: Any) -> Any:
    """Let users write a single name where a list of names is expected."""
    return [value] if isinstance(value, str) else value


Names = Annotated[list[Line], BeforeValidator(_as_list, json_schema_input_type=Line | list[Line])]

OrgLevel = Literal[ORG_LEVELS]  # type: ignore[valid-type]
HonourLevel = Literal["国家级", "省级", "市级", "县级"]
YEARS = range(1949, 2101)  # the report years a year file may have (and ``init --year``)
DocKind = Literal[DOC_KINDS]  # type: ignore[valid-type]
DocPeriod = Literal[DOC_PERIODS]  # type: ignore[valid-type]
# kind -> (Chinese name, default heading). "{next_year}" is filled in by the template.
SECTION_KINDS: dict[str, tuple[str, str]] = {
    "party": ("党建", "全面加强党的建设"),
    "scientists": ("服务科技工作者", "团结引领广大科技工作者"),
    "popularization": ("科普", "提升全民科学素质"),
    "innovation": ("服务创新", "服务创新驱动发展"),
    "think_tank": ("智库", "服务党和政府科学决策"),
    "organization": ("组织建设", "加强组织建设，深化科协改革"),
    "problems": ("存在问题", "存在的问题和不足"),
    "next_year": ("来年计划", "{next_year}年工作计划"),
    "custom": ("自定义", ""),
}
SectionKind = Literal[tuple(SECTION_KINDS)]  # type: ignore[valid-type]


class Base(BaseModel):
    # strict: a value has the type the JSON Schema says (year: "2023" is refused by both,
    # as an editor with the schema would refuse it); dates are the one lax field (Date)
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, strict=True)


class Org(Base):
    name: Line = Field(
        title="单位全称",
        description="单位的正式全称，用于落款，例如“临汾市科学技术协会”。",
    )
    short_name: Line | None = Field(
        default=None,
        title="单位简称",
        description="文中和默认标题使用的简称，例如“临汾市科协”；不写则用全称。",
    )
    level: OrgLevel = Field(
        title="单位层级",
        description="全国（中国科协）、省、市、州（自治州）、盟、地区、县（旗）、区、乡镇、街道、高校或企业。",
    )

    @property
    def short(self) -> str:
        return self.short_name or self.name


# verbs the receiver is the subject of: “市科协荣获“……””, said without 被
HONOUR_ACTIVE_VERBS: tuple[str, ...] = ("荣获", "获得", "获评")


class Honour(Base):
    name: Line = Field(
        title="荣誉名称", description="荣誉或称号，不带引号，例如“全国科普日优秀组织单位”。"
    )
    by: Names = Field(
        default=[],
        title="授予单位",
        description="授予荣誉的部门或单位，可写一个或多个。",
    )
    level: HonourLevel | None = Field(
        default=None, title="荣誉级别", description="国家级、省级、市级或县级。"
    )
    recipients: Names = Field(
        default=[],
        title="获得者",
        description="获得荣誉的下属单位或个人；本单位自己获得时不写。",
    )
    verb: Line = Field(
        default="授予",
        title="授予方式",
        description="“被……授予/评为/确定为/设立为”中的动词，默认“授予”；"
        "也可以是“荣获”“获得”“获评”（写成“市科协荣获……”，不带“被”）。",
    )
    date: Period | None = Field(
        default=None,
        title="日期",
        description="获得荣誉的日期或月份，例如 2022-07、2022年7月；在报告年度内可以不写年份：7月。",
    )
    in_text: bool = Field(
        default=False,
        title="正文已写",
        description="这项荣誉在所在条目（或开篇）的正文里已经写到：只作记录和统计，不另外生成句子。",
    )


FigureKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-\u4e00-\u9fff]+$")]
ROLLUP_LAYOUTS = ("auto", "indicators", "units")  # what the roll-up table's rows are


class Figure(Base):
    key: FigureKey | None = Field(
        default=None,
        title="指标键",
        description="跨年份不变的指标标识，用于同比和计划完成情况，例如 forums 或 座谈会。",
    )
    label: Line = Field(title="指标名称", description="统计的是什么，例如“召开座谈会”。")
    value: Count = Field(
        title="数值",
        description="按公文写法填写：30、“30余”、“213万余”、“4.8万”、“近万”、“上千”、“数十”；可带单位，如“30余次”。",
    )
    unit: Annotated[Line, AfterValidator(check_unit)] | None = Field(
        default=None, title="单位", description="计量单位，例如“次”“名”“人次”“家”。"
    )

    @model_validator(mode="after")
    def _merge_unit(self) -> Figure:
        if self.unit and self.value.unit and self.unit != self.value.unit:
            raise PydanticCustomError(
                "unit_conflict",
                "数值“{value}”自带单位“{a}”，与“单位”“{b}”不一致",
                {"value": str(self.value), "a": self.value.unit, "b": self.unit},
            )
        if self.unit and not self.value.unit:
            self.value = self.value.with_unit(self.unit)
        return self


class Indicator(Base):
    key: FigureKey = Field(
        title="指标键",
        description="汇总用的指标键，与各单位 counts 里的 key 相同时自动对上，例如 trainees。",
    )
    label: Line = Field(title="指标名称", description="汇总表里显示的名称，例如“培训农民”。")
    measure: Annotated[Line, AfterValidator(check_unit)] | None = Field(
        default=None, title="计量单位", description="例如“人次”“场”；各单位数字的单位不同时会提示。"
    )
    aliases: Names = Field(
        default=[],
        title="别名",
        description="各单位对同一指标用的其他键或名称，例如 [农民培训, farmer_training]。",
    )


class Rollup(Base):
    indicators: list[Indicator] = Field(
        default=[],
        title="汇总指标",
        description="汇总表的指标及其顺序和名称；各单位的数字按键或别名对上，对不上的由 validate 列出。"
        "不写时只列多数单位都报的指标。",
    )
    layout: Literal[ROLLUP_LAYOUTS] = Field(  # type: ignore[valid-type]
        default="auto",
        title="表格方向",
        description="indicators：每行一个指标、每列一个单位；units：每行一个单位；auto（默认）：按版心宽度选能排下的一种。",
    )

    @model_validator(mode="after")
    def _names_once(self) -> Rollup:
        seen: dict[str, str] = {}
        for indicator in self.indicators:
            for name in (indicator.key, *indicator.aliases):
                if name in seen and seen[name] != indicator.key:
                    raise PydanticCustomError(
                        "rollup_alias",
                        "“{name}”同时属于指标“{a}”和“{b}”：一个键或别名只能对应一个汇总指标",
                        {"name": name, "a": seen[name], "b": indicator.key},
                    )
                seen[name] = indicator.key
        return self


class Overview(Base):
    text: Text | None = Field(
        default=None,
        title="开篇",
        description="开篇段落（多段用空行分隔），概述一年工作的背景与总体情况。",
    )
    situation: Text | None = Field(
        default=None,
        title="形势",
        description="形势与背景，例如“2022年是党的二十大召开之年”；不写开篇时由此生成开篇。",
    )
    approach: Line | None = Field(
        default=None,
        title="工作思路",
        description="本单位的工作思路，例如“1135”工作思路；不写开篇时由此生成开篇。",
    )
    standing: Line | None = Field(
        default=None,
        title="总体位次",
        description="整体工作的评价或位次，例如“整体工作位列全省科协系统第一方阵”。",
    )
    counts: list[Figure] = Field(
        default=[],
        title="数字",
        description="开篇里写到的全年统计数字（例如全年开展科普活动300余场），和条目的数字一样检查、统计。",
    )

    @property
    def targets(self) -> list[Figure]:
        """An opening records what was done, never a target (so it reads like an item)."""
        return []


class Activity(Base):
    name: Line = Field(title="活动名称", description="活动名称，不带书名号或引号。")
    date: Period | None = Field(
        default=None,
        title="日期",
        description=(
            "日期、月份或起止：2022-09-17、2022-09、2022-09-17/2022-09-23、2022年9月17日；"
            "在报告年度内可以不写年份：9月17日、9月17日至23日。"
        ),
    )
    place: Line | None = Field(default=None, title="地点", description="活动地点。")
    participants: Count | None = Field(
        default=None,
        title="参加人数",
        description="参加人数，可带单位，例如“300余名”“55万余人次”；不带单位时按“人”。",
    )
    organizers: Names = Field(default=[], title="主办单位", description="主办或组织单位。")
    partners: Names = Field(default=[], title="协办单位", description="联合、协办或承办单位。")
    text: Text | None = Field(default=None, title="说明", description="对活动的补充说明。")


class Item(Base):
    heading: Line | None = Field(
        default=None,
        title="小标题",
        description="段首小标题，例如“规范制度，加强与科技工作者的联系”；模板自动编号并补句号。",
    )
    text: Text | None = Field(
        default=None,
        title="正文",
        description="正文（多段用空行分隔）。写了正文就照正文输出；不写时由活动和数字生成。",
    )
    activities: list[Activity] = Field(
        default=[], title="活动", description="本项工作中开展的活动。"
    )
    counts: list[Figure] = Field(
        default=[],
        title="数字",
        description="本项工作的统计数字，用于统计、表格、同比和一致性检查。",
    )
    targets: list[Figure] = Field(
        default=[],
        title="目标",
        description="计划项的量化目标，例如新增国高企业 500 家；下一年度据此计算完成情况。",
    )
    honours: list[Honour] = Field(default=[], title="荣誉", description="本项工作获得的荣誉。")
    items: list[Item] = Field(default=[], title="子项", description="下一级条目（最多三级）。")


# where a value sits in the year file, e.g. ("sections", 0, "items", 2)
FieldPath = tuple[str | int, ...]


def _walk(items: list[Item], path: FieldPath, depth: int) -> Iterator[tuple[FieldPath, Item, int]]:
    for index, item in enumerate(items):
        item_path = (*path, index)
        yield item_path, item, depth
        yield from _walk(item.items, (*item_path, "items"), depth + 1)


class Section(Base):
    kind: SectionKind = Field(
        default="custom",
        title="部分类别",
        description=(
            "party 党建、scientists 服务科技工作者、popularization 科普、"
            "innovation 服务创新、think_tank 智库、organization 组织建设、"
            "problems 存在问题、next_year 来年计划、custom 自定义。"
        ),
    )
    title: Line | None = Field(
        default=None,
        title="标题",
        description=(
            "本部分的标题，例如“坚持党建引领，锻造‘红色科协’新高地”；不写用默认标题。"
            "自定义部分（custom）不写标题时，它的段落不加标题、不占编号（新闻稿式的连续段落）。"
        ),
    )
    intro: Text | None = Field(default=None, title="导语", description="本部分开头的概述段落。")
    counts: list[Figure] = Field(
        default=[],
        title="数字",
        description="导语里写到的统计数字（例如全年开展科普活动300余场），和条目的数字一样检查、统计。",
    )
    targets: list[Figure] = Field(
        default=[],
        title="目标",
        description="导语里写到的量化目标（工作要点、来年计划），下一年度据此计算完成情况。",
    )
    items: list[Item] = Field(default=[], title="条目", description="本部分的各项工作。")
    honours: list[Honour] = Field(
        default=[],
        title="荣誉",
        description="本部分末尾集中列出的荣誉，例如下属单位在该领域获得的表彰。",
    )

    @property
    def is_empty(self) -> bool:
        return not (self.intro or self.items or self.honours or self.counts or self.targets)


# 发文字号 (GB/T 9704 7.2.4): 机关代字 + 〔年份〕 + 序号 + 号, the year in 六角括号, the
# number without leading zeros: “长科协发〔2022〕5号”
_DOC_NUMBER = re.compile(r"^(?P<code>[^〔〕\s]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d{0,4})号$")
_WRONG_BRACKETS = r"[\[【［(（〈<{｛〖]\s*\d{4}\s*[\]】］)）〉>}｝〗]"  # compiled when needed


def check_doc_number(value: str) -> str:
    if _DOC_NUMBER.match(value):
        return value
    if re.search(_WRONG_BRACKETS, value):
        raise PydanticCustomError(
            "doc_number_brackets",
            "发文字号“{value}”的年份要用六角括号〔〕括入，例如“长科协发〔2022〕5号”",
            {"value": value},
        )
    if re.search(r"〕0\d*号$", value):
        raise PydanticCustomError(
            "doc_number_zero",
            "发文字号“{value}”的序号不编虚位（不写 01、005），例如“长科协发〔2022〕5号”",
            {"value": value},
        )
    raise PydanticCustomError(
        "doc_number",
        "发文字号“{value}”应为“机关代字〔年份〕序号号”，例如“长科协发〔2022〕5号”",
        {"value": value},
    )


def doc_number_year(value: str) -> int:
    """The year in the brackets of a valid 发文字号."""
    found = _DOC_NUMBER.match(value)
    assert found is not None
    return int(found["year"])


DocNumber = Annotated[Line, AfterValidator(check_doc_number)]
# 密级和保密期限 (7.2.2): 绝密/机密/秘密, optionally ★ and the period: “秘密★1年”
Secrecy = Annotated[Line, StringConstraints(pattern=r"^(绝密|机密|秘密)(★\S{1,10})?$")]
Urgency = Literal["特急", "加急"]


class Dispatch(Base):
    """版头 (GB/T 9704 7.2): everything above the red separator line."""

    mark: Line | None = Field(
        default=None,
        title="发文机关标志",
        description="红色的版头文字；不写为单位全称加“文件”，例如“长治市科学技术协会文件”。",
    )
    number: DocNumber | None = Field(
        default=None,
        title="发文字号",
        description="机关代字、年份（用六角括号〔〕）、序号，例如“长科协发〔2022〕5号”。",
    )
    copy_number: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = Field(
        default=None,
        title="份号",
        description='六位阿拉伯数字，例如 "000001"（加引号，免得前面的 0 丢失）。',
    )
    secrecy: Secrecy | None = Field(
        default=None,
        title="密级和保密期限",
        description="绝密、机密或秘密，可加★和期限，例如“秘密★1年”。",
    )
    urgency: Urgency | None = Field(default=None, title="紧急程度", description="特急或加急。")
    signers: Names = Field(
        default=[],
        title="签发人",
        description="上行文的签发人姓名；写了签发人，发文字号居左、签发人居右。",
    )


class Imprint(Base):
    """版记 (GB/T 9704 7.4): at the foot of the last, even page."""

    cc: Names = Field(default=[], title="抄送机关", description="抄送机关名称，按顺序排列。")
    printer: Line | None = Field(
        default=None, title="印发机关", description="印发机关，一般是发文机关的办公室。"
    )
    printed: Date | None = Field(
        default=None, title="印发日期", description="印发日期，例如 2022-07-18。"
    )


class Attachment(Base):
    title: Line = Field(title="附件名称", description="附件的标题；附件说明和附件页用同一个名称。")
    text: Text | None = Field(
        default=None,
        title="附件正文",
        description="附件的内容（段落之间空一行）；不写时只在附件说明中列出（附件另行提供）。",
    )


class SourceNote(Base):
    name: Line | None = Field(
        default=None, title="来源", description="材料的来源，例如刊发它的网站“临汾新闻网”。"
    )
    date: Date | None = Field(
        default=None,
        title="发布日期",
        description="网页或报刊的发布日期；它不是成文日期（落款日期写在 date）。",
    )
    url: Line | None = Field(default=None, title="网址", description="原文网址。")
    author: Line | None = Field(default=None, title="作者", description="作者、记者或供稿人。")


class YearFile(Base):
    org: Org = Field(title="单位", description="发文单位。")
    year: int = Field(
        ge=YEARS.start,
        le=YEARS.stop - 1,
        title="年度",
        description="总结或计划所属的年度，例如 2022。",
    )
    kind: DocKind = Field(
        title="文种",
        description="summary 工作总结（综述），plan 工作要点（计划）。",
    )
    period: DocPeriod = Field(
        default="year",
        title="时段",
        description="year 全年（默认），half 上半年，stage 阶段性（例如开头是“今年以来”的材料）。",
    )
    title: Line | Annotated[list[Line], Len(2, 4)] | None = Field(
        default=None,
        title="标题",
        description="文件标题；不写时为“<简称><年度>年工作总结/工作要点”。太长时在词与词之间自动回行；"
        "要自己决定回行，写成两到四行的列表。",
    )
    date: Date | None = Field(
        default=None,
        title="成文日期",
        description="落款日期，例如 2023-01-10；确实不知道时可以不写，落款就只有单位。",
    )
    issuer: Line | None = Field(
        default=None, title="落款单位", description="落款的发文机关；不写用单位全称。"
    )
    source: SourceNote | None = Field(
        default=None,
        title="来源",
        description="从网页或报刊导入时的来源说明（来源、发布日期、作者）；不出现在文档里，也不是成文日期。",
    )
    recipients: Names = Field(
        default=[],
        title="主送机关",
        description="主送机关，例如“各县区科协”；多为工作要点使用。",
    )
    notice: Text | None = Field(
        default=None,
        title="印发说明",
        description="工作要点印发时的说明段落，例如“现将……印发给你们，请结合实际抓好贯彻落实。”",
    )
    overview: Overview | None = Field(
        default=None, title="概述", description="开篇：形势、工作思路、总体位次。"
    )
    honours: list[Honour] = Field(
        default=[],
        title="荣誉",
        description="本单位及下属单位全年获得的主要荣誉，在开篇集中列出。",
    )
    sections: list[Section] = Field(
        default=[],
        title="正文部分",
        description="按顺序排列的各部分（一、二、三……）；空的部分自动省略，编号保持连续。",
    )
    closing: Text | None = Field(
        default=None, title="结束语", description="全文最后一段，例如对来年的展望。"
    )
    include: Names = Field(
        default=[],
        title="片段文件",
        description="合并进来的片段文件（相对本文件的路径，可用通配符），例如 parts/*.yaml；各部室各写一个。",
    )
    units: Names = Field(
        default=[],
        title="下属单位",
        description="下属单位（如各县科协）的年度文件（相对路径，可用通配符），例如 counties/*.yaml；相同指标键的数字自动汇总，并附各单位指标表。",
    )
    rollup: Rollup | None = Field(
        default=None,
        title="汇总",
        description="下属单位（units）数字的汇总表：选哪些指标、顺序、名称、别名和表格方向。",
    )
    previous: Line | None = Field(
        default=None,
        title="上一年度文件",
        description="上一年度的年度文件（相对本文件的路径），例如 2022.yaml；用于同比、计划完成情况和重复段落检查。",
    )
    dispatch: Dispatch | None = Field(
        default=None,
        title="版头",
        description="按文件格式印发时的版头：发文机关标志、发文字号、份号、密级、紧急程度、签发人；写 {} 只要红色版头。",
    )
    attachments: list[Attachment] = Field(
        default=[],
        title="附件",
        description="随文印发的附件；附指标表时，各表也作为附件，一并编号列入附件说明。",
    )
    annotation: Line | None = Field(
        default=None,
        title="附注",
        description="成文日期下一行的附注，不带括号，例如“联系人：王明；联系电话：0355-1234567”。",
    )
    imprint: Imprint | None = Field(
        default=None,
        title="版记",
        description="最后一页底部的抄送机关、印发机关和印发日期。",
    )
    fonts: Literal[FONT_PROFILES] = Field(  # type: ignore[valid-type]
        default="official",
        title="字体",
        description="official：公文字体（仿宋_GB2312、方正小标宋简体、楷体_GB2312，默认）；"
        "windows：普通 Windows 电脑都有的仿宋、宋体（标题加粗）、楷体、黑体，电脑上没有公文字体时用。",
    )
    indicator_table: bool = Field(
        default=False,
        title="附指标表",
        description="true 时在正文后附“主要工作指标”表（各条目的数字）和“主要目标”表（各条目的目标）。",
    )

    @model_validator(mode="after")
    def _dates_in_report_year(self) -> YearFile:
        """Dates written without a year ("7月31日") are in the report year."""
        for _, item, _ in self.items():
            for activity in item.activities:
                if activity.date is not None:
                    activity.date = activity.date.in_year(self.year)
        for honour in self.all_honours():
            if honour.date is not None:
                honour.date = honour.date.in_year(self.year)
        return self

    def all_honours(self) -> list[Honour]:
        found = list(self.honours)
        for section in self.sections:
            found += section.honours
        for _, item, _ in self.items():
            found += item.honours
        return found

    def items(self) -> Iterator[tuple[FieldPath, Item, int]]:
        """Every item with its path and depth (1 = （一）), depth first, in document order."""
        for index, section in enumerate(self.sections):
            yield from _walk(section.items, ("sections", index, "items"), 1)

    def holders(self) -> Iterator[tuple[FieldPath, str | None, Overview | Section | Item]]:
        """Every place that records figures beside its prose (the overview, then each part's
        intro and its items): path, prose, the holder."""
        if self.overview is not None:
            yield ("overview",), self.overview.text, self.overview
        for index, section in enumerate(self.sections):
            yield ("sections", index), section.intro, section
            for loc, item, _ in _walk(section.items, ("sections", index, "items"), 1):
                yield loc, item.text, item

    def figures(self, kind: Literal["counts", "targets"]) -> list[Figure]:
        """Every count or target of the document, in document order."""
        return [f for _, _, holder in self.holders() for f in getattr(holder, kind)]

    @classmethod
    def json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the year file, for editors (yaml-language-server)."""
        schema = cls.model_json_schema()
        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "kxreport 年度文件",
            "description": "科协年度工作总结 / 工作要点的数据文件（kxreport）。",
            **{k: v for k, v in schema.items() if k not in ("title", "description")},
        }

    @classmethod
    def json_schema_text(cls) -> str:
        """The JSON Schema as the file ``kxreport schema`` writes (and ``init`` beside a file)."""
        import json

        return json.dumps(cls.json_schema(), ensure_ascii=False, indent=2) + "\n"

    @property
    def next_year(self) -> int:
        return self.year + 1

    @property
    def full_title(self) -> str:
        """The title as one line: the given one (its lines joined) or the default."""
        if isinstance(self.title, list):
            return "".join(self.title)
        return self.title or self.default_title

    @property
    def default_title(self) -> str:
        noun = "工作总结" if self.kind == "summary" else "工作要点"
        half = "上半年" if self.period == "half" else ""
        return f"{self.org.short}{self.year}年{half}{noun}"
