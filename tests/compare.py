"""Comparing query answers by RDF value, whichever engine or server gave them."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Literal
from rdflib.query import Result


def rdf_value(term: object) -> tuple:
    """A term by its RDF value: Oxigraph returns integer-derived types (oa:start's
    xsd:nonNegativeInteger) as xsd:integer and decimals in canonical form ("1" for "1.0")."""
    if (
        isinstance(term, Literal)
        and isinstance(term.value, (int, Decimal))
        and not isinstance(term.value, bool)
    ):
        return ("number", Decimal(term.value))
    if isinstance(term, Literal):
        return ("literal", str(term), term.language, str(term.datatype or ""))
    return ("term", str(term))


def solutions(result: Result) -> tuple[list[str], list[tuple]]:
    """The variable names, and the solutions in a stable order, each term by its value."""
    names = [str(v) for v in result.vars or []]
    rows = sorted(
        (
            tuple(rdf_value(row.get(n)) if row.get(n) is not None else ("unbound",) for n in names)
            for row in (r.asdict() for r in result)
        ),
        key=repr,
    )
    return names, rows
