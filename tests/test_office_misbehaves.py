"""LibreOffice (and the Python that drives it over UNO) that misbehaves costs seconds, not
minutes, leaves nothing behind and is reported in Chinese: a UNO Python that never
answers, or answers garbage, is given up after a short handshake (and conversions go on
with one ``soffice --convert-to`` call each); a LibreOffice that dies as it starts is
noticed at once; after a few failed starts the rest of a batch fails at once with one
message. Fake ``soffice`` and Python executables play the misbehaving parts."""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import time
from pathlib import Path

import pytest

from kxreport import office

from .conftest import MINIMAL, require, run_python

ROOT = Path(__file__).resolve().parent.parent
FAKE_PDF = b"%PDF-1.4 fake\n%%EOF\n"

FAKE_SOFFICE = r"""#!{python}
# LibreOffice as kxreport sees it; FAKE_SOFFICE says how it behaves
import json, os, signal, socket, sys, time
from pathlib import Path

args = sys.argv[1:]
mode = os.environ["FAKE_SOFFICE"]
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
with open(os.environ["FAKE_PIDS"], "a") as pids:
    pids.write(f"{{os.getpid()}}\n")
# what LibreOffice leaves in its temporary folder when it is killed
Path(os.environ.get("TMPDIR", "/tmp"), f"lu{{os.getpid()}}.tmp").write_bytes(b"")
if mode == "exit":
    sys.exit(1)
if mode == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
if "--convert-to" in args:
    out = Path(args[args.index("--outdir") + 1])
    (out / (Path(args[-1]).stem + ".pdf")).write_bytes({pdf!r})
    sys.exit(0)
# the listener: its pipe, where LibreOffice makes it, then it waits to be killed
accept = next(a for a in args if a.startswith("--accept="))
name = accept.split("name=", 1)[1].split(";", 1)[0]
pipe = socket.socket(socket.AF_UNIX)
pipe.bind(f"/tmp/OSL_PIPE_{{os.getuid()}}_{{name}}")
pipe.listen()
time.sleep(600)
"""

FAKE_PYTHON = r"""#!{python}
# a Python with UNO as kxreport sees it; FAKE_BRIDGE says how it behaves
import json, os, subprocess, sys, time
from pathlib import Path

mode = os.environ["FAKE_BRIDGE"]
with open(os.environ["FAKE_PIDS"], "a") as pids:
    pids.write(f"{{os.getpid()}}\n")
if sys.argv[1] == "-c":  # the check: import uno
    if mode == "hang":
        child = subprocess.Popen(["sleep", "600"])  # holds our output open, as shells do
        with open(os.environ["FAKE_PIDS"], "a") as pids:
            pids.write(f"{{child.pid}}\n")
        time.sleep(600)
    sys.exit(0)
if mode == "garbage":
    print("Traceback (most recent call last): garbage", flush=True)
elif mode == "hello-wait":  # loaded uno, now waiting for LibreOffice to listen
    print(json.dumps({{"hello": True}}), flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state not in ("Z", "X")


def english(text: str) -> list[str]:
    """English words in what kxreport said, paths left out."""
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"\S*/\S*", "", text))
    allowed = {"LibreOffice", "UNO", "PDF", "pdf", "kxreport", "doctor"}
    return [w for w in words if w not in allowed]


class Fakes:
    """Fake soffice and UNO Python in a folder, and what a run of kxreport needs."""

    def __init__(self, tmp_path: Path, soffice: str, bridge: str, real_python: str = "") -> None:
        self.tmp = tmp_path
        bin_ = tmp_path / "bin"
        bin_.mkdir()
        self.soffice = bin_ / "soffice"
        self.soffice.write_text(FAKE_SOFFICE.format(python=sys.executable, pdf=FAKE_PDF), "utf-8")
        self.python = bin_ / "unopython"
        self.python.write_text(FAKE_PYTHON.format(python=sys.executable), "utf-8")
        for script in (self.soffice, self.python):
            script.chmod(0o755)
        self.temporary = tmp_path / "tmp"  # kxreport's (and so LibreOffice's) TMPDIR
        self.temporary.mkdir()
        self.log = tmp_path / "launches.jsonl"
        self.pids = tmp_path / "pids"
        self.env = {
            "KXREPORT_SOFFICE": str(self.soffice),
            "KXREPORT_UNO_PYTHON": real_python or str(self.python),
            "FAKE_SOFFICE": soffice,
            "FAKE_BRIDGE": bridge,
            "FAKE_LOG": str(self.log),
            "FAKE_PIDS": str(self.pids),
            "TMPDIR": str(self.temporary),
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "PYTHONPATH": str(ROOT),
        }

    def launches(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text("utf-8").splitlines()]

    def build(self, *args: str, timeout: int = 40):
        started = time.monotonic()
        done = run_python("-m", "kxreport", "build", *args, env=self.env, timeout=timeout)
        return done, time.monotonic() - started

    def assert_nothing_left(self) -> None:
        assert list(self.temporary.iterdir()) == []  # no temporary file or folder
        pids = [int(p) for p in self.pids.read_text().split()] if self.pids.exists() else []
        deadline = time.monotonic() + 3
        while any(alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert [p for p in pids if alive(p)] == []  # every fake process ended
        for args in self.launches():  # no pipe left by a killed listener
            for arg in args:
                if arg.startswith("--accept="):
                    name = arg.split("name=", 1)[1].split(";", 1)[0]
                    assert not os.path.lexists(f"/tmp/OSL_PIPE_{os.getuid()}_{name}")


def year_file(folder: Path, name: str = "2023.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(MINIMAL, "utf-8")
    return path


def test_a_uno_python_that_never_answers_is_given_up_after_a_few_seconds(tmp_path):
    fakes = Fakes(tmp_path, "ok", "hang")
    script = (
        "import json, time\n"
        "from kxreport import office\n"
        f"office.uno_python_candidates = lambda *a, **k: [{str(fakes.python)!r}]\n"
        "started = time.monotonic()\n"
        "print(json.dumps([office.uno_python(), time.monotonic() - started]))\n"
    )
    done = run_python("-c", script, env=fakes.env, timeout=20)
    assert done.returncode == 0, done.stderr
    found, seconds = json.loads(done.stdout)
    assert found is None
    assert seconds < office.HANDSHAKE + 3
    assert len(fakes.pids.read_text().split()) == 2  # the fake and the child it started
    fakes.assert_nothing_left()  # both killed, not left sleeping


@pytest.mark.parametrize("bridge", ["garbage", "silent"])
def test_a_uno_python_that_answers_garbage_or_nothing_is_left_for_one_call_per_file(
    tmp_path, bridge
):
    fakes = Fakes(tmp_path, "ok", bridge)
    source = year_file(tmp_path / "in")
    done, seconds = fakes.build(str(source), "-f", "pdf", "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "2023.pdf").read_bytes() == FAKE_PDF
    assert seconds < office.HANDSHAKE + 8
    assert english(done.stdout + done.stderr) == []
    modes = ["--convert-to" in args for args in fakes.launches()]
    assert modes == [False, True]  # the listener given up, then one soffice call
    fakes.assert_nothing_left()


@pytest.fixture(params=["real", "fake"])
def bridge(request) -> tuple[str, str]:
    """A UNO Python that works as far as it can: the real one (python3-uno), which waits
    for LibreOffice to listen, or a fake that says hello and waits the same way."""
    if request.param == "real":
        require(office.uno_python(), "LibreOffice 的 Python UNO 接口（python3-uno）")
        return "", str(office.uno_python())
    return "hello-wait", ""


def test_a_libreoffice_that_dies_at_start_fails_at_once_in_chinese(tmp_path, bridge):
    mode, real = bridge
    fakes = Fakes(tmp_path, "exit", mode or "ok", real)
    source = year_file(tmp_path / "in")
    done, seconds = fakes.build(str(source), "-f", "pdf", "-o", str(tmp_path / "out"))
    assert done.returncode == 1
    assert "LibreOffice 没能启动：启动后立即退出（退出码 1）" in done.stderr
    assert english(done.stdout + done.stderr) == []  # no NoConnectException
    assert seconds < 12
    assert not (tmp_path / "out").exists()
    fakes.assert_nothing_left()


def test_when_every_libreoffice_is_killed_as_it_starts_a_batch_ends_quickly(tmp_path, bridge):
    mode, real = bridge
    fakes = Fakes(tmp_path, "kill", mode or "ok", real)
    for n in range(10):
        year_file(tmp_path / "in", f"{2014 + n}.yaml")
    done, seconds = fakes.build(
        str(tmp_path / "in"), "-f", "pdf", "-o", str(tmp_path / "out"), "-j", "2", timeout=60
    )
    assert done.returncode == 1
    assert "共 10 个年度文件：0 个生成通过，10 个失败" in done.stderr  # the summary
    assert seconds < 25
    starts = office.MAX_FAILED_STARTS
    assert len(fakes.launches()) <= 2 * starts  # each of the 2 workers gives up
    errors = [line for line in done.stderr.splitlines() if line.startswith("错误：")]
    assert len(errors) == 10
    given_up = f"错误：LibreOffice 连续 {starts} 次没能启动（启动时被结束（信号 9））"
    assert sum(line.startswith(given_up) for line in errors) >= 10 - 2 * (starts - 1)
    assert {line for line in errors if not line.startswith(given_up)} <= {
        "错误：LibreOffice 没能启动：启动时被结束（信号 9）"
    }
    assert english(done.stdout + done.stderr) == []
    fakes.assert_nothing_left()


def test_after_giving_up_a_later_conversion_tries_again(tmp_path, monkeypatch):
    """--watch: LibreOffice fixed meanwhile is used again after RETRY_AFTER seconds."""
    fakes = Fakes(tmp_path, "exit", "hello-wait")
    for key, value in fakes.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(office, "uno_python", lambda: str(fakes.python))
    converter = office.Converter()
    try:
        for _ in range(office.MAX_FAILED_STARTS):
            with pytest.raises(office.OutputError):
                converter.convert(b"PK", ".docx", "pdf:writer_pdf_Export")
        launched = len(fakes.launches())
        with pytest.raises(office.OutputError, match="连续 2 次没能启动"):
            converter.convert(b"PK", ".docx", "pdf:writer_pdf_Export")
        assert len(fakes.launches()) == launched  # at once, nothing started
        monkeypatch.setattr(office, "RETRY_AFTER", 0.0)
        with pytest.raises(office.OutputError, match="LibreOffice 没能启动"):
            converter.convert(b"PK", ".docx", "pdf:writer_pdf_Export")
        assert len(fakes.launches()) == launched + 1  # tried again
    finally:
        converter.close()


def test_a_killed_libreoffice_leaves_no_temporary_file_and_no_pipe(tmp_path, monkeypatch):
    """The real LibreOffice, killed in the middle: its temporary files (lu*.tmp, in its
    TMPDIR) and its pipe (in /tmp) go with it."""
    require(office.soffice(), "LibreOffice（soffice）")
    require(office.uno_python(), "LibreOffice 的 Python UNO 接口（python3-uno）")
    import tempfile

    from kxreport.loader import load
    from kxreport.render import render
    from kxreport.writers.docx import to_bytes
    from kxreport.writers.pdf import PDF_TARGET

    rendered = render(load(ROOT / "examples" / "demo-2022.yaml").model)
    data = to_bytes(rendered.document, rendered.meta)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    prefix = f"OSL_PIPE_{os.getuid()}_kxreport-{os.getpid()}-"

    def pipes() -> set[str]:
        return {name for name in os.listdir("/tmp") if name.startswith(prefix)}

    before = pipes()
    converter = office.Converter()
    try:
        assert converter.convert(data, ".docx", PDF_TARGET).startswith(b"%PDF-")
        assert pipes() - before  # LibreOffice's pipe, while it runs
        converter.office.kill()
        converter.office.wait()
    finally:
        converter.close()
    assert list(temporary.iterdir()) == []
    assert pipes() - before == set()


def test_the_dead_pipe_check_leaves_a_live_pipe_alone(tmp_path):
    live = socket.socket(socket.AF_UNIX)
    dead = socket.socket(socket.AF_UNIX)
    try:
        live.bind(str(tmp_path / "live"))
        live.listen()
        dead.bind(str(tmp_path / "dead"))  # bound, no one listening: as after a kill
        office._remove_dead_pipes({str(tmp_path / "live"), str(tmp_path / "dead")})
        assert (tmp_path / "live").exists()
        assert not (tmp_path / "dead").exists()
    finally:
        live.close()
        dead.close()
