"""Files: no output over an input, no two inputs into one output, outputs of a report
replaced together, temporary files removed on signals and on the next run, fmt keeps
links and modes, init writes what reads back, crafted names stay harmless."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kxreport import files
from kxreport.build import Options, build_many
from kxreport.cli import app
from kxreport.errors import OutputError

from .conftest import EXAMPLES, MINIMAL

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# --- inputs are never outputs ------------------------------------------------------------


def test_an_output_never_replaces_an_input_of_the_run(tmp_path):
    (tmp_path / "r.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "r.md").write_text(MINIMAL, encoding="utf-8")  # a year file named .md
    before = tree(tmp_path)
    result = invoke("build", str(tmp_path / "r.yaml"), str(tmp_path / "r.md"), "-f", "md")
    assert result.exit_code == 2
    assert "会覆盖输入文件" in result.output and "没有写任何文件" in result.output
    assert tree(tmp_path) == before


def test_a_rules_file_is_an_input_too(tmp_path):
    (tmp_path / "2023.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "2023.md").write_text("rules: []\n", encoding="utf-8")
    result = invoke("build", str(tmp_path / "2023.yaml"), "--rules", str(tmp_path / "2023.md"))
    assert result.exit_code == 2 and "会覆盖输入文件" in result.output
    assert (tmp_path / "2023.md").read_text(encoding="utf-8") == "rules: []\n"


def test_an_output_that_is_a_link_to_an_input_is_refused(tmp_path):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "kepu.yaml").write_text("closing: 片段\n", encoding="utf-8")
    (tmp_path / "2023.yaml").write_text(MINIMAL + "include: parts/kepu.yaml\n", encoding="utf-8")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "2023.md").symlink_to(tmp_path / "parts" / "kepu.yaml")
    before = tree(tmp_path)
    result = invoke("build", str(tmp_path / "2023.yaml"), "-o", str(out))
    assert result.exit_code == 1
    assert "会覆盖输入文件" in result.output
    assert tree(tmp_path) == before


def test_two_inputs_with_one_output_are_refused_before_anything_is_written(tmp_path):
    for folder in ("甲", "乙"):
        (tmp_path / folder).mkdir()
        shutil.copy(EXAMPLES / "demo-2022.yaml", tmp_path / folder / "x.yaml")
    out = tmp_path / "dist"
    result = invoke("build", str(tmp_path / "甲"), str(tmp_path / "乙"), "-o", str(out))
    assert result.exit_code == 2
    assert "都会写出" in result.output and "x.md" in result.output
    assert not out.exists()


def test_a_missing_input_is_a_usage_error(tmp_path):
    result = invoke("build", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "找不到文件" in result.output


# --- outputs replaced together --------------------------------------------------------------


def test_a_full_disk_leaves_the_previous_pair_intact(tmp_path, monkeypatch):
    source = tmp_path / "linfen-2022.yaml"
    shutil.copy(EXAMPLES / "linfen-2022.yaml", source)
    assert invoke("build", str(source)).exit_code == 0
    before = tree(tmp_path)
    source.write_text(
        source.read_text(encoding="utf-8").replace("30余次", "40余次"), encoding="utf-8"
    )
    before[source.name] = source.read_bytes()
    real_write = os.write
    calls = {"n": 0}

    def write(fd: int, data: bytes) -> int:
        calls["n"] += 1
        if calls["n"] > 1:  # the first output is written, the second finds the disk full
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)
    result = invoke("build", str(source), "-f", "docx", "-f", "md")
    monkeypatch.undo()
    assert result.exit_code == 1 and "：磁盘空间不足" in result.output
    assert tree(tmp_path) == before  # neither output replaced, no temporary file left


def test_why_a_file_could_not_be_written_is_said_in_chinese(tmp_path):
    source = tmp_path / "linfen-2022.yaml"
    shutil.copy(EXAMPLES / "linfen-2022.yaml", source)
    (tmp_path / "a-file").write_text("x")
    result = invoke("build", str(source), "-o", str(tmp_path / "a-file" / "out"))
    assert result.exit_code == 1
    assert "：路径中有一部分不是文件夹" in result.output and "Not a directory" not in result.output


def test_an_uncommon_reason_keeps_the_systems_words():
    import errno

    from kxreport.files import reason

    assert reason(OSError(errno.EROFS, "Read-only file system")) == "所在的文件系统是只读的"
    # a rare reason keeps the system's words, marked as the system's, with its number
    assert reason(OSError(errno.ECONNRESET, "Connection reset by peer")) == (
        f"系统错误 {errno.ECONNRESET}（Connection reset by peer）"
    )
    assert reason(OSError(errno.EEXIST, "File exists")) == "已经存在"


def test_outputs_keep_the_mode_of_the_file_they_replace(tmp_path):
    source = tmp_path / "2023.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    assert invoke("build", str(source), "-f", "md").exit_code == 0
    (tmp_path / "2023.md").chmod(0o600)
    source.write_text(MINIMAL.replace("2024-01-10", "2024-01-11"), encoding="utf-8")
    assert invoke("build", str(source), "-f", "md").exit_code == 0
    assert stat.S_IMODE((tmp_path / "2023.md").stat().st_mode) == 0o600
    assert "2024年1月11日" in (tmp_path / "2023.md").read_text(encoding="utf-8")


def test_a_very_long_name_still_gets_a_temporary_file(tmp_path):
    stem = "科" * 80  # 240 bytes in UTF-8: the temporary name must be shortened
    source = tmp_path / f"{stem}.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    result = invoke("build", str(source), "-f", "md")
    assert result.exit_code == 0, result.output
    assert (tmp_path / f"{stem}.md").is_file()


# --- temporary files ------------------------------------------------------------------------

KILLED_WHILE_WRITING = textwrap.dedent(
    """
    import os, sys, time

    def stall(fd):  # the new files are written but not yet renamed into place
        print("writing", flush=True)
        time.sleep(120)

    os.fsync = stall
    from kxreport.cli import run
    sys.argv = ["kxreport", "build", *sys.argv[1:]]
    run()
    """
)


def _kill_while_writing(source: Path, sig: int, *args: str) -> subprocess.CompletedProcess[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WHILE_WRITING, str(source), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "writing"
    child.send_signal(sig)
    out, err = child.communicate(timeout=30)
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_while_writing_removes_the_temporary_files(tmp_path, sig):
    source = tmp_path / "2023.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    done = _kill_while_writing(source, sig, "-f", "md", "-f", "docx")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023.yaml"]


def test_a_temporary_file_left_by_a_killed_build_is_removed_next_time(tmp_path):
    source = tmp_path / "2023.yaml"
    source.write_text(MINIMAL, encoding="utf-8")
    _kill_while_writing(source, signal.SIGKILL, "-f", "md")
    left = [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert left and all(name.startswith(".2023.md.kxreport-") for name in left)
    (tmp_path / ".notes.kxreport-1-0000000z.tmp").write_text("not ours")  # not our pattern
    assert invoke("build", str(source), "-f", "md").exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [".notes.kxreport-1-0000000z.tmp", "2023.md", "2023.yaml"]


def test_another_running_builds_temporary_file_is_kept(tmp_path):
    live = tmp_path / f".2023.md.kxreport-{os.getppid()}-0123abcd.tmp"
    live.write_text("being written")
    files._cleaned.discard(os.path.realpath(tmp_path))
    assert files.remove_stale_temporaries(tmp_path) == []
    assert live.exists()


# --- one bad file never stops the others ------------------------------------------------------


def test_a_worker_that_dies_fails_only_its_report(tmp_path, monkeypatch):
    from kxreport import build

    for i in range(6):
        (tmp_path / f"r{i}.yaml").write_text(
            MINIMAL.replace("示例县", f"示例{i}县"), encoding="utf-8"
        )
    original = build.build_one

    def crashing(source, options):
        if source.name == "r2.yaml":
            os._exit(70)  # a C library crashing the worker process
        return original(source, options)

    monkeypatch.setattr(build, "build_one", crashing)
    sources = sorted(tmp_path.glob("*.yaml"))
    shown = []
    outcomes = build_many(
        sources, Options(out_dir=tmp_path / "out", formats=("md",)), jobs=2, done=shown.append
    )
    assert [o.source.name for o in shown] == [p.name for p in sources]  # input order
    failed = [o.source.name for o in outcomes if o.failed]
    assert failed == ["r2.yaml"]
    assert "进程意外退出" in (outcomes[2].error or "")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"r{i}.md" for i in range(6) if i != 2
    ]


def test_an_unexpected_error_in_one_file_of_a_batch_is_reported_and_the_rest_built(
    tmp_path, monkeypatch
):
    from kxreport import build

    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.yaml").write_text(MINIMAL, encoding="utf-8")
    original = build.produce

    def buggy(source, *args, **kwargs):
        if source.name == "b.yaml":
            raise KeyError("h6")
        return original(source, *args, **kwargs)

    monkeypatch.setattr(build, "produce", buggy)
    result = invoke("build", str(tmp_path), "-j", "1", "-f", "md")
    assert result.exit_code == 1
    assert "内部错误：KeyError: 'h6'" in result.output
    assert "共 3 个年度文件：2 个生成通过，1 个失败" in result.output
    assert (tmp_path / "a.md").is_file() and (tmp_path / "c.md").is_file()


# --- fmt keeps links and modes ------------------------------------------------------------------


def test_fmt_rewrites_the_target_of_a_symlink_and_keeps_the_mode(tmp_path):
    target = tmp_path / "real" / "2023.yaml"
    target.parent.mkdir()
    target.write_text(MINIMAL + "closing: 臨汾市科協\n", encoding="utf-8")
    target.chmod(0o600)
    link = tmp_path / "2023.yaml"
    link.symlink_to(target)
    result = invoke("fmt", "--simplified", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert "临汾市科协" in target.read_text(encoding="utf-8")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_replace_together_cleans_up_when_a_rename_fails(tmp_path, monkeypatch):
    real = os.replace

    def replace(src, dst):
        if str(dst).endswith("b.md"):
            raise OSError(13, "Permission denied")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match=r"b\.md：没有权限"):
        files.replace_together([(tmp_path / "a.md", b"a"), (tmp_path / "b.md", b"b")])
    assert not any(p.name.endswith(".tmp") for p in tmp_path.iterdir())


# --- init writes what reads back ------------------------------------------------------------------


@pytest.mark.parametrize(
    "org",
    ["null", "true", "2023", "~", "yes", "- 示例", "示例: 县", "#示例", "2024-01-10", "'示例'"],
)
def test_init_quotes_what_yaml_would_read_otherwise(tmp_path, org):
    path = tmp_path / "2024.yaml"
    result = invoke("init", str(path), "--org", org, "--year", "2024", "--level", "县")
    assert result.exit_code == 0, result.output
    from kxreport.loader import load

    loaded = load(path)
    assert loaded.data["org"]["name"] == org, loaded.diagnostics
    assert not loaded.errors, loaded.diagnostics


@pytest.mark.parametrize("org", ["甲\n乙", "甲\x1b[2J乙", "   "])
def test_init_refuses_an_unusable_org_name(tmp_path, org):
    result = invoke("init", str(tmp_path / "2024.yaml"), "--org", org, "--year", "2024")
    assert result.exit_code == 2
    assert not (tmp_path / "2024.yaml").exists()


def test_concurrent_builds_of_one_report_both_finish_with_a_complete_output(tmp_path):
    import zipfile

    source = tmp_path / "linfen-2022.yaml"
    shutil.copy(EXAMPLES / "linfen-2022.yaml", source)
    command = [sys.executable, "-m", "kxreport", "build", str(source)]
    children = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    assert zipfile.ZipFile(tmp_path / "linfen-2022.docx").testzip() is None
    assert (tmp_path / "linfen-2022.md").read_text(encoding="utf-8").startswith("# ")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "linfen-2022.docx",
        "linfen-2022.md",
        "linfen-2022.yaml",
    ]
