"""RDF terms between rdflib and Oxigraph, in one place.

Oxigraph checks every IRI and literal it is given, so a graph that passes
:func:`to_oxigraph_quads` holds nothing that a strict parser would refuse: the
check the rdflib side does not make is made here, on the way in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from iusgraph.errors import InputError, IusgraphError

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Characters that may not appear in an IRI written between ``<`` and ``>`` (RDF 1.1
#: N-Triples ``IRIREF``): where a request path or a bound value becomes an IRI.
BAD_IRI_CHARACTER = re.compile(r"[\x00-\x20<>\"{}|^`\\]")


def to_rdflib(term: Any) -> Any:
    """An Oxigraph term (or None) as the rdflib term that means the same.

    >>> to_rdflib(ox.Literal("1", datatype=ox.NamedNode(
    ...     "http://www.w3.org/2001/XMLSchema#integer"))).n3()
    '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """
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
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise IusgraphError(f"unsupported term in a query result: {term!r}")


def to_oxigraph(term: Any) -> Any:
    """An rdflib IRI, blank node or literal as an Oxigraph term.

    :raises ValueError: when Oxigraph refuses it (an IRI with a space, a lone surrogate…)
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        value = str(term)
        value.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError, a ValueError
        if term.language:
            return ox.Literal(value, language=term.language)
        if term.datatype:
            return ox.Literal(value, datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(value)
    raise ValueError(f"{term!r} is not an IRI, a blank node or a literal")


def sparql_term(term: Any) -> str:
    """The SPARQL (and N-Triples) text of an rdflib IRI, blank node or literal, as
    Oxigraph writes it: strings escaped, IRIs checked.

    >>> sparql_term(Literal('say "hi"', lang="en")), sparql_term(URIRef("http://x/a"))
    ('"say \\\\"hi\\\\""@en', '<http://x/a>')

    :raises ValueError: when Oxigraph refuses the term (see :func:`to_oxigraph`)
    """
    return str(to_oxigraph(term))


def node_text(term: Any) -> str:
    """A node as findings and input terms name it, from rdflib or Oxigraph: ``_:`` and the
    id for a blank node, the IRI or the lexical form otherwise.

    >>> node_text(BNode("b1")), node_text(ox.BlankNode("b1")), node_text(URIRef("urn:x"))
    ('_:b1', '_:b1', 'urn:x')
    """
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return str(term.value)
    return str(term)


def plain(term: Any) -> dict[str, Any] | None:
    """An Oxigraph term as plain data that crosses a process boundary: ``{"iri": …}``,
    ``{"bnode": …}`` or ``{"text": …, "lang": …}``; None stays None."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"iri": term.value}
    if isinstance(term, ox.BlankNode):
        return {"bnode": term.value}
    return {"text": term.value, "lang": term.language}


def to_oxigraph_quads(graph: Graph) -> Iterator[ox.Quad]:
    """The triples of an rdflib graph as Oxigraph quads in its default graph.

    :raises InputError: naming the first term Oxigraph refuses, and why

    >>> g = Graph(); _ = g.add((URIRef("http://example.org/a b"), URIRef("http://p"), Literal(1)))
    >>> list(to_oxigraph_quads(g))
    Traceback (most recent call last):
    ...
    iusgraph.errors.InputError: the graph holds a term that is not valid RDF, <http://example.org/a b>: Invalid IRI code point ' '; fix or drop it
    """
    seen: dict[Any, Any] = {}  # IRIs repeat (predicates, classes): convert each once
    for triple in graph:
        try:
            subject, predicate, obj = (
                seen.get(term) or seen.setdefault(term, to_oxigraph(term)) for term in triple
            )
        except ValueError as exc:
            bad = next(term for term in triple if not _valid(term))
            raise InputError(
                f"the graph holds a term that is not valid RDF, {_show(bad)}: {exc}; fix or drop it"
            ) from None
        yield ox.Quad(subject, predicate, obj)


def ntriples_lines(quads: Iterable[ox.Quad]) -> list[str]:
    """Sorted N-Triples lines (no line end) of the quads' triples: canonical, for
    fingerprints and for sending."""
    return sorted(f"{q.subject} {q.predicate} {q.object} ." for q in quads)


def _valid(term: Any) -> bool:
    try:
        to_oxigraph(term)
    except ValueError:
        return False
    return True


def _show(term: Any) -> str:
    text = f"<{term}>" if isinstance(term, URIRef) else repr(str(term))
    text = text if len(text) <= 80 else text[:77] + "..."
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
