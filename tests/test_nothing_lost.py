"""Inputs are never written; an output is replaced only by a complete new one; output
names stay inside the output folder."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from typer.testing import CliRunner

from kxreport.build import output_paths
from kxreport.cli import app

from .conftest import EXAMPLES

KILLED_MID_WRITE = textwrap.dedent(
    """
    import os, sys, time

    def stall(fd):  # the new file is written but not yet renamed into place
        print("writing", flush=True)
        time.sleep(120)

    os.fsync = stall
    from kxreport.cli import run
    sys.argv = ["kxreport", "build", sys.argv[1], "-f", "docx"]
    run()
    """
)


def test_a_build_killed_mid_write_leaves_the_previous_output_intact(tmp_path):
    source = tmp_path / "linfen-2022.yaml"
    shutil.copy(EXAMPLES / "linfen-2022.yaml", source)
    assert CliRunner().invoke(app, ["build", str(source), "-f", "docx"]).exit_code == 0
    output = tmp_path / "linfen-2022.docx"
    before = output.read_bytes()
    source.write_text(
        source.read_text(encoding="utf-8").replace("30余次", "40余次"), encoding="utf-8"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_WRITE, str(source)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "writing"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert output.read_bytes() == before  # the old complete file, not a half-written one
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert all(name.startswith(".linfen-2022.docx.") for name in leftovers)


def test_validate_and_build_never_write_their_inputs(tmp_path):
    for example in EXAMPLES.glob("*.yaml"):
        shutil.copy(example, tmp_path / example.name)
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    runner = CliRunner()
    assert (
        runner.invoke(app, ["validate", *map(str, sorted(tmp_path.glob("*.yaml")))]).exit_code == 0
    )
    assert runner.invoke(app, ["build", str(tmp_path), "-o", str(tmp_path / "out")]).exit_code == 0
    after = {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir() if p.is_file()
    }
    assert after == before


def test_crafted_names_cannot_write_outside_the_output_folder(tmp_path):
    out = tmp_path / "out"
    for name in [
        "../../escape.yaml",
        "..yaml",
        "...yaml",
        ".yaml",
        "a/../../b.yaml",
        "/etc/passwd.yaml",
    ]:
        for path in output_paths(Path(name), out, ("md", "docx")):
            assert path.parent == out, (name, path)
            assert ".." not in path.relative_to(out).parts


def test_a_dotted_file_name_builds_inside_the_folder(tmp_path):
    source = tmp_path / "...yaml"
    shutil.copy(EXAMPLES / "demo-2022.yaml", source)
    result = CliRunner().invoke(
        app, ["build", str(source), "-o", str(tmp_path / "out"), "-f", "md"]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["...md"]
