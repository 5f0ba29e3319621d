"""``yamltext.scalar``: every value ``init`` and ``import`` write reads back exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from kxreport.yamltext import scalar

_YAML = YAML(typ="safe", pure=True)

# the characters that matter to YAML, beside Chinese text and digits
_PIECES = st.sampled_from(
    [
        *"0123456789:#-?[]{}!&*%@`|>'\",. \t年场人次科协abcyYnN",
        "30场",
        "2023-01-08",
        "null",
        "true",
        "1e3",
        "0x1F",
        "2000余人次",
        "：",
        "——",
        "\u3000",
    ]
)


def _reads(text: str) -> object:
    return _YAML.load(f"k: {scalar(text)}\n")["k"]


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=8).map("".join))
def test_every_text_reads_back_as_written(text):
    assert _reads(text) == text


@pytest.mark.parametrize(
    "text",
    ["30场", "2000余人次", "5G基站20个", "2023年", "a科协", "12:30开会", "3#楼", "null", "2023"],
)
def test_counts_and_names_read_back(text):
    assert _reads(text) == text


def test_plain_where_plain_is_safe():
    assert scalar("30场") == "30场" and scalar("2023") == '"2023"' and scalar("true") == '"true"'
