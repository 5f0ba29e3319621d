"""One pass: when a year file does not validate, the checks that need the model still run
on what did validate.

The parts the schema refused are set aside — the smallest list entry that holds each
error (an activity with an impossible date, an item with an unknown key), or an optional
field of the file itself — and the rest is validated again. The checks then run on that
model, and their findings point at the file as written: the positions of the remaining
entries are mapped back to the indexes they have in the file. Nothing of this model
leaves ``load``: a file with errors never builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .source import Loc

if TYPE_CHECKING:
    from pydantic import ValidationError

    from .model import YearFile

MAX_ROUNDS = 4  # each round sets aside what the last one refused (nested errors show one by one)
MAX_SET_ASIDE = 2000  # more refused parts than this: the file is not worth a second look

# findings about a field that is missing: not to be said of a field that is there but invalid
REPORTS_MISSING = {"missing-date": ("date",)}


@dataclass
class Salvaged:
    """What validated once the refused parts were set aside, and where each entry of it
    is in the file."""

    model: YearFile
    data: Any
    kept: dict[Loc, list[int]]  # a list (at its location in the file) -> each entry's index there
    aside: set[Loc]  # locations in the file set aside

    def original(self, loc: Loc) -> Loc:
        """The location in the file of a location in the salvaged data."""
        return _in_file(loc, self.kept)

    def hides(self, code: str) -> bool:
        """Whether a finding reports a field missing that is there but was set aside."""
        field = REPORTS_MISSING.get(code)
        return field is not None and field in self.aside


def salvage(data: Any, exc: ValidationError) -> Salvaged | None:
    """The model of ``data`` without the parts ``exc`` (and later rounds) refused, or None
    when what was refused cannot be set aside (a required field of the file: org, year)."""
    from pydantic import ValidationError

    from .model import YearFile

    if not isinstance(data, dict):
        return None
    aside: set[Loc] = set()
    current: ValidationError = exc
    kept: dict[Loc, list[int]] = {}
    for _ in range(MAX_ROUNDS):
        for error in current.errors(include_url=False):
            loc = _in_file(tuple(error["loc"]), kept)
            target = _smallest_part(data, loc)
            if target is None:
                return None
            aside.add(target)
        if len(aside) > MAX_SET_ASIDE:
            return None
        kept = {}
        rest = _without(data, aside, (), kept)
        try:
            return Salvaged(YearFile.model_validate(rest), rest, kept, aside)
        except ValidationError as again:
            current = again
    return None


def _in_file(loc: Loc, kept: dict[Loc, list[int]]) -> Loc:
    """A location in the salvaged data as a location in the file."""
    out: list[str | int] = []
    for part in loc:
        indexes = kept.get(tuple(out))
        if isinstance(part, int) and indexes is not None and 0 <= part < len(indexes):
            part = indexes[part]
        out.append(part)
    return tuple(out)


def _smallest_part(data: Any, loc: Loc) -> Loc | None:
    """The smallest part of the file that holds an error at ``loc`` and may be left out:
    the innermost list entry on the way, else an optional field of the file."""
    from .model import YearFile

    node = data
    innermost: Loc | None = None
    for depth, part in enumerate(loc):
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            innermost = loc[: depth + 1]
            node = node[part]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            break
    if innermost is not None:
        return innermost
    if loc and isinstance(loc[0], str):
        field = YearFile.model_fields.get(loc[0])
        if field is None or not field.is_required():
            return loc[:1]  # an unknown key, or an optional one
    return None


def _without(node: Any, aside: set[Loc], loc: Loc, kept: dict[Loc, list[int]]) -> Any:
    if isinstance(node, dict):
        return {
            key: _without(value, aside, (*loc, key), kept)
            for key, value in node.items()
            if (*loc, key) not in aside
        }
    if isinstance(node, list):
        indexes = [i for i in range(len(node)) if (*loc, i) not in aside]
        if len(indexes) != len(node):
            kept[loc] = indexes
        return [_without(node[i], aside, (*loc, i), kept) for i in indexes]
    return node
