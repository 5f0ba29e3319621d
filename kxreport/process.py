"""The kxreport process itself: how a command starts and how it ends.

A cold command is mostly Python starting up: importing typer, pydantic, ruamel.yaml,
Jinja and Markdown makes some 60 000 long-lived objects (modules, classes, functions,
schemas). Two things CPython does by default cost a short command dearly on top of that:

- the cyclic garbage collector runs every 700 new objects and, every tenth and hundredth
  time, scans everything made so far again: some 70 collections, 5–10 % of a cold
  ``validate``, that find almost nothing (what the imports make stays until the end);
- at exit the interpreter takes every module apart and frees every object one by one
  (another 20 ms or so), only for the operating system to free the whole process a moment
  later.

:func:`start` lets the collector run a hundred times less often while the command starts;
:func:`working`, called when the first input file is read (``files.read_regular`` reads
every input), sets everything made so far aside for good (``gc.freeze``: the collector
never scans it again) and brings the collector back to its usual pace, so a batch of
thousands of reports keeps its memory where it was (see ``bench/``). :func:`leave` ends the
process as ``sys.exit`` would, the visible part done (standard streams flushed, exit
functions run), without the teardown. Only the installed command calls :func:`start` and
:func:`leave`; for the library and ``kxreport.cli.run`` (which tests call in-process)
:func:`working` does nothing.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from typing import NoReturn

# While starting, the first generation is collected after this many new container objects
# instead of 700: start-up (~60 000) runs no collection, and a command that reads no file
# (``schema``, ``--help``) still collects now and then.
FIRST_GENERATION = 100_000
_usual: tuple[int, ...] | None = None  # the thresholds start() replaced, until working()


def start() -> None:
    """Tune this process for one short command (see the module's text)."""
    global _usual
    _usual = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION, *_usual[1:])


def working() -> None:
    """The first input file is being read: what start-up made stays until the end, so the
    collector need never scan it again; from now on it collects at its usual pace. Does
    nothing unless :func:`start` ran (and after the first call)."""
    global _usual
    if _usual is None:
        return
    gc.freeze()
    gc.set_threshold(*_usual)
    _usual = None


def exit_status(code: object) -> int:
    """The exit status ``sys.exit(code)`` gives: None is 0, an integer itself, anything
    else is printed to standard error and gives 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    _write_error(f"{code}\n")
    return 1


def leave(code: object) -> NoReturn:
    """End the process with ``code`` as ``sys.exit(code)`` would, without tearing the
    interpreter down: standard output and error are flushed (a reader that went away
    gives exit status 1, as a broken pipe while running does) and the exit functions
    registered with :mod:`atexit` run (closing a LibreOffice, removing temporary
    folders), in the order the interpreter would run them.

    Falls back to the interpreter's own exit when another thread that the interpreter
    would wait for is still running, or when this Python has no way to run the exit
    functions early."""
    status = exit_status(code)
    run_exit_functions = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_functions is None or _threads_to_wait_for():
        sys.exit(status)
    status = _flushed(status)
    run_exit_functions()
    status = _flushed(status)
    os._exit(status)


def _threads_to_wait_for() -> bool:
    threading = sys.modules.get("threading")
    if threading is None:
        return False
    main = threading.main_thread()
    return any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate())


def _flushed(status: int) -> int:
    """Flush standard output and error; a broken or failing standard output makes the
    status 1 (the output is incomplete), with its descriptor pointed at /dev/null."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            _discard(stream)
            if stream is sys.stdout and status == 0:
                status = 1
    return status


def _discard(stream: object) -> None:
    """Point a stream whose reader went away at /dev/null, so that nothing tries to write
    the rest of its buffer there again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[attr-defined]
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _write_error(text: str) -> None:
    try:
        if sys.stderr is not None:
            sys.stderr.write(text)
    except (OSError, ValueError):
        pass
