"""The two engines behind one set of functions: an rdflib graph or an Oxigraph store.

Everything above this layer reads SPARQL answers as rows of rdflib terms, whichever engine
holds the data, as pySHACL's ``graph_abstraction.py`` does for its backends. Term
conversion itself is in :mod:`iusgraph.graph.terms`.

:func:`select` runs trusted SPARQL only: the project's own QC, label and evidence queries.
Text a user supplies goes through :func:`iusgraph.query.run.run_query`, which checks it
with :func:`iusgraph.query.text.prepare` first. Importing this module switches off
rdflib's loading of ``FROM`` graphs over HTTP, for every engine path.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

import pyoxigraph as ox
import rdflib.plugins.sparql as rdflib_sparql
from rdflib import Graph, Variable
from rdflib.query import Result

from iusgraph.errors import TooManyRows
from iusgraph.graph.namespaces import PREFIXES
from iusgraph.graph.terms import to_rdflib

if TYPE_CHECKING:
    from rdflib.query import ResultRow

# rdflib would otherwise dereference FROM <iri> graphs over HTTP.
rdflib_sparql.SPARQL_LOAD_GRAPHS = False

#: What queries run on: an rdflib graph, or an Oxigraph store.
Data = Graph | ox.Store


def parallel_safe(data: Data) -> bool:
    """Whether queries on ``data`` gain from threads: pyoxigraph releases the GIL while a
    query runs, rdflib holds it (threads would only add overhead)."""
    return isinstance(data, ox.Store)


def solution_rows(
    store: ox.Store,
    text: str,
    convert: Callable[[Any], Any] = lambda term: term,
    *,
    unbound: bool = False,
    prefixes: dict[str, str] | None = PREFIXES,
) -> list[dict[str, Any]]:
    """The rows of a SELECT on Oxigraph, as dicts of variable name to ``convert(term)``;
    a variable a row leaves unbound is left out (with ``unbound``, kept as
    ``convert(None)``). The one reader of Oxigraph's solutions: :func:`select` converts to
    rdflib terms, the validator keeps Oxigraph's, the pages make plain data."""
    solutions = cast(ox.QuerySolutions, store.query(text, prefixes=prefixes))
    names = [v.value for v in solutions.variables]
    return [
        {n: convert(row[n]) for n in names if unbound or row[n] is not None} for row in solutions
    ]


def values_clause(variable: str, iris: Iterable[str]) -> str:
    """A ``VALUES`` block binding ``?variable`` to each IRI, in the order given.

    >>> values_clause("focus", ["urn:a", "urn:b"])
    'VALUES ?focus { <urn:a> <urn:b> }'
    """
    return f"VALUES ?{variable} {{ {' '.join(f'<{iri}>' for iri in iris)} }}"


def select(target: Data, text: str) -> list[dict[str, Any]]:
    """SELECT rows as dicts of variable name to rdflib term, on either engine."""
    # ``text`` is a SELECT query, so the rows are ResultRows and the answer is solutions.
    if isinstance(target, Graph):
        return [
            {str(k): v for k, v in cast("ResultRow", row).asdict().items()}
            for row in target.query(text, initNs=PREFIXES)
        ]
    return solution_rows(target, text, to_rdflib)


def bounded(
    items: Iterable[Any],
    max_rows: int | None,
    *,
    max_bytes: int | None = None,
    terms: Callable[[Any], Iterable[Any]] | None = None,
) -> Iterator[Any]:
    """``items``, at most ``max_rows`` of them and ``max_bytes`` characters of the text of
    their ``terms(item)`` in all; TooManyRows as soon as one more would pass a limit, so
    nothing past it is read. The text of a term (its value, and its datatype or
    language) is a lower bound of what any serialization writes for it."""

    def size(term: Any) -> int:
        if term is None:
            return 0
        if isinstance(term, ox.Literal):
            return len(term.value) + (
                len(term.language) if term.language else len(term.datatype.value)
            )
        return len(term.value)

    total = 0
    for count, item in enumerate(items):
        if max_rows is not None and count == max_rows:
            raise TooManyRows(f"more than {max_rows}", limit=max_rows)
        if max_bytes is not None and terms is not None:
            total += sum(size(term) for term in terms(item))
            if total > max_bytes:
                raise TooManyRows(f"more than {max_bytes} bytes", unit="bytes", limit=max_bytes)
        yield item


def oxigraph_graph(
    triples: Iterable[Any], max_rows: int | None = None, *, max_bytes: int | None = None
) -> Graph:
    """Oxigraph triples (a CONSTRUCT answer) as an rdflib graph; TooManyRows past
    ``max_rows`` triples or ``max_bytes`` of term text."""
    # Read (and count) first, convert after: an answer over a limit costs no conversion.
    kept = list(
        bounded(
            triples,
            max_rows,
            max_bytes=max_bytes,
            terms=lambda t: (t.subject, t.predicate, t.object),
        )
    )
    graph = Graph()
    for triple in kept:
        graph.add(
            (to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object))
        )
    return graph


def oxigraph_result(
    answer: Any, max_rows: int | None = None, *, max_bytes: int | None = None
) -> Result:
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
    kept = list(
        bounded(answer, max_rows, max_bytes=max_bytes, terms=lambda row: (row[n] for n in names))
    )
    result = Result("SELECT")
    result.vars = [Variable(n) for n in names]
    result.bindings = [
        {Variable(n): to_rdflib(solution[n]) for n in names if solution[n] is not None}
        for solution in kept
    ]
    return result
