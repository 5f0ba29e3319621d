from __future__ import annotations

from pydantic import ValidationError

from kxreport.messages import describe, errors_of, field_at
from kxreport.model import YearFile


def _errors(data):
    try:
        YearFile.model_validate(data)
    except ValidationError as exc:
        return [describe(e, YearFile) for e in errors_of(exc, YearFile)]
    return []


BASE = {"org": {"name": "示例县科学技术协会", "level": "县"}, "year": 2023, "kind": "summary"}


def test_field_titles_are_found_through_lists_and_optionals():
    assert field_at(YearFile, ("org", "name")).title == "单位全称"
    assert (
        field_at(YearFile, ("sections", 0, "items", 1, "items", 0, "counts", 2, "value")).title
        == "数值"
    )
    assert field_at(YearFile, ("overview", "standing")).title == "总体位次"
    assert field_at(YearFile, ("org", "nope")) is None


def test_messages_name_fields_in_the_users_terms():
    assert _errors({**BASE, "year": "二〇二三"}) == ["“年度”（year）应为整数，实际是“二〇二三”"]
    assert _errors({**BASE, "year": 1900}) == ["“年度”（year）不能小于 1949，实际是数字 1900"]
    assert _errors({**BASE, "honours": "先进"}) == [
        "“荣誉”（honours）应为列表（每项另起一行，以“- ”开头），实际是“先进”"
    ]
    # a union (one line, or a list of 2–4 lines) is reported for the shape written
    assert _errors({**BASE, "title": ["a"]}) == ["“标题”（title）至少要有 2 项，实际只有 1 项"]
    assert _errors({**BASE, "title": 5}) == ["“标题”（title）应为文字，实际是数字 5"]
    assert _errors({**BASE, "title": ["a", 3]}) == [
        "“标题”（title）的第 2 项应为文字，实际是数字 3"
    ]
    assert _errors({**BASE, "title": ["", "b"]}) == ["“标题”（title）的第 1 项不能为空"]
    assert _errors({**BASE, "title": list("abcde")}) == [
        "“标题”（title）最多只能有 4 项，实际有 5 项"
    ]


def test_unknown_key_suggestions():
    assert _errors({**BASE, "yaer": 2023}) == ["未知字段“yaer”，是不是想写“year”（年度）？"]
    assert _errors({**BASE, "落款单位": "x"}) == [
        "未知字段“落款单位”：键要用英文名，“落款单位”请写作“issuer”"
    ]
    assert _errors({**BASE, "sections": [{"kind": "party", "zzz": 1}]}) == [
        "未知字段“zzz”；这里可以写的字段有：kind、title、intro、counts、targets、items、honours"
    ]


def test_long_values_are_shortened_in_messages():
    (message,) = _errors({**BASE, "kind": "这是一个非常非常非常非常非常非常长的文种名称"})
    assert message.endswith("实际是“这是一个非常非常非常非常非常非常长的文种…”")
