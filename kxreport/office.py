"""LibreOffice headless: DOCX -> PDF for ``build -f pdf``, and .doc/.wps/.odt/.rtf -> DOCX
for ``import``.

One LibreOffice serves every conversion of a process (a batch worker, ``--watch``): it is
started on the first one and driven over UNO by ``office_bridge.py``, which runs under a
Python that has LibreOffice's UNO bridge. A conversion that hangs or crashes LibreOffice
fails with a message, and the next one starts a new LibreOffice. LibreOffice ends with the
process that started it (also when that one is killed). Its profile is made once and kept
in kxreport's cache folder (never the user's own LibreOffice profile); each instance runs
on a copy, with the fontconfig mapping of the free Chinese faces. Where no UNO bridge is
found (or it does not answer its handshake in a few seconds, or answers garbage), each
conversion is one ``soffice --convert-to`` call, as before.

LibreOffice that misbehaves costs little: a LibreOffice that dies as it starts is noticed
at once; after MAX_FAILED_STARTS failed starts in a row the rest of the conversions of the
process fail at once with one message (tried again after RETRY_AFTER seconds, for
``--watch``). Everything LibreOffice leaves (its temporary files, its pipe) is removed with
its folder, and what it says in English never reaches the user: every message is Chinese.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import os
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .errors import OutputError
from .files import cache_folder, private_folder

# where Debian's texlive-lang-chinese puts the Fandol fonts (not on fontconfig's path)
FANDOL_DIRS = (
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",
    "/usr/share/texmf/fonts/opentype/public/fandol",
)
TIMEOUT = 180
INSTALL_HINT = (
    "导出 PDF 需要 LibreOffice：请安装 LibreOffice（Debian/Ubuntu："
    "apt-get install libreoffice-writer-nogui texlive-lang-chinese fonts-noto-cjk "
    "fonts-arphic-ukai fonts-liberation2），或只生成 md 和 docx"
)


def fontconfig() -> str:
    """A fontconfig configuration that maps every font name of the layout (and the names
    the same faces go by elsewhere) to its free Simplified Chinese stand-ins, strongly, so
    that no Japanese or Traditional form is picked."""
    from .layout import FACES
    from .text import xml_escape as escape

    rules = []
    for face in FACES.values():
        families = "".join(f"<string>{escape(name)}</string>" for name in face.free)
        for name in (face.name, *face.aliases):
            rules.append(
                f'  <match target="pattern"><test name="family" compare="eq"><string>{escape(name)}'
                f'</string></test><edit name="family" mode="assign" binding="strong">{families}'
                "</edit></match>"
            )
    dirs = "".join(f"  <dir>{d}</dir>\n" for d in FANDOL_DIRS)
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<!-- kxreport: the GB/T 9704 font names mapped to free faces (kxreport.layout.FACES) -->\n"
        '<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"{dirs}" + "\n".join(rules) + "\n</fontconfig>\n"
    )


# where LibreOffice installs itself when it is not on PATH (the usual case on Windows and
# macOS): (platform prefix, folder relative to a root or an environment variable, name)
_INSTALLED = (
    ("win", "%ProgramFiles%/LibreOffice/program", "soffice.exe"),
    ("win", "%ProgramFiles(x86)%/LibreOffice/program", "soffice.exe"),
    ("win", "%LOCALAPPDATA%/Programs/LibreOffice/program", "soffice.exe"),
    ("darwin", "/Applications/LibreOffice.app/Contents/MacOS", "soffice"),
    ("darwin", "~/Applications/LibreOffice.app/Contents/MacOS", "soffice"),
    ("linux", "/opt/libreoffice/program", "soffice"),
    ("linux", "/usr/lib/libreoffice/program", "soffice"),
)


def soffice_candidates(
    platform: str = sys.platform, environ: dict[str, str] | None = None, home: str | None = None
) -> list[Path]:
    """Where LibreOffice may be, in order: $KXREPORT_SOFFICE (an explicit choice wins), the
    PATH, then the standard install folders of the platform (Windows: Program Files;
    macOS: /Applications)."""
    env = dict(os.environ) if environ is None else environ
    found: list[Path] = []
    if env.get("KXREPORT_SOFFICE"):
        found.append(Path(env["KXREPORT_SOFFICE"]))
    names = ("soffice.exe", "soffice.com") if platform == "win32" else ("soffice", "libreoffice")
    for name in names:
        on_path = shutil.which(name, path=env.get("PATH"))
        if on_path:
            found.append(Path(on_path))
    for prefix, folder, name in _INSTALLED:
        if not platform.startswith(prefix):
            continue
        for variable in ("ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"):
            token = f"%{variable}%"
            if token in folder:
                if not env.get(variable):
                    folder = ""
                    break
                folder = folder.replace(token, env[variable])
        if folder.startswith("~"):
            folder = str(Path(home or Path.home()) / folder[2:])
        if folder:
            found.append(Path(folder) / name)
    return list(dict.fromkeys(found))


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    for candidate in soffice_candidates():
        if candidate.is_file():
            return str(candidate)
    return None


def uno_python_candidates(executable: str | None, platform: str = sys.platform) -> list[str]:
    """Pythons that may import ``uno``, in order: $KXREPORT_UNO_PYTHON, the one LibreOffice
    brings (Windows: program/python.exe; macOS: Contents/Resources/python; Linux builds
    from libreoffice.org: program/python), this one, the system's (python3-uno)."""
    program = Path(executable).resolve().parent if executable else None
    candidates = [os.environ.get("KXREPORT_UNO_PYTHON")]
    if program is not None:
        if platform == "win32":
            candidates.append(str(program / "python.exe"))
        elif platform == "darwin":
            candidates.append(str(program.parent / "Resources" / "python"))
        else:
            candidates.append(str(program / "python"))
    candidates.append(sys.executable)
    if platform != "win32":
        candidates += ["/usr/bin/python3", shutil.which("python3")]
    return list(dict.fromkeys(c for c in candidates if c))


def check_available(hint: str = INSTALL_HINT) -> None:
    if soffice() is None:
        raise OutputError(hint)


def convert(
    data: bytes, suffix: str, target: str, *, hint: str = INSTALL_HINT, stem: str = "document"
) -> bytes:
    """The bytes of ``data`` (a file ending in ``suffix``) converted by LibreOffice to
    ``target`` in the form of ``soffice --convert-to`` ("docx:MS Word 2007 XML",
    'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}')."""
    executable = soffice()
    if executable is None:
        raise OutputError(hint)
    if uno_python() is not None:
        return converter().convert(data, suffix, target, stem=stem)
    return _convert_once(executable, data, suffix, target, stem)


# --- the profile, made once -------------------------------------------------------------


def _profile_template() -> Path | None:
    """Where the profile made once is kept: in kxreport's cache, if that is a folder only
    this user can write (a profile holds settings LibreOffice trusts, macros among them)."""
    folder = private_folder(cache_folder())
    return folder / "libreoffice-profile" if folder else None


MAX_PROFILE_ENTRIES = 20_000  # a profile LibreOffice makes has a few hundred


def _trusted_profile(template: Path) -> bool:
    """Whether the cached profile is one this user made: the folder and everything in it
    this user's, nothing writable by anyone else, only folders and regular files (no link
    to somewhere else, no FIFO). Its parent, the cache root, is checked by
    :func:`kxreport.files.private_folder`."""
    if not hasattr(os, "getuid"):  # Windows: ACLs; the cache folder is the user's own
        return template.is_dir() and not template.is_symlink()
    uid = os.getuid()

    def ours(path: str, folder: bool) -> bool:
        info = os.lstat(path)
        kind = stat.S_ISDIR(info.st_mode) if folder else stat.S_ISREG(info.st_mode)
        return kind and info.st_uid == uid and not info.st_mode & 0o022

    seen = 0
    try:
        if not ours(str(template), True):
            return False
        for top, folders, files in os.walk(template, onerror=_raise):
            for name in folders:
                if not ours(os.path.join(top, name), True):  # also a link to a folder
                    return False
            for name in files:
                if not ours(os.path.join(top, name), False):
                    return False
            seen += len(folders) + len(files)
            if seen > MAX_PROFILE_ENTRIES:
                return False
    except OSError:
        return False
    return True


def _raise(error: OSError) -> None:
    raise error


def _new_profile(folder: Path) -> Path:
    """A LibreOffice profile for one instance, in ``folder`` (this process's own, made by
    ``tempfile.mkdtemp``): a copy of the cached one when there is one this user made
    (creating a profile is a good part of a cold start), else none (LibreOffice makes a
    fresh one there). A cached profile that is not this user's alone is never used."""
    profile = folder / "profile"
    template = _profile_template()
    if template is not None and _trusted_profile(template):
        try:
            shutil.copytree(template, profile, symlinks=True)
        except (OSError, shutil.Error):
            shutil.rmtree(profile, ignore_errors=True)  # half a copy is no profile
    return profile


def _keep_profile(profile: Path) -> None:
    """Cache a profile LibreOffice made and left cleanly, for the next instances; one
    already there that this user did not make alone is replaced."""
    template = _profile_template()
    if template is None or not profile.is_dir() or (profile / ".lock").exists():
        return
    if os.path.lexists(template) and _trusted_profile(template):
        return
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(prefix=".profile-", dir=template.parent))
        shutil.copytree(profile, staging / "profile", symlinks=True)
        if os.path.lexists(template):
            os.replace(template, staging / "untrusted")  # moved away, removed below
        os.replace(staging / "profile", template)  # whole or not at all
    except (OSError, shutil.Error):
        pass
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _environment(folder: Path) -> dict[str, str]:
    """LibreOffice's environment: the fonts mapped, and its home and temporary folder in
    ``folder``, so that what it leaves when it is killed goes with ``folder``."""
    conf = folder / "fonts.conf"
    conf.write_text(fontconfig(), encoding="utf-8")
    temporary = folder / "tmp"
    temporary.mkdir(mode=0o700, exist_ok=True)
    place = str(temporary)
    return {
        **os.environ,
        "FONTCONFIG_FILE": str(conf),
        "HOME": str(folder),
        "TMPDIR": place,
        "TMP": place,
        "TEMP": place,
    }


# --- running LibreOffice (and the UNO Python) --------------------------------------------


def _process_options() -> dict[str, object]:
    """POSIX: the child in a session of its own (Ctrl-C reaches kxreport, which then ends
    it; the whole group can be killed) that dies with kxreport."""
    if sys.platform == "win32":
        return {}
    return {"preexec_fn": _die_with_parent, "start_new_session": True}


def _end(process: subprocess.Popen[bytes]) -> None:
    """Kill ``process`` and its group (a launcher script's children too), and reap it."""
    if process.poll() is None:
        with contextlib.suppress(OSError):
            if sys.platform == "win32":
                process.kill()
            else:
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)


def _run(command: list[str], env: dict[str, str], timeout: float, log: Path | None) -> int | None:
    """Run ``command`` to its end and give its exit code, or None when it did not end
    within ``timeout`` seconds (it and its group are killed then). Its output goes to the
    file ``log`` (or nowhere), never to a pipe a forgotten child could hold open."""
    out = log.open("wb") if log is not None else subprocess.DEVNULL
    try:
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out, **_process_options()
        )
    finally:
        if log is not None:
            out.close()  # type: ignore[union-attr]
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end(process)
        return None


# where LibreOffice makes its pipes whatever TMPDIR says (sal/osl/unx/pipe.cxx)
_PIPE_FOLDERS = ("/tmp", "/var/tmp")


def _pipes(name: str | None = None) -> set[str]:
    """This user's LibreOffice pipes (``OSL_PIPE_<uid>_<name>``), or the one named."""
    if sys.platform == "win32":
        return set()
    prefix = f"OSL_PIPE_{os.getuid()}_"
    found: set[str] = set()
    for folder in _PIPE_FOLDERS:
        if name is not None:
            found.add(os.path.join(folder, prefix + name))
            continue
        with contextlib.suppress(OSError):
            found |= {os.path.join(folder, n) for n in os.listdir(folder) if n.startswith(prefix)}
    return found


def _remove_dead_pipes(paths: set[str]) -> None:
    """Remove the pipes a killed LibreOffice left behind: sockets of this user's that no
    one listens on any more (a live one is another LibreOffice's and stays)."""
    import socket

    for path in paths:
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISSOCK(info.st_mode) or info.st_uid != os.getuid():
            continue
        with socket.socket(socket.AF_UNIX) as probe:
            probe.settimeout(0.5)
            try:
                probe.connect(path)
            except (ConnectionRefusedError, FileNotFoundError):
                pass  # no one there
            except OSError:
                continue
            else:
                continue
        with contextlib.suppress(OSError):
            os.unlink(path)


def _ended(code: int) -> str:
    """How a LibreOffice that ended as it started ended, in Chinese."""
    if code < 0:
        return f"启动时被结束（信号 {-code}）"
    return f"启动后立即退出（退出码 {code}）"


# what the bridge says went wrong with a document (office_bridge.py), in Chinese
_FAILURES = {
    "open": "打不开这个文件（文件损坏，或不是它的扩展名所说的格式）",
    "store": "不能保存为所要的格式",
}
_FAILED = "LibreOffice 内部出错"


# --- one call of soffice per conversion (no UNO bridge) ------------------------------------


def _convert_once(executable: str, data: bytes, suffix: str, target: str, stem: str) -> bytes:
    from .files import reason

    out_suffix = "." + target.split(":", 1)[0]
    folder = Path(tempfile.mkdtemp(prefix="kxreport-office-"))
    code: int | None = 0
    pipes = _pipes()
    try:
        source = folder / "in" / f"{stem}{suffix}"
        source.parent.mkdir()
        source.write_bytes(data)
        profile = _new_profile(folder)
        command = [
            executable,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(source),
        ]
        log = folder / "soffice.log"
        try:
            code = _run(command, _environment(folder), TIMEOUT, log)
        except OSError as exc:
            raise OutputError(f"无法运行 LibreOffice（{executable}）：{reason(exc)}") from None
        if code is None:
            raise OutputError(f"LibreOffice 在 {TIMEOUT} 秒内没有完成转换")
        result = folder / f"{stem}{out_suffix}"
        if code != 0 or not result.is_file():
            raise OutputError(f"LibreOffice 转换失败：{_once_failure(code, log)}")
        _keep_profile(profile)
        return result.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if code != 0:  # killed or crashed: it may have left its pipe
            _remove_dead_pipes(_pipes() - pipes)


def _once_failure(code: int, log: Path) -> str:
    """Why ``soffice --convert-to`` made nothing, in Chinese (its own words are English)."""
    try:
        with log.open("rb") as handle:
            said = handle.read(65536).decode("utf-8", "replace")
    except OSError:
        said = ""
    if "could not be loaded" in said:
        return _FAILURES["open"]
    if "no export filter" in said:
        return _FAILURES["store"]
    if code < 0:
        return f"LibreOffice 被信号 {-code} 结束"
    if code != 0:
        return f"LibreOffice 异常退出（退出码 {code}）"
    return "没有生成文件"


# --- one LibreOffice for many conversions ---------------------------------------------------

BRIDGE = Path(__file__).with_name("office_bridge.py")
HANDSHAKE = 5.0  # seconds a UNO Python has to answer: `import uno`, then the bridge's hello
START_TIMEOUT = 30.0  # seconds LibreOffice has to accept the bridge (it takes 1–3)
MAX_RESTARTS = 3  # relaunches LibreOffice may ask for (exit 81, a new profile) in one start
MAX_FAILED_STARTS = 2  # failed starts in a row after which the rest fail at once
RETRY_AFTER = 60.0  # seconds after which a process that gave up tries again (--watch)
MAX_LINE = 1024 * 1024  # bytes of one answer of the bridge


@functools.cache  # found once per process
def uno_python() -> str | None:
    """A Python that can ``import uno`` (:func:`uno_python_candidates`), or None. Not on
    Windows: the bridge's process control (a session, a death signal) is POSIX's, so there
    each conversion is one ``soffice --convert-to`` call. A candidate that does not answer
    within HANDSHAKE seconds is passed over (and killed)."""
    if sys.platform == "win32":
        return None
    for candidate in uno_python_candidates(soffice()):
        if Path(candidate).is_file() and _imports_uno(candidate):
            return candidate
    return None


def _bridge_environment(folder: Path | None = None) -> dict[str, str]:
    """Our environment without what points a Python at kxreport's own packages (and its
    temporary folder in ``folder``)."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    if folder is not None:
        env["TMPDIR"] = env["TMP"] = env["TEMP"] = str(folder / "tmp")
    return env


def _imports_uno(python: str) -> bool:
    try:
        return _run([python, "-c", "import uno"], _bridge_environment(), HANDSHAKE, None) == 0
    except OSError:
        return False


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGKILL when the process that started it ends, however it
    ends (even killed), so that no LibreOffice is left behind."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(Exception):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _office_binary(executable: str) -> str:
    """soffice.bin itself, not the launcher script that forks it (so that the process we
    start, and may kill, is LibreOffice)."""
    binary = Path(executable).resolve().parent / "soffice.bin"
    return str(binary) if binary.is_file() else executable


def _filter(target: str) -> tuple[str, str, dict[str, object]]:
    """("pdf", "writer_pdf_Export", {"IsSkipEmptyPages": False}) from the --convert-to form."""
    suffix, _, rest = target.partition(":")
    name, _, options = rest.partition(":")
    data: dict[str, object] = {}
    if options.startswith("{"):
        for key, typed in json.loads(options).items():
            kind, value = typed.get("type"), typed.get("value")
            if kind == "boolean":
                data[key] = str(value).lower() == "true"
            elif kind in ("long", "short", "int"):
                data[key] = int(value)
            else:
                data[key] = value
    return suffix, name, data


_GONE = "LibreOffice 意外退出，已为后面的文件重新启动"
_GARBAGE: dict[str, object] = {}  # an answer that is not a JSON object (compared by identity)


class _StartFailed(Exception):
    """LibreOffice did not start; ``detail`` says why, in Chinese. ``bridge``: the UNO
    Python is at fault (no handshake, garbage), so conversions go on without it."""

    def __init__(self, detail: str, *, bridge: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.bridge = bridge


class Converter:
    """One LibreOffice and its UNO bridge, started on the first conversion."""

    def __init__(self) -> None:
        self.office: subprocess.Popen[bytes] | None = None
        self.bridge: subprocess.Popen[bytes] | None = None
        self.folder: Path | None = None
        self.profile: Path | None = None
        self.pipe: str | None = None
        self.ready = False
        self.count = 0
        self._buffer = b""
        self.without_bridge = False  # the UNO Python failed its handshake: soffice per file
        self.failed_starts = 0  # in a row
        self.last_failure = ""
        self.gave_up_at: float | None = None

    @property
    def running(self) -> bool:
        return (
            self.office is not None
            and self.office.poll() is None
            and self.bridge is not None
            and self.bridge.poll() is None
        )

    def start(self) -> None:
        """Start LibreOffice and the bridge. A UNO Python that fails its handshake is left
        for the rest of the process (:attr:`without_bridge`); a LibreOffice that does not
        start fails this conversion, and after MAX_FAILED_STARTS in a row every conversion
        for RETRY_AFTER seconds, at once and with the same message."""
        executable, python = soffice(), uno_python()
        if executable is None or python is None:
            raise OutputError(INSTALL_HINT)
        self.close()
        if self.gave_up_at is not None:
            if time.monotonic() - self.gave_up_at < RETRY_AFTER:
                raise OutputError(self._given_up())
            self.gave_up_at, self.failed_starts = None, 0
        try:
            self._start(executable, python)
        except _StartFailed as failure:
            self.close()
            if failure.bridge:
                self.without_bridge = True
                return
            self.failed_starts += 1
            self.last_failure = failure.detail
            if self.failed_starts >= MAX_FAILED_STARTS:
                self.gave_up_at = time.monotonic()
                raise OutputError(self._given_up()) from None
            raise OutputError(f"LibreOffice 没能启动：{failure.detail}") from None
        self.failed_starts = 0

    def _given_up(self) -> str:
        return (
            f"LibreOffice 连续 {self.failed_starts} 次没能启动（{self.last_failure}），"
            "其余的文件不再转换；请用 kxreport doctor -f pdf 检查 LibreOffice 的安装"
        )

    def _start(self, executable: str, python: str) -> None:
        from .files import reason

        self.folder = Path(tempfile.mkdtemp(prefix="kxreport-office-"))
        self.profile = _new_profile(self.folder)
        env = _environment(self.folder)
        self.pipe = f"kxreport-{os.getpid()}-{secrets.token_hex(6)}"
        command = [
            _office_binary(executable),
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--nofirststartwizard",
            f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext",
        ]

        def launch() -> subprocess.Popen[bytes]:
            try:
                return subprocess.Popen(
                    command,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    **_process_options(),
                )
            except OSError as exc:
                raise _StartFailed(f"无法运行 {executable}：{reason(exc)}") from None

        self.office = launch()
        try:
            self.bridge = subprocess.Popen(
                [python, str(BRIDGE), self.pipe, str(START_TIMEOUT)],
                env=_bridge_environment(self.folder),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                **_process_options(),
            )
        except OSError:
            raise _StartFailed("UNO 接口无法运行", bridge=True) from None
        self._buffer = b""
        # the handshake: the bridge says hello as soon as it has loaded uno
        answer = self._answer(HANDSHAKE)
        if answer is None or answer is _GARBAGE:
            raise _StartFailed("UNO 接口没有应答", bridge=True)
        deadline = time.monotonic() + START_TIMEOUT
        restarts = 0
        while True:
            if answer is _GARBAGE:
                raise _StartFailed("UNO 接口的应答无法识别", bridge=True)
            if answer is not None and answer.get("ready"):
                break
            if answer is not None and "error" in answer:  # the bridge gave up connecting
                raise _StartFailed(f"{START_TIMEOUT:g} 秒内没有准备好")
            code = self.office.poll()
            if code == _RESTART and restarts < MAX_RESTARTS:
                # a new profile made: LibreOffice asks its launcher to start it again
                restarts += 1
                self.office = launch()
            elif code is not None:
                raise _StartFailed(_ended(code))
            elif self.bridge.poll() is not None:
                raise _StartFailed("UNO 接口意外退出")
            elif time.monotonic() > deadline:
                raise _StartFailed(f"{START_TIMEOUT:g} 秒内没有准备好")
            answer = self._answer(0.2)
        self.ready = True

    def convert(self, data: bytes, suffix: str, target: str, *, stem: str = "document") -> bytes:
        if not self.without_bridge and not self.running:
            self.start()
        if self.without_bridge:
            executable = soffice()
            if executable is None:
                raise OutputError(INSTALL_HINT)
            return _convert_once(executable, data, suffix, target, stem)
        assert self.folder is not None and self.bridge is not None
        out_suffix, name, options = _filter(target)
        self.count += 1
        work = self.folder / f"job{self.count}"
        work.mkdir()
        try:
            source = work / f"{stem}{suffix}"
            source.write_bytes(data)
            result = work / f"{stem}.{out_suffix}"
            request = {"in": str(source), "out": str(result), "filter": name, "data": options}
            try:
                assert self.bridge.stdin is not None
                self.bridge.stdin.write(json.dumps(request).encode("utf-8") + b"\n")
                self.bridge.stdin.flush()
            except OSError:
                self.close()
                raise OutputError(_GONE) from None
            answer = self._answer(TIMEOUT)
            if answer is None:
                timed_out = self.running
                self.close()
                if timed_out:
                    raise OutputError(
                        f"LibreOffice 在 {TIMEOUT:g} 秒内没有完成转换，已为后面的文件重新启动"
                    )
                raise OutputError(_GONE)
            if answer is _GARBAGE:
                self.close()
                raise OutputError(
                    "LibreOffice 的 UNO 接口给出了无法识别的应答，已为后面的文件重新启动"
                )
            if "error" in answer:
                # "gone": the bridge lost LibreOffice, whether or not the system has
                # reaped it yet
                if answer.get("gone") or not self.running:
                    self.close()
                    raise OutputError(_GONE)
                said = _FAILURES.get(str(answer["error"]), _FAILED)
                raise OutputError(f"LibreOffice 转换失败：{said}")
            if not result.exists():
                raise OutputError("LibreOffice 转换失败：没有生成文件")
            return result.read_bytes()
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _answer(self, timeout: float) -> dict[str, object] | None:
        """The bridge's next line, or None when it does not come in time (or it ended);
        :data:`_GARBAGE` when the line is not a JSON object (or never ends)."""
        import select

        assert self.bridge is not None and self.bridge.stdout is not None
        fd = self.bridge.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            if len(self._buffer) > MAX_LINE:
                return _GARBAGE
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if not ready:
                if self.bridge.poll() is not None:
                    return None
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        try:
            answer = json.loads(line)
        except ValueError:
            return _GARBAGE
        return answer if isinstance(answer, dict) else _GARBAGE

    def close(self) -> None:
        """End LibreOffice (asked first if it was ready, then killed) and remove its folder
        and what it left (its temporary files there, its pipe)."""
        clean = False
        if self.bridge is not None:
            with contextlib.suppress(OSError, ValueError):
                assert self.bridge.stdin is not None
                self.bridge.stdin.write(b'{"quit": true}\n')
                self.bridge.stdin.close()
            if self.ready and self.office is not None and self.office.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.office.wait(timeout=5)
        for process in (self.office, self.bridge):
            if process is None:
                continue
            _end(process)
            if process.stdout is not None:
                process.stdout.close()
        if self.office is not None:
            clean = self.office.returncode == 0
        if clean and self.profile is not None:
            _keep_profile(self.profile)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        if self.pipe is not None:
            _remove_dead_pipes(_pipes(self.pipe))
        self.office = self.bridge = None
        self.folder = self.profile = None
        self.pipe = None
        self.ready = False


_RESTART = 81  # soffice.bin's exit code asking to be started again (after making a profile)
_CONVERTERS: dict[int, Converter] = {}


def converter() -> Converter:
    """This process's converter (a forked worker gets its own, never its parent's)."""
    pid = os.getpid()
    found = _CONVERTERS.get(pid)
    if found is None:
        found = _CONVERTERS[pid] = Converter()
        atexit.register(found.close)
        # a pool worker ends through multiprocessing, which runs its finalizers, not atexit
        from multiprocessing import util

        util.Finalize(found, found.close, exitpriority=100)
    return found


def shutdown() -> None:
    """End this process's LibreOffice, if it started one."""
    found = _CONVERTERS.get(os.getpid())
    if found is not None:
        found.close()
