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
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from iusgraph.errors import IusgraphError, TooManyRows
from iusgraph.graph.backend import bounded, oxigraph_result, solution_rows
from iusgraph.graph.formats import (
    BOOLEAN_TYPES,
    GRAPH_TYPES,
    RESULT_TYPES,
    SERVED_SYNTAXES,
    with_charset,
)
from iusgraph.graph.namespaces import BASE, CLAIM, ENT, PREFIXES
from iusgraph.graph.serialize import serialize
from iusgraph.query import answers
from iusgraph.query.results import format_result
from iusgraph.query.text import checked
from iusgraph.serve.protocol import (
    ANSWER_REFUSED,
    Reply,
    error,
    negotiate,
    not_acceptable,
    too_large,
)


@functools.lru_cache(maxsize=256)
def check(text: str) -> str:
    """:func:`iusgraph.query.text.checked` (SERVICE/FROM refusal, syntax positions): the
    canonical text to run, remembered for texts that passed, as rdflib's parser costs more
    than most of our queries."""
    return checked(text, "query")


def execute(
    store: ox.Store,
    text: str,
    accept: str | None,
    max_rows: int,
    *,
    max_bytes: int | None = None,
    checked: bool = False,
) -> Reply:
    """Answer one query: a :class:`~iusgraph.serve.workers.Reply` with status, type and body.

    ``checked``: ``text`` is already what :func:`check` returned (the server checks in
    its own process, so that refusals never wait for a worker). The answer stops at
    ``max_rows`` solutions or triples and ``max_bytes`` bytes (403 past either, with what
    to change: :data:`~iusgraph.serve.protocol.ANSWER_REFUSED`).
    """
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
        return not_acceptable(offers)
    try:
        if offers is RESULT_TYPES and offers[mime] == "json":  # the default: no rdflib
            return Reply(200, mime, solutions_json(answer, max_rows, max_bytes))
        if offers is RESULT_TYPES:  # CSV, TSV, XML: the CLI's writers
            body = solutions_text(answer, offers[mime], max_rows, max_bytes)
        else:  # ASK, CONSTRUCT: rdflib's writers
            result = oxigraph_result(answer, max_rows, max_bytes=max_bytes)
            if result.type == "CONSTRUCT":
                assert result.graph is not None  # a CONSTRUCT result holds its graph
                body = serialize(result.graph, offers[mime])
            else:
                body = format_result(result, offers[mime]).encode("utf-8")
    except TooManyRows as exc:
        if exc.unit == "bytes":
            return too_large(max_bytes or 0)
        noun = "triples" if offers is GRAPH_TYPES else "rows"
        return error(
            ANSWER_REFUSED,
            f"query: the result has more than {max_rows} {noun} (the server's "
            "--max-rows); add a LIMIT or narrow the query",
        )
    except (OSError, RuntimeError, ValueError) as exc:
        return error(400, f"query: evaluation failed: {exc}")
    if max_bytes is not None and len(body) > max_bytes:
        return too_large(max_bytes)
    return Reply(200, with_charset(mime), body)


def _json_term(term: Any) -> dict[str, str]:
    """A term as SPARQL 1.1 JSON writes it, from the cell the other writers read."""
    kind, value, language, datatype = answers.oxigraph_cell(term) or ("", "", None, None)
    written = {"type": kind, "value": value}
    if language:
        written["xml:lang"] = language
    elif datatype:
        written["datatype"] = datatype
    return written


def _kept(answer: Any, max_rows: int | None, max_bytes: int | None) -> tuple[list[str], list[Any]]:
    """The variables and the solutions of ``answer``, TooManyRows past a limit."""
    names = [v.value for v in answer.variables]
    rows = bounded(answer, max_rows, max_bytes=max_bytes, terms=lambda row: (row[n] for n in names))
    return names, list(rows)


def solutions_json(answer: Any, max_rows: int | None, max_bytes: int | None) -> bytes:
    """SELECT solutions as SPARQL 1.1 JSON, straight from Oxigraph's terms, in the bytes
    Oxigraph's own writer gives (``query --format json``), but read no further than the
    limits (TooManyRows past one)."""
    names, kept = _kept(answer, max_rows, max_bytes)
    bindings = [{n: _json_term(row[n]) for n in names if row[n] is not None} for row in kept]
    body = json.dumps(
        {"head": {"vars": names}, "results": {"bindings": bindings}},
        ensure_ascii=False,
        allow_nan=False,
        separators=(",", ":"),
    ).encode("utf-8")
    if max_bytes is not None and len(body) > max_bytes:
        raise TooManyRows(f"more than {max_bytes} bytes", unit="bytes", limit=max_bytes)
    return body


def solutions_text(answer: Any, fmt: str, max_rows: int | None, max_bytes: int | None) -> bytes:
    """SELECT solutions as SPARQL 1.1 CSV, TSV or XML, written from Oxigraph's terms by the
    writers of :mod:`iusgraph.query.answers`, so ``query --format csv`` (or ``tsv``) and
    the server agree byte for byte; TooManyRows past a limit."""
    names, kept = _kept(answer, max_rows, max_bytes)
    if fmt == "csv":
        chunks = answers.csv_chunks(names, answers.cells(kept, answers.csv_cell, len(names)))
    elif fmt == "tsv":
        chunks = answers.tsv_chunks(names, answers.cells(kept, answers.tsv_cell, len(names)))
    else:
        rows = answers.cells(kept, answers.oxigraph_cell, len(names))
        chunks = iter([answers.xml_text(names, rows)])
    return "".join(chunks).encode("utf-8")


SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")


def service_description(endpoint_url: str, triples: int) -> Graph:
    """A SPARQL 1.1 Service Description of the endpoint."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    graph.bind("formats", FORMATS)
    service = URIRef(endpoint_url)
    dataset, default = BNode("dataset"), BNode("defaultGraph")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        *(syntax.w3c_format for syntax in SERVED_SYNTAXES),  # the one table's served rows
    ):
        graph.add((service, SD.resultFormat, FORMATS[fmt]))
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return graph


def _count(store: ox.Store, namespace: str) -> int:
    """The distinct subject IRIs of the store under ``namespace``."""
    (row,) = solution_rows(
        store,
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{namespace}")) }}',
        prefixes=None,
    )
    return int(row["n"].value)


def void_description(store: ox.Store, endpoint_url: str, void_url: str, mime: str) -> Reply:
    """The VoID description of the graph (``/.well-known/void``, RFC 5785 and VoID section
    7.2): its triples, its entities (the subjects under the project base), and two subsets
    counted from the store, the entities and the claims; in ``mime``, one of
    :data:`~iusgraph.graph.formats.GRAPH_TYPES`."""
    graph = Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    dataset = URIRef(void_url + "#iusgraph")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("iusgraph: the levonorgestrel IUS knowledge graph")))
    graph.add((dataset, VOID.sparqlEndpoint, URIRef(endpoint_url)))
    graph.add((dataset, VOID.uriSpace, Literal(BASE)))
    graph.add((dataset, VOID.triples, Literal(len(store), datatype=XSD.integer)))
    graph.add((dataset, VOID.entities, Literal(_count(store, BASE), datatype=XSD.integer)))
    for syntax in SERVED_SYNTAXES:
        graph.add((dataset, VOID.feature, FORMATS[syntax.w3c_format]))
    for name, namespace in (("entities", str(ENT)), ("claims", str(CLAIM))):
        subset = URIRef(f"{void_url}#{name}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, VOID.uriSpace, Literal(namespace)))
        graph.add((subset, VOID.entities, Literal(_count(store, namespace), datatype=XSD.integer)))
    return Reply(200, with_charset(mime), serialize(graph, GRAPH_TYPES[mime]))
