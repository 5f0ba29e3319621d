"""One LibreOffice for many conversions (kxreport.office.Converter): fast after the first,
correct under faults (a hang, a crash), never left running after kxreport ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kxreport import office
from kxreport.errors import OutputError
from kxreport.writers.pdf import PDF_TARGET

from .conftest import EXAMPLES, require

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    from kxreport.loader import load
    from kxreport.render import render
    from kxreport.writers.docx import to_bytes

    rendered = render(load(EXAMPLES / "demo-2022.yaml").model)
    return to_bytes(rendered.document, rendered.meta)


@pytest.fixture
def converter():
    require(office.soffice(), "LibreOffice（soffice）")
    require(office.uno_python(), "LibreOffice 的 Python UNO 接口（python3-uno）")
    found = office.Converter()
    yield found
    found.close()


def is_pdf(data: bytes) -> bool:
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]


def ours(marker: str) -> list[int]:
    """Processes whose command line carries ``marker`` (the pipe name holds our pid)."""
    done = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False)
    return [int(p) for p in done.stdout.split()]


def test_one_libreoffice_converts_many_documents_quickly(converter, docx_bytes):
    first = converter.convert(docx_bytes, ".docx", PDF_TARGET)
    office_pid = converter.office.pid
    started = time.monotonic()
    for _ in range(3):
        assert is_pdf(converter.convert(docx_bytes, ".docx", PDF_TARGET))
    assert converter.office.pid == office_pid  # the same LibreOffice every time
    assert time.monotonic() - started < 3 * 0.8  # each well under a cold start
    assert is_pdf(first)
    # the fontconfig mapping applies: only the free Simplified Chinese faces
    assert b"FandolFang" in first and b"NotoSerifCJKjp" not in first
    bridge_pid = converter.bridge.pid
    converter.close()
    assert converter.office is None
    for pid in (office_pid, bridge_pid):  # both ended and reaped
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_crashed_libreoffice_fails_one_document_and_is_restarted(converter, docx_bytes):
    converter.convert(docx_bytes, ".docx", PDF_TARGET)
    victim = converter.office
    os.kill(victim.pid, signal.SIGSTOP)  # busy, then killed in the middle of the job
    threading.Timer(1.0, os.kill, (victim.pid, signal.SIGKILL)).start()
    with pytest.raises(OutputError, match="LibreOffice 意外退出，已为后面的文件重新启动"):
        converter.convert(docx_bytes, ".docx", PDF_TARGET)
    assert is_pdf(converter.convert(docx_bytes, ".docx", PDF_TARGET))  # a new one
    assert converter.office.pid != victim.pid


def test_a_lost_connection_counts_as_libreoffice_gone(converter, docx_bytes, monkeypatch):
    """The bridge says when its connection to LibreOffice is gone: that is a crash (restart
    for the next file) even while the dead process is not reaped yet, as under load."""
    converter.convert(docx_bytes, ".docx", PDF_TARGET)
    victim = converter.office
    victim.kill()
    time.sleep(0.5)  # dead, and the bridge's connection with it
    monkeypatch.setattr(victim, "poll", lambda: None)  # as if the system had not reaped it
    with pytest.raises(OutputError, match="LibreOffice 意外退出，已为后面的文件重新启动"):
        converter.convert(docx_bytes, ".docx", PDF_TARGET)
    monkeypatch.undo()
    assert is_pdf(converter.convert(docx_bytes, ".docx", PDF_TARGET))
    assert converter.office.pid != victim.pid


def test_a_hanging_conversion_times_out_and_the_rest_go_on(converter, docx_bytes, monkeypatch):
    converter.convert(docx_bytes, ".docx", PDF_TARGET)
    hung = converter.office
    monkeypatch.setattr(office, "TIMEOUT", 2)
    os.kill(hung.pid, signal.SIGSTOP)
    started = time.monotonic()
    with pytest.raises(OutputError, match="LibreOffice 在 2 秒内没有完成转换"):
        converter.convert(docx_bytes, ".docx", PDF_TARGET)
    assert time.monotonic() - started < 10
    assert hung.poll() is not None  # killed, not left stopped
    assert is_pdf(converter.convert(docx_bytes, ".docx", PDF_TARGET))


def test_a_file_libreoffice_cannot_open_says_so_in_chinese(converter, docx_bytes):
    with pytest.raises(OutputError, match="LibreOffice 转换失败：打不开这个文件（文件损坏"):
        converter.convert(b"\x00\x01 not a Word file", ".doc", "docx:MS Word 2007 XML")
    assert is_pdf(converter.convert(docx_bytes, ".docx", PDF_TARGET))  # and it goes on


def test_a_document_libreoffice_cannot_open_fails_alone(converter, docx_bytes):
    with pytest.raises(OutputError, match="LibreOffice 转换失败"):
        converter.convert(b"\x00not a document" * 10, ".docx", "pdf:no_such_export_filter")
    assert is_pdf(converter.convert(docx_bytes, ".docx", PDF_TARGET))


def test_the_profile_is_made_once_and_kept_in_the_cache(tmp_path, monkeypatch, docx_bytes):
    require(office.soffice(), "LibreOffice（soffice）")
    require(office.uno_python(), "python3-uno")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    first = office.Converter()
    first.convert(docx_bytes, ".docx", PDF_TARGET)
    first.close()
    template = tmp_path / "kxreport" / "libreoffice-profile"
    assert (template / "user").is_dir() and not (template / ".lock").exists()
    second = office.Converter()
    started = time.monotonic()
    second.convert(docx_bytes, ".docx", PDF_TARGET)
    second.close()
    assert time.monotonic() - started < 30
    assert not (Path.home() / ".config" / "libreoffice" / "kxreport").exists()


def test_a_profile_is_never_kept_in_or_taken_from_a_cache_others_can_write(
    tmp_path, monkeypatch, docx_bytes
):
    """A LibreOffice profile holds settings LibreOffice trusts (macro security among them):
    one in a folder someone else could write is neither used nor made."""
    require(office.soffice(), "LibreOffice（soffice）")
    require(office.uno_python(), "python3-uno")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    shared = tmp_path / "kxreport"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    planted = shared / "libreoffice-profile" / "user"
    planted.mkdir(parents=True)
    (planted / "planted").write_text("", "utf-8")
    assert office._profile_template() is None
    converter = office.Converter()
    assert is_pdf(converter.convert(docx_bytes, ".docx", PDF_TARGET))
    assert (converter.profile / "user").is_dir()  # LibreOffice made its own
    assert not (converter.profile / "user" / "planted").exists()
    converter.close()
    assert sorted(p.name for p in shared.iterdir()) == ["libreoffice-profile"]  # nothing added


def test_without_a_uno_bridge_each_conversion_is_one_soffice_call(monkeypatch, docx_bytes):
    require(office.soffice(), "LibreOffice（soffice）")
    monkeypatch.setattr(office, "uno_python", lambda: None)

    def no_converter() -> office.Converter:
        raise AssertionError("the persistent converter needs a UNO bridge")

    monkeypatch.setattr(office, "converter", no_converter)
    assert is_pdf(office.convert(docx_bytes, ".docx", PDF_TARGET))


SCRIPT = """
import sys, time
from kxreport import office
from kxreport.writers.pdf import PDF_TARGET
data = open(sys.argv[1], "rb").read()
office.convert(data, ".docx", PDF_TARGET)
print("converted", flush=True)
if sys.argv[2] == "sleep":
    time.sleep(60)
if sys.argv[2] == "leave":  # as the installed command ends: no interpreter teardown
    from kxreport import process
    process.leave(0)
"""


def _run_converting(tmp_path: Path, docx_bytes: bytes, mode: str) -> subprocess.Popen[str]:
    source = tmp_path / "in.docx"
    source.write_bytes(docx_bytes)
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(source), mode],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout.readline().strip() == "converted"
    return process


@pytest.mark.parametrize("how", ["exit", "leave", "sigkill", "sigint"])
def test_no_libreoffice_is_left_running_after_kxreport_ends(tmp_path, docx_bytes, how):
    require(office.soffice(), "LibreOffice（soffice）")
    require(office.uno_python(), "python3-uno")
    mode = how if how in ("exit", "leave") else "sleep"
    process = _run_converting(tmp_path, docx_bytes, mode)
    marker = f"kxreport-{process.pid}-"
    if how == "sigkill":
        assert ours(marker)  # running while kxreport runs
        process.kill()
    elif how == "sigint":
        process.send_signal(signal.SIGINT)  # Ctrl-C
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while ours(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not ours(marker)
