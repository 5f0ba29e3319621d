from __future__ import annotations

from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.fmt import simplify

TRADITIONAL = """\
# 臨汾市科協 年度文件（註釋保持原樣）
org:
  name: 臨汾市科學技術協會   # 全稱
  short_name: "臨汾市科協"
  level: 市
year: 2022
kind: summary
sections:
  - kind: party
    title: 堅持從嚴治黨
    items:
      - heading: 規範制度
        text: |
          召開座談會30余次，
          收集意見建議32項。
        counts:
          - {key: forums, label: 召開座談會, value: 30余次}
"""

SIMPLIFIED = """\
# 臨汾市科協 年度文件（註釋保持原樣）
org:
  name: 临汾市科学技术协会   # 全稱
  short_name: "临汾市科协"
  level: 市
year: 2022
kind: summary
sections:
  - kind: party
    title: 坚持从严治党
    items:
      - heading: 规范制度
        text: |
          召开座谈会30余次，
          收集意见建议32项。
        counts:
          - {key: forums, label: 召开座谈会, value: 30余次}
"""


def test_simplify_converts_values_and_keeps_comments_order_and_style(tmp_path):
    path = tmp_path / "2022.yaml"
    path.write_text(TRADITIONAL, encoding="utf-8")
    done = simplify(path)
    assert done.changed == 6
    assert path.read_text(encoding="utf-8") == SIMPLIFIED
    assert [p.name for p in tmp_path.iterdir()] == ["2022.yaml"]


def test_simplify_keeps_crlf_and_bom(tmp_path):
    path = tmp_path / "2022.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TRADITIONAL.replace("\n", "\r\n").encode("utf-8"))
    simplify(path)
    assert path.read_bytes() == b"\xef\xbb\xbf" + SIMPLIFIED.replace("\n", "\r\n").encode("utf-8")


def test_cli_fmt_then_strict_validate_passes(tmp_path):
    path = tmp_path / "2022.yaml"
    path.write_text(TRADITIONAL + "date: 2023-01-10\n", encoding="utf-8")
    runner = CliRunner()
    before = runner.invoke(app, ["validate", "--strict", str(path)])
    assert before.exit_code == 1
    assert "含有繁体字" in before.output
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 0  # warnings only
    result = runner.invoke(app, ["fmt", "--simplified", str(path)])
    assert result.exit_code == 0, result.output
    assert "已把 6 处文字转换为简体" in result.output
    assert runner.invoke(app, ["validate", "--strict", str(path)]).exit_code == 0
    again = runner.invoke(app, ["fmt", "--simplified", str(path)])
    assert "没有繁体字，未修改" in again.output


def test_fmt_refuses_a_broken_file_and_leaves_it_alone(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("org: [臨汾\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fmt", "--simplified", str(path)])
    assert result.exit_code == 1
    assert "未修改" in result.output
    assert path.read_text(encoding="utf-8") == "org: [臨汾\n"


def test_fmt_needs_an_operation(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("year: 2022\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fmt", str(path)])
    assert result.exit_code == 2
    assert "请指定要做的改写" in result.output


def test_strict_build_refuses_warnings(tmp_path):
    path = tmp_path / "2022.yaml"
    path.write_text(TRADITIONAL, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(app, ["build", "--strict", "-f", "md", str(path)]).exit_code == 1
    assert not (tmp_path / "2022.md").exists()
    assert runner.invoke(app, ["build", "-f", "md", str(path)]).exit_code == 0
