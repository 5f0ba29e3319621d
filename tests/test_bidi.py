"""Bidirectional controls forge what a reader sees (an RLO before “3000” shows “0003”):
validate reports each where it stands, and no writer ever emits one, whether it came from
the data or from a template."""

from __future__ import annotations

import io
import zipfile

from kxreport.loader import load
from kxreport.model import YearFile
from kxreport.render import render
from kxreport.text import BIDI_CONTROLS
from kxreport.writers import docx as docx_writer
from kxreport.writers import html as html_writer
from kxreport.writers import markdown as markdown_writer

HEAD = (
    "org:\n  name: 示例县科学技术协会\n  level: 县\nyear: 2023\nkind: summary\ndate: 2024-01-10\n"
)
CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068"]
CONTROLS += ["\u2069", "\u200e", "\u200f", "\u061c"]


def test_every_control_is_reported_at_its_line_and_column_with_its_code_point(write_yaml):
    for char in CONTROLS:
        path = write_yaml(
            HEAD + f"overview:\n  text: |\n    第一行。\n    全年培训{char}3000人次。\n"
        )
        result = load(path)
        found = [(d.line, d.column, d.code) for d in result.diagnostics]
        assert found == [(10, 9, "bidi-control")], (hex(ord(char)), found)
        assert f"U+{ord(char):04X}" in result.diagnostics[0].message
        assert result.model is None  # never built


def test_a_control_written_as_an_escape_is_reported_at_its_value(write_yaml):
    result = load(write_yaml(HEAD + 'overview:\n  text: "全年培训\\u202e3000人次。"\n'))
    assert [(d.line, d.column, d.code) for d in result.diagnostics] == [(8, 9, "bidi-control")]


def test_no_writer_emits_a_control_from_the_data_or_a_template(tmp_path):
    forged = "\u202e"
    doc = YearFile.model_validate(
        {
            "org": {"name": "示例县科学技术协会", "level": "县"},
            "year": 2023,
            "kind": "summary",
            "title": f"示例县科协{forged}2023年工作总结",
            "overview": {"text": f"全年培训{forged}3000人次。"},
            "sections": [{"kind": "party", "intro": "党员学习\u206624\u2069次。"}],
        }
    )
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "summary.md.j2").write_text(
        "# {{ doc.title }}\n\n\u202e{{ doc.overview.text }}\n", encoding="utf-8"
    )
    for rendered in (render(doc), render(doc, templates)):
        assert "3000" in rendered.markdown
        outputs = {
            "md": markdown_writer.write(rendered).decode("utf-8"),
            "html": html_writer.write(rendered).decode("utf-8"),
        }
        with zipfile.ZipFile(io.BytesIO(docx_writer.write(rendered))) as package:
            outputs["docx"] = "".join(
                package.read(name).decode("utf-8")
                for name in package.namelist()
                if name.endswith(".xml")
            )
        for kind, text in outputs.items():
            assert not BIDI_CONTROLS.search(text), kind
