"""Datatypes the store rewrites, checked on the input's own literals.

Oxigraph stores the integer-derived types (``xsd:int``, ``xsd:nonNegativeInteger`` ...) as
``xsd:integer`` and ``xsd:dateTimeStamp`` as ``xsd:dateTime``, so ``sh:datatype`` with any
of these types cannot be checked on the store alone: :class:`TermCheck` reads the triples
as the input writes them (:data:`InputTerm`), in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import cast

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import RDF, XSD

from iusgraph.graph.terms import node_text
from iusgraph.validation.report import Finding

#: Datatypes Oxigraph rewrites to xsd:integer on load: checked on the parsed input.
INTEGER_DERIVED = {
    XSD[name]
    for name in (
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "long",
        "int",
        "short",
        "byte",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
}


#: The store's rewrites of datatypes: the type it keeps -> the types it turns into it.
#: ``sh:datatype`` with a type on either side is checked on the input's own literals.
REWRITTEN_INTO: dict[URIRef, frozenset[URIRef]] = {
    XSD.integer: frozenset(INTEGER_DERIVED),
    XSD.dateTime: frozenset({XSD.dateTimeStamp}),
}


#: A shape's targets that can reach a blank node: ("class", the class and its subclasses),
#: ("subjects", predicates), ("objects", predicates); IRIs as strings.
TargetSpec = tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class TermCheck:
    """``sh:datatype`` with a type the store rewrites: run on the input's own literals.

    With ``rewritten`` empty it flags a literal whose datatype is not ``datatype`` or
    whose lexical form is invalid (an integer-derived type, which the store no longer
    tells apart); else it flags a literal whose declared datatype is one of
    ``rewritten``, which the store shows as ``datatype`` (the store's own check of
    ``datatype`` sees everything else).
    """

    rule: str
    severity: str
    path: str
    message: str
    predicate: URIRef
    datatype: URIRef
    targets: str  # SELECT ?this: the shape's focus nodes
    rewritten: frozenset[URIRef] = frozenset()
    spec: TargetSpec = ()

    def flags(self, lexical: str, datatype: str | None) -> bool:
        """Whether an input literal of the path violates the constraint."""
        if self.rewritten:
            return datatype is not None and datatype in self._rewritten_iris
        return not _integer_ok(lexical, datatype, *self._required)

    # Read once per literal of the path: plain strings, not rdflib terms (whose equality
    # and hashing run in Python).
    @cached_property
    def _rewritten_iris(self) -> frozenset[str]:
        return frozenset(str(t) for t in self.rewritten)

    @cached_property
    def _required(self) -> tuple[str, Callable[[int], bool]]:
        return str(self.datatype), INTEGER_RANGES[self.datatype]


def lexical_ok(lexical: str, datatype: str | None, required: URIRef) -> bool:
    """Whether an input literal has the integer-derived ``required`` type and a valid form.

    >>> lexical_ok("7", str(XSD.nonNegativeInteger), XSD.nonNegativeInteger)
    True
    >>> lexical_ok("-1", str(XSD.nonNegativeInteger), XSD.nonNegativeInteger)
    False
    """
    return _integer_ok(lexical, datatype, str(required), INTEGER_RANGES[required])


def _integer_ok(
    lexical: str, datatype: str | None, required: str, in_range: Callable[[int], bool]
) -> bool:
    if datatype != required or not _INTEGER.fullmatch(lexical):
        return False
    return in_range(int(lexical))


_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*")


INTEGER_RANGES: dict[URIRef, Callable[[int], bool]] = {
    XSD.nonNegativeInteger: lambda n: n >= 0,
    XSD.positiveInteger: lambda n: n > 0,
    XSD.nonPositiveInteger: lambda n: n <= 0,
    XSD.negativeInteger: lambda n: n < 0,
    XSD.long: lambda n: -(2**63) <= n < 2**63,
    XSD.int: lambda n: -(2**31) <= n < 2**31,
    XSD.short: lambda n: -(2**15) <= n < 2**15,
    XSD.byte: lambda n: -(2**7) <= n < 2**7,
    XSD.unsignedLong: lambda n: 0 <= n < 2**64,
    XSD.unsignedInt: lambda n: 0 <= n < 2**32,
    XSD.unsignedShort: lambda n: 0 <= n < 2**16,
    XSD.unsignedByte: lambda n: 0 <= n < 2**8,
}


#: One triple of the input: subject (an IRI, or ``_:`` and a blank node's label), predicate
#: IRI, the object's lexical form (for a literal) or ``<iri>`` / ``_:label``, and its
#: datatype IRI (None when the object is not a literal).
InputTerm = tuple[str, str, str, "str | None"]

#: The input's triples (:data:`InputTerm`) that have one of the given predicates or a blank
#: node; it may give others too. The term checks read only these.
InputTerms = Callable[[frozenset[str]], Iterable[InputTerm]]


def term_findings(store: ox.Store, checks: list[TermCheck], terms: InputTerms) -> list[Finding]:
    """The term checks on the input's literals, in one pass over the triples of the checks'
    predicates and those with a blank node. A blank-node subject the store does not know
    by its input label (Oxigraph renames blank nodes when it loads a file, and a parser
    names ``[]`` anew each time) is matched to the checks' targets from the input's own
    triples, read in the same pass. A check's focus nodes are read from the store only
    once a literal fails it."""
    focus: dict[int, set[str]] = {}

    def focus_of(check: TermCheck) -> set[str]:
        if id(check) not in focus:
            focus[id(check)] = {
                node_text(row["this"])
                for row in cast(ox.QuerySolutions, store.query(check.targets))
                if isinstance(row["this"], ox.NamedNode | ox.BlankNode)
            }
        return focus[id(check)]

    by_predicate: dict[str, list[TermCheck]] = {}
    for check in checks:
        by_predicate.setdefault(str(check.predicate), []).append(check)
    wanted = {(kind, iri) for check in checks for kind, iris in check.spec for iri in iris}
    classes = {iri for kind, iri in wanted if kind == "class"}
    subjects_of = {iri for kind, iri in wanted if kind == "subjects"}
    objects_of = {iri for kind, iri in wanted if kind == "objects"}
    marks: dict[str, set[tuple[str, str]]] = {}  # blank node -> the targets it meets
    found: dict[tuple[str, str, str, str | None, str], TermCheck] = {}
    unknown: list[tuple[str, str, str, str | None, TermCheck]] = []
    for subject, predicate, text, datatype in terms(frozenset(by_predicate)):
        if subject.startswith("_:"):
            if predicate == RDF_TYPE and text[1:-1] in classes:
                marks.setdefault(subject, set()).add(("class", text[1:-1]))
            if predicate in subjects_of:
                marks.setdefault(subject, set()).add(("subjects", predicate))
        if datatype is None:
            if text.startswith("_:") and predicate in objects_of:
                marks.setdefault(text, set()).add(("objects", predicate))
            continue
        for check in by_predicate.get(predicate, ()):
            if not check.flags(text, datatype):
                continue
            if subject in focus_of(check):
                found[(subject, predicate, text, datatype, check.rule)] = check
            elif subject.startswith("_:"):
                unknown.append((subject, predicate, text, datatype, check))
    for subject, predicate, text, datatype, check in unknown:
        met = marks.get(subject, set())
        if any((kind, iri) in met for kind, iris in check.spec for iri in iris):
            found[(subject, predicate, text, datatype, check.rule)] = check
    return sorted(
        Finding(
            severity=check.severity,
            focus=subject,
            label="",
            rule=check.rule,
            message=check.message,
            component="sh:DatatypeConstraintComponent",
            path=check.path,
            value=text,
        )
        for (subject, _, text, _, _), check in found.items()
    )


RDF_TYPE = str(RDF.type)
