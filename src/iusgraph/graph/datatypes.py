"""xsd:duration values: checking what curators write, and ordering bounds.

SPARQL in rdflib cannot compare durations, so ordering is done here.
"""

from __future__ import annotations

import re

# xsd:duration without negative values and without the week designator that XSD does not allow.
DURATION = re.compile(
    r"^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)


def is_duration(text: str) -> bool:
    """True for an xsd:duration such as P3D, P3M, P5Y or PT0S.

    >>> is_duration("P3D"), is_duration("P1W"), is_duration("P")
    (True, False, False)
    """
    return bool(DURATION.match(text))


def approximate_days(text: str) -> float | None:
    """The duration in days (a year as 365.25, a month as 30.4375), for ordering only.

    >>> approximate_days("P1M") < approximate_days("P31D") < approximate_days("P1Y")
    True
    """
    match = DURATION.match(text)
    if not match:
        return None
    years, months, days, hours, minutes, seconds = (float(g or 0) for g in match.groups())
    return years * 365.25 + months * 30.4375 + days + hours / 24 + minutes / 1440 + seconds / 86400
