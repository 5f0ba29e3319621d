"""Hostile input: every case ends with a clear Chinese message, in bounded time and memory,
and no traceback. Each case runs in a child process limited to 1 GB and 60 seconds."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import MINIMAL

CHILD = textwrap.dedent(
    """
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from kxreport.loader import load
    result = load(sys.argv[1])
    print(json.dumps([[d.line, d.column, d.severity, d.message] for d in result.diagnostics], ensure_ascii=False))
    """
)


def diagnose(path: Path) -> list[list]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def write(tmp_path: Path, data: bytes | str, name: str = "hostile.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_billion_laughs(tmp_path):
    lines = ['a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    (found,) = diagnose(write(tmp_path, "\n".join(lines) + "\n"))
    assert found[2] == "error" and "节点数超过上限" in found[3]


@pytest.mark.parametrize("style", ["flow", "block"])
def test_ten_thousand_levels_of_nesting(tmp_path, style):
    if style == "flow":
        text = "a: " + "[" * 10_000 + "]" * 10_000 + "\n"
    else:
        text = "".join(" " * i + f"k{i}:\n" for i in range(0, 10_000, 1))[:4_000_000]
    found = diagnose(write(tmp_path, text))
    assert found and found[0][2] == "error"
    assert "嵌套层数过深" in found[0][3] or "文件太大" in found[0][3]


def test_fifty_megabyte_file(tmp_path):
    path = tmp_path / "big.yaml"
    with path.open("wb") as handle:
        handle.write(MINIMAL.encode())
        handle.write(b"closing: " + "很长的文字".encode() * (50 * 1024 * 1024 // 15) + b"\n")
    (found,) = diagnose(path)
    assert found[3].startswith("文件太大（50.0 MB）")


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (bytes(range(256)) * 20, "空字节"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "空字节"),
        (MINIMAL.encode("gbk"), "看起来是 GBK/GB18030 编码"),
        (MINIMAL.encode("utf-16"), "UTF-16"),
        (MINIMAL.encode("utf-16-be"), "空字节"),
        (b"year: 2023\nname: \xff\xff\xff\n", "不是有效的 UTF-8 文本"),
    ],
    ids=["binary", "png", "gbk", "utf16-bom", "utf16-no-bom", "invalid-utf8"],
)
def test_binary_and_foreign_encodings(tmp_path, data, needle):
    (found,) = diagnose(write(tmp_path, data))
    assert found[2] == "error" and needle in found[3]
    assert "另存为" in found[3] or "空字节" in found[3]


def test_bom_and_crlf_are_accepted(tmp_path):
    path = write(tmp_path, b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode())
    assert diagnose(path) == []


@pytest.mark.parametrize("char", ["\x07", "\x1b"])
def test_control_characters_in_text(tmp_path, char):
    (found,) = diagnose(write(tmp_path, MINIMAL + f"closing: 全年工作{char}完成\n"))
    assert found[:3] == [8, 14, "error"]
    assert f"控制字符 U+{ord(char):04X}" in found[3]


def test_nul_byte_means_not_text(tmp_path):
    (found,) = diagnose(write(tmp_path, MINIMAL + "closing: 全年工作\x00完成\n"))
    assert found[2] == "error" and "空字节" in found[3]


def test_very_long_lines(tmp_path):
    long_text = "科普" * 500_000  # a 1,000,000-character line
    found = diagnose(write(tmp_path, MINIMAL + f"closing: {long_text}XX\n"))
    assert [f[3] for f in found] == ["“XX”是没有填写的占位符：请写上实际的内容或数字"]
    assert found[0][:2] == [8, 1_000_010]


def test_jinja_and_markdown_in_user_text_are_printed_literally(tmp_path):
    from typer.testing import CliRunner

    from kxreport.cli import app

    text = "{{ doc.org.name }}{% for x in range(9**9) %}x{% endfor %} <script>alert(1)</script> `代码` [链接](http://x) # 不是标题"
    path = write(
        tmp_path, MINIMAL + f"closing: {json.dumps(text, ensure_ascii=False)}\n", "2023.yaml"
    )
    result = CliRunner().invoke(app, ["build", str(path), "-f", "md"])
    assert result.exit_code == 0, result.output
    out = (tmp_path / "2023.md").read_text(encoding="utf-8")
    assert "{{ doc.org.name }}{% for x in range(9**9) %}x{% endfor %}" in out.replace("\\", "")
    assert "<script>" not in out and r"\<script\>" in out
