"""Output writers, registered here and nowhere else. Each formats the one rendered document
into the bytes of its file; ``build``, ``--check``, the CLI's ``-f`` choices and its help
all read :data:`WRITERS`.

A writer module has ``write(rendered) -> bytes``; it may have ``same_content(new, old)``
(how ``--check`` compares an old file; default: the same bytes) and ``check_available()``
(refuse before anything is done when a program it needs is missing) and ``warm()`` (load
what it needs once per process). Modules are imported
only when their format is used, so ``--help`` and Markdown builds stay light.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..render import Rendered


@dataclass(frozen=True)
class Writer:
    name: str  # what -f takes
    suffix: str
    description: str  # for the help text
    module: str  # kxreport.writers.<module>
    default: bool = False  # built when no -f is given
    comparable: bool = True  # --check can tell whether an old file is up to date

    def _module(self) -> Any:
        return import_module(f"{__name__}.{self.module}")

    def write(self, rendered: Rendered) -> bytes:
        data: bytes = self._module().write(rendered)
        return data

    def same_content(self, new: bytes, old: bytes) -> bool:
        compare = getattr(self._module(), "same_content", None)
        return bool(compare(new, old)) if compare is not None else new == old

    def warm(self) -> None:
        """Load what the writer needs once per process (before workers fork)."""
        warm = getattr(self._module(), "warm", None)
        if warm is not None:
            warm()

    def check_available(self) -> None:
        check = getattr(self._module(), "check_available", None)
        if check is not None:
            check()


WRITERS: tuple[Writer, ...] = (
    Writer("md", ".md", "Markdown", "markdown", default=True),
    Writer("docx", ".docx", "Word 公文", "docx", default=True),
    Writer("html", ".html", "网页，可预览或发布到网站", "html"),
    Writer("pdf", ".pdf", "需要 LibreOffice", "pdf", comparable=False),
)
BY_NAME = {writer.name: writer for writer in WRITERS}
FORMATS = tuple(BY_NAME)
DEFAULT_FORMATS = tuple(writer.name for writer in WRITERS if writer.default)


def formats_help() -> str:
    """The -f help, from the registry."""
    listed = "、".join(f"{w.name}（{w.description}）" for w in WRITERS)
    defaults = " 和 ".join(DEFAULT_FORMATS)
    return f"输出格式：{listed}，可重复，写了哪几种就只生成哪几种（默认 {defaults}）"
