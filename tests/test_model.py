from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from kxreport import model
from kxreport.model import SECTION_KINDS, YearFile

MODELS = [
    obj
    for obj in vars(model).values()
    if isinstance(obj, type) and issubclass(obj, BaseModel) and obj not in (BaseModel, model.Base)
]


@pytest.mark.parametrize("cls", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_field_has_a_chinese_title_and_description(cls):
    for name, info in cls.model_fields.items():
        assert info.title and any("\u4e00" <= ch <= "\u9fff" for ch in info.title), name
        assert info.description and any("\u4e00" <= ch <= "\u9fff" for ch in info.description), name


@pytest.mark.parametrize("cls", MODELS, ids=[m.__name__ for m in MODELS])
def test_unknown_keys_are_forbidden(cls):
    assert cls.model_config.get("extra") == "forbid"


def test_every_section_kind_has_a_name_and_default_title():
    kinds = YearFile.model_fields["sections"].annotation.__args__[0].model_fields["kind"]
    assert set(SECTION_KINDS) == set(kinds.annotation.__args__)
    for kind, (name, title) in SECTION_KINDS.items():
        assert name
        assert title or kind == "custom"


def _doc(**extra):
    data = {
        "org": {"name": "示例县科学技术协会", "short_name": "示例县科协", "level": "县"},
        "year": 2023,
        "kind": "summary",
    }
    data.update(extra)
    return YearFile.model_validate(data)


def test_default_titles():
    assert _doc().default_title == "示例县科协2023年工作总结"
    assert _doc(kind="plan").default_title == "示例县科协2023年工作要点"
    no_short = YearFile.model_validate(
        {"org": {"name": "示例县科学技术协会", "level": "县"}, "year": 2023, "kind": "plan"}
    )
    assert no_short.default_title == "示例县科学技术协会2023年工作要点"


def test_a_single_name_is_accepted_where_a_list_is_expected():
    doc = _doc(recipients="各乡镇科协", honours=[{"name": "先进集体", "by": "县委"}])
    assert doc.recipients == ["各乡镇科协"]
    assert doc.honours[0].by == ["县委"]


def test_figure_unit_is_merged_into_its_value():
    doc = _doc(
        sections=[
            {
                "kind": "party",
                "items": [{"counts": [{"label": "学习", "value": "12", "unit": "次"}]}],
            }
        ]
    )
    assert str(doc.sections[0].items[0].counts[0].value) == "12次"


def test_figure_unit_conflict_is_an_error():
    with pytest.raises(ValidationError) as caught:
        _doc(
            sections=[
                {
                    "kind": "party",
                    "items": [{"counts": [{"label": "学习", "value": "12场", "unit": "次"}]}],
                }
            ]
        )
    assert caught.value.errors()[0]["msg"] == "数值“12场”自带单位“场”，与“单位”“次”不一致"
