"""Lists of kinds that the model, the command line and the importer share, kept free of
heavy imports so that ``--help`` can show them without loading pydantic."""

from __future__ import annotations

# the level of the organisation that writes the report
ORG_LEVELS: tuple[str, ...] = (
    "全国", "省", "市", "州", "盟", "地区", "县", "区", "乡镇", "街道", "高校", "企业",
)  # fmt: skip
DOC_KINDS: tuple[str, ...] = ("summary", "plan")
DOC_PERIODS: tuple[str, ...] = ("year", "half", "stage")

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
