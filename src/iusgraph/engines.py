"""SPARQL engines: rdflib (the building API) and Oxigraph (a fast embedded store).

Both give the same values for the same queries; ``tests/test_engines.py``
runs every competency query on both. (Oxigraph writes integer-derived types
as xsd:integer and decimals in canonical form.) Queries are checked by
:func:`iusgraph.queries.prepare` first, so neither engine is ever asked to
run ``SERVICE`` or ``FROM``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.query import Result

from .errors import IusgraphError
from .export import to_ntriples
from .namespaces import PREFIXES
from .queries import prepare

ENGINES = ("rdflib", "oxigraph")
FINGERPRINT_FILE = "iusgraph.fingerprint"


def open_store(graph: Graph, store_dir: Path | None = None) -> ox.Store:
    """An Oxigraph store holding ``graph``: in memory, or on disk in ``store_dir``.

    An on-disk store is reused across calls while it holds the same graph
    (a fingerprint of the sorted N-Triples is kept beside it), and rebuilt
    when the graph changed.
    """
    data = to_ntriples(graph).encode("utf-8")
    if store_dir is None:
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        return store
    fingerprint = hashlib.sha256(data).hexdigest()
    marker = store_dir / FINGERPRINT_FILE
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(store_dir))
    except OSError as exc:
        raise IusgraphError(f"{store_dir}: cannot open the store: {exc}; pass an empty or "
                            "iusgraph-made folder to --store") from None
    if not marker.exists() or marker.read_text(encoding="utf-8").strip() != fingerprint:
        store.clear()
        store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
        store.flush()
        marker.write_text(fingerprint + "\n", encoding="utf-8")
    return store


def _to_rdflib(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise IusgraphError(f"unsupported term in a query result: {term!r}")


def _to_oxigraph(term: Any) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise IusgraphError(f"cannot bind {term!r}: bind an IRI or a literal")


def query_oxigraph(store: ox.Store, text: str, bindings: dict[str, Any] | None = None,
                   origin: str = "<query>") -> Result:
    """Run a checked query on Oxigraph and return it as an rdflib Result.

    Returning rdflib's Result lets one set of formatters serve both engines.
    """
    prepare(text, origin)  # refuses SERVICE and FROM, reports syntax errors with positions
    substitutions = {ox.Variable(k): _to_oxigraph(v) for k, v in (bindings or {}).items()}
    try:
        answer = store.query(text, prefixes=PREFIXES, substitutions=substitutions or None)
    except SyntaxError as exc:  # rdflib accepted it, Oxigraph did not
        raise IusgraphError(f"{origin}: Oxigraph cannot run this query: {exc}") from None
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QueryTriples):
        result = Result("CONSTRUCT")
        graph = Graph()
        for triple in answer:
            graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate),
                       _to_rdflib(triple.object)))
        result.graph = graph
        return result
    names = [v.value for v in answer.variables]
    result = Result("SELECT")
    result.vars = [Variable(n) for n in names]
    result.bindings = [
        {Variable(n): _to_rdflib(solution[n]) for n in names if solution[n] is not None}
        for solution in answer]
    return result


def run_query(graph: Graph, text: str, *, engine: str = "rdflib",
              bindings: dict[str, Any] | None = None, store_dir: Path | None = None,
              origin: str = "<query>") -> Result:
    """Run ``text`` on the chosen engine."""
    if engine == "rdflib":
        return graph.query(prepare(text, origin), initBindings=bindings or {})
    if engine == "oxigraph":
        return query_oxigraph(open_store(graph, store_dir), text, bindings, origin)
    raise IusgraphError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
