"""How the command-line process ends: without freeing the large store it built.

Freeing an Oxigraph store takes time, all of it after the work is done: in this project's
benchmark, 0.66 s at 1M triples and 8 s at 10M once validation has finished
(``docs/benchmarks.md``, "2026-12-04, night: term checks beside the queries, exit without
freeing the store"). The operating system takes a process's memory back at once. So the console entry point (:func:`run`) arms
:func:`keep`, and a command hands it the store it is done with instead of freeing it.
Once the command returns, if anything is kept, the process flushes its output and ends
with :func:`os._exit`, which frees nothing. A command that keeps nothing ends the usual
way, with its ``atexit`` handlers (those of ``multiprocessing`` among them). In any other
caller (the API, a test's ``CliRunner``), nothing is armed and :func:`keep` keeps nothing.

>>> keep(object())  # not armed: nothing is kept
>>> kept()
0
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import NoReturn

_armed = False
_kept: list[object] = []


def keep(value: object) -> None:
    """Keep ``value`` alive until the process ends, if :func:`run` runs it; else nothing."""
    if _armed:
        _kept.append(value)


def kept() -> int:
    """How many values :func:`keep` holds."""
    return len(_kept)


def exit_status(code: object) -> int:
    """The exit status of ``sys.exit(code)``, as the interpreter gives it (a message is
    written to standard error, with status 1).

    >>> exit_status(None), exit_status(2)
    (0, 2)
    """
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def run(main: Callable[[], object]) -> NoReturn:
    """Run ``main`` (a click command in standalone mode, which always ends in
    ``SystemExit``); then, if it kept anything, flush the output and end at once."""
    global _armed
    _armed = True
    try:
        main()
    except SystemExit as exc:
        if not _kept:
            raise
        status = exit_status(exc.code)
    else:
        if not _kept:
            sys.exit(0)
        status = 0
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader gone away, or a stream closed
            status = status or 1
    os._exit(status)
