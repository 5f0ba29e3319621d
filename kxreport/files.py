"""Reading inputs safely and replacing outputs atomically.

Inputs: only regular files are read, never more than a size limit, and without blocking on
a FIFO or a device. Files that a year file names (``include:``, ``previous:``, ``units:``)
must lie inside the project folder, after symlinks are resolved.

Outputs: each is written to a temporary file beside it and renamed into place, the outputs
of one report together (every temporary file is complete before the first rename). A
temporary file is removed when writing fails or the process is interrupted; one left behind
by a killed process is removed the next time that output is written.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from .errors import KxreportError, OutputError, UsageError
from .process import working


class TooLarge(KxreportError):
    """A file is larger than the limit for its kind; ``size`` is what was found."""

    def __init__(self, path: Path, size: int, limit: int) -> None:
        super().__init__(
            f"{path} 太大（{size / 1024 / 1024:.1f} MB，上限 {limit // 1024 // 1024} MB）"
        )
        self.size = size
        self.limit = limit


# Why the system refused: the common reasons in Chinese (strerror is the C library's
# English on most systems); any other keeps the system's own words.
_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在的文件系统是只读的",
    errno.ENOSPC: "磁盘空间不足",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EIO: "读写出错（磁盘或网络存储故障）",
    errno.EMFILE: "同时打开的文件太多",
    errno.ENFILE: "同时打开的文件太多",
    errno.ELOOP: "符号链接太多层或形成了循环",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EEXIST: "已经存在",
    errno.ENOTEMPTY: "文件夹不是空的",
    errno.EXDEV: "不能跨磁盘移动",
    errno.EINVAL: "文件名或参数无效",
    errno.EFBIG: "文件太大",
    errno.ENXIO: "设备不存在",
    errno.EAGAIN: "暂时无法访问，请稍后再试",
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = "超出磁盘配额"


def reason(exc: OSError) -> str:
    """Why an operation on a file failed, in Chinese where the reason is a common one."""
    known = _REASONS.get(exc.errno or -1)
    if known:
        return known
    # the system's words (English on most systems), said as such, with the error number
    return (
        f"系统错误 {exc.errno}（{exc.strerror or type(exc).__name__}）" if exc.errno else "系统错误"
    )


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Devices, FIFOs and sockets are refused before they are opened (reading ``/dev/zero``
    never ends; opening a FIFO blocks until someone writes to it); the size is checked
    before reading and enforced while reading, in case the file grows. Every input of
    kxreport is read here, so the first one read marks the end of start-up
    (:func:`kxreport.process.working`).
    """
    working()
    shown = str(path)
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise UsageError(f"找不到文件：{shown}") from None
    except OSError as exc:
        raise UsageError(f"无法读取 {shown}：{reason(exc)}") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"{shown} 是一个文件夹，不是文件")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"{shown} 不是普通文件（是设备、管道或套接字）：kxreport 只读取普通文件")
    if info.st_size > limit:
        raise TooLarge(Path(shown), info.st_size, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UsageError(f"无法读取 {shown}：{reason(exc)}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between stat and open
            raise UsageError(f"{shown} 不是普通文件：kxreport 只读取普通文件")
        data = _read_up_to(fd, limit)
        if data is None:
            raise TooLarge(Path(shown), limit + 1, limit)
        return data
    except OSError as exc:
        raise UsageError(f"无法读取 {shown}：{reason(exc)}") from None
    finally:
        os.close(fd)


def _read_up_to(fd: int, limit: int) -> bytes | None:
    """All the bytes of an open file, or None when it holds more than ``limit`` (read in
    pieces, so a file that grows after it was measured is still bounded)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, min(1 << 20, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None


def is_inside(path: Path, root: Path) -> bool:
    """Whether ``path`` lies inside ``root`` once both are fully resolved (symlinks too)."""
    try:
        real = Path(os.path.realpath(path))
        base = Path(os.path.realpath(root))
    except (OSError, ValueError):
        return False
    return real == base or base in real.parents


# --- outputs -------------------------------------------------------------------------

_TEMP_SUFFIX = ".tmp"
_MAX_NAME_BYTES = 160  # the temporary name adds about 30 bytes; NAME_MAX is 255


def _temp_prefix(name: str) -> str:
    """``.NAME.``; long names are shortened (with a hash) so the temporary name fits."""
    if len(name.encode("utf-8", "surrogateescape")) > _MAX_NAME_BYTES:
        import hashlib

        digest = hashlib.sha1(name.encode("utf-8", "surrogateescape")).hexdigest()[:12]
        name = name[:40] + "~" + digest
    return f".{name}."


_TEMP_PID = re.compile(r"\.kxreport-(\d+)-[0-9a-f]{8}\.tmp$")
_cleaned: set[str] = set()  # folders this process has already cleaned


def _alive(pid: int) -> bool:
    if pid == os.getpid() or sys.platform == "win32":  # os.kill would end the process there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # exists (someone else's) or cannot tell: keep the file
    return True


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Remove kxreport's temporary files in ``folder`` whose process no longer runs (a
    build killed with SIGKILL, or a power cut). Each folder is looked at once per process."""
    key = os.path.realpath(folder)
    if key in _cleaned:
        return []
    _cleaned.add(key)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _TEMP_PID.search(entry.name)
        if found is None or not entry.name.startswith(".") or _alive(int(found[1])):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)
            removed.append(Path(entry.path))
    return removed


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(path: Path) -> int:
    """The mode of the file being replaced, or the usual mode of a new file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _write_temporary(path: Path, data: bytes) -> Path:
    name = f"{_temp_prefix(path.name)}kxreport-{os.getpid()}-{os.urandom(4).hex()}{_TEMP_SUFFIX}"
    tmp = path.parent / name
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    return tmp


def replace_together(outputs: Iterable[tuple[Path, bytes]]) -> None:
    """Write every output to a temporary file, then rename them all into place.

    If any temporary file cannot be written (a full disk, a name too long), nothing is
    replaced: the outputs of a report are never left half old and half new. Each output
    keeps the mode of the file it replaces (a new one gets the usual mode).
    """
    pending: list[tuple[Path, Path]] = []
    current: Path | None = None
    try:
        for path, data in outputs:
            current = path
            path.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temporaries(path.parent)
            tmp = _write_temporary(path, data)
            pending.append((tmp, path))
            os.chmod(tmp, _mode_for(path))
        for tmp, path in list(pending):
            current = path
            os.replace(tmp, path)
            pending.remove((tmp, path))
    except OSError as exc:
        where = current if current is not None else Path(".")
        raise OutputError(f"无法写入 {where}：{reason(exc)}") from None
    finally:
        for tmp, _ in pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically: readers see the old file or the new one."""
    replace_together([(path, data)])


def rewrite_in_place(path: Path, data: bytes) -> None:
    """Atomically rewrite a file the user gave as input (``fmt``): a symlink stays a
    symlink and its target is rewritten; the file's mode is kept."""
    target = Path(os.path.realpath(path))
    replace_together([(target, data)])


# --- interruption ----------------------------------------------------------------------


class Interrupted(SystemExit):
    """SIGTERM or SIGHUP: unwinds like an exception, so temporary files are removed."""


_last_signal: int | None = None  # the last signal turned into Interrupted


def _raise_interrupted(signum: int, _frame: object) -> None:
    global _last_signal
    _last_signal = signum
    raise Interrupted(128 + signum)


def interrupted_by() -> Interrupted | None:
    """The Interrupted a signal raised, for code that ran where a library caught it (the
    file watcher ends quietly on any signal, as on Ctrl-C)."""
    return None if _last_signal is None else Interrupted(128 + _last_signal)


def install_signal_handlers() -> None:
    """Turn SIGTERM and SIGHUP into an exception (in the main thread of this process)."""
    if sys.platform == "win32":
        return
    with contextlib.suppress(ValueError):  # not the main thread: leave it to the caller
        for name in ("SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is not None and signal.getsignal(signum) in (signal.SIG_DFL, None):
                signal.signal(signum, _raise_interrupted)


def cache_folder() -> Path:
    """kxreport's own cache (``$XDG_CACHE_HOME/kxreport``, else ``~/.cache/kxreport``):
    things made once and reused by later runs (compiled templates, a LibreOffice profile).
    A relative XDG_CACHE_HOME is ignored, as the XDG specification says; without a home
    folder, a folder of this user's in the temporary folder (used only if private)."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        return Path(base) / "kxreport"
    try:
        return Path.home() / ".cache" / "kxreport"
    except (RuntimeError, KeyError, OSError):  # no HOME and no passwd entry
        import tempfile

        uid = os.getuid() if hasattr(os, "getuid") else 0
        return Path(tempfile.gettempdir()) / f"kxreport-cache-{uid}"


def private_folder(path: Path) -> Path | None:
    """``path`` made (0700) where missing and resolved, or None when it cannot be made or
    when someone else could change what it holds: what is loaded from a cache must be what
    this user put there. Every folder from kxreport's cache root (:func:`cache_folder`)
    down must be a real folder (no link) owned by this user that no one else can write;
    the folders above the root (``~/.cache``, ``/tmp``) must be this user's or root's and
    writable by others only with the sticky bit, or someone could swap the root for their
    own. A path outside the cache is checked the same way, from itself up. Use the path
    returned (links resolved), not ``path``. Never raises."""
    if not hasattr(os, "getuid"):  # Windows: folders carry ACLs, not modes
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except (OSError, RuntimeError):
            return None
        return path if path.is_dir() else None
    uid = os.getuid()
    try:
        root = cache_folder()
        rest: tuple[str, ...] = Path(os.path.abspath(path)).relative_to(os.path.abspath(root)).parts
    except ValueError:  # not in the cache
        root, rest = path, ()
    except (OSError, RuntimeError):
        return None
    folder = _resolve_trusted(root, uid)
    for name in rest:
        if folder is None:
            return None
        folder = _own_folder(folder / name, uid)
    return folder


MAX_LINKS = 40  # links followed on the way to the cache root, as the kernel allows


def _trusted(info: os.stat_result, uid: int, *, own: bool) -> bool:
    """Whether a folder may stand on the way to a cache entry: ``own`` folders (the cache
    and what is in it) are this user's and no one else can write them; folders above the
    cache may also be root's, and writable by others only with the sticky bit (in /tmp
    no one can rename or remove what is not theirs)."""
    if not stat.S_ISDIR(info.st_mode):
        return False
    if own:
        return info.st_uid == uid and not info.st_mode & 0o022
    return info.st_uid in (0, uid) and (
        not info.st_mode & 0o022 or bool(info.st_mode & stat.S_ISVTX)
    )


def _lstat_or_make(path: Path) -> os.stat_result:
    try:
        return os.lstat(path)
    except FileNotFoundError:
        with contextlib.suppress(FileExistsError):  # made meanwhile: checked below anyway
            os.mkdir(path, 0o700)
        return os.lstat(path)


def _resolve_trusted(path: Path, uid: int) -> Path | None:
    """``path`` resolved one name at a time, as the system does: each folder is made
    (0700) if missing and checked before a name is looked up in it; a link is followed
    only if it is this user's or root's (it lies in a folder already checked, so no one
    else can have made or changed it). The last folder must be this user's own."""
    current = Path(os.path.abspath(path))
    names = list(current.parts[1:])
    current = Path(current.anchor)
    links = 0
    try:
        if not _trusted(os.lstat(current), uid, own=not names):
            return None
        while names:
            name = names.pop(0)
            if name in ("", "."):
                continue
            if name == "..":
                current = current.parent  # a folder already checked
                continue
            candidate = current / name
            info = _lstat_or_make(candidate)
            if stat.S_ISLNK(info.st_mode):
                links += 1
                if links > MAX_LINKS or info.st_uid not in (0, uid):
                    return None
                target = Path(os.readlink(candidate))
                if target.is_absolute():
                    current = Path(target.anchor)  # the anchor was checked first
                    names[:0] = target.parts[1:]
                else:
                    names[:0] = target.parts
                continue
            if not _trusted(info, uid, own=not names):
                return None
            current = candidate
    except (OSError, ValueError):
        return None
    return current


def _own_folder(path: Path, uid: int) -> Path | None:
    """A folder inside the cache: made (0700) if missing; never a link; this user's own."""
    try:
        info = _lstat_or_make(path)
    except OSError:
        return None
    return path if _trusted(info, uid, own=True) else None


def read_private(path: Path, limit: int) -> bytes | None:
    """The bytes of a cache entry, or None when there is none or it is not one this user
    made: opened without following a link or waiting on a FIFO, and read only when what
    was opened is a regular file of this user's that no one else can write, of at most
    ``limit`` bytes. Never raises for what it finds (a damaged entry is no entry)."""
    flags = (
        os.O_RDONLY
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_BINARY", 0)
    )
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o022):
            return None
        return _read_up_to(fd, limit)
    except OSError:
        return None
    finally:
        os.close(fd)


def write_new(path: Path, text: str, *, force: bool = False) -> list[Path]:
    """Write the new year file (never over an existing one unless ``force``) and, if it is
    missing, the JSON Schema its first line points at. Returns what was written."""
    if path.exists() and not force:
        raise UsageError(f"{path} 已经存在：不会覆盖它（确实要覆盖请加 --force）")
    # the nearest folder of the path that is there must be a folder (the system's own words
    # for a file in the way are English: “File exists”)
    for folder in path.parents:
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise OutputError(f"无法写入 {path}：{folder} 已经存在，但不是文件夹")
            break
    atomic_write(path, text.encode("utf-8"))
    written = [path]
    schema = path.parent / "kxreport.schema.json"
    if not schema.exists():
        from .model import YearFile  # only here: the model takes a while to build

        atomic_write(
            schema,
            YearFile.json_schema_text().encode("utf-8"),
        )
        written.append(schema)
    return written
