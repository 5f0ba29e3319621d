"""Security: a template cannot run code, read files or escape its folder; a year file cannot
reference or echo files outside its project; every template attack ends in a Chinese
message naming the template, in bounded time and memory, never a traceback."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxreport import sandbox
from kxreport.cli import app
from kxreport.errors import TemplateError
from kxreport.loader import load
from kxreport.model import YearFile
from kxreport.render import render_markdown

from .conftest import EXAMPLES, MINIMAL, run_python

runner = CliRunner()
SECRET = "root:x:0:0:绝密内容"


def doc() -> YearFile:
    result = load(EXAMPLES / "demo-2023.yaml")
    assert result.model is not None
    return result.model


def render_with(tmp_path: Path, template: str, name: str = "summary.md.j2") -> str:
    folder = tmp_path / "tpl"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(template, encoding="utf-8")
    return render_markdown(doc(), folder)


def template_error(tmp_path: Path, template: str) -> str:
    with pytest.raises(TemplateError) as caught:
        render_with(tmp_path, template)
    return str(caught.value)


# --- templates see data, not objects with methods ------------------------------------------


def test_pydantic_deserializers_are_unreachable_and_nothing_runs(tmp_path):
    marker = tmp_path / "PWNED"
    payload = f"cos\\nsystem\\n(S'touch {marker}'\\ntR."
    message = template_error(
        tmp_path,
        '{{ doc.parse_raw("'
        + payload
        + "\", content_type='application/pickle', allow_pickle=True) }}",
    )
    assert "模板不能读取 YearFile 的“parse_raw”" in message
    assert "summary.md.j2:1" in message
    assert not marker.exists()


@pytest.mark.parametrize(
    "expression",
    [
        "doc.parse_file('x.json')",
        "doc.model_dump()",
        "doc.model_validate_json('{}')",
        "doc.copy()",
        "doc.org.model_copy()",
        "doc.__class__",
        "doc.org.name.__class__.__mro__",
        "doc.org.name.format(1)",
        "doc.org.name.encode()",
        "doc.org|attr('model_dump')",
        "comparison.rows.__class__",
        "self._TemplateReference__context",
        "cycler(1).__init__",
        "range.__self__",
    ],
)
def test_no_method_or_dunder_outside_the_allowlist(tmp_path, expression):
    message = template_error(tmp_path, "{{ " + expression + " }}")
    assert "模板" in message and "summary.md.j2" in message


def test_templates_still_read_the_documented_values(tmp_path):
    text = render_with(
        tmp_path,
        "{{ doc.org.short }} {{ doc.next_year }} {{ doc.default_title }} "
        "{{ doc.figures('counts')|length }} {{ doc.sections[0].is_empty }} "
        "{{ comparison.has_previous }} {{ doc.org.name.upper()|length }} "
        "{% for x in [1, 2] %}{{ loop.index }}{% endfor %} {{ {'a': 1}.get('a') }}",
    )
    assert text.startswith("示例县科协 2024 示例县科协2023年工作总结 ")
    assert "12 " in text


def test_a_missing_value_is_undefined_not_forbidden(tmp_path):
    assert "模板引用了不存在的值" in template_error(tmp_path, "{{ doc.org.nickname }}")


# --- the template folder -------------------------------------------------------------------


def test_a_symlink_out_of_the_template_folder_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "tpl"
    folder.mkdir()
    (folder / "link.j2").symlink_to(secret)
    (folder / "summary.md.j2").write_text('{% include "link.j2" %}', encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        render_markdown(doc(), folder)
    assert "指向模板文件夹" in str(caught.value) and "之外" in str(caught.value)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/passwd", "sub/../../secret.txt"])
def test_template_names_cannot_climb_out(tmp_path, name):
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    message = template_error(tmp_path, '{% include "' + name + '" %}')
    assert SECRET not in message and "root:x" not in message


def test_a_fifo_or_huge_template_is_refused(tmp_path):
    folder = tmp_path / "tpl"
    folder.mkdir()
    os.mkfifo(folder / "pipe.j2")
    (folder / "big.j2").write_text("x" * (sandbox.MAX_TEMPLATE_BYTES + 1), encoding="utf-8")
    (folder / "summary.md.j2").write_text('{% include "pipe.j2" %}', encoding="utf-8")
    with pytest.raises(TemplateError, match="不是普通文件"):
        render_markdown(doc(), folder)
    (folder / "summary.md.j2").write_text('{% include "big.j2" %}', encoding="utf-8")
    with pytest.raises(TemplateError, match="太大"):
        render_markdown(doc(), folder)


# --- bounded templates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "needle"),
    [
        ('{{ "x" * 10**10 }}', "太大"),
        ("{{ [1] * 10**9 }}", "太大"),
        ('{{ "{:>1000000000}".format(1) }}', "format"),
        ('{{ "x".center(10**9) }}', "center"),
        ('{{ "x"|center(10**9) }}', "太大"),
        ('{{ "x"|indent(10**9) }}', "太大"),
        ('{{ "%1000000000d" % 1 }}', "宽度"),
        ('{{ "%*d" % (10**9, 1) }}', "宽度"),
        ('{{ "%1000000000d"|format(1) }}', "宽度"),
        ('{{ range(10)|batch(10**9, "x")|list }}', "太大"),
        ("{{ range(10)|slice(10**9)|list }}", "太大"),
        ('{{ ("a" * 1000).replace("", "b" * 1000) }}', "太大"),
        ('{{ ("a" * 1000)|replace("", "b" * 1000) }}', "太大"),
        ("{{ 10 ** 100000 }}", "乘方"),
        ("{% for i in range(10**9) %}{% endfor %}", "range"),
        ("{{ lipsum(10**6) }}", "lipsum"),
        ("{{ 1 / 0 }}", "ZeroDivisionError"),
        ("{{ 1 | ordinal(9) }}", "标题层级"),
        ("{{ 'x' | cn_date }}", "cn_date"),
        ("{{ -1 | cn_number }}", "非负整数"),
        ('{% include "summary.md.j2" %}', "递归"),
        ('{% extends "summary.md.j2" %}', "递归"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "递归"),
        (
            '{% macro f(s, n) %}{% if n %}{{ f(s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ f("a", 80) }}',
            "超过",
        ),
        (
            '{% set ns = namespace(x="a") %}{% for i in range(80) %}{% set ns.x = ns.x ~ ns.x %}'
            "{% endfor %}",
            "超过",
        ),
        ('{% for i in range(10000) %}{{ "x" * 100000 }}{% endfor %}', "超过"),
    ],
)
def test_template_resource_attacks_end_in_a_message(tmp_path, template, needle):
    assert needle in template_error(tmp_path, template)


def test_a_render_that_runs_too_long_is_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 1)
    template = (
        "{% for a in range(10000) %}{% for b in range(10000) %}"
        "{% set x = a * b %}{% endfor %}{% endfor %}"
    )
    assert "秒" in template_error(tmp_path, template)


def test_a_render_that_takes_too_much_memory_is_stopped(tmp_path):
    """Run in a fresh process: the limit is on growth of the address space, and a test
    process that has already built batches holds freed memory it could reuse first."""
    if not sys.platform.startswith("linux"):
        pytest.skip("RLIMIT_AS is enforced on Linux")
    folder = tmp_path / "tpl"
    folder.mkdir()
    # 10 000 distinct strings of 11 000 characters (110 MB): every step is within bounds
    (folder / "summary.md.j2").write_text(
        '{{ range(10000)|map("string")|map("center", 1000)'
        '|map("replace", "", "0123456789")|list|length }}',
        encoding="utf-8",
    )
    child = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from kxreport import sandbox
        from kxreport.errors import TemplateError
        from kxreport.loader import load
        from kxreport.render import render_markdown

        sandbox.MAX_MEMORY = 64 * 1024 * 1024
        try:
            render_markdown(load(sys.argv[1]).model, Path(sys.argv[2]))
        except TemplateError as exc:
            print(exc)
        """
    )
    done = run_python("-c", child, str(EXAMPLES / "demo-2023.yaml"), str(folder))
    assert "模板占用的内存超过 64 MB" in done.stdout, done.stderr


def test_template_attacks_in_a_child_stay_within_one_gigabyte(tmp_path):
    """The worst ones in a separate process with a hard 1 GB limit: a message, exit 1."""
    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")
    folder = tmp_path / "tpl"
    folder.mkdir()
    child = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
        from kxreport.cli import run
        sys.argv = ["kxreport", "build", sys.argv[1], "-f", "md", "--templates", sys.argv[2]]
        run()
        """
    )
    for template in [
        '{% macro f(s, n) %}{% if n %}{{ f(s ~ s ~ s, n - 1) }}{% endif %}{% endmacro %}{{ f("ab", 40) }}',
        '{{ "x" * 10**10 }}',
        "{{ (range(10000)|list) * (range(10000)|list|length) }}",
    ]:
        (folder / "summary.md.j2").write_text(template, encoding="utf-8")
        done = run_python("-c", child, str(tmp_path / "2023.yaml"), str(folder))
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr and "模板" in done.stderr


# --- year files stay inside their project ---------------------------------------------------


@pytest.fixture
def project(tmp_path):
    """tmp/secret.yaml (outside), tmp/project/2023.yaml (the year file)."""
    (tmp_path / "secret.yaml").write_text(f"note: {SECRET}\n", encoding="utf-8")
    (tmp_path / "passwd").write_text(SECRET + "\n", encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


def run_validate(path: Path, *extra: str) -> str:
    result = runner.invoke(
        app, ["validate", str(path), "--diagnostics", "github", *extra], catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    return result.output


@pytest.mark.parametrize(
    "reference",
    [
        "include: ../passwd",
        "include: ../secret.yaml",
        "include: '../../../../../../../../etc/passwd'",
        "include: /etc/passwd",
        "include: '../**/*.yaml'",
        "include: '../../../../**/*.yaml'",
        "include: '*/../../*.yaml'",
        "previous: ../secret.yaml",
        "previous: /etc/passwd",
        "units: [../secret.yaml]",
        "units: ['/etc/*.yaml']",
        "units: ['../*.yaml']",
    ],
)
def test_references_outside_the_project_are_refused_without_echo(project, reference):
    main = project / "2023.yaml"
    main.write_text(MINIMAL + reference + "\n", encoding="utf-8")
    output = run_validate(main)
    assert SECRET not in output and "root:x" not in output
    assert "::error" in output
    line = MINIMAL.count("\n") + 1
    assert f"line={line}" in output


def test_a_symlink_inside_the_project_pointing_out_is_refused(project):
    (project / "parts").mkdir()
    (project / "parts" / "x.yaml").symlink_to(project.parent / "secret.yaml")
    (project / "last.yaml").symlink_to(project.parent / "secret.yaml")
    main = project / "2023.yaml"
    for reference in ["include: parts/*.yaml", "include: parts/x.yaml", "previous: last.yaml"]:
        main.write_text(MINIMAL + reference + "\n", encoding="utf-8")
        output = run_validate(main)
        assert SECRET not in output and "项目文件夹" in output


def test_a_symlinked_year_file_pointing_out_is_not_read(project):
    (project / "2023.yaml").symlink_to(project.parent / "secret.yaml")
    output = run_validate(project / "2023.yaml")
    assert SECRET not in output and "项目文件夹" in output
    result = runner.invoke(app, ["build", str(project), "-f", "md"])
    assert result.exit_code == 1 and SECRET not in result.output
    assert not (project / "2023.md").exists()


def test_only_yaml_files_are_referenced(project):
    (project / "notes.txt").write_text(SECRET, encoding="utf-8")
    main = project / "2023.yaml"
    main.write_text(MINIMAL + "include: notes.txt\n", encoding="utf-8")
    output = run_validate(main)
    assert SECRET not in output and "只能引用 .yaml 或 .yml 文件" in output
    main.write_text(MINIMAL + "include: '*'\n", encoding="utf-8")  # matches notes.txt only
    output = run_validate(main)
    assert SECRET not in output and "没有找到" in output


def test_a_root_given_on_the_command_line_allows_a_sibling_folder(tmp_path):
    (tmp_path / "2022").mkdir()
    (tmp_path / "2023").mkdir()
    (tmp_path / "2022" / "report.yaml").write_text(
        (EXAMPLES / "demo-2022.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    current = (EXAMPLES / "demo-2023.yaml").read_text(encoding="utf-8")
    main = tmp_path / "2023" / "report.yaml"
    main.write_text(
        current.replace("previous: demo-2022.yaml", "previous: ../2022/report.yaml"),
        encoding="utf-8",
    )
    assert "项目文件夹" in run_validate(main)
    result = runner.invoke(app, ["validate", str(main), "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output


def test_include_patterns_are_bounded(project, monkeypatch):
    from kxreport import source

    monkeypatch.setattr(source, "MAX_MATCHES", 5)
    (project / "parts").mkdir()
    for i in range(7):
        (project / "parts" / f"{i}.yaml").write_text("closing: 好\n", encoding="utf-8")
    main = project / "2023.yaml"
    main.write_text(MINIMAL + "include: 'parts/*.yaml'\n", encoding="utf-8")
    assert "超过 5 个" in run_validate(main)


def test_json_diagnostics_never_carry_outside_content(project):
    main = project / "2023.yaml"
    main.write_text(MINIMAL + "include: ../passwd\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(main), "--diagnostics", "json"])
    assert SECRET not in result.output
    report = json.loads(result.output)
    assert report["files"][0]["ok"] is False
