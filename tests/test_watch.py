"""--watch rebuilds after changes and keeps going when an input is broken."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kxreport.build import Options, build_one
from kxreport.watch import folders, inputs, watch

from .conftest import DATA


def test_watch_rebuilds_on_changes_to_the_file_and_its_fragments(tmp_path):
    shutil.copytree(DATA / "include", tmp_path / "r")
    main = tmp_path / "r" / "2023.yaml"
    part = tmp_path / "r" / "parts" / "01-kepu.yaml"
    out = tmp_path / "dist"
    shown = []

    def changes(dirs: list[Path]):
        assert (tmp_path / "r").resolve() in dirs and (tmp_path / "r" / "parts").resolve() in dirs
        # a fragment changes
        part.write_text(part.read_text(encoding="utf-8").replace("66场", "68场"), encoding="utf-8")
        yield {("modified", str(part))}
        assert "68场" in (out / "2023.md").read_text(encoding="utf-8")
        # the year file breaks: diagnostics, no crash, previous output kept
        good = main.read_text(encoding="utf-8")
        main.write_text(good.replace("year: 2023", "year: 20xx"), encoding="utf-8")
        yield {("modified", str(main))}
        assert shown[-1].data_failed
        assert "68场" in (out / "2023.md").read_text(encoding="utf-8")
        # an unrelated file does not trigger a build
        (tmp_path / "r" / "notes.txt").write_text("x")
        yield {("added", str(tmp_path / "r" / "notes.txt"))}
        main.write_text(good, encoding="utf-8")
        yield {("modified", str(main))}

    watch(
        [main],
        lambda source: build_one(source, Options(out_dir=out, formats=("md",))),
        shown.append,
        changes=changes,
    )
    assert [o.data_failed for o in shown] == [False, False, True, False]
    assert any("year" in d.source for d in shown[2].diagnostics if d.source)


def test_inputs_include_fragments_previous_units_and_templates(tmp_path):
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "summary.md.j2").write_text("x")
    found = inputs([DATA / "include" / "2023.yaml", DATA / "rollup" / "city.yaml"], templates)
    names = {p.name for p in found}
    assert {
        "2023.yaml",
        "01-kepu.yaml",
        "02-xuehui.yaml",
        "city.yaml",
        "甲县.yaml",
        "summary.md.j2",
    } <= names
    assert templates.resolve() in folders(found, templates)


def test_watch_with_pdf_keeps_one_libreoffice_warm(tmp_path):
    """Every rebuild of --watch -f pdf goes to the LibreOffice the first build started."""
    from kxreport import office

    from .conftest import EXAMPLES, require

    require(office.soffice(), "LibreOffice（soffice）")
    require(office.uno_python(), "LibreOffice 的 Python UNO 接口（python3-uno）")
    source = tmp_path / "2022.yaml"
    shutil.copy(EXAMPLES / "demo-2022.yaml", source)
    out = tmp_path / "dist"
    pids = []

    def changes(dirs: list[Path]):
        for count in ("56场", "58场"):
            pids.append(office.converter().office.pid)
            before = (out / "2022.pdf").read_bytes()
            text = source.read_text(encoding="utf-8").replace("52场", count).replace("56场", count)
            source.write_text(text, encoding="utf-8")
            yield {("modified", str(source))}
            assert (out / "2022.pdf").read_bytes() != before  # rebuilt
        pids.append(office.converter().office.pid)

    shown = []
    watch(
        [source],
        lambda s: build_one(s, Options(out_dir=out, formats=("pdf",))),
        shown.append,
        changes=changes,
    )
    assert [o.failed for o in shown] == [False, False, False]
    assert len(set(pids)) == 1  # started once, kept warm
    office.shutdown()


@pytest.mark.parametrize(("sig", "status"), [("SIGINT", 0), ("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_signal_ends_the_watch_with_a_chinese_word_and_nothing_else(tmp_path, sig, status):
    """A real process, a real signal: no English log line and no traceback from the file
    watcher; Ctrl-C is how a watch is meant to end (“已停止监视。”, exit 0), SIGTERM and
    SIGHUP end it with their own status, as they end every other command."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from .conftest import EXAMPLES

    shutil.copy(EXAMPLES / "linfen-2022.yaml", tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-m", "kxreport", "build", "linfen-2022.yaml", "-f", "md", "--watch"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "linfen-2022.md").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)  # the watcher is set up after the first build
    child.send_signal(getattr(signal, sig))
    out, err = child.communicate(timeout=30)
    assert child.returncode == status, err
    assert err.rstrip().endswith("已停止监视。") == (sig == "SIGINT"), err
    assert "KeyboardInterrupt" not in err + out and "Traceback" not in err


@pytest.mark.parametrize("swap", ["link to a text file", "fifo", "folder", "too large"])
def test_a_year_file_swapped_for_something_else_is_said_and_the_watch_goes_on(tmp_path, swap):
    import os

    shutil.copytree(DATA / "include", tmp_path / "r")
    main = tmp_path / "r" / "2023.yaml"
    good = main.read_text(encoding="utf-8")
    out = tmp_path / "dist"
    shown = []

    def script():
        main.unlink()
        if swap == "link to a text file":
            notes = tmp_path / "elsewhere" / "notes.txt"
            notes.parent.mkdir()
            notes.write_text("这不是年度文件\n", encoding="utf-8")
            main.symlink_to(notes)
        elif swap == "fifo":
            os.mkfifo(main)
        elif swap == "folder":
            main.mkdir()
        else:
            main.write_bytes(b"#" * (6 * 1024 * 1024))
        yield {("modified", str(main))}
        assert len(shown) == 2, "the swap went unseen"
        if main.is_dir():
            main.rmdir()
        else:
            main.unlink()
        main.write_text(good, encoding="utf-8")
        yield {("added", str(main))}

    events = script()  # one script across the watch's rounds (it restarts when inputs change)
    watch(
        [main],
        lambda source: build_one(source, Options(out_dir=out, formats=("md",))),
        shown.append,
        changes=lambda dirs: events,
    )
    assert len(shown) == 3
    swapped = shown[1]
    said = " ".join([d.message for d in swapped.diagnostics] + [str(swapped.error or "")])
    assert swapped.failed and said.strip(), swapped
    assert not said.isascii()  # in Chinese
    assert not shown[2].failed  # and the watch went on to the next change
