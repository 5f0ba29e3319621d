"""Other programs reading what kxreport writes: pandoc finds the headings of the DOCX, the
DOCX says truthfully what made it, and an editor with the JSON Schema agrees with
`kxreport validate` on what is a valid value."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile

import pytest
from ruamel.yaml import YAML

from kxreport.document import Heading, parse
from kxreport.loader import load
from kxreport.model import YearFile
from kxreport.render import render
from kxreport.writers import docx

from .conftest import EXAMPLES, MINIMAL, require

NESTED = (
    MINIMAL
    + """\
sections:
  - kind: party
    title: 第一部分
    items:
      - heading: 第二级
        items:
          - heading: 第三级
            items:
              - {heading: 第四级, text: 正文。}
  - kind: popularization
    title: 第二部分
    intro: 导语。
"""
)


def test_pandoc_reads_the_heading_levels(tmp_path):
    require(shutil.which("pandoc"), "pandoc")
    path = tmp_path / "2023.yaml"
    path.write_text(NESTED, encoding="utf-8")
    rendered = render(load(path).model)
    expected = [
        (block.level, block.text)
        for block in parse(rendered.markdown).blocks
        if isinstance(block, Heading)
    ]
    assert [level for level, _ in expected] == [1, 2, 3, 1]
    (tmp_path / "out.docx").write_bytes(docx.write(rendered))
    markdown = subprocess.run(
        ["pandoc", str(tmp_path / "out.docx"), "-t", "gfm"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = [
        (len(line) - len(line.lstrip("#")), line.lstrip("#").strip())
        for line in markdown.splitlines()
        if line.startswith("#")
    ]
    assert found == expected


def test_pandoc_finds_every_part_of_the_examples(tmp_path):
    require(shutil.which("pandoc"), "pandoc")
    for example in sorted(EXAMPLES.glob("*.yaml")):
        rendered = render(load(example).model)
        parts = [
            b for b in parse(rendered.markdown).blocks if isinstance(b, Heading) and b.level == 1
        ]
        target = tmp_path / f"{example.stem}.docx"
        target.write_bytes(docx.write(rendered))
        markdown = subprocess.run(
            ["pandoc", str(target), "-t", "gfm"], capture_output=True, text=True, check=True
        ).stdout
        assert sum(line.startswith("# ") for line in markdown.splitlines()) == len(parts)


def test_app_properties_say_kxreport_made_the_file():
    rendered = render(load(EXAMPLES / "linfen-2022.yaml").model)
    app = zipfile.ZipFile(io.BytesIO(docx.write(rendered))).read("docProps/app.xml")
    text = app.decode("utf-8")
    assert "<Application>kxreport</Application>" in text
    assert "Microsoft" not in text and "<Pages>" not in text and "<Words>" not in text


# --- the editor's schema and validate agree ------------------------------------------------


def _as_an_editor_reads(value):
    """yaml-language-server reads YAML without a timestamp type: dates are strings."""
    if isinstance(value, dict):
        return {k: _as_an_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_an_editor_reads(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    "line",
    [
        "year: 2023",
        'year: "2023"',
        "year: 2023.5",
        "year: true",
        "date: 2024-01-10",
        'date: "2024-01-10"',
        "date: 20240110",
        "indicator_table: true",
        'indicator_table: "true"',
        "indicator_table: 1",
        "title: 2023",
        'title: "2023"',
        "kind: plan",
        "kind: 计划",
        "recipients: 各县科协",
        "recipients: [各县科协, 2]",
    ],
)
def test_schema_and_validate_agree(tmp_path, line):
    import jsonschema

    key = line.split(":")[0]
    kept = [row for row in MINIMAL.splitlines() if not row.startswith(f"{key}:")]
    text = "\n".join(kept) + f"\n{line}\n"
    path = tmp_path / "2023.yaml"
    path.write_text(text, encoding="utf-8")
    valid_for_kxreport = load(path).model is not None
    data = _as_an_editor_reads(YAML(typ="safe").load(text))
    errors = list(jsonschema.Draft202012Validator(YearFile.json_schema()).iter_errors(data))
    assert valid_for_kxreport == (not errors), (line, [e.message for e in errors])
