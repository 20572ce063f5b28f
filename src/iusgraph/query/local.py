"""Querying the curated graph on an embedded Oxigraph store, with no rdflib import.

``iusgraph query NAME`` is the command people run most, and the curated graph, the check of
a query text and the answer's writer are the same from one run to the next. So:

- :func:`curated_ntriples` is the graph compiled from the curated data as sorted
  N-Triples, kept in the cache (:mod:`iusgraph.graph.cache`) and compiled again only when
  the data, the package or a library changes; :func:`curated_store` loads it into Oxigraph;
- :func:`checked_once` gives the text an engine may run: :func:`canonical` and the
  ``SERVICE``/``FROM`` refusal on that exact text run every time; the parser's check
  (:func:`iusgraph.query.text.checked`, rdflib's SPARQL parser) runs once per text, and
  its verdict is cached, so a text it refused is always checked again (and refused);
- :func:`answer_text` runs it and streams the answer from Oxigraph's own terms
  (:mod:`iusgraph.query.answers`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from iusgraph.errors import IusgraphError
from iusgraph.graph import cache
from iusgraph.graph.prefixes import PREFIXES
from iusgraph.query.answers import answer_chunks, is_graph
from iusgraph.query.canonical import canonical, refuse_remote

_CHECKED = b"passed the query check\n"


def _compile() -> bytes:
    """The curated data compiled, as the sorted N-Triples lines Oxigraph writes."""
    from iusgraph.curation.compile import build_graph
    from iusgraph.graph.terms import ntriples_lines, to_oxigraph_quads

    return "".join(
        line + "\n" for line in ntriples_lines(to_oxigraph_quads(build_graph()))
    ).encode()


def curated_ntriples() -> bytes:
    """The graph compiled from the curated data, as sorted N-Triples (from the cache when
    nothing it depends on has changed)."""
    return cache.cached("graph", cache.inputs_key("curated-graph"), _compile)


def curated_store(extra: Sequence[Path] = ()) -> ox.Store:
    """An in-memory Oxigraph store of the curated graph, and of the ``extra`` N-Triples
    files (the shipped graphs of ``query --with``)."""
    store = ox.Store()
    # Lenient: these are the N-Triples Oxigraph itself wrote from checked terms, sealed in
    # the cache, so their IRIs are not checked a second time.
    store.load(curated_ntriples(), format=ox.RdfFormat.N_TRIPLES, lenient=True)
    for path in extra:
        try:
            store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        except (OSError, SyntaxError) as exc:
            raise IusgraphError(f"{path}: cannot load this graph: {exc}") from None
    return store


def checked_once(text: str, origin: str = "<query>") -> str:
    """The canonical text of a query that passed the query check: what Oxigraph may run.

    :raises InputError: a syntax error (FILE:LINE:COL) or a query the checker cannot read
    :raises NetworkRefused: ``SERVICE`` or ``FROM`` in the text
    """
    clean = canonical(text, origin)
    refuse_remote(clean, origin)
    key = cache.inputs_key("query-check", clean)
    if cache.enabled() and cache.read("query-check", key) == _CHECKED:
        return clean
    from iusgraph.query.text import checked

    checked(clean, origin)
    if cache.enabled():
        cache.write("query-check", key, _CHECKED)
    return clean


def parse_binding(text: str) -> tuple[str, Any]:
    """``--bind name=value``: a CURIE, an ``<IRI>`` or a plain string, as an Oxigraph term.

    >>> parse_binding("effect=ent:back-pain")
    ('effect', <NamedNode value=https://w3id.org/iusgraph/entity/back-pain>)
    >>> parse_binding("label=back pain")
    ('label', <Literal value=back pain datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>)
    """
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not name or not value:
        raise IusgraphError(f"--bind {text!r}: write NAME=VALUE, e.g. effect=ent:back-pain")
    prefix, colon, local = value.partition(":")
    try:
        if value.startswith("<") and value.endswith(">"):
            return name, ox.NamedNode(value[1:-1])
        if colon and prefix in PREFIXES:
            return name, ox.NamedNode(PREFIXES[prefix] + local)
        return name, ox.Literal(value)
    except ValueError as exc:
        raise IusgraphError(f"--bind {text!r}: {exc}; bind an IRI or a literal") from None


def run(
    store: ox.Store, text: str, bindings: dict[str, Any] | None = None, origin: str = "<query>"
) -> Any:
    """Oxigraph's answer to a checked ``text`` (solutions, a boolean or triples), which it
    evaluates lazily as it is read."""
    text = checked_once(text, origin)
    substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
    try:
        return store.query(text, prefixes=PREFIXES, substitutions=substitutions or None)
    except SyntaxError as exc:  # the checker accepted it, Oxigraph did not
        problem = f"{origin}: Oxigraph cannot run this query: {exc}"
    except (OSError, RuntimeError, ValueError) as exc:
        problem = f"{origin}: the query failed while it ran: {exc}"
    raise IusgraphError(problem)


def _turtle(answer: Any, fmt: str) -> Iterator[str]:
    from iusgraph.graph.backend import oxigraph_result
    from iusgraph.query.results import format_result

    yield format_result(oxigraph_result(answer), fmt)


def answer_text(answer: Any, fmt: str, origin: str = "<query>") -> Iterator[str]:
    """The text of an answer of :func:`run` in ``fmt``, chunk by chunk; CONSTRUCT and
    DESCRIBE answers as Turtle (through rdflib's writer, with the project prefixes)."""
    chunks = _turtle(answer, fmt) if is_graph(answer) else answer_chunks(answer, fmt)
    problem = None
    try:
        yield from chunks
    except (OSError, RuntimeError, ValueError) as exc:  # raised while Oxigraph evaluates
        problem = f"{origin}: the query failed while it ran: {exc}"
    if problem:
        # Raised outside the handler, so no traceback keeps Oxigraph's answer alive.
        raise IusgraphError(problem)
