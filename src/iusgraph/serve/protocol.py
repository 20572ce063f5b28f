"""What the worker side and the HTTP side of ``iusgraph serve`` exchange: the
:class:`Reply`, plain-text errors, and content negotiation.

A leaf of :mod:`iusgraph.serve`: it imports nothing from the package's other modules, so
the handlers, the workers and the app all import it at the top.
"""

from __future__ import annotations

from dataclasses import dataclass

from iusgraph.graph.formats import TEXT


@dataclass(frozen=True)
class Reply:
    """An HTTP answer made in a worker process: it crosses the process boundary, so it is
    plain data."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _ranges(accept: str | None) -> list[tuple[str, float]]:
    ranges = []
    for part in (accept or "*/*").split(","):
        media, *params = [p.strip() for p in part.split(";")]
        if not media:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges or [("*/*", 1.0)]


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The offered media type the Accept header prefers (q-values honoured), or None.

    The most specific matching range gives an offer its quality; ties go to the
    earlier offer.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ["text/csv",
    ...           "application/sparql-results+xml"])
    'application/sparql-results+xml'
    >>> negotiate("text/html", ["text/turtle"]) is None
    True
    """
    ranges = _ranges(accept)
    best: tuple[float, int, str] | None = None
    for index, offer in enumerate(offers):
        kind = offer.split("/")[0]
        quality, specificity = None, -1
        for media, q in ranges:
            level = (
                2 if media == offer else 1 if media == f"{kind}/*" else 0 if media == "*/*" else -1
            )
            if level > specificity:
                quality, specificity = q, level
        if quality is None or quality <= 0:
            continue
        if best is None or quality > best[0]:
            best = (quality, -index, offer)
    return best[2] if best else None


def error(status: int, message: str) -> Reply:
    """A plain-text answer with ``status``."""
    return Reply(status, TEXT, (message.rstrip() + "\n").encode("utf-8"))


#: The status of an answer past the server's --max-rows or --max-bytes: 403, the server
#: understood the request and refuses to fulfil it (RFC 9110 section 15.5.4), and the
#: same request will be refused again. Not 413, which is about the request's own size;
#: see docs/server.md, "Limits".
ANSWER_REFUSED = 403


def too_large(max_bytes: int) -> Reply:
    """403: the answer passed ``--max-bytes``."""
    return error(
        ANSWER_REFUSED,
        f"query: the answer is larger than {byte_size(max_bytes)} (the "
        "server's --max-bytes); add a LIMIT, or select fewer or shorter values",
    )


def byte_size(count: int) -> str:
    """``67108864`` as ``64 MiB``; ``1500`` as ``1500 bytes``.

    >>> byte_size(64 * 1024 * 1024), byte_size(1536), byte_size(1500)
    ('64 MiB', '1.5 KiB', '1500 bytes')
    """
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale and (count * 10) % scale == 0:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


def not_acceptable(offers: dict[str, str]) -> Reply:
    """The 406 reply when no type of the Accept header is among ``offers``."""
    return error(
        406,
        "none of the Accept header's types can carry this answer; use one of " + ", ".join(offers),
    )
