"""Publishing the graph to a SPARQL server, and querying one.

``publish`` speaks the SPARQL 1.1 Graph Store HTTP Protocol and
``query_endpoint`` the SPARQL 1.1 Protocol, with the standard library's
urllib only. Both are tested against Oxigraph server and Virtuoso
(``tests/remote/test_remote.py``). This is the only module that opens connections,
and only to the endpoint URL it is given: queries are checked by
:func:`iusgraph.query.run.prepare` first, so ``SERVICE`` and ``FROM`` are still
refused before anything is sent.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import itertools
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax import SAXException

from rdflib import BNode, Graph
from rdflib.exceptions import ParserError
from rdflib.query import Result

from iusgraph.defaults import CHUNK_TRIPLES, REMOTE_TIMEOUT
from iusgraph.errors import IusgraphError
from iusgraph.graph.terms import BAD_IRI_CHARACTER
from iusgraph.progress import BYTES_PER_TRIPLE, Bar
from iusgraph.query.text import bind_values, checked, prepare, with_prefixes

N_TRIPLES = "application/n-triples"
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
#: Response media types we parse: SPARQL results, and RDF for CONSTRUCT and DESCRIBE.
RESULT_FORMATS = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
}
GRAPH_FORMATS = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
}
#: Errors rdflib's parsers raise on a malformed answer.
PARSE_ERRORS = (ValueError, KeyError, TypeError, SyntaxError, ParserError, SAXException)


@dataclass(frozen=True)
class PublishResult:
    """What ``publish`` sent: the target, the triples, and in how many chunks (POSTs)."""

    endpoint: str
    graph_iri: str | None
    triples: int
    chunks: int

    @property
    def target(self) -> str:
        """The graph written to, for messages: ``<iri>`` or "the default graph"."""
        return f"<{self.graph_iri}>" if self.graph_iri else "the default graph"


# --- HTTP ---------------------------------------------------------------------------


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise IusgraphError(
            f"endpoint {url!r} is not an http:// or https:// URL, e.g. http://localhost:7878/query"
        )


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _check_iri(iri: str, what: str) -> None:
    if (
        not _SCHEME.match(iri)
        or BAD_IRI_CHARACTER.search(iri)
        or any(character.isspace() for character in iri)
    ):
        raise IusgraphError(
            f"{what} {iri!r} is not an absolute IRI, e.g. https://w3id.org/iusgraph/graph"
        )


def _excerpt(body: bytes, content_type: str, lines: int = 6) -> str:
    """The first lines of a server's error body, as text (tags removed from HTML)."""
    text = body.decode("utf-8", errors="replace")
    if "html" in content_type:
        text = re.sub(r"<(script|style)\b.*?</\1>|<![^<>]*>", "", text, flags=re.S | re.I)
        # Tags only: an IRI such as <http://example.org/g> in the message stays.
        text = re.sub(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>", "\n", text)
    kept = [line.strip()[:300] for line in text.splitlines() if line.strip()]
    return "\n  ".join(kept[:lines])


def _request(
    method: str, url: str, body: bytes | None, headers: Mapping[str, str], timeout: float
) -> tuple[str, bytes]:
    """Send one request; return the response's media type and body, or raise IusgraphError."""
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as exc:
        content_type = exc.headers.get_content_type() if exc.headers else ""
        try:
            detail = _excerpt(exc.read(), content_type)
        except (OSError, http.client.HTTPException):
            detail = ""
        raise IusgraphError(
            f"{method} {url}: the server answered HTTP {exc.code} {exc.reason}"
            + (f":\n  {detail}" if detail else "")
        ) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise IusgraphError(f"no answer from {url} within {timeout:g} s") from None
        if isinstance(exc.reason, (BrokenPipeError, ConnectionResetError)):
            raise IusgraphError(
                f"{method} {url}: the server closed the connection while the "
                f"request was sent ({exc.reason.strerror or exc.reason}); check "
                "the endpoint URL and that it accepts this request"
            ) from None
        reason = (
            exc.reason.strerror
            if isinstance(exc.reason, OSError) and exc.reason.strerror
            else exc.reason
        )
        raise IusgraphError(f"cannot reach {url}: {reason}; is the server running?") from None
    except TimeoutError:  # raised while reading the response
        raise IusgraphError(f"no answer from {url} within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise IusgraphError(
            f"{method} {url}: the connection failed: {exc or type(exc).__name__}"
            "; is the server running?"
        ) from None


def _graph_url(endpoint: str, graph_iri: str | None) -> str:
    """The Graph Store URL of the target: ``?graph=<IRI>`` (encoded) or ``?default``."""
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    if graph_iri is None:
        return f"{endpoint}{separator}default"
    return f"{endpoint}{separator}graph={urllib.parse.quote(graph_iri, safe='')}"


# --- publish ------------------------------------------------------------------------


def _lines(ntriples: Iterable[str] | Path | str) -> Iterator[str]:
    """N-Triples statements one by one, from lines, one text, or a file read line by line."""
    if isinstance(ntriples, Path):
        try:
            with ntriples.open(encoding="utf-8") as handle:
                yield from _lines(iter(handle))
        except OSError as exc:
            raise IusgraphError(f"{ntriples}: cannot read: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise IusgraphError(f"{ntriples}: not UTF-8 N-Triples: {exc.reason}") from None
        return
    if isinstance(ntriples, str):
        ntriples = ntriples.splitlines()
    for line in ntriples:
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


_TRIPLE = re.compile(r"(\S+)\s+<[^>]*>\s+(.)")


def _has_blank_node(line: str) -> bool:
    match = _TRIPLE.match(line)
    return match is not None and (
        match.group(1).startswith("_:") or line[match.start(2) :].startswith("_:")
    )


def _chunks(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """Lines in chunks of ``size``; statements with blank nodes all go in the last one,
    because a blank node label only means one node within one request."""
    chunk: list[str] = []
    blank: list[str] = []
    for line in lines:
        if _has_blank_node(line):
            blank.append(line)
            continue
        chunk.append(line)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
    if blank:
        yield blank


def publish(
    ntriples: Iterable[str] | Path | str,
    endpoint: str,
    graph_iri: str | None = None,
    chunk_triples: int = CHUNK_TRIPLES,
    *,
    timeout: float = REMOTE_TIMEOUT,
    triples: int | None = None,
) -> PublishResult:
    """Replace a graph on a SPARQL 1.1 Graph Store endpoint with these N-Triples.

    :param ntriples: N-Triples lines (e.g. ``to_ntriples(graph).splitlines()``), one
        N-Triples text, or the path of an ``.nt`` file, which is read line by line.
    :param endpoint: the Graph Store URL, e.g. ``http://localhost:7878/store`` (Oxigraph)
        or ``http://localhost:8890/sparql-graph-crud`` (Virtuoso).
    :param graph_iri: the named graph to replace (``?graph=IRI``); None for the default
        graph (``?default``).
    :param chunk_triples: triples per request. An empty PUT first replaces the graph with
        an empty one (a small request, so a refusal comes back as the server's answer
        rather than a connection closed mid-upload); then each chunk is POSTed, which adds
        to it. Statements with blank nodes are sent together in the last chunk.
    :param triples: how many statements there are, if known, for the progress bar (a
        file's is measured in bytes)

    A failure part-way leaves the graph partly written; publishing again replaces it.
    """
    _check_url(endpoint)
    if graph_iri is not None:
        _check_iri(graph_iri, "graph IRI")
    if chunk_triples < 1:
        raise IusgraphError(f"chunk size {chunk_triples}: give at least 1 triple per request")
    url = _graph_url(endpoint, graph_iri)
    headers = {"Content-Type": N_TRIPLES}
    pending = _chunks(_lines(ntriples), chunk_triples)
    first = next(pending, None)  # an unreadable file fails here, before the graph is emptied
    _request("PUT", url, b"", headers, timeout)
    total: int | None
    if isinstance(ntriples, Path):  # a file is measured in bytes, known before it is read
        total, unit = ntriples.stat().st_size, "B"
        weight = total // BYTES_PER_TRIPLE
    else:
        total, unit, weight = triples, "triple", triples or 0
    sent = chunks = 0
    with Bar("publishing", total, triples=weight, unit=unit) as bar:
        for chunk in itertools.chain([first] if first else [], pending):
            body = ("\n".join(chunk) + "\n").encode("utf-8")
            _request("POST", url, body, headers, timeout)
            sent += len(chunk)
            chunks += 1
            bar.update(len(body) if unit == "B" else len(chunk))
    return PublishResult(endpoint, graph_iri, sent, chunks)


# --- query --------------------------------------------------------------------------


@contextlib.contextmanager
def _quiet_ill_typed_literals() -> Iterator[None]:
    """Keep rdflib from logging a traceback for each ill-typed literal a server returns
    (Virtuoso 7.2 answers "P3Y"^^xsd:duration as "36"^^xsd:duration). The literal keeps
    the server's lexical form."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _parse(kind: str, content_type: str, body: bytes, url: str) -> Result:
    with _quiet_ill_typed_literals():
        return _parse_answer(kind, content_type, body, url)


def _parse_answer(kind: str, content_type: str, body: bytes, url: str) -> Result:
    if kind in ("SelectQuery", "AskQuery"):
        result_format = RESULT_FORMATS.get(content_type)
        if result_format is None:
            raise IusgraphError(
                f"{url} answered {content_type or 'without a media type'}, "
                f"not SPARQL results:\n  {_excerpt(body, content_type)}"
            )
        try:
            return Result.parse(io.BytesIO(body), format=result_format)
        except PARSE_ERRORS as exc:
            raise IusgraphError(f"{url}: cannot read the SPARQL results: {exc}") from None
    graph_format = GRAPH_FORMATS.get(content_type)
    if graph_format is None:
        raise IusgraphError(
            f"{url} answered {content_type or 'without a media type'}, "
            f"not RDF:\n  {_excerpt(body, content_type)}"
        )
    graph = Graph()
    try:
        graph.parse(data=body.decode("utf-8"), format=graph_format)
    except (UnicodeDecodeError, *PARSE_ERRORS) as exc:
        raise IusgraphError(f"{url}: cannot read the RDF it answered: {exc}") from None
    result = Result("CONSTRUCT" if kind == "ConstructQuery" else "DESCRIBE")
    result.graph = graph
    return result


def query_endpoint(
    endpoint: str,
    text: str,
    bindings: Mapping[str, Any] | None = None,
    default_graph: str | None = None,
    *,
    origin: str = "<query>",
    timeout: float = REMOTE_TIMEOUT,
) -> Result:
    """Run a query on a SPARQL 1.1 Protocol endpoint and return an rdflib Result.

    :param endpoint: e.g. ``http://localhost:7878/query`` (Oxigraph) or
        ``http://localhost:8890/sparql`` (Virtuoso).
    :param bindings: variable name to IRI or literal, applied as pre-bindings
        (see :func:`bind_values`).
    :param default_graph: the graph to query as the default graph (``default-graph-uri``),
        e.g. the one ``publish`` wrote; None for the server's default graph.

    The query is checked locally first (syntax, no ``SERVICE`` or ``FROM``), so a refused
    query never reaches the server.
    """
    text = checked(text, origin)
    kind = prepare(text, origin).algebra.name
    _check_url(endpoint)
    if default_graph is not None:
        _check_iri(default_graph, "default graph IRI")
    for name, value in (bindings or {}).items():
        if isinstance(value, BNode):
            raise IusgraphError(f"--bind {name}: bind an IRI or a literal, not a blank node")
    wire = bind_values(with_prefixes(text), bindings or {})
    wire = checked(wire, origin)  # the text sent is still a valid query, and the one checked
    form = [("query", wire)]
    if default_graph is not None:
        form.append(("default-graph-uri", default_graph))
    accept = RESULTS_ACCEPT if kind in ("SelectQuery", "AskQuery") else GRAPH_ACCEPT
    content_type, body = _request(
        "POST",
        endpoint,
        urllib.parse.urlencode(form).encode("ascii"),
        {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        timeout,
    )
    return _parse(kind, content_type, body, endpoint)
