"""The JSON Schema for editors is generated from the model and validates the examples."""

from __future__ import annotations

import datetime as dt
import json

import jsonschema
import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.model import YearFile

from .conftest import EXAMPLES

CASES = sorted(EXAMPLES.glob("*.yaml"))


def as_json(node):
    """YAML data as JSON sees it (yaml-language-server reads dates as strings)."""
    if isinstance(node, dict):
        return {str(k): as_json(v) for k, v in node.items()}
    if isinstance(node, list):
        return [as_json(v) for v in node]
    if isinstance(node, dt.date):
        return node.isoformat()
    return node


def load_data(path):
    return as_json(YAML(typ="safe").load(path.read_text(encoding="utf-8")))


def test_shipped_schema_is_up_to_date():
    shipped = (EXAMPLES / "kxreport.schema.json").read_text(encoding="utf-8")
    assert shipped == YearFile.json_schema_text(), (
        "run: kxreport schema -o examples/kxreport.schema.json"
    )


@pytest.mark.parametrize("example", CASES, ids=[c.stem for c in CASES])
def test_examples_validate_against_the_schema(example):
    jsonschema.validate(load_data(example), YearFile.json_schema())


@pytest.mark.parametrize("example", CASES, ids=[c.stem for c in CASES])
def test_examples_start_with_the_editor_modeline(example):
    first = example.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=kxreport.schema.json"


def test_schema_rejects_what_the_model_rejects():
    schema = YearFile.json_schema()
    data = load_data(EXAMPLES / "demo-2022.yaml")
    for broken in (
        {**data, "nmae": 1},
        {**data, "kind": "总结"},
        {**data, "org": {**data["org"], "level": "镇"}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
    counts = schema["$defs"]["Figure"]["properties"]["value"]["anyOf"]
    pattern = next(c["pattern"] for c in counts if "pattern" in c)
    assert "?P<" not in pattern  # ECMA regex, usable by editors


def test_schema_has_chinese_titles_for_editor_hints():
    schema = YearFile.json_schema()
    assert schema["properties"]["year"]["title"] == "年度"
    assert schema["$defs"]["Org"]["properties"]["name"]["description"].startswith("单位的正式全称")


def test_schema_command(tmp_path):
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == YearFile.json_schema()
    target = tmp_path / "s.json"
    assert CliRunner().invoke(app, ["schema", "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8")) == YearFile.json_schema()
