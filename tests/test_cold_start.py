"""Cold start: each command imports what it needs and no more, rich only for a terminal,
and templates compiled once per user (the bytecode cache), never an error from that cache."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLES

EXAMPLE = EXAMPLES / "linfen-2022.yaml"

# Prints the modules loaded when the command ends (stdout), whatever its exit code.
_PROBE = """
import atexit, sys
atexit.register(lambda: sys.__stdout__.write("\\nMODULES " + " ".join(sorted(sys.modules))))
from kxreport.cli import run
sys.argv = ["kxreport", *sys.argv[1:]]
run()
"""


def loaded(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), **(env or {})},
        timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return set(result.stdout.rsplit("MODULES ", 1)[1].split())


def packages(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_help_imports_no_validation_rendering_or_printing_library(tmp_path):
    found = packages(loaded(tmp_path, "--help"))
    assert not found & {"pydantic", "ruamel", "jinja2", "markdown_it", "rich", "docx", "lxml"}


def test_validate_imports_no_rendering_writing_or_terminal_library(tmp_path):
    shutil.copy(EXAMPLE, tmp_path)
    modules = loaded(tmp_path, "validate", EXAMPLE.name)
    assert {"pydantic", "ruamel"} <= packages(modules)
    assert not packages(modules) & {
        "rich",
        "jinja2",
        "markdown_it",
        "docx",
        "lxml",
        "jieba",
        "regex",
    }
    assert not {"kxreport.render", "kxreport.writers.docx", "kxreport.office"} & modules


def test_a_problem_shown_in_a_log_needs_no_rich_either(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(EXAMPLE.read_text("utf-8").replace("year: 2022", "year: 20x2"), "utf-8")
    modules = loaded(tmp_path, "validate", "bad.yaml")
    assert "rich" not in packages(modules)  # the caret is placed by text.cells


def test_build_imports_only_the_writers_asked_for(tmp_path):
    shutil.copy(EXAMPLE, tmp_path)
    markdown = loaded(tmp_path, "build", EXAMPLE.name, "-f", "md", "-o", "out")
    assert "kxreport.writers.markdown" in markdown
    assert not {"kxreport.writers.docx", "kxreport.writers.html", "kxreport.office"} & markdown
    docx = loaded(tmp_path, "build", EXAMPLE.name, "-f", "docx", "-o", "out")
    assert "kxreport.writers.docx" in docx
    assert not {"kxreport.office", "kxreport.writers.pdf", "kxreport.writers.html"} & docx
    # the DOCX is written from our own XML parts: no python-docx, no lxml, no rich
    assert not packages(docx) & {"docx", "lxml", "rich", "jieba"}
    assert (tmp_path / "out" / "linfen-2022.docx").is_file()


def test_rich_is_used_when_colour_is_asked_for(monkeypatch):
    from rich.console import Console

    from kxreport import report

    monkeypatch.setattr(report, "_console", None)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert isinstance(report.stderr(), report.PlainConsole)  # pytest's stderr is no terminal
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert isinstance(report.stderr(), Console)


def test_plain_console_prints_each_message_on_its_own_line(capsys):
    from kxreport.report import PlainConsole, say

    say("甲：\x1b[31m乙", "red", console=PlainConsole())
    say("丙")
    assert capsys.readouterr().err == "甲：\\x1b[31m乙\n丙\n"


# --- compiled templates ------------------------------------------------------------------


def _fresh_environment(templates: Path | None = None):
    from kxreport import render

    return render._environment.__wrapped__(str(templates) if templates else None)


def _compiles(monkeypatch) -> list[str]:
    from kxreport.sandbox import Sandbox

    compiled: list[str] = []
    original = Sandbox.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(Sandbox, "compile", counting)
    return compiled


def _cache_files(cache: Path) -> list[Path]:
    return sorted((cache / "kxreport" / "templates").glob("*/*.cache"))


def test_templates_are_compiled_once_then_read_from_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    compiled = _compiles(monkeypatch)
    first = _fresh_environment().get_template("summary.md.j2")
    assert "summary.md.j2" in compiled
    assert _cache_files(tmp_path)
    folder = _cache_files(tmp_path)[0].parent
    assert folder.stat().st_mode & 0o777 == 0o700
    compiled.clear()
    second = _fresh_environment().get_template("summary.md.j2")  # as a new process would
    assert compiled == []
    assert first is not second  # loaded, not the same object
    assert second.root_render_func.__code__.co_code == first.root_render_func.__code__.co_code


def test_an_edited_template_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "note.md.j2").write_text("第一版 {{ 1 + 1 }}\n", "utf-8")
    assert _fresh_environment(mine).get_template("note.md.j2").render() == "第一版 2\n"
    (mine / "note.md.j2").write_text("第二版 {{ 2 + 2 }}\n", "utf-8")
    assert _fresh_environment(mine).get_template("note.md.j2").render() == "第二版 4\n"


@pytest.mark.parametrize("damage", [b"", b"garbage", b"j2\x00\x01" * 100])
def test_a_damaged_cache_entry_is_compiled_again(tmp_path, monkeypatch, damage):
    from kxreport import render
    from kxreport.loader import load

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(render, "_environment", render._environment.__wrapped__)  # no reuse
    model = load(EXAMPLE).model
    expected = render.render_markdown(model)
    for entry in _cache_files(tmp_path):
        entry.write_bytes(damage)
    compiled = _compiles(monkeypatch)
    assert render.render_markdown(model) == expected
    assert "summary.md.j2" in compiled
    compiled.clear()
    assert render.render_markdown(model) == expected  # the entry was written anew
    assert compiled == []


def test_no_cache_when_it_cannot_be_made_or_is_not_private(tmp_path, monkeypatch):
    from kxreport.render import _bytecode_cache

    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # a file where the folder would be
    assert _bytecode_cache() is None
    _fresh_environment().get_template("summary.md.j2")  # compiled without a cache, no error

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "shared"))
    cache = _bytecode_cache()
    assert cache is not None
    Path(cache.directory).chmod(0o777)  # type: ignore[attr-defined]  # anyone could write
    assert _bytecode_cache() is None


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    env = _fresh_environment()
    shutil.rmtree(env.bytecode_cache.directory)  # type: ignore[union-attr]  # e.g. cleaned away
    env.get_template("plan.md.j2")  # compiled, the cache not written, no error


# --- reading YAML ------------------------------------------------------------------------


def test_the_fast_parser_resolves_every_scalar_as_the_round_trip_parser_does():
    """The C parser with the resolver that looks the YAML rules up once per file gives
    every scalar the tag the round-trip parser (the reference, used for messages) gives."""
    import io

    from ruamel.yaml import YAML

    from kxreport.source import SourceFile, _compose

    scalars = [
        "1", "-1", "+1", "0x1F", "0o17", "1_000", "1.5", "-.5", "1e3", ".inf", "-.Inf", ".nan",
        "true", "False", "yes", "no", "on", "off", "null", "~", "", "2024-01-10",
        "2024-01-10T10:00:00", "2024-1-1", "2024年1月10日", "30余", "1:30", "0.5万", "“引号”",
        "'quoted'", '"1"', "a:b", "x - y", "=", "<<",
    ]  # fmt: skip
    text = "".join(f"k{i}: {s}\n" if s != "<<" else f"k{i}: '<<'\n" for i, s in enumerate(scalars))
    text += "seq: [1, x, 2.0, true, null]\n"
    fast, problem = _compose(SourceFile("t.yaml", text))
    assert problem is None

    def tags(node):
        if isinstance(node.value, list):
            return [
                tags(v) if not isinstance(v, tuple) else (tags(v[0]), tags(v[1]))
                for v in node.value
            ]
        return (str(node.tag), node.value)

    reference = YAML(typ="rt").compose(io.StringIO(text))
    assert tags(fast) == tags(reference)
    found = dict(tags(fast))
    assert found[("tag:yaml.org,2002:str", "k14")] == ("tag:yaml.org,2002:str", "yes")  # 1.2
    assert found[("tag:yaml.org,2002:str", "k0")] == ("tag:yaml.org,2002:int", "1")


def test_caches_of_old_versions_are_pruned(tmp_path, monkeypatch):
    import time

    from kxreport import render

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    parent = tmp_path / "kxreport" / "templates"
    old = []
    for n in range(render.KEPT_CACHES + 3):
        folder = parent / f"old-version-{n}"
        folder.mkdir(parents=True)
        (folder / "__jinja2_x.cache").write_bytes(b"x")
        stamp = time.time() - 1000 + n
        os.utime(folder, (stamp, stamp))
        old.append(folder)
    current = Path(render._bytecode_cache().directory)  # type: ignore[union-attr]
    kept = sorted(p for p in parent.iterdir() if p != current)
    assert kept == old[-render.KEPT_CACHES :]  # the most recent others stay
    assert current.is_dir()


def test_the_cache_folder_follows_xdg_and_survives_a_missing_home(tmp_path, monkeypatch):
    from kxreport.files import cache_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "kxreport"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # ignored, as XDG says
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "kxreport"

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", staticmethod(no_home))
    assert cache_folder().name.startswith("kxreport-cache-")
    _fresh_environment().get_template("summary.md.j2")  # compiled without a cache, no error


def test_a_run_makes_only_its_own_command(tmp_path):
    """typer reads a command's signature and annotations when it is made: a run makes the
    one it runs; the help and a mistyped name (for the suggestion) make them all."""
    import typer

    from kxreport.cli import _COMMANDS, app

    group = typer.main.get_command(app)
    shutil.copy(EXAMPLE, tmp_path)
    with group.make_context("kxreport", ["validate", str(tmp_path / EXAMPLE.name)]) as ctx:
        name, command, _ = group.resolve_command(ctx, ["validate", EXAMPLE.name])
    assert (name, command.name, set(group.commands)) == ("validate", "validate", {"validate"})
    assert group.list_commands(ctx) == [
        "validate",
        "build",
        "fmt",
        "init",
        "import",
        "schema",
        "stats",
        "sheet",
        "doctor",
    ]
    assert set(group.commands) == {"validate"}  # listing the names makes nothing
    with pytest.raises(Exception, match="validate"):
        group.resolve_command(ctx, ["valdate"])
    assert set(group.commands) == set(_COMMANDS)
