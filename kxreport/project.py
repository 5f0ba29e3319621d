"""The year files of a repository, for tools that only know which files changed.

pre-commit passes the YAML files a commit touches. Some are year files; some are fragments
(``include:``) or sub-units' files (``units:``) that only make sense through the year file
that names them; others are YAML of other tools (workflows, configuration). This module
tells which year files must be validated for a set of changed files.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import KxreportError
from .source import YAML_SUFFIXES, glob_files, project_root, read_yaml

# Folders never searched for year files: version control, dependencies, outputs.
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__"})
MAX_SCANNED = 5000  # YAML files looked at in one repository

_YEAR_KEYS = ("org", "year", "kind")
_TOP_LEVEL_KEY = re.compile(r"^(org|year|kind)\s*:", re.MULTILINE)


def _year_file(path: Path) -> tuple[bool, object]:
    """Whether ``path`` is a year file, and its data: a mapping with at least two of
    ``org``, ``year`` and ``kind`` at the top; a file that does not parse counts when its
    text has two such keys at the start of a line (so a broken year file is still
    validated, and its syntax error reported)."""
    try:
        read = read_yaml(path)
    except KxreportError:
        return False, None
    if isinstance(read.data, dict):
        return sum(key in read.data for key in _YEAR_KEYS) >= 2, read.data
    text = read.source.text if read.source is not None else ""
    return len(set(_TOP_LEVEL_KEY.findall(text))) >= 2, None


def looks_like_a_year_file(path: Path) -> bool:
    return _year_file(path)[0]


@dataclass
class Selection:
    """What to validate for a set of changed files, and what is not kxreport's."""

    year_files: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def _yaml_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS)
        for name in sorted(files):
            if Path(name).suffix.lower() in YAML_SUFFIXES:
                found.append(Path(folder) / name)
                if len(found) >= MAX_SCANNED:
                    return found
    return found


def _references(year_file: Path, data: object, root: Path) -> set[Path]:
    """The files a year file brings in through ``include:`` and ``units:``."""
    if not isinstance(data, dict):
        return set()
    found: set[Path] = set()
    for key in ("include", "units"):
        patterns = data.get(key) or []
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            if isinstance(pattern, str):
                matches, _ = glob_files(year_file.parent, pattern, project_root(year_file, root))
                found.update(Path(os.path.realpath(m)) for m in matches)
    return found


def select(changed: list[Path], root: Path) -> Selection:
    """Year files to validate for ``changed``: each changed year file, and every year file
    of the repository (below ``root``) that includes or rolls up a changed file."""
    selection = Selection()
    pending: list[Path] = []
    for path in changed:
        if path.suffix.lower() not in YAML_SUFFIXES or not path.is_file():
            selection.skipped.append(path)
        elif looks_like_a_year_file(path):
            selection.year_files.append(path)
        else:
            pending.append(path)
    if pending:
        wanted = {Path(os.path.realpath(p)): p for p in pending}
        referenced: set[Path] = set()
        for candidate in _yaml_files(root):
            is_year, data = _year_file(candidate)
            if not is_year:
                continue
            hits = _references(candidate, data, root) & wanted.keys()
            if hits:
                referenced |= hits
                chosen = {Path(os.path.realpath(p)) for p in selection.year_files}
                if Path(os.path.realpath(candidate)) not in chosen:
                    selection.year_files.append(candidate)
        selection.skipped += [p for real, p in wanted.items() if real not in referenced]
    return selection
