"""What kxreport keeps in its cache is used only when no one else could have put it there:
compiled templates (code that runs), the LibreOffice profile (settings and macros
LibreOffice trusts) and jieba's dictionary (which decides where titles break).

Every folder from the cache root down must be this user's and writable by no one else
(the folders above it this user's or root's, writable by others only with the sticky
bit); every entry is opened without following a link or waiting on a FIFO and used only
when it is a regular file of this user's that no one else can write. Otherwise the cache
is not used: the build still works, uncached, and says nothing in English."""

from __future__ import annotations

import json
import marshal
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jinja2
import pytest

from kxreport import office
from kxreport.writers.pdf import PDF_TARGET

from .conftest import MINIMAL, run_python

ROOT = Path(__file__).resolve().parent.parent
NOBODY = 65534


def needs_root() -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a folder to another user (uid 65534) needs root")


def kxreport(*args: str, cache: Path, timeout: int = 60, **env: str):
    """``python -m kxreport …`` with its cache in ``cache``; a hang fails the test."""
    return run_python(
        "-m",
        "kxreport",
        *args,
        env={"XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT), **env},
        timeout=timeout,
    )


def english(text: str) -> list[str]:
    """English words in what kxreport said, paths left out."""
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"\S*/\S*", "", text))
    return [w for w in words if w not in {"LibreOffice", "UNO", "PDF", "kxreport", "doctor"}]


# --- compiled templates --------------------------------------------------------------------


class Cache:
    """A cache filled by a clean build, and what that build wrote."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.source = tmp_path / "2023.yaml"
        self.source.write_text(MINIMAL, "utf-8")
        self.xdg = tmp_path / "cache"
        self.xdg.mkdir(mode=0o700)
        self.root = self.xdg / "kxreport"
        self.marker = tmp_path / "code-from-the-cache-ran"
        done = self.build("clean")
        assert done.returncode == 0, done.stderr
        self.expected = (tmp_path / "clean" / "2023.md").read_text("utf-8")
        self.entries = sorted((self.root / "templates").glob("*/__jinja2_*.cache"))
        assert self.entries  # the clean build filled the cache

    def build(self, out: str, timeout: int = 60) -> subprocess.CompletedProcess[str]:
        return kxreport(
            "build", str(self.source), "-f", "md", "-o", str(self.tmp / out), cache=self.xdg,
            timeout=timeout,
        )  # fmt: skip

    def plant(self, entry: Path) -> None:
        """Replace ``entry`` by code that leaves a marker when it runs, under the right
        checksum (so that a cache trusting it would run it)."""
        data = entry.read_bytes()
        checksum = pickle.loads(data[len(jinja2.bccache.bc_magic) :])  # our own clean entry
        code = compile(f"import os\nos.mkdir({str(self.marker)!r})\n", "planted", "exec")
        entry.write_bytes(jinja2.bccache.bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code))

    def assert_not_used(self, done: subprocess.CompletedProcess[str]) -> None:
        assert not self.marker.exists(), "code from an untrusted cache entry ran"
        assert done.returncode == 0, done.stderr
        assert (self.tmp / "out" / "2023.md").read_text("utf-8") == self.expected
        assert english(done.stderr) == []


def _shared_root(c: Cache) -> None:
    c.root.chmod(0o777)


def _shared_templates(c: Cache) -> None:
    (c.root / "templates").chmod(0o777)


def _shared_above_the_root(c: Cache) -> None:
    c.xdg.chmod(0o777)  # no sticky bit: anyone could rename kxreport/ and put theirs


def _root_of_another_user(c: Cache) -> None:
    needs_root()
    os.chown(c.root, NOBODY, NOBODY)


def _entries_of_another_user(c: Cache) -> None:
    needs_root()
    for entry in c.entries:
        os.chown(entry, NOBODY, NOBODY)


def _entries_anyone_can_write(c: Cache) -> None:
    for entry in c.entries:
        entry.chmod(0o666)


def _entries_are_links(c: Cache) -> None:
    elsewhere = c.tmp / "elsewhere"
    elsewhere.mkdir()
    for entry in c.entries:
        target = elsewhere / entry.name
        entry.rename(target)  # planted, ours, 0600: only the link is wrong
        entry.symlink_to(target)


@pytest.mark.parametrize(
    "untrust",
    [
        _shared_root,
        _shared_templates,
        _shared_above_the_root,
        _root_of_another_user,
        _entries_of_another_user,
        _entries_anyone_can_write,
        _entries_are_links,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_an_untrusted_template_cache_is_not_used(tmp_path, untrust):
    cache = Cache(tmp_path)
    for entry in cache.entries:
        cache.plant(entry)
    untrust(cache)
    cache.assert_not_used(cache.build("out"))


def test_a_fifo_in_place_of_a_cache_entry_neither_hangs_nor_is_used(tmp_path):
    cache = Cache(tmp_path)
    for entry in cache.entries:
        entry.unlink()
        os.mkfifo(entry, 0o600)
    started = time.monotonic()
    done = cache.build("out", timeout=30)
    assert time.monotonic() - started < 20
    cache.assert_not_used(done)


def test_a_cache_entry_is_never_unpickled(tmp_path):
    """Even in a private cache, an entry's checksum is compared as bytes: a pickle that
    would run code when loaded is just a damaged entry."""
    cache = Cache(tmp_path)

    class Payload:
        def __reduce__(self):
            return (os.mkdir, (str(cache.marker),))

    for entry in cache.entries:
        entry.write_bytes(jinja2.bccache.bc_magic + pickle.dumps(Payload(), 2))
    cache.assert_not_used(cache.build("out"))


def _as_nobody(*command: str) -> subprocess.CompletedProcess[str]:
    setpriv = shutil.which("setpriv")
    prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return subprocess.run(
        [*prefix, *command], capture_output=True, text=True, timeout=30, check=False
    )


def test_a_second_user_swapping_a_shared_cache_after_the_check_runs_nothing(tmp_path, monkeypatch):
    """The race seen in the wild: the cache folders are world-writable (0777, no sticky
    bit); after kxreport has checked its folder of compiled templates, another user
    renames it away and puts their own in its place. A cache under a folder anyone can
    write is never used, so there is nothing to swap."""
    needs_root()
    if not shutil.which("setpriv") or _as_nobody("true").returncode != 0:
        pytest.skip("setpriv cannot run a command as uid 65534 here")
    from kxreport import render
    from kxreport.loader import load

    monkeypatch.setattr(render, "_environment", render._environment.__wrapped__)  # no reuse
    model = load(ROOT / "examples" / "demo-2022.yaml").model
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "private"))
    expected = render.render_markdown(model)
    name = Path(render._bytecode_cache().directory).name  # type: ignore[union-attr]

    base = Path(tempfile.mkdtemp(prefix="kxreport-shared-", dir="/tmp"))  # nobody reaches it
    try:
        base.chmod(0o755)
        templates = base / "cache" / "kxreport" / "templates"
        templates.mkdir(parents=True)
        for folder in (base / "cache", base / "cache" / "kxreport", templates):
            folder.chmod(0o777)
        # the attacker's entries: code under the right checksums of the packaged templates
        staged = base / "staged"
        staged.mkdir()
        marker = tmp_path / "code-from-the-cache-ran"
        planted = compile(f"import os\nos.mkdir({str(marker)!r})\n", "planted", "exec")
        env = render.environment()
        writer = jinja2.FileSystemBytecodeCache(str(staged))
        for template in render.packaged_templates().glob("*.j2"):
            source, filename, _ = env.loader.get_source(env, template.name)  # type: ignore[union-attr]
            bucket = writer.get_bucket(env, template.name, filename, source)
            bucket.code = planted
            writer.dump_bytecode(bucket)
        for entry in staged.iterdir():
            entry.chmod(0o644)

        monkeypatch.setenv("XDG_CACHE_HOME", str(base / "cache"))
        env = render._environment(None)  # the cache is looked at (and checked) here
        mine = templates / name
        swap = f"mv {mine} {mine}.old 2>/dev/null; mkdir -p {mine} && cp {staged}/* {mine}/"
        done = _as_nobody("sh", "-c", swap)
        assert done.returncode == 0, done.stderr
        assert (mine / next(staged.iterdir()).name).stat().st_uid == NOBODY  # swapped
        monkeypatch.setattr(render, "_environment", lambda user_dir: env)
        assert render.render_markdown(model) == expected
        assert not marker.exists(), "code planted by another user ran"
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- the LibreOffice profile ---------------------------------------------------------------

FAKE_SOFFICE = r"""#!{python}
# soffice --convert-to, as far as kxreport sees it: writes the output and records the
# profile it was given (-env:UserInstallation=) and what that profile held at start.
import json, os, sys
from pathlib import Path
from urllib.parse import unquote, urlparse

args = sys.argv[1:]
profile = Path(unquote(urlparse(next(a for a in args if a.startswith("-env:UserInstallation=")).split("=", 1)[1]).path))
held = sorted(str(p.relative_to(profile)) for p in profile.rglob("*")) if profile.is_dir() else []
parent = profile.parent.stat()
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps({{"profile": str(profile), "held": held,
                          "parent": [parent.st_uid, parent.st_mode & 0o777]}}) + "\n")
out = Path(args[args.index("--outdir") + 1])
stem = Path(args[-1]).stem
(out / (stem + ".pdf")).write_bytes(b"%PDF-1.4 fake\n%%EOF\n")
"""


def _planted_profile(cache: Path) -> Path:
    root = cache / "kxreport"
    root.mkdir(parents=True, mode=0o700)
    template = root / "libreoffice-profile"
    basic = template / "user" / "basic" / "Standard"
    basic.mkdir(parents=True)
    (basic / "Module1.xba").write_text('Sub Main : Shell("planted") : End Sub', "utf-8")
    return template


def _give_away(template: Path) -> None:
    needs_root()
    for path in [template, *template.rglob("*")]:
        os.chown(path, NOBODY, NOBODY)


def _open_to_all(template: Path) -> None:
    (template / "user").chmod(0o777)


def _link_inside(template: Path) -> None:
    elsewhere = template.parent.parent.parent / "elsewhere.xcu"
    elsewhere.write_text("<planted/>", "utf-8")
    (template / "user" / "registrymodifications.xcu").symlink_to(elsewhere)


def _cache_under_a_shared_folder(template: Path) -> None:
    template.parent.parent.chmod(0o777)  # XDG_CACHE_HOME: anyone could swap kxreport/


@pytest.mark.parametrize(
    "untrust",
    [_give_away, _open_to_all, _link_inside, _cache_under_a_shared_folder],
    ids=["owned-by-another-user", "a-folder-anyone-can-write", "a-link-inside", "shared-above"],
)
def test_libreoffice_never_gets_a_profile_this_user_did_not_make(tmp_path, monkeypatch, untrust):
    cache = tmp_path / "cache"
    template = _planted_profile(cache)
    untrust(template)
    fake = tmp_path / "bin" / "soffice"
    fake.parent.mkdir()
    fake.write_text(FAKE_SOFFICE.format(python=sys.executable), "utf-8")
    fake.chmod(0o755)
    log = tmp_path / "launches.jsonl"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("KXREPORT_SOFFICE", str(fake))
    monkeypatch.setenv("FAKE_LOG", str(log))
    monkeypatch.setattr(office, "uno_python", lambda: None)  # one soffice call per file
    assert office.convert(b"PK fake docx", ".docx", PDF_TARGET) == b"%PDF-1.4 fake\n%%EOF\n"
    (launch,) = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    profile = Path(launch["profile"])
    assert launch["held"] == []  # a fresh profile, for LibreOffice to make
    assert template not in (profile, *profile.parents)
    assert launch["parent"] == [os.getuid(), 0o700]  # in this process's private folder
    assert not profile.parent.exists()  # removed after the conversion

    # and the check does not cost the cache its use: a profile this user made is copied
    cache.chmod(0o700)
    shutil.rmtree(cache / "kxreport")
    _planted_profile(cache)
    office.convert(b"PK fake docx", ".docx", PDF_TARGET)
    launch = json.loads(log.read_text("utf-8").splitlines()[-1])
    assert "user/basic/Standard/Module1.xba" in launch["held"]


# --- jieba's dictionary ----------------------------------------------------------------------

TITLE = "临汾市科学技术协会关于印发2023年全市科协系统科普工作要点和重点任务分工方案的通知"
TITLE_LINES = (
    "import json; from kxreport.layout import title_lines; print(json.dumps(title_lines({!r})))"
)


def _title_lines(tmp: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return run_python(
        "-c",
        TITLE_LINES.format(TITLE),
        env={"TMPDIR": str(tmp), "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(ROOT)},
    )


@pytest.fixture(scope="module")
def clean_lines(tmp_path_factory) -> list[str]:
    base = tmp_path_factory.mktemp("jieba-clean")
    (base / "tmp").mkdir()
    done = _title_lines(base / "tmp", base / "cache")
    assert done.returncode == 0 and done.stderr == "", done.stderr
    return json.loads(done.stdout)


def test_a_jieba_cache_planted_in_the_temporary_folder_is_not_read(tmp_path, clean_lines):
    shared = tmp_path / "tmp"
    shared.mkdir()
    words = {ch: 1 for ch in TITLE}  # every character a word: breaks anywhere
    (shared / "jieba.cache").write_bytes(marshal.dumps((words, len(words))))
    done = _title_lines(shared, tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == clean_lines
    assert done.stderr == ""
    assert sorted(p.name for p in shared.iterdir()) == ["jieba.cache"]  # nothing added
    assert list((tmp_path / "cache" / "kxreport" / "jieba").iterdir())  # kept privately


def test_an_unusable_jieba_cache_prints_nothing_and_leaves_nothing(tmp_path, clean_lines):
    shared = tmp_path / "tmp"
    (shared / "jieba.cache").mkdir(parents=True)  # cannot be read nor replaced
    done = _title_lines(shared, tmp_path / "cache")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == clean_lines
    assert done.stderr == ""  # jieba's English traceback was printed here
    assert sorted(p.name for p in shared.iterdir()) == ["jieba.cache"]


@pytest.mark.parametrize("untrust", ["shared", "link", "another-user"])
def test_jieba_builds_without_a_cache_file_where_no_cache_is_trustworthy(
    tmp_path, clean_lines, untrust
):
    """Neither the shared temporary folder's jieba.cache nor an entry in kxreport's cache
    that someone else could have made: the dictionary is built, and no file is written."""
    probe = tmp_path / "probe"
    (probe / "tmp").mkdir(parents=True)
    first = _title_lines(probe / "tmp", probe / "cache")
    assert first.returncode == 0, first.stderr
    kept = probe / "cache" / "kxreport" / "jieba"
    names = [p.name for p in kept.iterdir()] if kept.is_dir() else []
    words = {ch: 1 for ch in TITLE}  # every character a word: breaks anywhere
    bad = marshal.dumps((words, len(words)))
    shared = tmp_path / "tmp"
    shared.mkdir()
    (shared / "jieba.cache").write_bytes(bad)
    cache = tmp_path / "cache"
    folder = cache / "kxreport" / "jieba"
    folder.mkdir(parents=True)
    for name in names:  # the entry kxreport reads, planted
        entry = folder / name
        if untrust == "link":
            (tmp_path / "elsewhere").write_bytes(bad)
            entry.symlink_to(tmp_path / "elsewhere")
        else:
            entry.write_bytes(bad)
        if untrust == "shared":
            folder.chmod(0o777)
        elif untrust == "another-user":
            needs_root()
            os.chown(entry, NOBODY, NOBODY)
    done = _title_lines(shared, cache)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == clean_lines
    assert done.stderr == ""
    assert sorted(p.name for p in shared.iterdir()) == ["jieba.cache"]  # nothing added
    assert len(names) == 1  # there was an entry to plant
