"""The PDF writer: the DOCX converted by LibreOffice headless, with free fonts mapped in."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError
from . import docx

if TYPE_CHECKING:
    from ..render import Rendered

SUFFIX = ".pdf"
FONTS_CONF = Path(__file__).resolve().parent.parent / "fonts" / "fonts.conf"
TIMEOUT = 180
INSTALL_HINT = (
    "导出 PDF 需要 LibreOffice：请安装 LibreOffice（Debian/Ubuntu："
    "apt-get install libreoffice-writer-nogui texlive-lang-chinese fonts-noto-cjk "
    "fonts-arphic-ukai fonts-liberation2），或只生成 md 和 docx"
)


def soffice() -> str | None:
    """The LibreOffice executable, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    return None


def check_available() -> None:
    if soffice() is None:
        raise OutputError(INSTALL_HINT)


def convert(docx_bytes: bytes, stem: str = "document") -> bytes:
    """PDF bytes of a .docx, converted in a private temporary folder and profile."""
    executable = soffice()
    if executable is None:
        raise OutputError(INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="kxreport-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / f"{stem}.docx"
        source.write_bytes(docx_bytes)
        env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": tmp}
        command = [
            executable,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            done = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
            )
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice 在 {TIMEOUT} 秒内没有完成 PDF 转换") from None
        result = folder / f"{stem}.pdf"
        if done.returncode != 0 or not result.exists():
            detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["无输出"]
            raise OutputError(f"LibreOffice 转换 PDF 失败：{detail[0]}")
        return result.read_bytes()


def to_bytes(rendered: Rendered) -> bytes:
    return convert(docx.rendered_bytes(rendered), "document")
