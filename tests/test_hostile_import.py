"""``import`` on hostile or huge input: each source costs time in proportion to its length
and is bounded like every other input (what is beyond the bound is refused at once, in
Chinese), a year file it writes always loads, and any file name or output path gives a
Chinese message, never the system's English or an internal error.

The cases that used to take minutes run in a child process with a time limit, so that a
regression fails in seconds instead of hanging the suite."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from kxreport.cli import app
from kxreport.loader import load
from kxreport.source import MAX_BYTES, read_yaml

runner = CliRunner()
TITLE = "示例县科协2023年工作总结"


def _import_within(seconds: float, *args: str) -> subprocess.CompletedProcess[str]:
    """``kxreport import ARGS`` in a child process that may take ``seconds`` at most."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "kxreport", "import", *args],
            capture_output=True,
            text=True,
            timeout=seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"import {' '.join(args)} took more than {seconds} s")


def test_an_indicator_table_as_long_as_the_text_costs_linear_time(tmp_path):
    # 2000 table rows against 4000 numbers: each number used to be compared with every row
    # (parsing the row's value again each time), some 25 s; now well under a second
    rows = 2000
    lines = [TITLE, "| 序号 | 指标 | 数值 |", "|---|---|---|"]
    lines += [f"| {i} | 科普指标{i} | {100000 + i}个 |" for i in range(rows)]
    lines.append("一、科普工作")
    # the text says the even rows' figures (and a number no row has)
    lines += [f"开展活动{100000 + i}个，培训{500000 + i}人次。" for i in range(0, rows, 2)]
    source = tmp_path / "table.md"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "table.yaml"
    done = _import_within(10, str(source), "-o", str(out))
    assert done.returncode == 0, done.stderr
    data = read_yaml(out).data
    assert data is not None
    part, table = data["sections"]
    # a number of the text takes the name of its row; the other numbers keep their own
    first = part["items"][0]["counts"]
    assert [(c["label"], c["value"]) for c in first] == [
        ("科普指标0", "100000个"),
        ("培训", "500000人次"),
    ]
    assert part["items"][-1]["counts"][0]["label"] == f"科普指标{rows - 2}"
    # the rows the text never said are kept, in table order, each once
    said = [c["label"] for item in table["items"] for c in item["counts"]]
    assert said == [f"科普指标{i}" for i in range(1, rows, 2)]


def test_a_year_file_beyond_the_size_a_year_file_may_have_is_never_written(tmp_path):
    # 43万字 of dense counts (under the 50万字 a source may have) make a 5.3 MB year file,
    # which validate and build refuse to read: it used to be written all the same
    paragraph = "全年开展科普活动30场，参与群众3000人次，发放资料500份，培训农民1200人次。"
    lines = [TITLE]
    for i in range(9800):
        if i % 50 == 0:
            lines.append(f"{'一二三四五六七八九十'[(i // 50) % 10]}、第{i // 50}部分工作")
        lines.append(paragraph)
    source = tmp_path / "dense.txt"
    source.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "dense.yaml"
    result = runner.invoke(app, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert f"超过年度文件 {MAX_BYTES // 1024 // 1024} MB 的上限" in result.output
    assert "没有写入" in result.output and "分成几份" in result.output
    assert not out.exists()


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_text_beyond_five_megabytes_is_refused_before_it_is_read(tmp_path, suffix):
    source = tmp_path / f"huge{suffix}"
    source.write_bytes((TITLE + "\n").encode() + "很长的文字。".encode() * (6 * 1024 * 1024 // 18))
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / "huge.yaml")])
    assert result.exit_code == 1
    assert "文件太大（6.0 MB）" in result.output and "不能超过 5 MB" in result.output
    assert not (tmp_path / "huge.yaml").exists()


def test_a_page_of_too_many_elements_is_refused_at_once(tmp_path):
    # the extractor's time grows with the square of the elements: 200 000 paragraphs
    # (3.4 MB) took minutes before the length of the text was even known
    page = tmp_path / "page.html"
    paragraphs = "".join(f"<p>开展活动{i}场。</p>\n" for i in range(200_000))
    page.write_text(
        f"<html><head><title>{TITLE}</title></head><body><article>{paragraphs}</article>"
        "</body></html>",
        encoding="utf-8",
    )
    done = _import_within(20, str(page), "-o", str(tmp_path / "page.yaml"))
    assert done.returncode == 1
    assert "网页的元素太多（超过 5 万个 HTML 标签" in done.stderr, done.stderr
    assert not (tmp_path / "page.yaml").exists()


def test_a_page_beyond_twenty_megabytes_is_refused(tmp_path):
    page = tmp_path / "page.html"
    picture = "A" * (21 * 1024 * 1024)  # a picture saved inline
    page.write_text(
        f"<html><head><title>{TITLE}</title></head><body><article><p>开展活动30场。</p>"
        f'<img src="data:image/png;base64,{picture}"></article></body></html>',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(page), "-o", str(tmp_path / "page.yaml")])
    assert result.exit_code == 1
    assert "不能超过 20 MB" in result.output
    assert not (tmp_path / "page.yaml").exists()


@pytest.mark.parametrize(
    "name",
    [
        "报告\x1b[2J.txt",  # a terminal control
        "报告\x7f.txt",
        "报告\u202e3000.txt",  # a bidirectional control
        "报告\udcff\udcfe.txt",  # bytes the file system's encoding cannot read (surrogateescape)
    ],
)
def test_any_file_name_gives_a_year_file_that_loads(tmp_path, name):
    source = tmp_path / name
    source.write_text(f"{TITLE}\n一、科普工作\n全年举办科普讲座30场。\n", encoding="utf-8")
    out = tmp_path / "out.yaml"
    result = runner.invoke(app, ["import", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    loaded = load(out)
    assert loaded.model is not None and not loaded.errors, [d.format() for d in loaded.errors]
    header = out.read_text(encoding="utf-8").splitlines()[1]
    assert header.startswith("# 由 kxreport import 从“报告\ufffd")
    assert not any(c in header for c in "\x1b\x7f\u202e")


def test_a_file_in_the_way_of_the_output_is_said_in_chinese(tmp_path):
    source = tmp_path / "a.txt"
    source.write_text(f"{TITLE}\n一、科普工作\n全年举办科普讲座30场。\n", encoding="utf-8")
    blocker = tmp_path / "notes"
    blocker.write_text("我的笔记\n", encoding="utf-8")
    result = runner.invoke(app, ["import", str(source), "-o", str(blocker / "2023.yaml")])
    assert result.exit_code == 1
    assert f"无法写入 {blocker / '2023.yaml'}：{blocker} 已经存在，但不是文件夹" in result.output
    assert "File exists" not in result.output
    # a folder to be made under a file: the same, not an internal error
    result = runner.invoke(app, ["import", str(source), "-o", f"{blocker}/sub/"])
    assert result.exit_code == 1
    assert f"无法创建输出文件夹 {blocker / 'sub'}：" in result.output
    assert "内部错误" not in result.output and "Error" not in result.output
    assert blocker.read_text(encoding="utf-8") == "我的笔记\n"
