"""Identifier rules shared by entities, claims and conflicts."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check_id(value: str) -> bool:
    """True if ``value`` is lowercase words joined by ``-``.

    >>> check_id("uterine-perforation"), check_id("Uterine Perforation")
    (True, False)
    """
    return bool(ID_PATTERN.match(value))


def suggest(value: str, known: Iterable[str]) -> str:
    """A ``did you mean`` hint for an unknown name, or an empty string."""
    close = difflib.get_close_matches(value, sorted(known), n=3, cutoff=0.6)
    return f" (did you mean {', '.join(close)}?)" if close else ""
