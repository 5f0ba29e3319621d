"""Lists of kinds that the model, the command line and the importer share, kept free of
heavy imports so that ``--help`` can show them without loading pydantic."""

from __future__ import annotations

# the level of the organisation that writes the report
ORG_LEVELS: tuple[str, ...] = (
    "省", "市", "州", "盟", "地区", "县", "区", "乡镇", "街道", "高校", "企业",
)  # fmt: skip
DOC_KINDS: tuple[str, ...] = ("summary", "plan")
DOC_PERIODS: tuple[str, ...] = ("year", "half", "stage")
