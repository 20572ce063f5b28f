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
>>> source_date_epoch({"SOURCE_DATE_EPOCH": "1764547200"}).isoformat()
'2025-12-01T00:00:00+00:00'
>>> source_date_epoch({"SOURCE_DATE_EPOCH": ""}) is None
True
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone

from iusgraph.errors import IusgraphError

#: Where every release lives: ``<RELEASES><version>/<file>``.
RELEASES = "https://w3id.org/iusgraph/releases/"

_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+-]{0,63}")
#: The latest moment SOURCE_DATE_EPOCH may give (seconds: 9999-12-31T23:59:59Z).
MAX_EPOCH = 253_402_300_799


def source_date_epoch(
    environ: Mapping[str, str] | None = None, instead: str = "unset it"
) -> datetime | None:
    """The UTC moment of ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention: whole
    seconds since 1970-01-01 UTC), or None when it is unset or empty. The one reader of it:
    the release date and the nanopublications' date both come from here. An IusgraphError
    (a usage error) for any other value; ``instead`` is what the message offers besides a
    good value."""
    raw = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "")
    if raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12 or int(raw) > MAX_EPOCH:
        raise IusgraphError(
            f"SOURCE_DATE_EPOCH {raw[:40]!r}: give the seconds since 1970-01-01 UTC as a "
            f"whole number up to {MAX_EPOCH} (9999-12-31), e.g. $(git log -1 --format=%ct), "
            f"or {instead}"
        )
    return datetime.fromtimestamp(int(raw), timezone.utc)


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
