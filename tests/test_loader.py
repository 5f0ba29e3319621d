from __future__ import annotations

import pytest

from kxreport.errors import UsageError
from kxreport.loader import load
from kxreport.source import decode

from .conftest import MINIMAL


def test_valid_file_gives_a_model_and_no_diagnostics(write_yaml):
    result = load(write_yaml(MINIMAL))
    assert result.ok
    assert result.model.org.short == "示例县科协"
    assert result.diagnostics == []


def test_utf8_bom_and_crlf_are_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("\n", "\r\n").encode("utf-8"))
    result = load(path)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.model.org.name == "示例县科学技术协会"


def test_crlf_positions_and_source_lines_are_clean(tmp_path):
    path = tmp_path / "crlf.yaml"
    path.write_bytes(MINIMAL.replace("year: 2023", "year: 20xx").replace("\n", "\r\n").encode())
    wrong_type, slot = load(path).diagnostics
    assert (wrong_type.line, wrong_type.column) == (5, 7)
    assert (slot.line, slot.column) == (5, 9)
    assert wrong_type.source == slot.source == "year: 20xx"


def test_gbk_is_named_with_the_position_of_the_first_bad_byte():
    text, problem = decode("year: 2023\nname: 科协\n".encode("gbk"), "x.yaml")
    assert text == ""
    assert problem.format() == (
        "x.yaml:2:7: 错误: 文件不是 UTF-8 编码，看起来是 GBK/GB18030 编码（第一个无法识别的字节 0xBF）；"
        "请在编辑器中“另存为”UTF-8 编码后再试"
    )


def test_binary_garbage_is_not_text():
    _, problem = decode(b"\x00\x01\x02garbage", "x.yaml")
    assert problem.message.startswith("文件含有空字节，不是文本文件")


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="找不到文件"):
        load(tmp_path / "nope.yaml")


def test_directory_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="是一个文件夹"):
        load(tmp_path)


def test_yaml_12_directive_is_fine(write_yaml):
    assert load(write_yaml("%YAML 1.2\n---\n" + MINIMAL)).ok


def test_tab_inside_a_block_scalar_is_content_not_an_error(write_yaml):
    result = load(write_yaml(MINIMAL + "closing: |\n  第一行\n  \t缩进后的文字\n"))
    assert result.ok


def test_alias_bomb_is_refused(write_yaml):
    lines = ['a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    result = load(write_yaml("\n".join(lines) + "\n"))
    assert not result.ok
    (diagnostic,) = result.diagnostics
    assert "节点数超过上限" in diagnostic.message


def test_deep_nesting_is_refused(write_yaml):
    deep = "a: " + "[" * 300 + "]" * 300 + "\n"
    result = load(write_yaml(deep))
    assert not result.ok
    assert result.diagnostics[0].message.startswith("嵌套层数过深")


def test_unknown_tag_is_reported(write_yaml):
    result = load(write_yaml(MINIMAL + "closing: !secret 完成\n"))
    assert [d.format().split(": ", 1)[1] for d in result.diagnostics] == [
        "错误: 不支持 YAML 标签“!secret”：值以“!”开头时 YAML 把它当成标签；"
        "是正文的话请改写成 | 块或给整段加引号，否则请去掉它"
    ]


def test_duplicate_and_type_errors_come_together(write_yaml):
    result = load(write_yaml(MINIMAL + "year: 2022\nkind: 计划\n"))
    messages = [d.message for d in result.diagnostics]
    assert messages == [
        "键“year”重复：第 5 行已经写过，后面的会被忽略，请删除或合并",
        "键“kind”重复：第 6 行已经写过，后面的会被忽略，请删除或合并",
    ]


def test_empty_section_is_a_warning_not_an_error(write_yaml):
    result = load(write_yaml(MINIMAL + "sections:\n  - kind: party\n    title: 党建工作\n"))
    assert result.ok
    (warning,) = result.diagnostics
    assert warning.format() == (
        f"{result.path}:9:5: 警告: 这一部分没有导语、条目或荣誉，输出时将省略（连同它的标题）"
    )
    # a part as init lists it, nothing written yet: a place to write, not a problem
    untouched = load(write_yaml(MINIMAL + "sections:\n  - kind: party\n    intro:\n"))
    assert untouched.ok and untouched.diagnostics == []


def test_notice_in_a_summary_is_a_warning(write_yaml):
    result = load(write_yaml(MINIMAL + "notice: 现将总结印发给你们。\n"))
    assert result.ok
    assert [d.message for d in result.diagnostics] == [
        "“印发说明”（notice）一般只用于工作要点（kind: plan）"
    ]
