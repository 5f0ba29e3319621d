"""LibreOffice headless: DOCX -> PDF for ``build -f pdf``, and .doc/.wps/.odt/.rtf -> DOCX
for ``import``. Each conversion runs in a private temporary folder with its own profile and
the fontconfig mapping of the free Chinese faces."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import OutputError

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
    from xml.sax.saxutils import escape

    from .layout import FACES

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


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def check_available(hint: str = INSTALL_HINT) -> None:
    if soffice() is None:
        raise OutputError(hint)


def convert(
    data: bytes, suffix: str, target: str, *, hint: str = INSTALL_HINT, stem: str = "document"
) -> bytes:
    """The bytes of ``data`` (a file ending in ``suffix``) converted by LibreOffice to
    ``target`` ("pdf:writer_pdf_Export", "docx:MS Word 2007 XML")."""
    executable = soffice()
    if executable is None:
        raise OutputError(hint)
    out_suffix = "." + target.split(":", 1)[0]
    with tempfile.TemporaryDirectory(prefix="kxreport-office-") as tmp:
        folder = Path(tmp)
        source = folder / "in" / f"{stem}{suffix}"
        source.parent.mkdir()
        source.write_bytes(data)
        conf = folder / "fonts.conf"
        conf.write_text(fontconfig(), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": tmp}
        command = [
            executable,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
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
                command, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice 在 {TIMEOUT} 秒内没有完成转换") from None
        result = folder / f"{stem}{out_suffix}"
        if done.returncode != 0 or not result.exists():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["无输出"]
            raise OutputError(f"LibreOffice 转换失败：{detail[0]}")
        return result.read_bytes()
