"""Lists of kinds that the model, the command line and the importer share, kept free of
heavy imports so that ``--help`` can show them without loading pydantic."""

from __future__ import annotations

# the level of the organisation that writes the report
ORG_LEVELS: tuple[str, ...] = (
    "全国", "省", "市", "州", "盟", "地区", "县", "区", "乡镇", "街道", "高校", "企业",
)  # fmt: skip
DOC_KINDS: tuple[str, ...] = ("summary", "plan")
DOC_PERIODS: tuple[str, ...] = ("year", "half", "stage")
STATS_FORMATS: tuple[str, ...] = ("table", "json", "csv", "xlsx")
DIAGNOSTIC_STYLES: tuple[str, ...] = ("text", "github", "json")
# official: the GB/T 9704 faces (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312); windows: the faces
# every Windows PC has (仿宋, 宋体, 楷体, 黑体), for machines without the official ones
FONT_PROFILES: tuple[str, ...] = ("official", "windows")

# the ending of an organisation's name before 科协 -> its level, the longest ending first
LEVEL_ENDINGS: tuple[tuple[str, str], ...] = (
    ("街道办事处", "街道"), ("街道", "街道"), ("社区", "街道"), ("自治州", "州"), ("自治区", "省"),
    ("自治县", "县"), ("自治旗", "县"), ("地区", "地区"), ("开发区", "区"), ("高新区", "区"),
    ("新区", "区"), ("省", "省"), ("市", "市"), ("州", "州"), ("盟", "盟"), ("县", "县"),
    ("旗", "县"), ("区", "区"), ("乡", "乡镇"), ("镇", "乡镇"), ("大学", "高校"), ("学院", "高校"),
    ("学校", "高校"), ("高校", "高校"), ("校", "高校"), ("公司", "企业"), ("集团", "企业"),
    ("企业", "企业"), ("厂", "企业"),
)  # fmt: skip
# names that say their level outright; the four municipalities are provinces
LEVEL_NAMES: dict[str, str] = {"中国": "全国", "全国": "全国"}
PROVINCIAL_CITIES: tuple[str, ...] = ("北京市", "天津市", "上海市", "重庆市")


def guess_level(name: str) -> str | None:
    """The level from the organisation's own words (临汾市科学技术协会 -> 市, 延边朝鲜族自治州科协
    -> 州, 某某镇科协 -> 乡镇, 中国科协 -> 全国, 某某大学科协/校科协 -> 高校, 机车厂科协 -> 企业);
    None when the name does not say."""
    for suffix in ("科学技术协会", "科协"):
        name = name.removesuffix(suffix)
    if name in LEVEL_NAMES:
        return LEVEL_NAMES[name]
    if name.endswith(PROVINCIAL_CITIES):
        return "省"
    for ending, level in LEVEL_ENDINGS:
        if name.endswith(ending):
            return level
    return None


def short_name(name: str) -> str:
    """临汾市科学技术协会 -> 临汾市科协."""
    return name.replace("科学技术协会", "科协")
