"""``kxreport doctor``: what this machine has and what each output will use.

Python and kxreport, LibreOffice and its UNO bridge (or the slower fallback), each font of
GB/T 9704 — installed, or the face the PDF will use instead — and the cache folder; for
each missing piece the command that installs it on Debian/Ubuntu, Windows and macOS. Only
what the requested formats need decides the exit code: Markdown, DOCX and HTML need
nothing beyond kxreport; PDF needs LibreOffice and a Chinese face for every role.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__

# what each platform's user types to get a missing piece
INSTALL = {
    "libreoffice": {
        "debian": "sudo apt-get install libreoffice-writer-nogui python3-uno",
        "windows": "winget install TheDocumentFoundation.LibreOffice",
        "macos": "brew install --cask libreoffice",
    },
    "fonts": {
        "debian": "sudo apt-get install texlive-lang-chinese fonts-noto-cjk fonts-arphic-ukai fonts-liberation2",
        "windows": "安装单位的公文字体包（仿宋_GB2312、楷体_GB2312、方正小标宋简体）；没有时 Word 用系统自带的仿宋、楷体、宋体代替",
        "macos": "brew install --cask font-noto-serif-cjk-sc font-noto-sans-cjk-sc",
    },
}
SECONDS = 20  # a LibreOffice that does not say its version in this long is not usable


@dataclass
class Check:
    """One thing looked at: whether it is there, what was found, what it is needed for
    (formats), and how to install it when it is missing."""

    name: str
    ok: bool
    found: str
    needed_for: list[str] = field(default_factory=list)
    install: dict[str, str] | None = None


def checks(fontconfig: str | None = None) -> list[Check]:
    """Everything doctor looks at, on this machine."""
    from . import office
    from .files import cache_folder, private_folder

    found = [
        Check("Python", sys.version_info >= (3, 10), sys.version.split()[0]),
        Check("kxreport", True, __version__),
    ]
    executable = office.soffice()
    version = _version(executable) if executable else None
    found.append(
        Check(
            "LibreOffice",
            version is not None,
            f"{executable}（{version}）"
            if version
            else (executable or "没有找到")
            + ("，但它没有在限定时间内回应" if executable and version is None else ""),
            ["pdf"],
            INSTALL["libreoffice"],
        )
    )
    if executable:
        bridge = office.uno_python()
        found.append(
            Check(
                "LibreOffice UNO 接口",
                True,
                f"{bridge}（一个 LibreOffice 进程完成全部转换）"
                if bridge
                else "没有：每份文件单独启动一次 LibreOffice（较慢，结果相同）",
            )
        )
    found += _fonts(fontconfig)
    cache = cache_folder()
    private = private_folder(cache) is not None
    found.append(
        Check(
            "缓存文件夹",
            True,
            f"{cache}" + ("" if private else "（别人也能写入，不会使用：每次重新编译模板）"),
        )
    )
    return found


def _version(executable: str) -> str | None:
    try:
        done = subprocess.run(
            [executable, "--version"],
            capture_output=True,
            text=True,
            timeout=SECONDS,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    words = done.stdout.split()
    return " ".join(words[:2]) if done.returncode == 0 and words else None


def _fonts(fontconfig: str | None) -> list[Check]:
    """Each GB/T 9704 face: installed under one of its names, or the face the PDF uses
    instead (fontconfig with kxreport's mapping, as LibreOffice sees it). Where there is
    no fontconfig (Windows, macOS without it) the faces are looked up in the font folders."""
    from .layout import FACES

    found: list[Check] = []
    match = shutil.which("fc-match")
    listing = shutil.which("fc-list")
    installed = _installed_families(listing) if listing else _font_files()
    config = None
    if match:
        from . import office

        handle, name = tempfile.mkstemp(suffix=".conf", prefix="kxreport-doctor-")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(fontconfig if fontconfig is not None else office.fontconfig())
        config = name
    try:
        for face in FACES.values():
            names = (face.name, *face.aliases)
            own = next((n for n in names if n.lower() in installed), None)
            if own is not None:
                found.append(Check(f"字体 {face.name}", True, f"已安装（{own}）", ["pdf"]))
                continue
            used = _matched(match, config, face.name) if match and config else None
            stands_in = used is not None and used in face.free
            said = (
                f"没有安装；PDF 用 {used} 代替"
                if stands_in
                else f"没有安装，也没有找到代替的字体{f'（只找到 {used}）' if used else ''}"
            )
            if not match:
                stands_in = any(n.lower() in installed for n in face.free)
                said = "没有安装；" + ("有代替的字体" if stands_in else "也没有代替的字体")
            found.append(Check(f"字体 {face.name}", stands_in, said, ["pdf"], INSTALL["fonts"]))
    finally:
        if config:
            Path(config).unlink(missing_ok=True)
    return found


def _installed_families(listing: str) -> set[str]:
    try:
        done = subprocess.run(
            [listing, ":", "family"], capture_output=True, text=True, timeout=SECONDS, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {name.strip().lower() for line in done.stdout.splitlines() for name in line.split(",")}


def _font_files() -> set[str]:
    """Font file names (without suffix, lower case) in the usual folders, where there is no
    fontconfig to ask (Windows, macOS)."""
    folders = [Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts"]
    folders += [
        Path("/Library/Fonts"),
        Path("/System/Library/Fonts"),
        Path.home() / "Library/Fonts",
    ]
    local = os.environ.get("LOCALAPPDATA")
    if local:
        folders.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
    names: set[str] = set()
    for folder in folders:
        if folder.is_dir():
            names |= {
                p.stem.lower()
                for p in folder.iterdir()
                if p.suffix.lower() in (".ttf", ".ttc", ".otf")
            }
    return names


def _matched(match: str, config: str, family: str) -> str | None:
    try:
        done = subprocess.run(
            [match, "-f", "%{family[0]}", family],
            capture_output=True,
            text=True,
            timeout=SECONDS,
            check=False,
            env={**os.environ, "FONTCONFIG_FILE": config},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None


def verdict(found: list[Check], formats: list[str]) -> bool:
    """Whether everything the requested formats need is there."""
    return all(c.ok for c in found if not c.needed_for or set(c.needed_for) & set(formats))


def as_json(found: list[Check], formats: list[str]) -> str:
    import json

    payload = {
        "formats": formats,
        "ok": verdict(found, formats),
        "checks": [asdict(c) for c in found],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def as_text(found: list[Check], formats: list[str]) -> str:
    lines = []
    for c in found:
        needed = not c.needed_for or set(c.needed_for) & set(formats)
        mark = "✓" if c.ok else ("✗" if needed else "·")
        lines.append(f"{mark} {c.name}：{c.found}")
        if not c.ok and c.install:
            lines += [
                f"    {where}：{command}"
                for where, command in (
                    ("Debian/Ubuntu", c.install["debian"]),
                    ("Windows", c.install["windows"]),
                    ("macOS", c.install["macos"]),
                )
            ]
    ok = verdict(found, formats)
    lines.append(
        f"{'可以' if ok else '还不能'}生成 {'、'.join(formats)}"
        + ("" if ok else "：请先安装上面标 ✗ 的部分")
    )
    return "\n".join(lines) + "\n"
