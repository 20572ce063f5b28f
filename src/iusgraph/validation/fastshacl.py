"""SHACL on Oxigraph: the shapes compiled to SPARQL, for graphs too big for pySHACL.

pySHACL stays the reference engine (``validate --engine pyshacl``).
``tests/validation/test_fastshacl.py`` checks that both report the same set of
(focus node, path, constraint component, severity, rule) on every shape
fixture, on the real graph and on synthetic graphs with injected faults.

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
  ``xsd:int`` ...) as ``xsd:integer``, so ``sh:datatype`` with such a type is
  a :class:`TermCheck`, run on the parsed input instead of the store.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import Any, TypeVar, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from iusgraph.graph import terms
from iusgraph.graph.backend import solution_rows
from iusgraph.graph.namespaces import SH, prologue, shorten
from iusgraph.graph.store import in_parallel
from iusgraph.validation.report import Finding

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
    RDFS.label,
    RDFS.comment,
}
#: Skipped inside a nested shape (``sh:not``, ``sh:qualifiedValueShape``): there
#: ``sh:path``, ``sh:property`` and ``sh:sparql`` are looked up, hence refused, as well.
NESTED_NON_CONSTRAINTS = NON_CONSTRAINTS - {SH.property, SH.sparql, SH.path}


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


@dataclass(frozen=True)
class TermCheck:
    """``sh:datatype`` with a type the store rewrites: run on the input's own literals."""

    rule: str
    severity: str
    path: str
    message: str
    predicate: URIRef
    datatype: URIRef
    targets: str  # SELECT ?this: the shape's focus nodes


@dataclass
class Compiled:
    """Shapes compiled: the store's checks, the input's term checks, and the shapes left to
    pySHACL, with the reason of each by rule name."""

    checks: list[Check] = field(default_factory=list)
    term_checks: list[TermCheck] = field(default_factory=list)
    fallback: list[Node] = field(default_factory=list)
    fallback_reasons: dict[str, str] = field(default_factory=dict)


def sparql_term(term: Node) -> str:
    """The SPARQL form of a constant in a shape; a blank node cannot be one."""
    if isinstance(term, BNode):
        raise Unsupported(f"blank node {term} as a constant")
    return terms.sparql_term(term)


def rule_name(shapes: Graph, shape: Node, constraint: Node | None = None) -> str:
    """How findings name their rule: a named SPARQL constraint, else the shape, else
    (for a blank property shape) its node shape and path."""
    if isinstance(constraint, URIRef):
        return shorten(constraint)
    if isinstance(shape, URIRef):
        return shorten(shape)
    path = shapes.value(shape, SH.path)
    parent = shapes.value(predicate=SH.property, object=shape)
    if parent is None:
        parent = shapes.value(predicate=SH.sparql, object=shape)
    name = shorten(parent) if parent is not None else "shape"
    return f"{name}/{shorten(path)}" if path is not None else name


@dataclass(frozen=True)
class Focus:
    """Where a shape's checks apply: its focus nodes and, for a property shape, its path."""

    shape: Node
    target: str  # a sub-select binding ?this
    out: Compiled
    path_node: Node | None = None  # None for a node shape: the value node is the focus node
    path: str | None = None  # path_node in SPARQL


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


def _has_value(c: _Compiler, value: Node, v: str, owner: Node | None) -> str:
    return f"sameTerm({v}, {c.constant(value)})"


def _node_has_value(c: _Compiler, focus: Focus, value: Node) -> str:
    return (
        f"SELECT ?this ?value WHERE {{ {focus.target} BIND(?this AS ?value) "
        f"FILTER(!sameTerm(?this, {c.constant(value)})) }}"
    )


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
    """The store rewrites integer-derived literals: those are checked on the input."""
    if datatype not in INTEGER_DERIVED:
        c.add_value_check(focus, VALUE_COMPILERS[SH.datatype], datatype)
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
            cast(URIRef, datatype),  # one of INTEGER_DERIVED
            f"SELECT DISTINCT ?this WHERE {{ {focus.target} }}",
        )
    )


def _min_count(c: _Compiler, focus: Focus, bound: Node, entry: PropertyCompiler) -> None:
    c.add(focus, None, entry, bound, c.count_query(focus, "", "<", int(cast(Literal, bound))))


def _max_count(c: _Compiler, focus: Focus, bound: Node, entry: PropertyCompiler) -> None:
    c.add(focus, None, entry, bound, c.count_query(focus, "", ">", int(cast(Literal, bound))))


def _qualified(c: _Compiler, focus: Focus, shape: Node, entry: PropertyCompiler) -> None:
    """sh:qualifiedValueShape with its bounds: one check per bound present."""
    if c.shapes.value(focus.shape, SH.qualifiedValueShapesDisjoint) == Literal(True):
        # Refused before the nested shape is read, so the fallback names this parameter.
        raise Unsupported("sh:qualifiedValueShapesDisjoint")
    condition = f"FILTER{c.conforms(shape, '?value')}"
    for param, op in ((SH.qualifiedMinCount, "<"), (SH.qualifiedMaxCount, ">")):
        bound = c.shapes.value(focus.shape, param)
        if bound is not None:
            c.add(
                focus,
                None,
                PROPERTY_COMPILERS[param],
                shape,
                c.count_query(focus, condition, op, int(cast(Literal, bound))),
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


def _less_than(c: _Compiler, focus: Focus, other: Node, entry: PropertyCompiler) -> None:
    if not isinstance(other, URIRef):
        raise Unsupported("sh:lessThan with a complex path")
    c.add(
        focus,
        None,
        entry,
        other,
        f"SELECT ?this ?value WHERE {{ {focus.target} ?this {focus.path} ?value . "
        f"?this <{other}> ?_other . FILTER(!COALESCE(?value < ?_other, false)) }}",
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
        "LessThan", "value is not less than the compared value", _less_than
    ),
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

    # -- helpers --------------------------------------------------------------------
    def var(self) -> str:
        return f"?_v{next(self.fresh)}"

    def classes(self, cls: Node) -> list[str]:
        if not isinstance(cls, URIRef):
            raise Unsupported("sh:class with a blank node")
        return [f"<{c}>" for c in self.subclasses.get(cls, [cls])]

    def path(self, path: Node) -> str:
        if isinstance(path, URIRef):
            return f"<{path}>"
        inverse = self.shapes.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return f"^<{inverse}>"
        if (path, RDF.first, None) in self.shapes:
            return "/".join(self.path(p) for p in Collection(self.shapes, path))
        raise Unsupported("a complex sh:path")

    def targets(self, shape: Node) -> str | None:
        """A sub-select binding ``?this`` to each focus node, or None for an untargeted shape."""
        parts = []
        for cls in self.shapes.objects(shape, SH.targetClass):
            parts.append(f"VALUES ?_tc {{ {' '.join(self.classes(cls))} }} ?this a ?_tc .")
        for node in self.shapes.objects(shape, SH.targetNode):
            parts.append(f"VALUES ?this {{ {sparql_term(node)} }}")
        for prop in self.shapes.objects(shape, SH.targetSubjectsOf):
            parts.append(f"?this <{prop}> {self.var()} .")
        for prop in self.shapes.objects(shape, SH.targetObjectsOf):
            parts.append(f"{self.var()} <{prop}> ?this .")
        if (shape, RDF.type, RDFS.Class) in self.shapes:
            raise Unsupported("an implicit class target")
        if not parts:
            return None
        body = " UNION ".join(f"{{ {p} }}" for p in parts)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {body} }} }}"

    def severity(self, shape: Node) -> str:
        value = self.shapes.value(shape, SH.severity)
        return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"

    def message(self, node: Node, fallback: Node | None, component: Component) -> str:
        for candidate in (node, fallback):
            if candidate is not None:
                text = self.shapes.value(candidate, SH.message)
                if text is not None:
                    return str(text)
        return component.message

    # -- value constraints as expressions ----------------------------------------------
    def conforms(self, shape: Node, v: str) -> str:
        """An expression true when ``v`` conforms to a nested shape of value constraints."""
        parts = []
        for pred, obj in self.shapes.predicate_objects(shape):
            if pred not in NESTED_NON_CONSTRAINTS:
                parts.append(self.value_expr(pred, obj, v, shape, " inside a nested shape"))
        return "(" + " && ".join(parts or ["true"]) + ")"

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
        """Compile one targeted node shape with its property shapes."""
        target = self.targets(shape)
        if target is None or self.shapes.value(shape, SH.deactivated) == Literal(True):
            return
        focus = Focus(shape, target, out)
        for pred, obj in self.shapes.predicate_objects(shape):
            if pred in NON_CONSTRAINTS:
                continue
            entry = _lookup(pred, VALUE_COMPILERS)
            if entry.node is not None:
                self.add(focus, None, entry, obj, entry.node(self, focus, obj))
            else:
                self.add_value_check(focus, entry, obj)
        for sparql in self.shapes.objects(shape, SH.sparql):
            self.add(focus, sparql, SPARQL_COMPONENT, sparql, self.sparql_query(target, sparql))
        for prop in self.shapes.objects(shape, SH.property):
            self.property_shape(prop, target, out)

    def add_value_check(self, focus: Focus, entry: ValueCompiler, obj: Node) -> None:
        """A check that every value node (the focus node, or its path's values) conforms."""
        expr = entry.expr(self, obj, "?value", focus.shape)
        values = f"?this {focus.path} ?value ." if focus.path else "BIND(?this AS ?value)"
        self.add(
            focus,
            None,
            entry,
            obj,
            f"SELECT ?this ?value WHERE {{ {focus.target} {values} FILTER(!{expr}) }}",
        )

    def property_shape(self, prop: Node, target: str, out: Compiled) -> None:
        path_node = self.shapes.value(prop, SH.path)
        if path_node is None:
            raise Unsupported("a property shape without sh:path")
        if self.shapes.value(prop, SH.deactivated) == Literal(True):
            return
        path = self.path(path_node)
        if (prop, SH.property, None) in self.shapes or (prop, SH.sparql, None) in self.shapes:
            raise Unsupported("sh:property or sh:sparql inside a property shape")
        focus = Focus(prop, target, out, path_node, path)
        for pred, obj in self.shapes.predicate_objects(prop):
            if pred in NON_CONSTRAINTS:
                continue
            entry = _lookup(pred, PROPERTY_COMPILERS, VALUE_COMPILERS)
            if isinstance(entry, PropertyCompiler):
                entry.compile(self, focus, obj, entry)
            elif isinstance(entry, ValueCompiler):
                self.add_value_check(focus, entry, obj)

    def count_query(self, focus: Focus, condition: str, op: str, bound: int) -> str:
        if op == "<":
            pattern = f"OPTIONAL {{ ?this {focus.path} ?value . {condition} }}"
        else:
            pattern = f"?this {focus.path} ?value . {condition}"
        return (
            f"SELECT ?this WHERE {{ {focus.target} {pattern} }} GROUP BY ?this "
            f"HAVING (COUNT(DISTINCT ?value) {op} {bound})"
        )

    def sparql_query(self, target: str, constraint: Node) -> str:
        select = self.shapes.value(constraint, SH.select)
        if select is None:
            raise Unsupported("a SPARQL constraint without sh:select")
        text = str(select)
        if re.search(r"\$(PATH|shapesGraph|currentShape)\b", text):
            raise Unsupported("a SPARQL constraint using $PATH, $shapesGraph or $currentShape")
        text = text.replace("$this", "?this")
        where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
        projection = text[: where.start()] if where else ""
        if where is None or not re.search(r"\?this\b|\*", projection):
            raise Unsupported("a SPARQL constraint whose SELECT does not return $this")
        prefixes = prologue(self.prefixes(constraint))
        return f"{prefixes}{text[: where.end()]} {target} {text[where.end() :]}"

    def prefixes(self, constraint: Node) -> Iterator[tuple[str, str]]:
        for source in self.shapes.objects(constraint, SH.prefixes):
            for decl in self.shapes.objects(source, SH.declare):
                yield (
                    str(self.shapes.value(decl, SH.prefix)),
                    str(self.shapes.value(decl, SH.namespace)),
                )

    def add(
        self, focus: Focus, constraint: Node | None, component: Component, param: Node, query: str
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
            )
        )


def targeted_shapes(shapes: Graph) -> list[Node]:
    """Node shapes with at least one target, in a stable order."""
    found: set[Node] = set()
    for pred in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf):
        found.update(shapes.subjects(pred, None))
    return sorted(found, key=lambda n: (isinstance(n, BNode), str(n)))


def needed_classes(shapes: Graph) -> set[URIRef]:
    """Every class the shapes test membership of: their subclasses come from the data."""
    out = {o for o in shapes.objects(None, SH.targetClass) if isinstance(o, URIRef)}
    out |= {o for o in shapes.objects(None, SH["class"]) if isinstance(o, URIRef)}
    return out


def compile_shapes(shapes: Graph, subclasses: dict[URIRef, list[URIRef]]) -> Compiled:
    """Translate every targeted shape; the ones that cannot be translated are listed."""
    out = Compiled()
    for shape in targeted_shapes(shapes):
        part = Compiled()
        try:
            _Compiler(shapes, subclasses).shape(shape, part)
        except Unsupported as exc:
            out.fallback.append(shape)
            out.fallback_reasons[rule_name(shapes, shape)] = str(exc)
            continue
        out.checks += part.checks
        out.term_checks += part.term_checks
    return out


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


def lexical_ok(lexical: str, datatype: str | None, required: URIRef) -> bool:
    """Whether an input literal has the integer-derived ``required`` type and a valid form.

    >>> lexical_ok("7", str(XSD.nonNegativeInteger), XSD.nonNegativeInteger)
    True
    >>> lexical_ok("-1", str(XSD.nonNegativeInteger), XSD.nonNegativeInteger)
    False
    """
    if datatype != str(required) or not re.fullmatch(r"\s*[+-]?[0-9]+\s*", lexical):
        return False
    return INTEGER_RANGES[required](int(lexical))


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


#: One literal of the input: subject IRI, predicate IRI, lexical form, datatype IRI (None
#: when the object is not a literal).
InputTerm = tuple[str, str, str, "str | None"]


def _message(template: str, row: dict[str, Any]) -> str:
    """Fill ``{?var}`` and ``{$var}`` from a result row, as pySHACL does."""

    def fill(match: re.Match[str]) -> str:
        term = row.get(match.group(1))
        return term.value if term is not None else match.group(0)

    return re.sub(r"\{[?$](\w+)\}", fill, template)


def _term_text(term: Any) -> str:
    return "" if term is None else str(term.value)


def run_checks(
    store: ox.Store, compiled: Compiled, input_terms: Iterable[InputTerm] | None = None
) -> list[Finding]:
    """Every compiled check on the store, and the term checks on ``input_terms``.

    Labels are left empty; the caller looks them up once for all findings.
    """

    def solve(check: Check) -> list[dict[str, Any]]:
        return solution_rows(store, check.query, prefixes=None)

    findings: list[Finding] = []
    for check, rows in zip(compiled.checks, in_parallel(solve, compiled.checks), strict=True):
        for values in rows:
            path = check.path
            if isinstance(values.get("path"), ox.NamedNode):
                path = shorten(URIRef(values["path"].value))
            findings.append(
                Finding(
                    severity=check.severity,
                    focus=values["this"].value,
                    label="",
                    rule=check.rule,
                    message=_message(check.message, values),
                    component=check.component,
                    path=path,
                    value=_term_text(values.get("value")),
                )
            )
    if compiled.term_checks:
        findings += _term_findings(store, compiled.term_checks, input_terms or ())
    return findings


def _term_findings(
    store: ox.Store, checks: list[TermCheck], input_terms: Iterable[InputTerm]
) -> list[Finding]:
    focus = {
        id(c): {
            row["this"].value
            for row in cast(ox.QuerySolutions, store.query(c.targets))
            if isinstance(row["this"], ox.NamedNode | ox.BlankNode)
        }
        for c in checks
    }
    by_predicate: dict[str, list[TermCheck]] = {}
    for check in checks:
        by_predicate.setdefault(str(check.predicate), []).append(check)
    findings = set()
    for subject, predicate, lexical, datatype in input_terms:
        for check in by_predicate.get(predicate, ()):
            if subject in focus[id(check)] and not lexical_ok(lexical, datatype, check.datatype):
                findings.add(
                    Finding(
                        severity=check.severity,
                        focus=subject,
                        label="",
                        rule=check.rule,
                        message=check.message,
                        component="sh:DatatypeConstraintComponent",
                        path=check.path,
                        value=lexical,
                    )
                )
    return sorted(findings)
