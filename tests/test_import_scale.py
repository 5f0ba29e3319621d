"""Import stays linear and bounded: long reports, a megabyte on one line, thousands of
numbered headings, Markdown made of brackets, a heading made of hashes — each in seconds
(today's bounds are generous; the speed itself is measured in bench/), and a source
beyond the size of any real report refused with a message."""

from __future__ import annotations

import time

import pytest
from typer.testing import CliRunner

from kxreport.cli import app

runner = CliRunner()
PARAGRAPH = "围绕全国科普日组织开展科普进校园活动，受众覆盖全县各乡镇，群众反响良好。"
TITLE = "示例县科协2023年工作总结\n"

CASES = {
    "10,000 paragraphs": (TITLE + "\n".join(f"{PARAGRAPH}第{i}次。" for i in range(10000)), ".txt"),
    "a long line of counts": (TITLE + "科普活动举办30场" * 20000, ".txt"),
    "10,000 numbered headings": (TITLE + "\n".join(f"（{i}）工作{i}。开展活动{i}场。" for i in range(10000)), ".txt"),
    "100,000 link brackets": ("# " + TITLE + "[" * 100000 + "\n" + "[a](" * 30000 + "\n", ".md"),
    "bold and image marks": ("# " + TITLE + "**a" * 30000 + "\n" + "__" * 30000 + "\n" + "![" * 30000 + "\n", ".md"),
    "a heading of hashes and spaces": ("# " + " #" * 50000 + "x\n# a" + " " * 100000 + "#####b\n", ".md"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(CASES))
def test_import_takes_seconds_whatever_the_shape(tmp_path, case):
    text, suffix = CASES[case]
    source = tmp_path / f"in{suffix}"
    source.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "out.yaml")])
    took = time.monotonic() - started
    assert result.exit_code in (0, 1) and "内部错误" not in result.output, result.output
    assert took < 20, f"{case}: {took:.1f} s"


def test_a_source_beyond_any_real_report_is_refused(tmp_path):
    source = tmp_path / "huge.txt"
    source.write_text(TITLE + (PARAGRAPH + "\n") * 20000, encoding="utf-8")  # 70万字
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "out.yaml")])
    assert result.exit_code == 1
    assert "材料太长" in result.output and "50 万字的上限" in result.output
    assert not (tmp_path / "out.yaml").exists()
