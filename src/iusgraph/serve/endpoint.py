"""The SPARQL 1.1 Protocol answer of ``iusgraph serve``: check, run, limit, serialize.

:func:`execute` runs inside a query worker (:mod:`iusgraph.serve.workers`). Queries are
checked by :func:`iusgraph.query.run.prepare` first, so ``SERVICE`` and ``FROM`` are
refused before Oxigraph sees them, and a syntax error comes back as 400 with its
line and column.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from iusgraph.graph.store import TooManyRows, _bounded, oxigraph_result
from iusgraph.errors import IusgraphError
from iusgraph.graph.serialize import to_jsonld
from iusgraph.graph.namespaces import PREFIXES, bind_prefixes
from iusgraph.query.run import checked, format_result
from iusgraph.graph.terms import XSD_STRING, to_rdflib

#: SELECT and ASK answers, by media type, best first (the default for */*).
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
}
#: CONSTRUCT and DESCRIBE answers (and linked-data descriptions), best first.
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "text/plain": "nt",
}
#: ASK has no CSV/TSV form in SPARQL 1.1.
BOOLEAN_TYPES = {k: v for k, v in RESULT_TYPES.items() if v in ("json", "xml")}

TEXT = "text/plain; charset=utf-8"


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
            level = (2 if media == offer else 1 if media == f"{kind}/*"
                     else 0 if media == "*/*" else -1)
            if level > specificity:
                quality, specificity = q, level
        if quality is None or quality <= 0:
            continue
        if best is None or quality > best[0]:
            best = (quality, -index, offer)
    return best[2] if best else None


def error(status: int, message: str) -> Any:
    from iusgraph.serve.workers import Reply
    return Reply(status, TEXT, (message.rstrip() + "\n").encode("utf-8"))


def serialize_graph(graph: Graph, fmt: str) -> bytes:
    """Turtle, N-Triples or JSON-LD with the project context inline (never fetched)."""
    bind_prefixes(graph)
    if fmt == "json-ld":  # the build's own JSON-LD writer: inline context, stable order
        return to_jsonld(graph).encode("utf-8")
    return graph.serialize(format=fmt, encoding="utf-8")  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=256)
def check(text: str) -> str:
    """:func:`iusgraph.query.run.checked` (SERVICE/FROM refusal, syntax positions): the
    canonical text to run, remembered for texts that passed, as rdflib's parser costs more
    than most of our queries."""
    return checked(text, "query")


def execute(store: ox.Store, text: str, accept: str | None, max_rows: int, *,
            max_bytes: int | None = None, checked: bool = False) -> Any:
    """Answer one query: a :class:`~iusgraph.serve.workers.Reply` with status, type and body.

    ``checked``: ``text`` is already what :func:`check` returned (the server checks in
    its own process, so that refusals never wait for a worker). The answer stops at
    ``max_rows`` solutions or triples and ``max_bytes`` bytes (413 past either).
    """
    from iusgraph.serve.workers import Reply
    if not checked:
        try:
            text = check(text)  # NetworkRefused (SERVICE, FROM) is an IusgraphError too
        except IusgraphError as exc:
            return error(400, str(exc))
    try:
        answer = store.query(text, prefixes=PREFIXES)
    except SyntaxError as exc:
        return error(400, f"query: Oxigraph cannot run this query: {exc}")
    except (OSError, RuntimeError, ValueError) as exc:
        return error(400, f"query: evaluation failed: {exc}")
    if isinstance(answer, ox.QueryBoolean):
        offers = BOOLEAN_TYPES
    elif isinstance(answer, ox.QueryTriples):
        offers = GRAPH_TYPES
    else:
        offers = RESULT_TYPES
    mime = negotiate(accept, list(offers))
    if mime is None:
        return _not_acceptable(offers)
    try:
        if offers is RESULT_TYPES and offers[mime] == "json":  # the default: no rdflib
            return Reply(200, mime, solutions_json(answer, max_rows, max_bytes))
        result = oxigraph_result(answer, max_rows, max_bytes=max_bytes)
        if result.type == "CONSTRUCT":
            body = serialize_graph(result.graph, offers[mime])  # type: ignore[arg-type]
        else:
            body = format_result(result, offers[mime]).encode("utf-8")
    except TooManyRows as exc:
        if exc.unit == "bytes":
            return too_large(max_bytes or 0)
        noun = "triples" if offers is GRAPH_TYPES else "rows"
        return error(413, f"query: the result has more than {max_rows} {noun} (the server's "
                          "--max-rows); add a LIMIT or narrow the query")
    except (OSError, RuntimeError, ValueError) as exc:
        return error(400, f"query: evaluation failed: {exc}")
    if max_bytes is not None and len(body) > max_bytes:
        return too_large(max_bytes)
    return Reply(200, _with_charset(mime), body)


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return {"type": "literal", "value": term.value}
    # Typed literals in the lexical form rdflib writes (e.g. P0D, not PT0S), as the CLI.
    return {"type": "literal", "value": str(to_rdflib(term)), "datatype": datatype}


def solutions_json(answer: Any, max_rows: int | None, max_bytes: int | None) -> bytes:
    """SELECT solutions as SPARQL 1.1 JSON, straight from Oxigraph's terms (the same
    document rdflib writes, at a fraction of the cost); TooManyRows past a limit."""
    names = [v.value for v in answer.variables]
    kept = list(_bounded(answer, max_rows, max_bytes=max_bytes,
                         terms=lambda row: (row[n] for n in names)))
    bindings = [{n: _json_term(row[n]) for n in names if row[n] is not None} for row in kept]
    body = json.dumps({"results": {"bindings": bindings}, "head": {"vars": names}},
                      ensure_ascii=False, allow_nan=False).encode("utf-8")
    if max_bytes is not None and len(body) > max_bytes:
        raise TooManyRows(f"more than {max_bytes} bytes", unit="bytes", limit=max_bytes)
    return body


def too_large(max_bytes: int) -> Any:
    """413: the answer passed ``--max-bytes``."""
    return error(413, f"query: the answer is larger than {byte_size(max_bytes)} (the "
                      "server's --max-bytes); add a LIMIT, or select fewer or shorter values")


def byte_size(count: int) -> str:
    """``67108864`` as ``64 MiB``; ``1500`` as ``1500 bytes``.

    >>> byte_size(64 * 1024 * 1024), byte_size(1536), byte_size(1500)
    ('64 MiB', '1.5 KiB', '1500 bytes')
    """
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= scale and (count * 10) % scale == 0:
            return f"{count / scale:g} {unit}"
    return f"{count} bytes"


def _with_charset(mime: str) -> str:
    return mime + "; charset=utf-8" if mime.startswith("text/") else mime


def _not_acceptable(offers: dict[str, str]) -> Any:
    return error(406, "none of the Accept header's types can carry this answer; use one of "
                 + ", ".join(offers))


def service_description(endpoint_url: str, triples: int) -> Graph:
    """A SPARQL 1.1 Service Description of the endpoint."""
    from rdflib import BNode, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, XSD

    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    void = Namespace("http://rdfs.org/ns/void#")
    formats = Namespace("http://www.w3.org/ns/formats/")
    graph = Graph()
    graph.bind("sd", sd)
    graph.bind("void", void)
    graph.bind("formats", formats)
    service = URIRef(endpoint_url)
    dataset, default = BNode("dataset"), BNode("defaultGraph")
    graph.add((service, RDF.type, sd.Service))
    graph.add((service, sd.endpoint, service))
    graph.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV",
                "SPARQL_Results_TSV", "Turtle", "N-Triples", "JSON-LD"):
        graph.add((service, sd.resultFormat, formats[fmt]))
    graph.add((service, sd.defaultDataset, dataset))
    graph.add((dataset, RDF.type, sd.Dataset))
    graph.add((dataset, sd.defaultGraph, default))
    graph.add((default, RDF.type, sd.Graph))
    graph.add((default, void.triples, Literal(triples, datatype=XSD.integer)))
    return graph

