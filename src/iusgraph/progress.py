"""Progress of long steps on standard error: a tqdm bar with what is being done and the time
left.

A bar is shown only when standard error is a terminal, the work is large (at least
:data:`DEFAULT_FROM` triples, or :envvar:`IUSGRAPH_PROGRESS_FROM`; a size in bytes counts
one triple per :data:`BYTES_PER_TRIPLE`) and :func:`quiet` is not in effect (``--quiet``).
Otherwise nothing at all is written, and tqdm is not imported. Standard output is never
touched, so it is the same with and without a bar.

A leaf (it imports only :mod:`iusgraph.errors`), so any layer may report progress.

>>> with Bar("writing", 3, triples=10**9, unit="file") as bar:  # not a terminal: silent
...     bar.stage("turtle")
...     bar.update()
>>> threshold() == DEFAULT_FROM
True
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from iusgraph.errors import IusgraphError

#: The variable that sets the threshold (in triples), e.g. ``IUSGRAPH_PROGRESS_FROM=1`` to
#: show progress for any input on a terminal.
THRESHOLD_VARIABLE = "IUSGRAPH_PROGRESS_FROM"
#: The threshold, in triples, unless the variable sets it.
DEFAULT_FROM = 100_000
#: Bytes per triple, to weigh an input given in bytes: 10 MB is the threshold. (The
#: synthetic corpus's N-Triples have 171 bytes a triple, Turtle has fewer.)
BYTES_PER_TRIPLE = 100

_quiet = False


@contextlib.contextmanager
def quiet(on: bool = True) -> Iterator[None]:
    """No progress is shown while this is in effect (``--quiet``); the setting before it
    comes back after."""
    global _quiet
    before, _quiet = _quiet, on
    try:
        yield
    finally:
        _quiet = before


def threshold() -> int:
    """The size of work, in triples, from which progress is shown."""
    text = os.environ.get(THRESHOLD_VARIABLE, "").strip()
    if not text:
        return DEFAULT_FROM
    if not (text.isascii() and text.isdigit()):
        raise IusgraphError(
            f"{THRESHOLD_VARIABLE}={text!r}: give a number of triples, e.g. {DEFAULT_FROM}"
        )
    return int(text)


def shown(triples: int) -> bool:
    """Whether progress of work on ``triples`` triples is shown."""
    if _quiet:
        return False
    stream = sys.stderr
    return stream is not None and stream.isatty() and triples >= threshold()


class Bar:
    """A progress bar for one step of ``total`` units (None when unknown), or nothing at all
    (see the module notes): the methods are then no-ops.

    :param what: what is being done, e.g. ``validating`` or ``loading synth.nt``
    :param triples: the size of the work, which decides whether the bar is shown
    :param unit: what ``total`` counts; ``B`` is shown in kB, MB, GB, ``triple`` in k, M
    """

    def __init__(self, what: str, total: int | None, *, triples: int, unit: str = "it") -> None:
        self.what = what
        #: Whether the bar is on the terminal (else every method does nothing).
        self.shown = shown(triples)
        self._bar: Any = None
        if self.shown:
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                desc=what,
                unit=unit,
                unit_scale=unit in ("B", "triple"),  # 1.2M triples, 150MB; else 3/7 steps
                unit_divisor=1024 if unit == "B" else 1000,
                file=sys.stderr,
                dynamic_ncols=True,
            )

    def stage(self, text: str) -> None:
        """Show what is being done now: ``what: text``."""
        if self._bar is not None:
            self._bar.set_description(f"{self.what}: {text}")

    def update(self, count: int = 1) -> None:
        """Advance by ``count`` units."""
        if self._bar is not None:
            self._bar.update(count)

    def close(self) -> None:
        """End the bar: its last state stays on the terminal."""
        if self._bar is not None:
            if self._bar.n == self._bar.total:  # done: the last line says what, not a stage
                self._bar.set_description(self.what, refresh=False)
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
