"""Writing a query answer: a table for people, or a SPARQL 1.1 results format (CSV, TSV,
JSON, XML); CONSTRUCT answers as Turtle. The media types are in
:mod:`iusgraph.graph.formats`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rdflib import BNode, Literal, URIRef
from rdflib.query import Result

from iusgraph.errors import IusgraphError
from iusgraph.graph.formats import QUERY_FORMATS
from iusgraph.graph.namespaces import shorten
from iusgraph.query.answers import Cell, csv_chunks, table_text, tsv_chunks, xml_text

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.query import ResultRow


def _csv_term(term: Any) -> str:
    return "" if term is None else str(term)


def _tsv_term(term: Any) -> str:
    """SPARQL 1.1 TSV writes terms in N-Triples syntax."""
    return "" if term is None else term.n3()


def _xml_cell(term: Any) -> Cell | None:
    """An rdflib term as a cell of :func:`~iusgraph.query.answers.xml_text`."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("uri", str(term), None, None)
    if isinstance(term, BNode):
        return ("bnode", str(term), None, None)
    assert isinstance(term, Literal)  # a solution binds IRIs, blank nodes and literals
    datatype = None if term.datatype is None else str(term.datatype)
    return ("literal", str(term), term.language, datatype)


def _serialized(result: Result, fmt: str) -> str:
    """``result`` in rdflib's serializer ``fmt``: bytes, as no destination is given."""
    return cast(bytes, result.serialize(format=fmt)).decode("utf-8")


def format_result(result: Result, fmt: str) -> str:
    """Render a result as a table, or in a SPARQL 1.1 results format."""
    if fmt not in QUERY_FORMATS:
        raise IusgraphError(f"unknown format {fmt!r}; use one of {', '.join(QUERY_FORMATS)}")
    if result.type == "ASK":
        if fmt in ("json", "xml"):
            return _serialized(result, fmt)
        return ("true" if result.askAnswer else "false") + "\n"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        # rdflib types the graph as optional; a CONSTRUCT or DESCRIBE answer has one.
        return cast("Graph", result.graph).serialize(format="turtle")
    if fmt == "json":
        return _serialized(result, fmt)
    variables = [str(v) for v in result.vars or []]
    # Rows of a SELECT answer (the other types returned above) are ResultRows.
    answers = (cast("ResultRow", row).asdict() for row in result)
    rows = ([r.get(v) for v in variables] for r in answers)
    if fmt == "xml":  # not rdflib's writer, which drops false and zero (RDFLib/rdflib#3138)
        return xml_text(variables, ([_xml_cell(t) for t in row] for row in rows))
    if fmt == "csv":
        return "".join(csv_chunks(variables, ([_csv_term(t) for t in row] for row in rows)))
    if fmt == "tsv":
        return "".join(tsv_chunks(variables, ([_tsv_term(t) for t in row] for row in rows)))
    return table_text(variables, ([shorten(t) for t in row] for row in rows))
