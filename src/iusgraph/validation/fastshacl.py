"""SHACL on Oxigraph: the shapes compiled to SPARQL, for graphs too big for pySHACL.

pySHACL stays the reference engine (``validate --engine pyshacl``).
``tests/validation/test_fastshacl.py`` checks that both report the same multiset of
(focus node, path, constraint component, severity, rule, value) on every shape
fixture, on the real graph and on synthetic graphs with injected faults, and
``tests/validation/test_w3c_suite.py`` runs the W3C SHACL test suite on both. What the
shapes graph holds is read by :mod:`iusgraph.validation.shapegraph`, SPARQL-based
constraints are screened by :mod:`iusgraph.validation.sparqlconstraint`, and the
datatypes the store rewrites are checked by :mod:`iusgraph.validation.termcheck`.

Each constraint parameter of a shape (``sh:minCount``, ``sh:class`` ...) is looked up
in one of two tables: :data:`VALUE_COMPILERS` for constraints on one value node (usable
in node shapes, property shapes and nested shapes) and :data:`PROPERTY_COMPILERS` for
constraints of a property shape. An entry names its constraint component, gives its
default message and builds its SPARQL; a parameter in neither table is refused in one
place (:func:`_lookup`), which names it in the fallback note.

Two things the store cannot answer are handled apart, never skipped:

- a shape that uses a SHACL feature this compiler does not know is listed in
  :attr:`Compiled.fallback` and checked by pySHACL;
- Oxigraph stores integer-derived literals (``xsd:nonNegativeInteger``,
  ``xsd:int`` ...) as ``xsd:integer`` and ``xsd:dateTimeStamp`` as ``xsd:dateTime``
  (:data:`~iusgraph.validation.termcheck.REWRITTEN_INTO`), so ``sh:datatype`` with any
  of these types is (also) a :class:`~iusgraph.validation.termcheck.TermCheck`, run on
  the parsed input instead of the store.

Every shape of the shapes graph is accounted for in :attr:`Compiled.coverage`: compiled,
sent to pySHACL, deactivated, or never applied (no target, and no targeted shape uses it),
and :func:`compile_shapes` sends to pySHACL any shape its own bookkeeping missed, so a
shape is never skipped in silence. ``iusgraph validate --explain-coverage`` prints it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import count
from typing import Any, TypeVar, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node

from iusgraph.errors import IusgraphError
from iusgraph.graph import terms
from iusgraph.graph.backend import solution_rows
from iusgraph.graph.namespaces import SH, prologue, shorten
from iusgraph.graph.store import in_parallel
from iusgraph.query.canonical import canonical
from iusgraph.validation.report import Finding
from iusgraph.validation.shapegraph import (
    TARGETS,
    all_shapes,
    implicit_class_target,
    is_true,
    nested_shapes,
    ordered,
    rule_name,
    severity_name,
    shacl_instances,
    targeted_shapes,
)
from iusgraph.validation.sparqlconstraint import refuse_unsafe_sparql, this_prebinding_is_a_join
from iusgraph.validation.termcheck import (
    INTEGER_DERIVED,
    REWRITTEN_INTO,
    InputTerms,
    TargetSpec,
    TermCheck,
    term_findings,
)

#: Datatypes the store keeps as written, and the SPARQL cast that checks their lexical form.
CASTABLE = {
    XSD[name]
    for name in (
        "decimal",
        "integer",
        "boolean",
        "double",
        "float",
        "dateTime",
        "date",
        "time",
        "duration",
        "yearMonthDuration",
        "dayTimeDuration",
    )
}


NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isBlank({v}) || isIRI({v}))",
    SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}


#: Shape properties that are not constraints: skipped when a shape's parameters are looked up.
NON_CONSTRAINTS = {
    RDF.type,
    SH.flags,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    SH.path,
    SH.order,
    SH.group,
    SH.property,
    SH.sparql,
    SH.deactivated,
    SH.ignoredProperties,
    SH.qualifiedValueShapesDisjoint,
    SH.prefixes,
    RDFS.label,
    RDFS.comment,
}


#: Skipped inside a nested shape (``sh:not``, ``sh:node``, ``sh:and`` ...): there a
#: shape's ``sh:property`` and ``sh:path`` are compiled into the expression, and its
#: ``sh:sparql`` is refused.
NESTED_NON_CONSTRAINTS = NON_CONSTRAINTS - {SH.sparql}


#: How deep nested shapes may go (a recursive shape has no SHACL meaning: pySHACL).
MAX_NESTING = 8


#: sh:minCount and sh:maxCount inside a nested shape compile to that many joined values.
MAX_NESTED_COUNT = 4


class Unsupported(Exception):
    """A shape feature this compiler does not translate; the shape falls back to pySHACL."""


@dataclass(frozen=True)
class Check:
    """One constraint as a SELECT returning ``?this`` and, where there is one, ``?value``."""

    rule: str
    component: str
    severity: str
    path: str
    message: str
    query: str
    #: A SPARQL constraint of a node shape: a solution without ``?value`` has the focus
    #: node as its value (SHACL 5.3.2).
    value_is_focus: bool = False
    #: A count constraint's test, by which :func:`fuse_counts` can join it with others.
    count: Count | None = None
    #: A value constraint's test, by which :func:`fuse_values` can join it with others.
    test: ValueTest | None = None
    #: A fused check: its query gives ``?this`` and a column per part (:func:`fuse_counts`,
    #: :func:`fuse_values`, as ``fused`` names), and each part gives its own findings.
    parts: tuple[Check, ...] = ()
    fused: str = ""  # "counts" or "values": which of the two fused it
    #: The group that binds ``?this`` to the focus nodes (``_Compiler.targets``), with which
    #: the query's WHERE group starts.
    target: str = ""


@dataclass(frozen=True)
class Count:
    """A count constraint of a property shape: the focus nodes of ``target`` whose values
    of ``path`` (those for which ``condition`` is true, when there is one) number ``op``
    (``<`` or ``>``) ``bound`` violate it."""

    target: str
    path: str
    condition: str
    op: str
    bound: int

    @property
    def grouped(self) -> bool:
        """Whether its own query groups (:func:`count_query`): fewer than one is
        none, and more than one (of any value) is two, are answered without grouping."""
        return not (self.bound == 1 and (self.op == "<" or not self.condition))

    def fails(self, count: int) -> bool:
        """Whether a focus node with ``count`` values violates it."""
        return count < self.bound if self.op == "<" else count > self.bound


@dataclass(frozen=True)
class ValueTest:
    """A value constraint: the value nodes of ``path`` (the focus node itself when None)
    from the focus nodes of ``target`` for which ``expr`` is not true violate it
    (:func:`values_query`)."""

    target: str
    path: str | None
    expr: str


def values_query(test: ValueTest) -> str:
    """The value nodes that fail a value constraint, each once (a path reaches a value node
    by several routes, but value nodes are a set)."""
    values = _values(test.path)
    return f"SELECT DISTINCT ?this ?value WHERE {{ {test.target} {values} FILTER(!{test.expr}) }}"


def _values(path: str | None) -> str:
    """The pattern that binds ``?value`` to each value node of ``path`` from ``?this``."""
    return f"?this {path} ?value ." if path else "BIND(?this AS ?value)"


#: The coverage line of a shape that is never applied.
NEVER_APPLIED = "never applied: it has no target and no targeted shape uses it"


@dataclass
class Compiled:
    """Shapes compiled: the store's checks, the input's term checks, and the shapes left to
    pySHACL, with the reason of each by rule name."""

    checks: list[Check] = field(default_factory=list)
    term_checks: list[TermCheck] = field(default_factory=list)
    fallback: list[Node] = field(default_factory=list)
    fallback_reasons: dict[str, str] = field(default_factory=dict)
    #: Every shape of the shapes graph by rule name: how it is checked (see the module).
    coverage: dict[str, str] = field(default_factory=dict)
    #: sh:targetNode literals the store writes in canonical form ("4.0"^^xsd:decimal is
    #: "4"): (canonical lexical form, datatype IRI) -> the shape's own lexical form.
    literal_forms: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def unused(self) -> list[str]:
        """The shapes never applied (no target, and no targeted shape uses them)."""
        return [name for name, how in self.coverage.items() if how == NEVER_APPLIED]


def sparql_term(term: Node) -> str:
    """The SPARQL form of a constant in a shape; a blank node cannot be one."""
    if isinstance(term, BNode):
        raise Unsupported(f"blank node {term} as a constant")
    return terms.sparql_term(term)


@dataclass(frozen=True)
class Focus:
    """Where a shape's checks apply: its focus nodes and, for a property shape, its path."""

    shape: Node
    target: str  # a sub-select binding ?this
    out: Compiled
    path_node: Node | None = None  # None for a node shape: the value node is the focus node
    path: str | None = None  # path_node in SPARQL
    spec: TargetSpec = ()  # the targets again, for blank nodes of the input (TermCheck)


@dataclass(frozen=True)
class Component:
    """A SHACL constraint component as findings name it: ``sh:{name}ConstraintComponent``,
    with the message used when the shape has no ``sh:message``."""

    name: str
    message: str


#: (compiler, parameter value, value variable, shape holding the parameter) -> a SPARQL
#: expression true when the value node conforms.
ValueFn = Callable[["_Compiler", Node, str, "Node | None"], str]


#: (compiler, focus, parameter value) -> the SELECT of a node shape's own check.
NodeFn = Callable[["_Compiler", Focus, Node], str]


#: (compiler, property shape, parameter value, its entry): adds the checks to ``focus.out``.
PropertyFn = Callable[["_Compiler", Focus, Node, "PropertyCompiler"], None]


@dataclass(frozen=True)
class ValueCompiler(Component):
    """A constraint on each value node alone, compiled to one boolean expression.

    It applies to a node shape (value node = focus node), to a property shape (the values
    of its path) and inside a nested shape. ``node`` replaces the generic node-shape query.
    """

    expr: ValueFn
    node: NodeFn | None = None


@dataclass(frozen=True)
class PropertyCompiler(Component):
    """A constraint of a property shape that needs the path (counts, comparisons), or that
    compiles differently there than on a single value node."""

    compile: PropertyFn


def _class(c: _Compiler, cls: Node, v: str, owner: Node | None) -> str:
    t = c.var()
    return f"EXISTS {{ {v} a {t} . FILTER({t} IN ({', '.join(c.classes(cls))})) }}"


def _datatype(c: _Compiler, datatype: Node, v: str, owner: Node | None) -> str:
    if datatype in REWRITTEN_INTO:
        # The store also shows other types as this one: only a property shape with an IRI
        # path can add the check on the input (_property_datatype).
        raise Unsupported(f"sh:datatype {shorten(datatype)} outside a property shape")
    return _datatype_expr(datatype, v)


def _datatype_expr(datatype: Node, v: str) -> str:
    """True when ``v`` has the datatype in the store, with a valid lexical form."""
    if datatype == RDF.langString:
        return f'(isLiteral({v}) && lang({v}) != "")'
    if datatype == XSD.string:
        return f"(isLiteral({v}) && datatype({v}) = <{XSD.string}>)"
    if datatype in CASTABLE:
        # A cast of an ill-formed lexical form is an error, which COALESCE turns to false.
        return (
            f"(isLiteral({v}) && datatype({v}) = <{datatype}> && "
            f"COALESCE(isLiteral(<{datatype}>(str({v}))), false))"
        )
    raise Unsupported(f"sh:datatype {shorten(datatype)}")


def _node_kind(c: _Compiler, kind: Node, v: str, owner: Node | None) -> str:
    if kind not in NODE_KINDS:
        raise Unsupported(f"sh:nodeKind {kind}")
    return NODE_KINDS[cast(URIRef, kind)].format(v=v)  # a key of NODE_KINDS: an IRI


def _pattern(c: _Compiler, pattern: Node, v: str, owner: Node | None) -> str:
    flags = c.shapes.value(owner, SH.flags) if owner is not None else None
    args = sparql_term(Literal(str(pattern))) + (
        f", {sparql_term(Literal(str(flags)))}" if flags else ""
    )
    return f"(!isBlank({v}) && regex(str({v}), {args}))"


def _in(c: _Compiler, members: Node, v: str, owner: Node | None) -> str:
    terms = [c.constant(m) for m in Collection(c.shapes, members)]
    return "(" + " || ".join([f"sameTerm({v}, {m})" for m in terms] or ["false"]) + ")"


def _language_in(c: _Compiler, languages: Node, v: str, owner: Node | None) -> str:
    tags = [sparql_term(Literal(str(t))) for t in Collection(c.shapes, languages)]
    matches = " || ".join(f"langMatches(lang({v}), {t})" for t in tags) or "false"
    return f"(isLiteral({v}) && ({matches}))"


def _min_length(c: _Compiler, bound: Node, v: str, owner: Node | None) -> str:
    return f"(!isBlank({v}) && strlen(str({v})) >= {int(cast(Literal, bound))})"


def _max_length(c: _Compiler, bound: Node, v: str, owner: Node | None) -> str:
    return f"(!isBlank({v}) && strlen(str({v})) <= {int(cast(Literal, bound))})"


def _not(c: _Compiler, shape: Node, v: str, owner: Node | None) -> str:
    return f"!{c.conforms(shape, v)}"


def _node(c: _Compiler, shape: Node, v: str, owner: Node | None) -> str:
    return c.conforms(shape, v)


def _members(c: _Compiler, members: Node, v: str) -> list[str]:
    return [c.conforms(shape, v) for shape in Collection(c.shapes, members)]


def _and(c: _Compiler, members: Node, v: str, owner: Node | None) -> str:
    return "(" + " && ".join(_members(c, members, v) or ["true"]) + ")"


def _or(c: _Compiler, members: Node, v: str, owner: Node | None) -> str:
    return "(" + " || ".join(_members(c, members, v) or ["false"]) + ")"


def _xone(c: _Compiler, members: Node, v: str, owner: Node | None) -> str:
    ones = [f"IF({expr}, 1, 0)" for expr in _members(c, members, v)] or ["0"]
    return f"(({' + '.join(ones)}) = 1)"


def _bound(op: str) -> ValueFn:
    """sh:minInclusive and the like: a value that cannot be compared is a violation."""

    def expr(c: _Compiler, bound: Node, v: str, owner: Node | None) -> str:
        return f"COALESCE({v} {op} {sparql_term(bound)}, false)"

    return expr


def _closed_allowed(c: _Compiler, owner: Node | None) -> str:
    """The predicates a closed shape allows: its property shapes' IRI paths and
    sh:ignoredProperties."""
    allowed: set[str] = set()
    for prop in c.shapes.objects(owner, SH.property):
        path = c.shapes.value(prop, SH.path)
        if isinstance(path, URIRef):
            allowed.add(f"<{path}>")
    ignored = c.shapes.value(owner, SH.ignoredProperties)
    if ignored is not None:
        for member in Collection(c.shapes, ignored):
            allowed.add(sparql_term(member))
    return ", ".join(sorted(allowed))


def _closed(c: _Compiler, closed: Node, v: str, owner: Node | None) -> str:
    if not is_true(closed):
        return "true"
    p, o = c.var(), c.var()
    allowed = _closed_allowed(c, owner)
    condition = f"FILTER({p} NOT IN ({allowed}))" if allowed else ""
    return f"NOT EXISTS {{ {v} {p} {o} . {condition} }}"


def _node_closed(c: _Compiler, focus: Focus, closed: Node) -> str:
    """One finding per value of a predicate the closed shape does not allow."""
    if not is_true(closed):
        return "SELECT ?this WHERE { FILTER(false) }"
    allowed = _closed_allowed(c, focus.shape)
    condition = f"FILTER(?path NOT IN ({allowed}))" if allowed else ""
    return f"SELECT DISTINCT ?this ?path ?value WHERE {{ {focus.target} ?this ?path ?value . {condition} }}"


def _equals(c: _Compiler, other: Node, v: str, owner: Node | None) -> str:
    """A node shape's sh:equals: the focus node is the one value of ``other``."""
    x, y = c.var(), c.var()
    return (
        f"(EXISTS {{ {v} {c.iri(other)} {x} . FILTER(sameTerm({x}, {v})) }} && "
        f"NOT EXISTS {{ {v} {c.iri(other)} {y} . FILTER(!sameTerm({y}, {v})) }})"
    )


def _node_equals(c: _Compiler, focus: Focus, other: Node) -> str:
    x = c.var()
    return (
        f"SELECT DISTINCT ?this ?value WHERE {{ {{ {focus.target} ?this {c.iri(other)} ?value . "
        f"FILTER(!sameTerm(?value, ?this)) }} UNION {{ {focus.target} "
        f"FILTER NOT EXISTS {{ ?this {c.iri(other)} {x} . FILTER(sameTerm({x}, ?this)) }} "
        f"BIND(?this AS ?value) }} }}"
    )


def _disjoint(c: _Compiler, other: Node, v: str, owner: Node | None) -> str:
    x = c.var()
    return f"NOT EXISTS {{ {v} {c.iri(other)} {x} . FILTER(sameTerm({x}, {v})) }}"


def _has_value(c: _Compiler, value: Node, v: str, owner: Node | None) -> str:
    return f"sameTerm({v}, {c.constant(value)})"


def _node_has_value(c: _Compiler, focus: Focus, value: Node) -> str:
    """No sh:value: the missing value is the shape's, not the focus node (SHACL 4.8.3)."""
    return f"SELECT ?this WHERE {{ {focus.target} FILTER(!sameTerm(?this, {c.constant(value)})) }}"


VALUE_COMPILERS: dict[URIRef, ValueCompiler] = {
    SH["class"]: ValueCompiler("Class", "value is not an instance of the required class", _class),
    SH.datatype: ValueCompiler("Datatype", "value does not have the required datatype", _datatype),
    SH.nodeKind: ValueCompiler("NodeKind", "value is not of the required node kind", _node_kind),
    SH.pattern: ValueCompiler("Pattern", "value does not match the pattern", _pattern),
    SH["in"]: ValueCompiler("In", "value is not in the allowed list", _in),
    SH.languageIn: ValueCompiler("LanguageIn", "value has a disallowed language", _language_in),
    SH.minLength: ValueCompiler("MinLength", "value is too short", _min_length),
    SH.maxLength: ValueCompiler("MaxLength", "value is too long", _max_length),
    SH["not"]: ValueCompiler("Not", "value conforms to a shape it must not conform to", _not),
    SH.node: ValueCompiler("Node", "value does not conform to the node shape", _node),
    SH["and"]: ValueCompiler("And", "value does not conform to all the shapes", _and),
    SH["or"]: ValueCompiler("Or", "value conforms to none of the shapes", _or),
    SH.xone: ValueCompiler("Xone", "value does not conform to exactly one shape", _xone),
    SH.minInclusive: ValueCompiler("MinInclusive", "value is too small", _bound(">=")),
    SH.minExclusive: ValueCompiler("MinExclusive", "value is too small", _bound(">")),
    SH.maxInclusive: ValueCompiler("MaxInclusive", "value is too large", _bound("<=")),
    SH.maxExclusive: ValueCompiler("MaxExclusive", "value is too large", _bound("<")),
    SH.closed: ValueCompiler(
        "Closed",
        "the node has a property the closed shape does not allow",
        _closed,
        node=_node_closed,
    ),
    SH.equals: ValueCompiler(
        "Equals", "value is not equal to the compared values", _equals, node=_node_equals
    ),
    SH.disjoint: ValueCompiler("Disjoint", "value is also a compared value", _disjoint),
    SH.hasValue: ValueCompiler(
        "HasValue", "the required value is missing", _has_value, node=_node_has_value
    ),
}
"""Value-level components: constraint parameter -> how it compiles, by parameter IRI.

A parameter missing here (and, in a property shape, from :data:`PROPERTY_COMPILERS`)
makes its shape fall back to pySHACL. To add a component that tests one value node:
write ``def _name(c, param, v, owner) -> str`` returning a SPARQL expression on ``v``
that is true when the value conforms (raise :class:`Unsupported` for parameter values
it cannot translate) and add ``SH.param: ValueCompiler("Name", "default message",
_name)`` here. It then works in node shapes, property shapes and nested shapes.
"""


def _property_datatype(c: _Compiler, focus: Focus, datatype: Node, entry: PropertyCompiler) -> None:
    """The store rewrites some datatypes (:data:`REWRITTEN_INTO`): those are (also) checked
    on the input's own literals."""
    rewritten = REWRITTEN_INTO.get(cast(URIRef, datatype), frozenset())
    if datatype not in INTEGER_DERIVED:
        c.add_test(focus, entry, datatype, _datatype_expr(datatype, "?value"))
        if not rewritten:
            return
    if not isinstance(focus.path_node, URIRef):
        raise Unsupported(f"sh:datatype {shorten(datatype)} on a complex path")
    focus.out.term_checks.append(
        TermCheck(
            rule_name(c.shapes, focus.shape),
            c.severity(focus.shape),
            shorten(focus.path_node),
            c.message(focus.shape, None, entry),
            focus.path_node,
            cast(URIRef, datatype),  # one of INTEGER_DERIVED or REWRITTEN_INTO
            f"SELECT DISTINCT ?this WHERE {{ {focus.target} }}",
            rewritten,
            focus.spec,
        )
    )


def _min_count(c: _Compiler, focus: Focus, bound: Node, entry: PropertyCompiler) -> None:
    c.add_count(focus, entry, bound, "", "<", int(cast(Literal, bound)))


def _max_count(c: _Compiler, focus: Focus, bound: Node, entry: PropertyCompiler) -> None:
    c.add_count(focus, entry, bound, "", ">", int(cast(Literal, bound)))


def _qualified(c: _Compiler, focus: Focus, shape: Node, entry: PropertyCompiler) -> None:
    """sh:qualifiedValueShape with its bounds: one check per bound present. With
    sh:qualifiedValueShapesDisjoint a value counts only if it conforms to none of the
    sibling shapes (the qualified value shapes of the parents' other property shapes)."""
    condition = c.conforms(shape, "?value")
    if is_true(c.shapes.value(focus.shape, SH.qualifiedValueShapesDisjoint)):
        siblings = {
            sibling
            for parent in c.shapes.subjects(SH.property, focus.shape)
            for prop in c.shapes.objects(parent, SH.property)
            for sibling in c.shapes.objects(prop, SH.qualifiedValueShape)
            if sibling != shape
        }
        for sibling in sorted(siblings, key=str):
            condition += f" && !{c.conforms(sibling, '?value')}"
    for param, op in ((SH.qualifiedMinCount, "<"), (SH.qualifiedMaxCount, ">")):
        bound = c.shapes.value(focus.shape, param)
        if bound is not None:
            c.add_count(
                focus, PROPERTY_COMPILERS[param], shape, condition, op, int(cast(Literal, bound))
            )


def _qualified_bound(c: _Compiler, focus: Focus, bound: Node, entry: PropertyCompiler) -> None:
    """Compiled with the property shape's sh:qualifiedValueShape (none: no constraint)."""


def _property_has_value(c: _Compiler, focus: Focus, value: Node, entry: PropertyCompiler) -> None:
    c.add(
        focus,
        None,
        entry,
        value,
        f"SELECT ?this WHERE {{ {focus.target} FILTER NOT EXISTS "
        f"{{ ?this {focus.path} {c.constant(value)} }} }}",
    )


def _ordered(op: str) -> PropertyFn:
    """sh:lessThan (``<``) and sh:lessThanOrEquals (``<=``): pairs that cannot be compared
    are violations."""

    def compile(c: _Compiler, focus: Focus, other: Node, entry: PropertyCompiler) -> None:
        c.add(
            focus,
            None,
            entry,
            other,
            # One finding per pair of values that fails (SHACL 4.5.3: "each pair").
            f"SELECT DISTINCT ?this ?value ?_other WHERE {{ {focus.target} "
            f"?this {focus.path} ?value . ?this {c.iri(other)} ?_other . "
            f"FILTER(!COALESCE(?value {op} ?_other, false)) }}",
        )

    return compile


def _property_equals(c: _Compiler, focus: Focus, other: Node, entry: PropertyCompiler) -> None:
    """A value of the path that ``other`` lacks, or a value of ``other`` the path lacks."""
    o = c.iri(other)
    c.add(
        focus,
        None,
        entry,
        other,
        f"SELECT DISTINCT ?this ?value WHERE {{ {{ {focus.target} ?this {focus.path} ?value . "
        f"FILTER NOT EXISTS {{ ?this {o} ?value }} }} UNION {{ {focus.target} ?this {o} ?value . "
        f"FILTER NOT EXISTS {{ ?this {focus.path} ?value }} }} }}",
    )


def _property_disjoint(c: _Compiler, focus: Focus, other: Node, entry: PropertyCompiler) -> None:
    c.add(
        focus,
        None,
        entry,
        other,
        f"SELECT DISTINCT ?this ?value WHERE {{ {focus.target} ?this {focus.path} ?value . "
        f"?this {c.iri(other)} ?value }}",
    )


def _unique_lang(c: _Compiler, focus: Focus, unique: Node, entry: PropertyCompiler) -> None:
    """One finding per language tag that two values of the path share."""
    if not is_true(unique):
        return
    c.add(
        focus,
        None,
        entry,
        unique,
        f"SELECT DISTINCT ?this ?_lang WHERE {{ {focus.target} ?this {focus.path} ?_a . "
        f'?this {focus.path} ?_b . FILTER(!sameTerm(?_a, ?_b) && lang(?_a) != "" && '
        f"lang(?_a) = lang(?_b)) BIND(lang(?_a) AS ?_lang) }}",
    )


def _like(param: URIRef, compile: PropertyFn) -> PropertyCompiler:
    """A value-level component compiled its own way in a property shape."""
    value = VALUE_COMPILERS[param]
    return PropertyCompiler(value.name, value.message, compile)


PROPERTY_COMPILERS: dict[URIRef, PropertyCompiler] = {
    SH.minCount: PropertyCompiler("MinCount", "too few values", _min_count),
    SH.maxCount: PropertyCompiler("MaxCount", "too many values", _max_count),
    # sh:qualifiedValueShape compiles the checks of both bounds, which carry the bounds'
    # component names and messages; its own name and message are never used.
    SH.qualifiedValueShape: PropertyCompiler("QualifiedValueShape", "", _qualified),
    SH.qualifiedMinCount: PropertyCompiler(
        "QualifiedMinCount", "too few values conform to the qualified shape", _qualified_bound
    ),
    SH.qualifiedMaxCount: PropertyCompiler(
        "QualifiedMaxCount", "too many values conform to the qualified shape", _qualified_bound
    ),
    SH.lessThan: PropertyCompiler(
        "LessThan", "value is not less than the compared value", _ordered("<")
    ),
    SH.lessThanOrEquals: PropertyCompiler(
        "LessThanOrEquals", "value is greater than the compared value", _ordered("<=")
    ),
    SH.equals: _like(SH.equals, _property_equals),
    SH.disjoint: _like(SH.disjoint, _property_disjoint),
    SH.uniqueLang: PropertyCompiler("UniqueLang", "two values share a language tag", _unique_lang),
    SH.hasValue: _like(SH.hasValue, _property_has_value),
    SH.datatype: _like(SH.datatype, _property_datatype),
}
"""Property-level components: constraint parameter -> how a property shape compiles it.

Looked up before :data:`VALUE_COMPILERS`; a value-level parameter missing here gets the
generic check "every value of the path conforms". To add a component that needs the path:
write ``def _name(c, focus, param, entry) -> None`` that builds a SELECT returning
``?this`` (and ``?value`` where there is one) from ``focus.target`` and ``focus.path``
and passes it to ``c.add(focus, None, entry, param, query)``; then add
``SH.param: PropertyCompiler("Name", "default message", _name)`` here.
"""


#: The component of a node shape's ``sh:sparql`` constraints.
SPARQL_COMPONENT = Component("SPARQL", "the SPARQL constraint found a problem")


C = TypeVar("C", bound=Component)


def _lookup(pred: Node, *tables: Mapping[URIRef, C], where: str = "") -> C:
    """The entry for a constraint parameter: the one place an unknown parameter is refused,
    so the fallback note names it."""
    for table in tables:
        if pred in table:
            return table[cast(URIRef, pred)]  # a key of the table: an IRI
    raise Unsupported(f"{shorten(pred)}{where}")


class _Compiler:
    def __init__(self, shapes: Graph, subclasses: dict[URIRef, list[URIRef]]) -> None:
        self.shapes = shapes
        self.subclasses = subclasses
        self.fresh = count()
        self.depth = 0
        self.literal_forms: dict[tuple[str, str], str] = {}
        self.parameters: set[Node] | None = None

    # -- helpers --------------------------------------------------------------------
    def var(self) -> str:
        return f"?_v{next(self.fresh)}"

    def classes(self, cls: Node) -> list[str]:
        if not isinstance(cls, URIRef):
            raise Unsupported("sh:class with a blank node")
        return [f"<{c}>" for c in self.subclasses.get(cls, [cls])]

    def is_parameter(self, pred: Node) -> bool:
        """Whether a predicate of a shape can be a constraint parameter: SHACL's own, or a
        parameter a constraint component of the shapes graph declares. Others
        (``rdfs:subClassOf`` on a shape that is a class, ``rdfs:seeAlso`` ...) constrain
        nothing."""
        if str(pred).startswith(str(SH)):
            return True
        if self.parameters is None:
            self.parameters = {
                path
                for component in shacl_instances(self.shapes, SH.ConstraintComponent)
                for parameter in self.shapes.objects(component, SH.parameter)
                for path in self.shapes.objects(parameter, SH.path)
            }
        return pred in self.parameters

    def iri(self, term: Node) -> str:
        """An IRI parameter (sh:equals, sh:disjoint, sh:lessThan name a property)."""
        if not isinstance(term, URIRef):
            raise Unsupported(f"a non-IRI property {term}")
        return f"<{term}>"

    def path(self, path: Node) -> str:
        """A SHACL path as a SPARQL property path (SHACL 2.3.1: every form has one)."""
        if isinstance(path, URIRef):
            return f"<{path}>"
        if (path, RDF.first, None) in self.shapes:
            steps = list(Collection(self.shapes, path))
            if len(steps) < 2:
                raise Unsupported("a sequence sh:path of fewer than two steps")
            return "(" + "/".join(self.path(p) for p in steps) + ")"
        forms = {
            SH.inversePath: "^({})",
            SH.zeroOrMorePath: "({})*",
            SH.oneOrMorePath: "({})+",
            SH.zeroOrOnePath: "({})?",
        }
        for pred, template in forms.items():
            inner = self.shapes.value(path, pred)
            if inner is not None:
                return template.format(self.path(inner))
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            steps = list(Collection(self.shapes, alternatives))
            if len(steps) < 2:
                raise Unsupported("an sh:alternativePath of fewer than two paths")
            return "(" + "|".join(self.path(p) for p in steps) + ")"
        raise Unsupported("an sh:path that is no SHACL path")

    def targets(self, shape: Node) -> str | None:
        """A sub-select binding ``?this`` to each focus node, or None for an untargeted shape."""
        parts = []
        for cls in self.shapes.objects(shape, SH.targetClass):
            parts.append(f"VALUES ?_tc {{ {' '.join(self.classes(cls))} }} ?this a ?_tc .")
        for node in self.shapes.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {sparql_term(node)} }}")
            if isinstance(node, Literal) and node.datatype is not None:
                canonical = canonical_form(node)
                if canonical != str(node):
                    self.literal_forms[(canonical, str(node.datatype))] = str(node)
        for prop in self.shapes.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this <{prop}> {self.var()} .")
        for prop in self.shapes.objects(shape, SH.targetObjectsOf):
            parts.append(f"{self.var()} <{prop}> ?this .")
        if implicit_class_target(self.shapes, shape):
            parts.append(f"VALUES ?_tc {{ {' '.join(self.classes(shape))} }} ?this a ?_tc .")
        if not parts:
            return None
        classes = [self.classes(c) for c in self.shapes.objects(shape, SH.targetClass)]
        if implicit_class_target(self.shapes, shape):
            classes.append(self.classes(shape))
        if len(parts) == 1 and len(classes) == 1 and len(classes[0]) == 1:
            # One class and no subclass: each focus node once without a sub-select, which
            # Oxigraph joins better.
            return f"{{ ?this a {classes[0][0]} . }}"
        body = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {body} }} }}"

    def target_spec(self, shape: Node) -> TargetSpec:
        """The targets of ``shape`` that can select a blank node, as :data:`TargetSpec`."""
        spec: list[tuple[str, tuple[str, ...]]] = []
        classes = list(self.shapes.objects(shape, SH.targetClass))
        if implicit_class_target(self.shapes, shape):
            classes.append(shape)
        for cls in classes:
            spec.append(("class", tuple(c[1:-1] for c in self.classes(cls))))
        for kind, pred in (("subjects", SH.targetSubjectsOf), ("objects", SH.targetObjectsOf)):
            props = tuple(str(p) for p in self.shapes.objects(shape, pred))
            if props:
                spec.append((kind, props))
        return tuple(spec)

    def severity(self, shape: Node) -> str:
        return severity_name(self.shapes.value(shape, SH.severity))

    def message(self, node: Node, fallback: Node | None, component: Component) -> str:
        for candidate in (node, fallback):
            if candidate is not None:
                text = self.shapes.value(candidate, SH.message)
                if text is not None:
                    return str(text)
        return component.message

    # -- value constraints as expressions ----------------------------------------------
    def conforms(self, shape: Node, v: str) -> str:
        """An expression true when ``v`` conforms to a nested shape (sh:node, sh:not,
        sh:and ...): its value constraints, or, for a property shape, its path's values
        and counts, and its own property shapes, as EXISTS patterns."""
        if is_true(self.shapes.value(shape, SH.deactivated)):
            return "true"
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise Unsupported("shapes nested deeper than 8 (a recursive shape?)")
            if (shape, SH.path, None) in self.shapes:
                return self.nested_property(shape, v)
            parts = []
            for pred, obj in self.shapes.predicate_objects(shape):
                if pred == SH.property:
                    parts.append(self.nested_property(obj, v))
                elif pred not in NESTED_NON_CONSTRAINTS and self.is_parameter(pred):
                    parts.append(self.value_expr(pred, obj, v, shape, " inside a nested shape"))
            return "(" + " && ".join(parts or ["true"]) + ")"
        finally:
            self.depth -= 1

    def nested_property(self, prop: Node, v: str) -> str:
        """An expression true when focus node ``v`` conforms to property shape ``prop``."""
        path_node = self.shapes.value(prop, SH.path)
        if path_node is None:
            raise Unsupported("a property shape without sh:path")
        if is_true(self.shapes.value(prop, SH.deactivated)):
            return "true"
        path = self.path(path_node)
        parts = []
        for pred, obj in self.shapes.predicate_objects(prop):
            if pred == SH.property:
                x = self.var()
                parts.append(
                    f"NOT EXISTS {{ {v} {path} {x} . FILTER(!{self.nested_property(obj, x)}) }}"
                )
            elif pred in (SH.minCount, SH.maxCount):
                parts.append(self.nested_count(v, path, pred, int(cast(Literal, obj))))
            elif pred == SH.hasValue:
                x = self.var()
                parts.append(
                    f"EXISTS {{ {v} {path} {x} . FILTER(sameTerm({x}, {self.constant(obj)})) }}"
                )
            elif pred in (SH.lessThan, SH.lessThanOrEquals):
                x, y = self.var(), self.var()
                op = "<" if pred == SH.lessThan else "<="
                parts.append(
                    f"NOT EXISTS {{ {v} {path} {x} . {v} {self.iri(obj)} {y} . "
                    f"FILTER(!COALESCE({x} {op} {y}, false)) }}"
                )
            elif pred == SH.equals:
                x, y = self.var(), self.var()
                o = self.iri(obj)
                parts.append(
                    f"(NOT EXISTS {{ {v} {path} {x} . FILTER NOT EXISTS {{ {v} {o} {x} }} }} && "
                    f"NOT EXISTS {{ {v} {o} {y} . FILTER NOT EXISTS {{ {v} {path} {y} }} }})"
                )
            elif pred == SH.disjoint:
                x = self.var()
                parts.append(f"NOT EXISTS {{ {v} {path} {x} . {v} {self.iri(obj)} {x} }}")
            elif pred == SH.uniqueLang:
                if is_true(obj):
                    a, b = self.var(), self.var()
                    parts.append(
                        f"NOT EXISTS {{ {v} {path} {a} . {v} {path} {b} . "
                        f'FILTER(!sameTerm({a}, {b}) && lang({a}) != "" && lang({a}) = lang({b})) }}'
                    )
            elif pred in (SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount):
                raise Unsupported("sh:qualifiedValueShape inside a nested shape")
            elif pred not in NESTED_NON_CONSTRAINTS and pred != SH.path and self.is_parameter(pred):
                x = self.var()
                expr = self.value_expr(pred, obj, x, prop, " inside a nested shape")
                parts.append(f"NOT EXISTS {{ {v} {path} {x} . FILTER(!{expr}) }}")
        return "(" + " && ".join(parts or ["true"]) + ")"

    def nested_count(self, v: str, path: str, pred: Node, bound: int) -> str:
        """sh:minCount/sh:maxCount in a nested shape: ``bound`` (or ``bound + 1``)
        pairwise distinct values joined in one EXISTS."""
        wanted = bound if pred == SH.minCount else bound + 1
        if wanted == 0:
            return "true"
        if wanted > MAX_NESTED_COUNT:
            raise Unsupported(f"{shorten(pred)} {bound} inside a nested shape")
        xs = [self.var() for _ in range(wanted)]
        pattern = " ".join(f"{v} {path} {x} ." for x in xs)
        distinct = [f"!sameTerm({a}, {b})" for i, a in enumerate(xs) for b in xs[i + 1 :]]
        condition = f"FILTER({' && '.join(distinct)})" if distinct else ""
        exists = f"EXISTS {{ {pattern} {condition} }}"
        return exists if pred == SH.minCount else f"!{exists}"

    def constant(self, term: Node) -> str:
        """A term compared with sameTerm: the store rewrites typed literals, so only IRIs and
        strings are safe."""
        if isinstance(term, Literal) and term.datatype not in (None, XSD.string):
            raise Unsupported("a typed literal compared by identity")
        return sparql_term(term)

    def value_expr(
        self, pred: Node, obj: Node, v: str, owner: Node | None = None, where: str = ""
    ) -> str:
        """The expression for one value-level parameter (:data:`VALUE_COMPILERS`)."""
        return _lookup(pred, VALUE_COMPILERS, where=where).expr(self, obj, v, owner)

    # -- whole shapes ------------------------------------------------------------------
    def shape(self, shape: Node, out: Compiled) -> None:
        """Compile one targeted shape: a node shape with its property shapes, or a property
        shape with a target of its own."""
        target = self.targets(shape)
        if target is None or is_true(self.shapes.value(shape, SH.deactivated)):
            return
        spec = self.target_spec(shape)
        if (shape, SH.path, None) in self.shapes:
            self.property_shape(shape, target, out, spec)
            return
        focus = Focus(shape, target, out, spec=spec)
        for pred, obj in self.shapes.predicate_objects(shape):
            if pred in NON_CONSTRAINTS or not self.is_parameter(pred):
                continue
            entry = _lookup(pred, VALUE_COMPILERS)
            if entry.node is not None:
                self.add(focus, None, entry, obj, entry.node(self, focus, obj))
            else:
                self.add_value_check(focus, entry, obj)
        for sparql in self.shapes.objects(shape, SH.sparql):
            query = self.sparql_query(target, sparql)
            self.add(focus, sparql, SPARQL_COMPONENT, sparql, query, value_is_focus=True)
        for prop in self.shapes.objects(shape, SH.property):
            self.property_shape(prop, target, out, spec)

    def add_value_check(self, focus: Focus, entry: ValueCompiler, obj: Node) -> None:
        """A check that every value node (the focus node, or its path's values) conforms."""
        self.add_test(focus, entry, obj, entry.expr(self, obj, "?value", focus.shape))

    def add_test(self, focus: Focus, component: Component, param: Node, expr: str) -> None:
        """A check that every value node passes ``expr`` (:class:`ValueTest`)."""
        test = ValueTest(focus.target, focus.path, expr)
        self.add(focus, None, component, param, values_query(test), test=test)

    def property_shape(self, prop: Node, target: str, out: Compiled, spec: TargetSpec = ()) -> None:
        path_node = self.shapes.value(prop, SH.path)
        if path_node is None:
            raise Unsupported("a property shape without sh:path")
        if is_true(self.shapes.value(prop, SH.deactivated)):
            return
        path = self.path(path_node)
        focus = Focus(prop, target, out, path_node, path, spec)
        for sparql in self.shapes.objects(prop, SH.sparql):
            query = self.sparql_query(target, sparql, path)
            self.add(focus, sparql, SPARQL_COMPONENT, sparql, query)
        if (prop, SH.property, None) in self.shapes:
            # Its findings count once per focus node of the outer shape that reaches a
            # value node (pySHACL, property/property-001): the checks here are DISTINCT.
            raise Unsupported("sh:property inside a property shape")
        for pred, obj in self.shapes.predicate_objects(prop):
            if pred in NON_CONSTRAINTS or not self.is_parameter(pred):
                continue
            entry = _lookup(pred, PROPERTY_COMPILERS, VALUE_COMPILERS)
            if isinstance(entry, PropertyCompiler):
                entry.compile(self, focus, obj, entry)
            elif isinstance(entry, ValueCompiler):
                self.add_value_check(focus, entry, obj)

    def add_count(
        self,
        focus: Focus,
        component: Component,
        param: Node,
        condition: str,
        op: str,
        bound: int,
    ) -> None:
        """A count constraint of a property shape (:class:`Count`), with its own query."""
        assert focus.path is not None  # a property shape's
        count = Count(focus.target, focus.path, condition, op, bound)
        self.add(focus, None, component, param, count_query(count), count=count)

    def sparql_query(self, target: str, constraint: Node, path: str | None = None) -> str:
        """A SPARQL-based constraint with ``$this`` joined to the focus nodes and, in a
        property shape, ``$PATH`` replaced by the shape's path (SHACL 5.3.1)."""
        if is_true(self.shapes.value(constraint, SH.deactivated)):
            return "SELECT ?this WHERE { FILTER(false) }"
        select = self.shapes.value(constraint, SH.select)
        if select is None:
            raise Unsupported("a SPARQL constraint without sh:select")
        # The text Oxigraph will read (escapes expanded): the checks below read it too.
        text = canonical(str(select), rule_name(self.shapes, constraint))
        if re.search(r"\$(shapesGraph|currentShape)\b", text):
            raise Unsupported("a SPARQL constraint using $shapesGraph or $currentShape")
        if re.search(r"\$PATH\b", text):
            if path is None:
                raise Unsupported("$PATH in a SPARQL constraint of a node shape")
            text = re.sub(r"\$PATH\b", path, text)
        refuse_unsafe_sparql(text, rule_name(self.shapes, constraint))
        if not this_prebinding_is_a_join(text):
            raise Unsupported("$this inside a nested group of a SPARQL constraint")
        text = text.replace("$this", "?this")
        where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        projection = text[: where.start()] if where else ""
        if where is None or not re.search(r"\?this\b|\*", projection):
            raise Unsupported("a SPARQL constraint whose SELECT does not return $this")
        prefixes = prologue(self.prefixes(constraint))
        return f"{prefixes}{text[: where.end()]} {target} {text[where.end() :]}"

    def prefixes(self, constraint: Node) -> Iterator[tuple[str, str]]:
        """The sh:declare of each sh:prefixes, and of the ontologies these import."""
        sources = list(self.shapes.objects(constraint, SH.prefixes))
        seen: set[Node] = set()
        while sources:
            source = sources.pop()
            if source in seen:
                continue
            seen.add(source)
            sources += self.shapes.objects(source, OWL.imports)
            for decl in self.shapes.objects(source, SH.declare):
                yield (
                    str(self.shapes.value(decl, SH.prefix)),
                    str(self.shapes.value(decl, SH.namespace)),
                )

    def add(
        self,
        focus: Focus,
        constraint: Node | None,
        component: Component,
        param: Node,
        query: str,
        value_is_focus: bool = False,
        count: Count | None = None,
        test: ValueTest | None = None,
    ) -> None:
        """Record one check of ``focus.shape`` (or of its SPARQL ``constraint``)."""
        shape = focus.shape
        parent = (
            None
            if isinstance(shape, URIRef) or constraint is not None
            else self.shapes.value(predicate=SH.property, object=shape)
        )
        node = constraint if constraint is not None else shape
        focus.out.checks.append(
            Check(
                rule=rule_name(self.shapes, shape, constraint),
                component=f"sh:{component.name}ConstraintComponent",
                severity=self.severity(shape),
                path=shorten(focus.path_node) if focus.path_node is not None else "",
                message=self.message(node, shape if constraint is not None else parent, component),
                query=query,
                value_is_focus=value_is_focus,
                count=count,
                test=test,
                target=focus.target,
            )
        )


def count_query(count: Count) -> str:
    """The focus nodes that violate one count constraint (``SELECT ?this``)."""
    target, path, condition = count.target, count.path, count.condition
    where = f"FILTER({condition})" if condition else ""
    if not count.grouped and count.op == "<":
        # Fewer than one value is none: one lookup per focus node, no grouping.
        return f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS {{ ?this {path} ?value . {where} }} }}"
    if not count.grouped:
        # More than one value is two different ones: a join, no grouping.
        return (
            f"SELECT DISTINCT ?this WHERE {{ {target} ?this {path} ?value . "
            f"?this {path} ?_other . FILTER(!sameTerm(?value, ?_other)) }}"
        )
    if count.op == "<":
        pattern = f"OPTIONAL {{ ?this {path} ?value . {where} }}"
    else:
        pattern = f"?this {path} ?value . {where}"
    return (
        f"SELECT ?this WHERE {{ {target} {pattern} }} GROUP BY ?this "
        f"HAVING (COUNT(DISTINCT ?value) {count.op} {count.bound})"
    )


def fuse_counts(checks: list[Check]) -> list[Check]:
    """The checks, with the count constraints on the same focus nodes and path joined in
    one grouped query where two or more of them would group on their own.

    A property shape with ``sh:minCount 2 ; sh:maxCount 2`` and qualified counts groups
    the same values once for all of them instead of once each. The fused query gives every
    focus node that fails any of its parts, with each part's count (``?_n0`` ...), and each
    part then names its own findings (:func:`run_checks`): the same as its own query's.
    The fused check takes the place of the first of its parts.
    """
    groups: dict[tuple[str, str], list[Check]] = {}
    for check in checks:
        if check.count is not None:
            groups.setdefault((check.count.target, check.count.path), []).append(check)
    fused = []
    for (target, path), parts in groups.items():
        if sum(1 for test in _counts(parts) if test.grouped) < 2:
            continue
        conditions = _conditions(parts)
        binds = [
            # IF is an error when the condition is (or when false, on the unbound ?_none):
            # BIND then leaves ?_qN unbound, and COUNT skips it, as FILTER would.
            f"BIND(IF({condition}, ?value, ?_none) AS ?_q{i})"
            for i, condition in enumerate(conditions)
            if condition
        ]
        selected = " ".join(
            f"(COUNT(DISTINCT {_counted(i, c)}) AS ?_n{i})" for i, c in enumerate(conditions)
        )
        failing = " || ".join(
            f"COUNT(DISTINCT {_counted(i, test.condition)}) {test.op} {test.bound}"
            for i, test in ((conditions.index(t.condition), t) for t in _counts(parts))
        )
        query = (
            f"SELECT ?this {selected} WHERE {{ {target} "
            f"OPTIONAL {{ ?this {path} ?value . {' '.join(binds)} }} }} GROUP BY ?this "
            f"HAVING ({failing})"
        )
        fused.append(_fused(parts, query, "counts", target))
    return _in_place(checks, fused)


def _fused(parts: list[Check], query: str, kind: str, target: str) -> Check:
    """One check for ``parts``, with the first one's rule, severity and path."""
    first = parts[0]
    return Check(
        rule=first.rule,
        component="",
        severity=first.severity,
        path=first.path,
        message="",
        query=query,
        parts=tuple(parts),
        fused=kind,
        target=target,
    )


def _in_place(checks: list[Check], fused: list[Check]) -> list[Check]:
    """``checks`` with each fused check in the place of its first part, and without its
    other parts."""
    first = {id(check.parts[0]): check for check in fused}
    dropped = {id(part) for check in fused for part in check.parts[1:]}
    return [first.get(id(check), check) for check in checks if id(check) not in dropped]


def fuse_values(checks: list[Check]) -> list[Check]:
    """The checks, with those of one rule on the same focus nodes and path joined in one
    query: its value constraints (``sh:class``, ``sh:in``, ``sh:datatype`` ...), and its
    ``sh:minCount 1`` and ``sh:maxCount 1``, which need no grouping (:func:`count_query`).

    Each of these joins the focus nodes to their values on its own, and at 1M triples that
    join is most of the time of a check on the claims (about 0.05 s of 0.1 s). The fused
    query joins them once and gives each focus node and value that fails any part: a column
    per value constraint (``?_f0`` ..., true when the value fails it), a second value
    (``?_other``) for the sh:maxCount, and no value for the sh:minCount. Each part then
    names its own findings (:func:`run_checks`), the same as its own query's. The fused
    check takes the place of the first of its parts.
    """
    groups: dict[tuple[str, str, str | None], list[Check]] = {}
    for check in checks:
        key = _value_key(check)
        if key is not None:
            groups.setdefault(key, []).append(check)
    fused = [
        _fused(parts, _fused_values_query(target, path, parts), "values", target)
        for (_, target, path), parts in groups.items()
        if len(parts) > 1
    ]
    return _in_place(checks, fused)


def _value_key(check: Check) -> tuple[str, str, str | None] | None:
    """The rule, focus nodes and path of a check :func:`fuse_values` can fuse, or None."""
    if check.test is not None:
        return check.rule, check.test.target, check.test.path
    test = check.count
    if test is None or check.parts or test.grouped or test.condition:
        return None
    return check.rule, test.target, test.path


def _fused_values_query(target: str, path: str | None, parts: Iterable[Check]) -> str:
    tests = [part.test.expr for part in parts if part.test is not None]
    ops = {part.count.op for part in parts if part.count is not None}
    # BIND leaves ?_fN unbound where the test is an error: not a failure, as in FILTER.
    body = [f"BIND(!({expr}) AS ?_f{i})" for i, expr in enumerate(tests)]
    fails = [f"COALESCE(?_f{i}, false)" for i in range(len(tests))]
    columns = ["?this", "?value", *(f"?_f{i}" for i in range(len(tests)))]
    if ">" in ops:
        body.append(f"OPTIONAL {{ ?this {path} ?_other . FILTER(!sameTerm(?value, ?_other)) }}")
        fails.append("BOUND(?_other)")
        columns.append("?_other")
    where = f"{_values(path)} {' '.join(body)}"
    if "<" in ops:
        where = f"OPTIONAL {{ {where} }}"
        fails.insert(0, "!BOUND(?value)")
    return (
        f"SELECT DISTINCT {' '.join(columns)} WHERE {{ {target} {where} "
        f"FILTER({' || '.join(fails)}) }}"
    )


def _counts(parts: Iterable[Check]) -> list[Count]:
    return [cast(Count, part.count) for part in parts]


def _conditions(parts: Iterable[Check]) -> list[str]:
    """The fused parts' conditions, each once: column ``?_nN`` counts the values meeting the
    N-th (all of them for ``""``)."""
    return list(dict.fromkeys(test.condition for test in _counts(parts)))


def _counted(column: int, condition: str) -> str:
    return f"?_q{column}" if condition else "?value"


def needed_classes(shapes: Graph) -> set[URIRef]:
    """Every class the shapes test membership of: their subclasses come from the data."""
    out = {o for o in shapes.objects(None, SH.targetClass) if isinstance(o, URIRef)}
    out |= {o for o in shapes.objects(None, SH["class"]) if isinstance(o, URIRef)}
    out |= {s for s in targeted_shapes(shapes) if isinstance(s, URIRef)}
    return out


def compile_shapes(shapes: Graph, subclasses: dict[URIRef, list[URIRef]]) -> Compiled:
    """Translate every targeted shape; the ones that cannot be translated are listed.

    Every shape ends in :attr:`Compiled.coverage`. A self-check then sends to pySHACL any
    shape that has a target but is neither compiled nor sent there (a bug of this module,
    so it cannot pass unseen), and any compiled shape with constraints but no check.
    """
    out = Compiled()
    roots = targeted_shapes(shapes)
    compiled: set[Node] = set()
    for shape in roots:
        name = rule_name(shapes, shape)
        if is_true(shapes.value(shape, SH.deactivated)):
            out.coverage[name] = "deactivated (sh:deactivated true): not checked"
            continue
        part = Compiled()
        compiler = _Compiler(shapes, subclasses)
        try:
            compiler.shape(shape, part)
        except Unsupported as exc:
            _fall_back(out, shapes, shape, str(exc))
            continue
        if not part.checks and not part.term_checks and _has_constraints(shapes, shape):
            _fall_back(out, shapes, shape, "nothing (self-check: no check was compiled)")
            continue
        out.checks += part.checks
        out.term_checks += part.term_checks
        out.literal_forms.update(compiler.literal_forms)
        compiled.add(shape)
        checks = len(part.checks) + len(part.term_checks)
        out.coverage[name] = f"compiled: {checks} check{'' if checks == 1 else 's'}"
    # The self-check, from the raw triples rather than targeted_shapes.
    explicit = {s for pred in TARGETS for s in shapes.subjects(pred, None)}
    implicit = {s for s in shacl_instances(shapes, RDFS.Class) if implicit_class_target(shapes, s)}
    for shape in ordered(explicit | implicit):
        if rule_name(shapes, shape) not in out.coverage:
            _fall_back(out, shapes, shape, "nothing (self-check: the compiler lost it)")
    # The shapes each root uses (a root the self-check caught counts too), walked once.
    uses = {root: nested_shapes(shapes, root) for root in ordered([*roots, *out.fallback])}
    used = set().union(*uses.values())
    for shape in all_shapes(shapes):
        name = rule_name(shapes, shape)
        if name in out.coverage:
            continue
        if shape in used:
            owners = [root for root, nested in uses.items() if shape in nested]
            how = "pySHACL" if any(r in out.fallback for r in owners) else "compiled"
            owner = ", ".join(rule_name(shapes, r) for r in owners[:3])
            out.coverage[name] = f"{how}, inside {owner}"
        else:
            out.coverage[name] = NEVER_APPLIED
    out.checks = fuse_values(fuse_counts(out.checks))
    return out


def _fall_back(out: Compiled, shapes: Graph, shape: Node, why: str) -> None:
    name = rule_name(shapes, shape)
    out.fallback.append(shape)
    out.fallback_reasons[name] = why
    out.coverage[name] = f"pySHACL: the SPARQL compiler cannot translate {why}"


def _has_constraints(shapes: Graph, shape: Node) -> bool:
    """Whether a shape (or a shape it uses) has a constraint parameter."""
    return any(
        str(pred).startswith(str(SH))
        and (pred not in NON_CONSTRAINTS or pred in (SH.property, SH.sparql))
        for node in {shape} | nested_shapes(shapes, shape)
        for pred in shapes.predicates(node)
        if pred != SH.path
    )


def subclass_map(store: ox.Store, classes: Iterable[URIRef]) -> dict[URIRef, list[URIRef]]:
    """Each class with its subclasses in the data (rdfs:subClassOf*), itself included."""
    out = {}
    for cls in sorted(classes):
        query = f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> }}"
        rows = cast(ox.QuerySolutions, store.query(query))
        out[cls] = sorted(
            {URIRef(row["c"].value) for row in rows if isinstance(row["c"], ox.NamedNode)} | {cls}
        )
    return out


def _finding(check: Check, values: dict[str, Any], forms: Mapping[tuple[str, str], str]) -> Finding:
    """The finding of one solution of a check's query (labels are looked up later)."""
    path = check.path
    if isinstance(values.get("path"), ox.NamedNode):
        path = shorten(URIRef(values["path"].value))
    return Finding(
        severity=check.severity,
        focus=_term_text(values["this"], forms),
        label="",
        rule=check.rule,
        message=_message(check.message, values),
        component=check.component,
        path=path,
        value=_term_text(
            values.get("value") or (values["this"] if check.value_is_focus else None), forms
        ),
    )


def _part_findings(
    check: Check, rows: list[dict[str, Any]], forms: Mapping[tuple[str, str], str]
) -> Iterator[Finding]:
    """The findings of a fused check's parts, each as its own query would give them."""
    if check.fused == "values":
        return _value_part_findings(check, rows, forms)
    return _count_part_findings(check, rows, forms)


def _value_part_findings(
    check: Check, rows: list[dict[str, Any]], forms: Mapping[tuple[str, str], str]
) -> Iterator[Finding]:
    """The parts of :func:`fuse_values`: a value constraint's findings are its own
    query's distinct focus nodes and values, a count's its distinct focus nodes."""
    tests = count()
    failing = [
        (part, _fails(part, f"_f{next(tests)}" if part.test is not None else ""))
        for part in check.parts
    ]
    seen: set[tuple[int, Any, Any]] = set()
    for row in rows:
        for number, (part, fails) in enumerate(failing):
            if not fails(row):
                continue
            values = {"this": row["this"]}
            if part.test is not None:
                values["value"] = row["value"]
            key = (number, values["this"], values.get("value"))
            if key not in seen:
                seen.add(key)
                yield _finding(part, values, forms)


def _fails(part: Check, column: str) -> Callable[[dict[str, Any]], bool]:
    """Whether a row of :func:`_fused_values_query` fails ``part`` (its column: ``column``)."""
    if part.test is not None:
        return lambda row: column in row and row[column].value == "true"
    if cast(Count, part.count).op == ">":
        return lambda row: "_other" in row
    return lambda row: "value" not in row


def _count_part_findings(
    check: Check, rows: list[dict[str, Any]], forms: Mapping[tuple[str, str], str]
) -> Iterator[Finding]:
    """The parts of :func:`fuse_counts`, each as its own query (``SELECT ?this``) would
    give them."""
    conditions = _conditions(check.parts)
    columns = [
        (part, test, f"_n{conditions.index(test.condition)}")
        for part, test in zip(check.parts, _counts(check.parts), strict=True)
    ]
    for row in rows:
        for part, test, column in columns:
            if test.fails(int(row[column].value)):
                yield _finding(part, {"this": row["this"]}, forms)


def _message(template: str, row: dict[str, Any]) -> str:
    """Fill ``{?var}`` and ``{$var}`` from a result row, as pySHACL does."""

    def fill(match: re.Match[str]) -> str:
        term = row.get(match.group(1))
        return term.value if term is not None else match.group(0)

    return re.sub(r"\{[?$](\w+)\}", fill, template)


def canonical_form(literal: Literal) -> str:
    """The lexical form Oxigraph stores for a typed literal (it writes numbers, booleans
    and dates canonically).

    >>> canonical_form(Literal("4.0", datatype=XSD.decimal))
    '4'
    """
    node = ox.NamedNode("urn:x")
    typed = ox.Literal(str(literal), datatype=ox.NamedNode(str(literal.datatype)))
    store = ox.Store()
    store.add(ox.Quad(node, node, typed))
    (quad,) = list(store)
    return str(quad.object.value)


def _term_text(term: Any, forms: Mapping[tuple[str, str], str] | None = None) -> str:
    """A term's text in a finding: an IRI, ``_:`` and a blank node's id, or a literal's
    lexical form (for a literal of a shape's sh:targetNode, the shape's own)."""
    if term is None:
        return ""
    if forms and isinstance(term, ox.Literal):
        return forms.get((term.value, term.datatype.value), term.value)
    return terms.node_text(term)


#: One IRI as the compiler writes it.
_IRI = r"<[^<>\s]+>"
#: The target of one class's instances (without subclasses), as ``_Compiler.targets``
#: writes it; the class is group 1.
ONE_CLASS = re.compile(rf"\{{ \?this a ({_IRI}) \. \}}")
#: The targets ``_Compiler.targets`` writes for one class, one class and its subclasses, the
#: subjects of a predicate, or its objects: (form, kind), the IRIs in the form's group 1.
TARGET_FORMS = (
    (ONE_CLASS, "class"),
    (
        re.compile(
            rf"\{{ SELECT DISTINCT \?this WHERE \{{ \{{ VALUES \?_tc \{{ ((?:{_IRI} )+)\}} "
            r"\?this a \?_tc \. \} \} \}"
        ),
        "class",
    ),
    (
        re.compile(
            rf"\{{ SELECT DISTINCT \?this WHERE \{{ \{{ \?this ({_IRI}) \?_v\d+ \. \}} \}} \}}"
        ),
        "subjects",
    ),
    (
        re.compile(
            rf"\{{ SELECT DISTINCT \?this WHERE \{{ \{{ \?_v\d+ ({_IRI}) \?this \. \}} \}} \}}"
        ),
        "objects",
    ),
)


def path_first(check: Check) -> Check | None:
    """``check`` with its path's triples joined first and its focus nodes tested after them
    (``FILTER EXISTS``), or None if it is not a value check (or :func:`fuse_values` of
    such, and of sh:maxCount 1) of one property on one class's instances.

    Oxigraph joins ``?this a C`` first in whatever order the query is written, so a check
    of a property that few of the class's instances have looks each instance up (0.04 s for
    the 48,300 claims at 1M triples, for a property none of them has). The rows are the
    same: each focus node with each of its values. A sh:minCount needs every focus node,
    so a check with one stays as it is.
    """
    path = _tested_property(check)
    if path is None or not ONE_CLASS.fullmatch(check.target):
        return None
    start = f"WHERE {{ {check.target} {_values(path)} "
    if start not in check.query:
        return None
    query = check.query.replace(start, f"WHERE {{ {_values(path)} FILTER EXISTS {check.target} ", 1)
    return replace(check, query=query)


def planned(store: ox.Store, compiled: Compiled) -> Compiled:
    """The checks, with those of a property that fewer than half of their focus nodes have
    turned to start from its triples (:func:`path_first`); the sizes are counted in the
    store, each no further than that half."""
    sizes: dict[str, int] = {}

    def size(group: str) -> int:
        if group not in sizes:
            rows = cast(
                ox.QuerySolutions, store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {group} }}")
            )
            sizes[group] = int(next(iter(rows))["n"].value)
        return sizes[group]

    checks = []
    for check in compiled.checks:
        turned = path_first(check)
        if turned is not None:
            half = size(check.target) // 2
            values = _values(_tested_property(check))
            if size(f"{{ SELECT ?this WHERE {{ {values} }} LIMIT {half} }}") < half:
                check = turned
        checks.append(check)
    return replace(compiled, checks=checks)


def _tested_property(check: Check) -> str | None:
    """The one property (``<iri>``) whose values a value check, or :func:`fuse_values` of
    value checks and sh:maxCount 1, tests; None for any other check."""
    parts = check.parts if check.fused == "values" else (check,) if not check.fused else ()
    tests = [part.test or part.count for part in parts]
    if not tests or any(
        test is None or (isinstance(test, Count) and test.op != ">") for test in tests
    ):
        return None
    path = cast(ValueTest | Count, tests[0]).path
    return path if path is not None and re.fullmatch(_IRI, path) else None


def run_checks(
    store: ox.Store,
    compiled: Compiled,
    input_terms: InputTerms | None = None,
) -> list[Finding]:
    """Every compiled check on the store, and the term checks on ``input_terms`` (read
    once).

    Labels are left empty; the caller looks them up once for all findings. The term
    checks, Python over the literals, run on a thread of their own beside the queries
    (which release the GIL): after them, they were a one-core tail of the validation
    (0.56 s at 1M triples, 6.5 s at 10M).
    """

    def solve(check: Check) -> list[dict[str, Any]]:
        try:
            return solution_rows(store, check.query, prefixes=None)
        except (SyntaxError, OSError, ValueError) as exc:  # Oxigraph's parse or run errors
            raise IusgraphError(
                f"{check.rule}: its compiled query fails in Oxigraph ({exc}); "
                "validate with --engine pyshacl, and check the shape's SPARQL"
            ) from None

    findings: list[Finding] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        literals = (
            pool.submit(
                term_findings, store, compiled.term_checks, input_terms or (lambda predicates: ())
            )
            if compiled.term_checks
            else None
        )
        for check, rows in zip(compiled.checks, in_parallel(solve, compiled.checks), strict=True):
            if check.parts:
                findings += _part_findings(check, rows, compiled.literal_forms)
                continue
            findings += (_finding(check, values, compiled.literal_forms) for values in rows)
        findings += literals.result() if literals is not None else []
    return findings
