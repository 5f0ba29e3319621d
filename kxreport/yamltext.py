"""How a value is written as a YAML scalar that reads back exactly (``init``, ``import``)."""

from __future__ import annotations

import functools
import json
from typing import Any


def scalar(value: Any) -> str:
    """A YAML scalar that reads back as exactly ``value``: plain when YAML would read the
    plain text back as the same string, double-quoted (JSON syntax) otherwise — so
    ``null``, ``true``, ``2023``, ``2024-01-10``, ``~``, ``- x`` or ``a: b`` stay text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if text and "\n" not in text and _reads_back(text):
        return text
    return json.dumps(text, ensure_ascii=False)


_SPECIAL = frozenset("\ufeff\x85\u2028\u2029")


def _reads_back(text: str) -> bool:
    # a text that starts with a character beyond ASCII (Chinese, mostly), or with an ASCII
    # letter or digit and has a character beyond ASCII (“30场”), and has no “:” or “#” is a
    # plain string whatever follows: every YAML indicator is ASCII and no letter or digit,
    # and every pattern a scalar resolves to (null, bool, number, date) is all ASCII
    first = text[0]
    if (
        (ord(first) > 127 or (first.isascii() and first.isalnum() and not text.isascii()))
        and first not in _SPECIAL
        and not first.isspace()
        and not text[-1].isspace()
        and text.isprintable()
        and not _SPECIAL.intersection(text)
        and ":" not in text
        and "#" not in text
    ):
        return True
    return _round_trips(text)


@functools.lru_cache(maxsize=4096)
def _round_trips(text: str) -> bool:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        loaded = YAML(typ="safe", pure=True).load(f"k: {text}\n")
    except (YAMLError, ValueError):
        return False
    return isinstance(loaded, dict) and list(loaded) == ["k"] and loaded["k"] == text
