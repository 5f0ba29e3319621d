"""``kxreport build --watch``: rebuild whenever an input changes.

Inputs are the year files, their fragments, their previous and sub-unit files, and the
user's template folder. A broken input prints its diagnostics and the watch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from .build import Outcome
from .loader import load

WATCHED_SUFFIXES = (".yaml", ".yml", ".j2")


def _real(path: Path | str) -> Path:
    """Where ``path`` leads, as far as it leads anywhere: ``Path.resolve`` raises on a link
    that points to itself (a year file swapped for such a link would end the watch), the
    operating system's ``realpath`` stops at the loop and answers."""
    return Path(os.path.realpath(path))


def inputs(sources: list[Path], templates: Path | None, root: Path | None = None) -> set[Path]:
    """Every file a build of ``sources`` reads (as far as they can be read now)."""
    found: set[Path] = set()
    for source in sources:
        # as named and as resolved: a year file swapped for a link to another file is
        # still the year file that changed
        found.add(source.absolute())
        found.add(_real(source))
        try:
            result = load(source, root=root)
        except Exception:  # missing, unreadable or worse: watch the file itself
            continue
        found.update(_real(p) for p in result.files)
        if result.previous is not None:
            found.add(_real(result.previous.path))
        found.update(_real(u.path) for u in result.units)
    if templates is not None:
        found.update(_real(p) for p in templates.glob("*.j2"))
    return found


def folders(paths: set[Path], templates: Path | None) -> list[Path]:
    dirs = {p.parent for p in paths}
    if templates is not None:
        dirs.add(_real(templates))
    return sorted(d for d in dirs if d.is_dir())


def relevant(changes: set[tuple[Any, str]], watched: set[Path]) -> bool:
    for _, changed in changes:
        named = Path(changed).absolute()
        path = _real(named)
        if named in watched or path in watched or named.suffix in WATCHED_SUFFIXES:
            return True
    return False


def watch_changes(dirs: list[Path]) -> Iterator[set[tuple[Any, str]]]:
    """Batches of changes in ``dirs`` until Ctrl-C, which ends them quietly (watchfiles
    would log it in English; the command says in Chinese that the watch stopped).
    watchfiles ends the same way on any signal whose handler raised: SIGTERM and SIGHUP
    are raised again here, so they end the watch as they end every other command."""
    import logging

    import watchfiles

    from .files import interrupted_by

    logging.getLogger("watchfiles.main").setLevel(logging.ERROR)
    yield from watchfiles.watch(*dirs, debounce=300, raise_interrupt=False)
    stopped = interrupted_by()
    if stopped is not None:
        raise stopped


def watch(
    sources: list[Path],
    build: Callable[[Path], Outcome],
    show: Callable[[Outcome], None],
    templates: Path | None = None,
    changes: Callable[[list[Path]], Iterable[set[tuple[Any, str]]]] = watch_changes,
    root: Path | None = None,
) -> None:
    """Build once, then again after every relevant change, until the watch ends."""
    for source in sources:
        show(build(source))
    while True:
        watched = inputs(sources, templates, root)
        dirs = folders(watched, templates)
        for batch in changes(dirs):
            if not relevant(batch, watched):
                continue
            for source in sources:
                show(build(source))
            if inputs(sources, templates, root) != watched:
                break  # new fragments or templates: watch the new set
        else:
            return
