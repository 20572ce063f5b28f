"""Running a user's SPARQL on the graph, on either engine.

Both engines give the same values for the same queries (``tests/query/test_engines.py`` runs
every competency query on both; Oxigraph writes integer-derived types as xsd:integer and
decimals in canonical form). Every text is checked by :func:`iusgraph.query.text.prepare`
first, so no engine is ever asked to run ``SERVICE`` or ``FROM``, and rdflib's loading of
``FROM`` graphs is switched off (:mod:`iusgraph.graph.backend`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph
from rdflib.query import Result

from iusgraph.defaults import QUERY_ENGINES, check_engine
from iusgraph.errors import IusgraphError
from iusgraph.graph.backend import Data, oxigraph_result
from iusgraph.graph.store import open_store
from iusgraph.graph.terms import to_oxigraph as _to_oxigraph
from iusgraph.query import local
from iusgraph.query.text import prepare


def run(graph: Graph, text: str, origin: str = "<query>") -> Result:
    """Run a checked query on rdflib."""
    return graph.query(prepare(text, origin))


def query_oxigraph(
    store: ox.Store, text: str, bindings: dict[str, Any] | None = None, origin: str = "<query>"
) -> Result:
    """Run a checked query on Oxigraph and return it as an rdflib Result.

    Returning rdflib's Result lets one set of formatters serve both engines.
    """
    try:
        substitutions = {k: _to_oxigraph(v) for k, v in (bindings or {}).items()}
    except ValueError as exc:
        raise IusgraphError(f"cannot bind that value: {exc}; bind an IRI or a literal") from None
    # Refuses SERVICE and FROM, reports syntax errors with positions, and runs the
    # canonical text: Oxigraph runs exactly the text that was checked.
    answer = local.run(store, text, substitutions, origin)
    try:
        return oxigraph_result(answer)  # Oxigraph evaluates lazily, while this reads it
    except (OSError, RuntimeError, ValueError) as exc:
        problem = f"{origin}: the query failed while it ran: {exc}"
    # Raised outside the handler, so no traceback keeps Oxigraph's answer iterator alive:
    # it may only be dropped on the thread that made it.
    raise IusgraphError(problem)


def run_query(
    data: Data,
    text: str,
    *,
    engine: str = "oxigraph",
    bindings: dict[str, Any] | None = None,
    store_dir: Path | None = None,
    origin: str = "<query>",
) -> Result:
    """Run ``text`` on the chosen engine; ``data`` is a graph, or an Oxigraph store."""
    check_engine(engine, QUERY_ENGINES)
    if isinstance(data, ox.Store):
        if engine != "oxigraph":
            raise IusgraphError("this data is in an Oxigraph store: query it with oxigraph")
        return query_oxigraph(data, text, bindings, origin)
    if engine == "rdflib":
        return data.query(prepare(text, origin), initBindings=bindings or {})
    return query_oxigraph(open_store(data, store_dir), text, bindings, origin)
