"""What names a release: its version and its date, and the IRIs made from them.

The one place release IRIs are built, so the bundle, its description, the versioned
ontology and the nanopublications agree. The date is an input, never the wall clock, so
the same inputs give the same bytes.

>>> info = ReleaseInfo("1.0.0", "2026-12-01")
>>> info.base
'https://w3id.org/iusgraph/releases/1.0.0/'
>>> info.iri("ontology")
'https://w3id.org/iusgraph/releases/1.0.0/ontology'
>>> ReleaseInfo("1.0 beta", "2026-12-01")
Traceback (most recent call last):
    ...
iusgraph.errors.IusgraphError: release version '1.0 beta': use letters, digits, '.', '-' and '+' (e.g. 1.0.0), at most 64 characters
>>> ReleaseInfo("1.0.0", "1 Dec 2026")
Traceback (most recent call last):
    ...
iusgraph.errors.IusgraphError: release date '1 Dec 2026': give a date as YYYY-MM-DD
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from iusgraph.errors import IusgraphError

#: Where every release lives: ``<RELEASES><version>/<file>``.
RELEASES = "https://w3id.org/iusgraph/releases/"

_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]{0,63}")


@dataclass(frozen=True)
class ReleaseInfo:
    """A release's version (``1.0.0``) and date (``YYYY-MM-DD``), checked when made."""

    version: str
    date: str

    def __post_init__(self) -> None:
        if not _VERSION.fullmatch(self.version):
            raise IusgraphError(
                f"release version {self.version!r}: use letters, digits, '.', '-' and '+' "
                "(e.g. 1.0.0), at most 64 characters"
            )
        try:
            parsed = date.fromisoformat(self.date)
        except ValueError:
            parsed = None
        if parsed is None or parsed.isoformat() != self.date:
            raise IusgraphError(f"release date {self.date!r}: give a date as YYYY-MM-DD")

    @property
    def base(self) -> str:
        """The release's IRI, ending in ``/``: the base of every file in it."""
        return f"{RELEASES}{self.version}/"

    def iri(self, name: str) -> str:
        """The IRI of ``name`` (a file or a part, such as ``ontology``) in this release."""
        return self.base + name
