"""Hostile input: every case ends with a clear Chinese message, in bounded time and memory,
and no traceback. Each case runs in a child process limited to 1 GB and 60 seconds."""

from __future__ import annotations

import json
import os
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


# --- the cases of the independent hostile-input run --------------------------------------

CLI_CHILD = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from kxreport.cli import run
    sys.argv = ["kxreport", *sys.argv[1:]]
    run()
    """
)


def cli(*args: str, timeout: int = 60) -> subprocess.CompletedProcess[str]:
    """The command line in a child limited to 1 GB; a hang fails the test at ``timeout``."""
    done = subprocess.run(
        [sys.executable, "-c", CLI_CHILD, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode in (0, 1, 2), (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    return done


@pytest.mark.parametrize(
    "text",
    [
        "title: " + "[" * 50_000 + "\n",
        "title: " + "{a: " * 50_000 + "\n",
        "sections:\n" + "- " * 50_000 + "x\n",
        "sections:\n" + "".join(" " * i + "- \n" for i in range(0, 3000, 2)),
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences", "indented"],
)
def test_deep_nesting_never_reaches_the_c_parser(tmp_path, text):
    """50 000 '[' made ruamel's C parser overflow its stack (a segfault, no message)."""
    found = diagnose(write(tmp_path, MINIMAL + text))
    assert found and found[0][2] == "error"
    assert "嵌套层数过深" in found[0][3] or "文件太大" in found[0][3]
    assert found[0][0] >= 8  # located on the deep line, not at 1:1


@pytest.mark.parametrize(
    ("escape", "needle"),
    [
        (r"\ud800", "代理字符 U+D800"),
        (r"\udfff", "代理字符 U+DFFF"),
        (r"\U00110000", r"\U00110000"),
        (r"\x9b", "控制字符 U+009B"),
        (r"\x0c", "控制字符 U+000C"),
    ],
)
def test_impossible_characters_are_refused_with_a_location(tmp_path, escape, needle):
    found = diagnose(write(tmp_path, MINIMAL + f'closing: "好{escape}"\n'))
    assert [f[:3] for f in found] == [[8, 10, "error"]] or found[0][0] == 8
    assert needle in found[0][3]


def test_control_characters_in_keys_are_refused(tmp_path):
    found = diagnose(write(tmp_path, MINIMAL + '"k\\x1b[2J": 1\n'))
    assert found[0][:3] == [8, 1, "error"] and "U+001B" in found[0][3]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_are_not_read(device):
    done = cli("validate", device, timeout=30)
    assert done.returncode == 2
    assert "不是普通文件" in done.stderr


def test_a_fifo_does_not_block(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    for command in (["validate"], ["build"], ["stats"], ["fmt", "--simplified"]):
        done = cli(*command, str(fifo), timeout=30)
        assert done.returncode == 2, (command, done.stderr)
        assert "不是普通文件" in done.stderr


def test_fifty_thousand_unknown_keys_are_counted_not_all_printed(tmp_path):
    path = write(tmp_path, MINIMAL + "".join(f"k{i}: 1\n" for i in range(50_000)))
    done = cli("validate", str(path))
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(lines) < 400
    assert "另有 49900 个问题没有显示" in done.stderr
    assert "未通过（50000 个错误，0 个警告）" in done.stderr
    assert f"{path}:8:1: 错误: 未知字段“k0”" in done.stderr
    found = diagnose(path)
    assert len(found) == 1001 and found[-1][3] == "还有 49000 个错误没有列出：请先修正上面的问题"


def test_forty_thousand_line_breaks_in_a_heading(tmp_path):
    heading = "甲" + "\\n" * 40_000 + "乙"
    path = write(
        tmp_path,
        MINIMAL
        + f'sections:\n  - kind: party\n    items:\n      - heading: "{heading}"\n        text: 好\n',
    )
    done = cli("build", str(path), "-f", "md", "-f", "docx")
    assert done.returncode == 0, done.stderr
    assert "**（一）甲乙**。好" in (tmp_path / "hostile.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("where", ["items", "parts"])
def test_a_thousand_items_or_parts_are_numbered(tmp_path, where):
    if where == "items":
        items = "".join(f"      - {{heading: 第{i}项, text: 好}}\n" for i in range(1000))
        text = MINIMAL + "sections:\n  - kind: party\n    items:\n" + items
    else:
        text = (
            MINIMAL
            + "sections:\n"
            + "".join(f"  - {{kind: custom, title: 第{i}部分, intro: 好}}\n" for i in range(1000))
        )
    path = write(tmp_path, text)
    done = cli("build", str(path), "-f", "md", "-f", "docx")
    assert done.returncode == 0, done.stderr
    out = (tmp_path / "hostile.md").read_text(encoding="utf-8")
    if where == "items":
        assert "**（一千）第999项**。好" in out and "**（一百）第99项**。好" in out
    else:
        assert "## 一千、第999部分" in out and "## 一百零一、第100部分" in out


@pytest.mark.parametrize(
    "title",
    [
        "聚合力稳步调抓重点促提升扎实推进全民科学素质" * 140,  # 3000 characters, no word ends
        "聚合力稳步调抓重点促提升扎实推进全民科学素质" * 280,
        "科" + "\\n" * 40_000 + "协",
    ],
    ids=["3000-characters", "6000-characters", "40000-newlines"],
)
def test_long_titles_build(tmp_path, title):
    path = write(tmp_path, MINIMAL + f'title: "{title}"\n')
    done = cli("build", str(path), "-f", "md", "-f", "docx")
    assert done.returncode == 0, done.stderr
    first = (tmp_path / "hostile.md").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# " + title.replace("\\n", "")  # one line, nothing escaped


def test_copied_paragraph_check_on_four_hundred_by_four_hundred(tmp_path):
    import random

    rng = random.Random(9)
    chars = "科普活动工作开展组织服务创新发展会员学会企业人才培训讲座基层农村社区青少年"

    def paragraphs() -> list[str]:
        return ["".join(rng.choice(chars) for _ in range(200)) for _ in range(400)]

    def year(number: int, paras: list[str]) -> str:
        body = "".join(f"      {p}\n\n" for p in paras)
        return MINIMAL.replace("2023", str(number)) + f"closing: |\n{body}"

    before = paragraphs()
    (tmp_path / "2022.yaml").write_text(year(2022, before), encoding="utf-8")
    after = [p[:-4] + "修改四字" for p in before[:100]] + paragraphs()[:300]
    path = tmp_path / "2023.yaml"
    path.write_text(year(2023, after) + "previous: 2022.yaml\n", encoding="utf-8")
    done = cli("validate", str(path), timeout=60)
    assert done.stderr.count("几乎相同") >= 90


def test_a_catastrophic_user_regex_is_stopped_and_located(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text('rules:\n  - {pattern: "(a|aa)+$", until: 2000}\n', encoding="utf-8")
    items = "".join(f"      - {{heading: h{i}, text: {'a' * 40}b}}\n" for i in range(30))
    path = write(tmp_path, MINIMAL + "sections:\n  - kind: party\n    items:\n" + items)
    done = cli("validate", "--rules", str(rules), str(path), timeout=60)
    assert done.returncode == 1
    assert f"{rules}:2:15: 错误: 这条规则的正则表达式运行超过" in done.stderr
    assert '    2 |   - {pattern: "(a|aa)+$", until: 2000}' in done.stderr


@pytest.mark.parametrize(
    ("pattern", "needle"),
    [("a*", "不能匹配空文字"), ("(", "正则表达式有误"), ("x" * 2000, "太长")],
)
def test_unusable_user_regexes_are_refused(tmp_path, pattern, needle):
    rules = tmp_path / "rules.yaml"
    rules.write_text(f'rules:\n  - {{pattern: "{pattern}", until: 2000}}\n', encoding="utf-8")
    done = cli("validate", "--rules", str(rules), str(write(tmp_path, MINIMAL)))
    assert done.returncode == 1 and needle in done.stderr


def test_a_zip_bomb_as_old_output_is_just_out_of_date(tmp_path):
    import zipfile

    path = write(tmp_path, MINIMAL, "2023.yaml")
    assert cli("build", str(path), "-f", "docx").returncode == 0
    docx = tmp_path / "2023.docx"
    package = zipfile.ZipFile(docx)
    parts = {name: package.read(name) for name in package.namelist()}
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        for name, data in parts.items():
            if name != "word/document.xml":
                bomb.writestr(name, data)
                continue
            with bomb.open(name, "w", force_zip64=True) as part:
                chunk = b"\0" * (1 << 20)
                for _ in range(1200):  # 1.2 GB of zeros, about 1.2 MB compressed
                    part.write(chunk)
    done = cli("build", "--check", str(path), "-f", "docx")
    assert done.returncode == 1
    assert "内容已过时" in done.stderr


def test_units_that_list_each_other_are_a_located_error(tmp_path):
    a = write(tmp_path, MINIMAL + "units: [b.yaml]\n", "a.yaml")
    write(tmp_path, MINIMAL.replace("示例县", "乙县") + "units: [a.yaml]\n", "b.yaml")
    done = cli("validate", str(a))
    assert done.returncode == 1
    assert f"{a}:8:1: 错误: 下属单位文件" in done.stderr
    assert "units 不能形成循环" in done.stderr or "有 1 个错误" in done.stderr


def test_many_units_listing_each_other_load_in_linear_time(tmp_path):
    for i in range(40):
        write(
            tmp_path, MINIMAL.replace("示例县", f"单位{i}县") + "units: ['*.yaml']\n", f"u{i}.yaml"
        )
    done = cli("validate", str(tmp_path / "u0.yaml"), timeout=60)
    assert done.returncode == 1 and "u1.yaml 有" in done.stderr


@pytest.mark.parametrize(
    "value",
    ["12345678901234567890123456789012", "1e300", "3.14159265358979323846", "99999999亿"],
)
def test_absurd_counts_are_refused_by_validate(tmp_path, value):
    counts = f"        counts:\n          - {{key: a, label: 指标, value: {value}}}\n"
    text = MINIMAL + "sections:\n  - kind: party\n    items:\n      - heading: 甲\n" + counts
    path = write(tmp_path, text)
    found = diagnose(path)
    assert (
        found
        and found[0][2] == "error"
        and ("不合常理" in found[0][3] or "小数位" in found[0][3] or "无法识别" in found[0][3])
    )
    for command in (
        ["stats", str(path)],
        ["build", "--check", str(path)],
        ["init", str(tmp_path / "n.yaml"), "--from", str(path)],
    ):
        assert cli(*command).returncode == 1


@pytest.mark.parametrize("rules", ["/dev/zero", "fifo"])
def test_a_rules_file_that_is_not_a_regular_file(tmp_path, rules):
    if rules == "fifo":
        rules = str(tmp_path / "rules.yaml")
        os.mkfifo(rules)
    done = cli("validate", "--rules", rules, str(write(tmp_path, MINIMAL)), timeout=30)
    assert done.returncode == 2 and "不是普通文件" in done.stderr


def test_everything_a_year_file_brings_in_is_bounded(tmp_path, monkeypatch):
    from kxreport import loader, source

    monkeypatch.setattr(source, "MAX_RUN_BYTES", 20_000)
    (tmp_path / "parts").mkdir()
    for i in range(5):
        (tmp_path / "parts" / f"{i}.yaml").write_text(f"closing{i}: " + "好" * 2000 + "\n")
    path = write(tmp_path, MINIMAL + "include: parts/*.yaml\n")
    result = loader.load(path)
    assert any("总共超过" in d.message for d in result.diagnostics)
