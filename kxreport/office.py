"""LibreOffice headless: DOCX -> PDF for ``build -f pdf``, and .doc/.wps/.odt/.rtf -> DOCX
for ``import``.

One LibreOffice serves every conversion of a process (a batch worker, ``--watch``): it is
started on the first one and driven over UNO by ``office_bridge.py``, which runs under a
Python that has LibreOffice's UNO bridge. A conversion that hangs or crashes LibreOffice
fails with a message, and the next one starts a new LibreOffice. LibreOffice ends with the
process that started it (also when that one is killed). Its profile is made once and kept
in kxreport's cache folder (never the user's own LibreOffice profile); each instance runs
on a copy, with the fontconfig mapping of the free Chinese faces. Where no UNO bridge is
found, each conversion is one ``soffice --convert-to`` call, as before.
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


def _new_profile(folder: Path) -> Path:
    """A LibreOffice profile for one instance: a copy of the cached one when there is one
    (creating a profile is a good part of a cold start)."""
    profile = folder / "profile"
    template = _profile_template()
    if template is not None and template.is_dir() and not template.is_symlink():
        with contextlib.suppress(OSError):
            shutil.copytree(template, profile, symlinks=True)
    return profile


def _keep_profile(profile: Path) -> None:
    """Cache a profile LibreOffice made and left cleanly, for the next instances."""
    template = _profile_template()
    if template is None or template.exists() or template.is_symlink():
        return
    if not profile.is_dir() or (profile / ".lock").exists():
        return
    with contextlib.suppress(OSError):
        staging = Path(tempfile.mkdtemp(prefix=".profile-", dir=template.parent))
        shutil.copytree(profile, staging / "profile", symlinks=True)
        os.replace(staging / "profile", template)  # whole or not at all
        shutil.rmtree(staging, ignore_errors=True)


def _environment(folder: Path) -> dict[str, str]:
    conf = folder / "fonts.conf"
    conf.write_text(fontconfig(), encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(folder)}


# --- one call of soffice per conversion (no UNO bridge) ------------------------------------


def _convert_once(executable: str, data: bytes, suffix: str, target: str, stem: str) -> bytes:
    out_suffix = "." + target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="kxreport-office-") as tmp:
        folder = Path(tmp)
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
        try:
            done = subprocess.run(
                command,
                env=_environment(folder),
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice 在 {TIMEOUT} 秒内没有完成转换") from None
        result = folder / f"{stem}{out_suffix}"
        if done.returncode != 0 or not result.exists():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["无输出"]
            raise OutputError(f"LibreOffice 转换失败：{detail[0]}")
        _keep_profile(profile)
        return result.read_bytes()


# --- one LibreOffice for many conversions ---------------------------------------------------

BRIDGE = Path(__file__).with_name("office_bridge.py")
START_TIMEOUT = 60.0


@functools.cache  # found once per process
def uno_python() -> str | None:
    """A Python that can ``import uno`` (:func:`uno_python_candidates`), or None. Not on
    Windows: the bridge's process control (a session, a death signal) is POSIX's, so there
    each conversion is one ``soffice --convert-to`` call."""
    if sys.platform == "win32":
        return None
    for candidate in uno_python_candidates(soffice()):
        if Path(candidate).is_file() and _imports_uno(candidate):
            return candidate
    return None


def _bridge_environment() -> dict[str, str]:
    """Our environment without what points a Python at kxreport's own packages."""
    drop = ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")
    return {k: v for k, v in os.environ.items() if k not in drop}


def _imports_uno(python: str) -> bool:
    try:
        done = subprocess.run(
            [python, "-c", "import uno"],
            env=_bridge_environment(),
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


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


class Converter:
    """One LibreOffice and its UNO bridge, started on the first conversion."""

    def __init__(self) -> None:
        self.office: subprocess.Popen[bytes] | None = None
        self.bridge: subprocess.Popen[bytes] | None = None
        self.folder: Path | None = None
        self.profile: Path | None = None
        self.count = 0
        self._buffer = b""

    @property
    def running(self) -> bool:
        return (
            self.office is not None
            and self.office.poll() is None
            and self.bridge is not None
            and self.bridge.poll() is None
        )

    def start(self) -> None:
        executable, python = soffice(), uno_python()
        if executable is None or python is None:
            raise OutputError(INSTALL_HINT)
        self.close()
        self.folder = Path(tempfile.mkdtemp(prefix="kxreport-office-"))
        self.profile = _new_profile(self.folder)
        env = _environment(self.folder)
        pipe = f"kxreport-{os.getpid()}-{secrets.token_hex(6)}"
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
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ]

        def launch() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=_die_with_parent,
                start_new_session=True,  # Ctrl-C reaches kxreport, which then ends it
            )

        self.office = launch()
        self.bridge = subprocess.Popen(
            [python, str(BRIDGE), pipe, str(START_TIMEOUT)],
            env=_bridge_environment(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
            start_new_session=True,
        )
        self._buffer = b""
        deadline = time.monotonic() + START_TIMEOUT + 5
        answer = None
        while answer is None and time.monotonic() < deadline:
            answer = self._answer(0.2)
            if answer is None and self.office.poll() == _RESTART:
                # a new profile made: LibreOffice asks its launcher to start it again
                self.office = launch()
            elif answer is None and self.bridge.poll() is not None:
                break
        if not answer or not answer.get("ready"):
            detail = (answer or {}).get("error", "没有应答")
            self.close()
            raise OutputError(f"LibreOffice 没能启动：{detail}")

    def convert(self, data: bytes, suffix: str, target: str, *, stem: str = "document") -> bytes:
        if not self.running:
            self.start()
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
            if "error" in answer:
                # "gone": the bridge lost LibreOffice, whether or not the system has
                # reaped it yet
                if answer.get("gone") or not self.running:
                    self.close()
                    raise OutputError(_GONE)
                raise OutputError(f"LibreOffice 转换失败：{answer['error']}")
            if not result.exists():
                raise OutputError("LibreOffice 转换失败：没有生成文件")
            return result.read_bytes()
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def _answer(self, timeout: float) -> dict[str, object] | None:
        """The bridge's next line, or None when it does not come in time (or it ended)."""
        import select

        assert self.bridge is not None and self.bridge.stdout is not None
        fd = self.bridge.stdout.fileno()
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
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
            return None
        return answer if isinstance(answer, dict) else None

    def close(self) -> None:
        """End LibreOffice (asked first, then killed) and remove its folder."""
        clean = False
        if self.bridge is not None:
            with contextlib.suppress(OSError, ValueError):
                assert self.bridge.stdin is not None
                self.bridge.stdin.write(b'{"quit": true}\n')
                self.bridge.stdin.close()
            if self.office is not None and self.office.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.office.wait(timeout=5)
        for process in (self.office, self.bridge):
            if process is None:
                continue
            if process.poll() is None:
                with contextlib.suppress(OSError):
                    os.killpg(process.pid, signal.SIGKILL)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=5)
            if process.stdout is not None:
                process.stdout.close()
        if self.office is not None:
            clean = self.office.returncode == 0
        if clean and self.profile is not None:
            _keep_profile(self.profile)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.office = self.bridge = None
        self.folder = self.profile = None


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
