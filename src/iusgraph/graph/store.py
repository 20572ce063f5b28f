"""SPARQL engines: rdflib (the building API) and Oxigraph (a fast embedded store).

Both give the same values for the same queries; ``tests/test_engines.py``
runs every competency query on both. (Oxigraph writes integer-derived types
as xsd:integer and decimals in canonical form.) Queries are checked by
:func:`iusgraph.query.run.prepare` first, so neither engine is ever asked to
run ``SERVICE`` or ``FROM``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox
from rdflib import Graph, Literal, Variable
from rdflib.query import Result

from iusgraph.errors import IusgraphError
from iusgraph.graph.load import check_file, load_into, parse_quads
from iusgraph.graph.namespaces import PREFIXES
from iusgraph.query.run import checked, prepare, run_select
from iusgraph.graph.terms import XSD_STRING, ntriples_lines, to_oxigraph_quads
from iusgraph.graph.terms import to_oxigraph as _to_oxigraph
from iusgraph.graph.terms import to_rdflib as _to_rdflib

T = TypeVar("T")
R = TypeVar("R")

RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

ENGINES = ("oxigraph", "rdflib")
#: What queries run on: an rdflib graph, or an Oxigraph store.
Data = Graph | ox.Store
FINGERPRINT_FILE = "iusgraph.fingerprint"


def open_store(graph: Graph, store_dir: Path | None = None) -> ox.Store:
    """An Oxigraph store holding ``graph``: in memory, or on disk in ``store_dir``.

    Every term is checked on the way in (:func:`iusgraph.graph.terms.to_oxigraph_quads`), so
    an rdflib graph holding an IRI Oxigraph refuses is an input error, not a crash. An
    on-disk store is reused across calls while it holds the same graph (a fingerprint of
    the sorted N-Triples is kept beside it), and rebuilt when the graph changed.
    """
    quads = list(to_oxigraph_quads(graph))
    if store_dir is None:
        store = ox.Store()
        store.bulk_extend(quads)
        return store
    digest = hashlib.sha256()
    for line in ntriples_lines(quads):
        digest.update(line.encode("utf-8") + b"\n")
    return _store(store_dir, digest.hexdigest(), lambda store: store.bulk_extend(quads))


def store_from_files(paths: list[Path], store_dir: Path | None = None) -> ox.Store:
    """An Oxigraph store holding the RDF files, parsed by Oxigraph (no rdflib on the way).

    With ``store_dir`` the store is kept on disk and reused while the files' bytes are
    unchanged.
    """
    digest = hashlib.sha256()
    for path in paths:
        check_file(path)
        digest.update(str(path.resolve()).encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)

    def fill(store: ox.Store) -> None:
        for path in paths:
            load_into(store, path)

    return _store(store_dir, digest.hexdigest(), fill)


def input_terms(paths: list[Path]) -> Iterator[tuple[str, str, str, str | None]]:
    """(subject, predicate, lexical form, datatype) of every triple as written in the files.

    The store rewrites integer-derived literals; validation reads them from here.
    """
    for path in paths:
        for quad in parse_quads(path):
            obj = quad.object
            if isinstance(obj, ox.Literal):
                yield quad.subject.value, quad.predicate.value, obj.value, obj.datatype.value
            else:
                yield quad.subject.value, quad.predicate.value, str(obj), None


def graph_terms(graph: Graph) -> Iterator[tuple[str, str, str, str | None]]:
    """The same for an rdflib graph."""
    for s, p, o in graph:
        if isinstance(o, Literal):
            datatype = str(o.datatype) if o.datatype else (
                RDF_LANG_STRING if o.language else XSD_STRING)
            yield str(s), str(p), str(o), datatype
        else:
            yield str(s), str(p), str(o), None


def _store(store_dir: Path | None, fingerprint: str,
           fill: Callable[[ox.Store], None]) -> ox.Store:
    if store_dir is None:
        store = ox.Store()
        fill(store)
        return store
    marker = store_dir / FINGERPRINT_FILE
    try:
        store_dir.mkdir(parents=True, exist_ok=True)
        store = ox.Store(str(store_dir))
    except OSError as exc:
        raise IusgraphError(f"{store_dir}: cannot open the store: {exc}; pass an empty or "
                            "iusgraph-made folder to --store") from None
    if not marker.exists() or marker.read_text(encoding="utf-8").strip() != fingerprint:
        store.clear()
        fill(store)
        store.flush()
        marker.write_text(fingerprint + "\n", encoding="utf-8")
    return store


def in_parallel(func: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[func(item) for item in items]`` on a thread per core, results in input order.

    For Oxigraph queries: pyoxigraph releases the GIL while a query runs, so the
    many small validation queries share the cores (199 compiled shape checks at 1M
    triples: 15.3 s one after another, 6.2 s on two threads).
    """
    work = list(items)
    if len(work) < 2 or (os.cpu_count() or 1) < 2:
        return [func(item) for item in work]
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        return list(pool.map(func, work))


def select(target: Data, text: str) -> list[dict[str, Any]]:
    """SELECT rows as dicts of variable name to rdflib term, on either engine."""
    if isinstance(target, Graph):
        return run_select(target, text)
    solutions = target.query(text, prefixes=PREFIXES)
    names = [v.value for v in solutions.variables]  # type: ignore[union-attr]
    return [{n: _to_rdflib(row[n]) for n in names if row[n] is not None}
            for row in solutions]  # type: ignore[union-attr]


def query_oxigraph(store: ox.Store, text: str, bindings: dict[str, Any] | None = None,
                   origin: str = "<query>") -> Result:
    """Run a checked query on Oxigraph and return it as an rdflib Result.

    Returning rdflib's Result lets one set of formatters serve both engines.
    """
    # Refuses SERVICE and FROM, reports syntax errors with positions, and gives the
    # canonical text: Oxigraph runs exactly the text that was checked.
    text = checked(text, origin)
    try:
        substitutions = {ox.Variable(k): _to_oxigraph(v) for k, v in (bindings or {}).items()}
    except ValueError as exc:
        raise IusgraphError(f"cannot bind that value: {exc}; bind an IRI or a literal") from None
    try:
        answer = store.query(text, prefixes=PREFIXES, substitutions=substitutions or None)
        return oxigraph_result(answer)  # Oxigraph evaluates lazily, while this reads it
    except SyntaxError as exc:  # rdflib accepted it, Oxigraph did not
        problem = f"{origin}: Oxigraph cannot run this query: {exc}"
    except (OSError, RuntimeError, ValueError) as exc:
        problem = f"{origin}: the query failed while it ran: {exc}"
    # Raised outside the handler, so no traceback keeps Oxigraph's answer iterator alive:
    # it may only be dropped on the thread that made it.
    raise IusgraphError(problem)


class TooManyRows(IusgraphError):
    """An answer longer than the caller's limit: more solutions or triples than
    ``max_rows`` (``unit`` "rows"), or more term text than ``max_bytes`` (``unit``
    "bytes"); ``iusgraph serve --max-rows`` and ``--max-bytes``."""

    def __init__(self, message: str, *, unit: str = "rows", limit: int | None = None) -> None:
        super().__init__(message)
        self.unit = unit
        self.limit = limit


def _bounded(items: Iterable[Any], max_rows: int | None, *, max_bytes: int | None = None,
             terms: Callable[[Any], Iterable[Any]] | None = None) -> Iterator[Any]:
    """``items``, at most ``max_rows`` of them and ``max_bytes`` characters of the text of
    their ``terms(item)`` in all; TooManyRows as soon as one more would pass a limit, so
    nothing past it is read. The text of a term (its value, and its datatype or
    language) is a lower bound of what any serialization writes for it."""
    def size(term: Any) -> int:
        if term is None:
            return 0
        if isinstance(term, ox.Literal):
            return len(term.value) + (len(term.language) if term.language
                                      else len(term.datatype.value))
        return len(term.value)

    total = 0
    for count, item in enumerate(items):
        if max_rows is not None and count == max_rows:
            raise TooManyRows(f"more than {max_rows}", limit=max_rows)
        if max_bytes is not None and terms is not None:
            total += sum(size(term) for term in terms(item))
            if total > max_bytes:
                raise TooManyRows(f"more than {max_bytes} bytes", unit="bytes",
                                  limit=max_bytes)
        yield item


def oxigraph_graph(triples: Iterable[Any], max_rows: int | None = None, *,
                   max_bytes: int | None = None) -> Graph:
    """Oxigraph triples (a CONSTRUCT answer) as an rdflib graph; TooManyRows past
    ``max_rows`` triples or ``max_bytes`` of term text."""
    # Read (and count) first, convert after: an answer over a limit costs no conversion.
    kept = list(_bounded(triples, max_rows, max_bytes=max_bytes,
                         terms=lambda t: (t.subject, t.predicate, t.object)))
    graph = Graph()
    for triple in kept:
        graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate),
                   _to_rdflib(triple.object)))
    return graph


def oxigraph_result(answer: Any, max_rows: int | None = None, *,
                    max_bytes: int | None = None) -> Result:
    """An Oxigraph answer as an rdflib Result, read no further than ``max_rows``
    solutions or triples, or ``max_bytes`` of term text (TooManyRows past either), so
    one set of formatters serves all and memory stays bounded."""
    if isinstance(answer, ox.QueryBoolean):
        result = Result("ASK")
        result.askAnswer = bool(answer)
        return result
    if isinstance(answer, ox.QueryTriples):
        result = Result("CONSTRUCT")
        result.graph = oxigraph_graph(answer, max_rows, max_bytes=max_bytes)
        return result
    names = [v.value for v in answer.variables]
    kept = list(_bounded(answer, max_rows, max_bytes=max_bytes,
                         terms=lambda row: (row[n] for n in names)))
    result = Result("SELECT")
    result.vars = [Variable(n) for n in names]
    result.bindings = [
        {Variable(n): _to_rdflib(solution[n]) for n in names if solution[n] is not None}
        for solution in kept]
    return result


def run_query(data: Data, text: str, *, engine: str = "oxigraph",
              bindings: dict[str, Any] | None = None, store_dir: Path | None = None,
              origin: str = "<query>") -> Result:
    """Run ``text`` on the chosen engine; ``data`` is a graph, or an Oxigraph store."""
    if engine not in ENGINES:
        raise IusgraphError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if isinstance(data, ox.Store):
        if engine != "oxigraph":
            raise IusgraphError("this data is in an Oxigraph store: query it with oxigraph")
        return query_oxigraph(data, text, bindings, origin)
    if engine == "rdflib":
        return data.query(prepare(text, origin), initBindings=bindings or {})
    return query_oxigraph(open_store(data, store_dir), text, bindings, origin)
