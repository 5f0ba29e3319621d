"""Pydantic validation errors -> Chinese diagnostics that name fields in the user's terms."""

from __future__ import annotations

import datetime as dt
import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .errors import Diagnostic
from .source import MAX_DIAGNOSTICS, Loc, Source


def validation_diagnostics(
    exc: ValidationError, source: Source, root: type[BaseModel]
) -> list[Diagnostic]:
    found = []
    for number, error in enumerate(errors_of(exc, root)):
        loc: Loc = tuple(error["loc"])
        # past the first thousand (which are all that is listed), skip the did-you-mean search
        message = describe(error, root, suggest=number < MAX_DIAGNOSTICS)
        message += _traditional_hint(error.get("input"))
        on_key = error["type"] == "extra_forbidden"
        if error["type"] == "missing":
            parent = loc[:-1]
            on_parent_key = bool(parent) and isinstance(parent[-1], str)
            found.append(source.at(parent, "error", "missing", message, key=on_parent_key))
        else:
            found.append(source.at(loc, "error", error["type"], message, key=on_key))
    return found


def errors_of(exc: ValidationError, root: type[BaseModel]) -> list[Any]:
    """The errors of ``exc`` as the user wrote the value: pydantic reports a value that fits no member of a union (``title``: one line or a
    list of lines) once per member, with the member's type in the location. Keep the
    member the value's shape was meant for — the list member for a list, the others for
    anything else — and take the type out of the location."""
    errors = exc.errors(include_url=False)
    kept: list[Any] = []
    dropped: dict[Loc, Any] = {}
    for error in errors:
        loc = tuple(error["loc"])
        at = next((i for i in range(len(loc)) if _is_member(root, loc, i)), None)
        if at is None:
            kept.append(error)
            continue
        prefix = loc[:at]
        whole = next(
            (
                e["input"]
                for e in errors
                if len(e["loc"]) == at + 1 and tuple(e["loc"][:at]) == prefix
            ),
            error["input"],
        )
        error = {**error, "loc": prefix + loc[at + 1 :]}
        if str(loc[at]).startswith("list[") != isinstance(whole, list):
            dropped.setdefault(prefix, error)
            continue
        kept.append(error)
    # never lose a problem: a union none of whose errors was kept keeps its first
    reported = {tuple(e["loc"][: len(p)]) for e in kept for p in dropped}
    kept += [e for p, e in dropped.items() if p not in reported]
    return kept


def _is_member(root: type[BaseModel], loc: Loc, index: int) -> bool:
    part = loc[index]
    if index == 0 or not isinstance(part, str):
        return False
    annotation = _annotation_at(root, loc[:index])
    if not isinstance(annotation, types.UnionType) and typing.get_origin(annotation) is not (
        typing.Union
    ):
        return False
    model = _model_in(annotation)
    return model is None or part not in model.model_fields


def _traditional_hint(value: Any) -> str:
    """A value written in traditional characters (超過4.8萬人, 省級) fails for that alone:
    say how to convert the file."""
    if not isinstance(value, str) or not value or len(value) > 200:
        return ""
    from .text import to_simplified

    if to_simplified(value) == value:
        return ""
    return "（其中有繁体字：先运行 kxreport fmt --simplified 把文件转换为简体）"


def describe(error: Any, root: type[BaseModel], *, suggest: bool = True) -> str:
    """One pydantic error as a Chinese sentence."""
    loc: Loc = tuple(error["loc"])
    kind: str = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    key = next((part for part in reversed(loc) if isinstance(part, str)), None)
    is_element = bool(loc) and isinstance(loc[-1], int)
    info = field_at(root, loc)
    name = _name(key, info) if key is not None else "这一项"
    if is_element and key is not None:
        name = f"{name}的第 {int(loc[-1]) + 1} 项"

    if kind == "missing":
        return f"缺少必填字段{name}"
    if kind == "extra_forbidden":
        return _unknown_key(root, loc) if suggest else f"未知字段“{loc[-1]}”"
    got = f"，实际是{_describe_value(value)}"
    if kind in ("string_type",):
        return f"{name}应为文字{got}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{name}应为整数{got}"
    if kind in ("float_type", "float_parsing"):
        return f"{name}应为数字{got}"
    if kind in ("bool_type", "bool_parsing"):
        return f"{name}应为 true 或 false{got}"
    if kind == "list_type":
        return f"{name}应为列表（每项另起一行，以“- ”开头）{got}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{name}应为由“键: 值”组成的映射{got}"
    if kind == "literal_error":
        options = "、".join(
            o.strip("'") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(", ")
        )
        return f"{name}只能是以下之一：{options}{got}"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"{name}应为日期，例如 2023-01-10{got}"
    if kind == "greater_than_equal":
        return f"{name}不能小于 {ctx.get('ge')}{got}"
    if kind == "less_than_equal":
        return f"{name}不能大于 {ctx.get('le')}{got}"
    if kind == "string_too_short" or (kind == "too_short" and isinstance(value, str)):
        return f"{name}不能为空"
    if kind == "too_short":
        return f"{name}至少要有 {ctx.get('min_length')} 项，实际只有 {ctx.get('actual_length')} 项"
    if kind == "too_long":
        return f"{name}最多只能有 {ctx.get('max_length')} 项，实际有 {ctx.get('actual_length')} 项"
    if kind == "string_pattern_mismatch":
        return f"{name}只能由字母、数字、汉字、下划线和连字符组成{got}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if key is None or _model_in(_annotation_at(root, loc)) is not None:
        return message  # about a whole object (a model validator), not one field
    return f"{name}：{message}"


def _annotation_at(root: type[BaseModel], loc: Loc) -> Any:
    annotation: Any = root
    for part in loc:
        if isinstance(part, int):
            annotation = _element(annotation)
            continue
        model = _model_in(annotation)
        if model is None or part not in model.model_fields:
            return None
        annotation = model.model_fields[part].annotation
    return annotation


def field_at(root: type[BaseModel], loc: Loc) -> FieldInfo | None:
    """The FieldInfo of the last named field on ``loc``, or None if there is none."""
    model: type[BaseModel] | None = root
    info: FieldInfo | None = None
    for part in loc:
        if isinstance(part, int):
            continue
        if model is None or part not in model.model_fields:
            return None
        info = model.model_fields[part]
        model = _model_in(info.annotation)
    return info


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside an annotation such as ``list[Item]`` or ``Org | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _element(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin is list:
        return typing.get_args(annotation)[0]
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        for arg in typing.get_args(annotation):
            inner = _element(arg)
            if inner is not None:
                return inner
    return None


def _name(key: str, info: FieldInfo | None) -> str:
    if info is not None and info.title:
        return f"“{info.title}”（{key}）"
    return f"“{key}”"


def _unknown_key(root: type[BaseModel], loc: Loc) -> str:
    key = str(loc[-1])
    model = _model_in(_annotation_at(root, loc[:-1]) if loc[:-1] else root)
    if model is None:
        return f"未知字段“{key}”"
    fields = model.model_fields
    by_title = {info.title: name for name, info in fields.items() if info.title}
    if key in by_title:
        name = by_title[key]
        return f"未知字段“{key}”：键要用英文名，“{key}”请写作“{name}”"
    close = difflib.get_close_matches(key.lower(), list(fields), n=1, cutoff=0.6)
    if close:
        name = close[0]
        return f"未知字段“{key}”，是不是想写“{name}”（{fields[name].title}）？"
    allowed = "、".join(fields)
    return f"未知字段“{key}”；这里可以写的字段有：{allowed}"


def _describe_value(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"真假值 {str(value).lower()}"
    if isinstance(value, int | float):
        return f"数字 {value}"
    if isinstance(value, dt.datetime | dt.date):
        return f"日期 {value.isoformat()}"
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    text = str(value)
    if len(text) > 20:
        text = text[:20] + "…"
    return f"“{text}”"
