"""SHACL on Oxigraph: the shapes compiled to SPARQL, for graphs too big for pySHACL.

pySHACL stays the reference engine (``validate --engine pyshacl``).
``tests/test_fastshacl.py`` checks that both report the same set of
(focus node, path, constraint component, severity, rule) on every shape
fixture, on the real graph and on synthetic graphs with injected faults.

Two things the store cannot answer are handled apart, never skipped:

- a shape that uses a SHACL feature this compiler does not know is listed in
  :attr:`Compiled.fallback` and checked by pySHACL;
- Oxigraph stores integer-derived literals (``xsd:nonNegativeInteger``,
  ``xsd:int`` ...) as ``xsd:integer``, so ``sh:datatype`` with such a type is
  a :class:`TermCheck`, run on the parsed input instead of the store.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from iusgraph.graph import terms
from iusgraph.graph.namespaces import SH, shorten
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
#: Shape properties that are not constraints.
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
#: Value-node constraints compiled to one boolean SPARQL expression each.
VALUE_COMPONENTS = {
    SH["class"]: "Class",
    SH.datatype: "Datatype",
    SH.nodeKind: "NodeKind",
    SH.pattern: "Pattern",
    SH["in"]: "In",
    SH.languageIn: "LanguageIn",
    SH.minLength: "MinLength",
    SH.maxLength: "MaxLength",
    SH["not"]: "Not",
}
DEFAULT_MESSAGES = {
    "Class": "value is not an instance of the required class",
    "Datatype": "value does not have the required datatype",
    "NodeKind": "value is not of the required node kind",
    "Pattern": "value does not match the pattern",
    "In": "value is not in the allowed list",
    "LanguageIn": "value has a disallowed language",
    "MinLength": "value is too short",
    "MaxLength": "value is too long",
    "Not": "value conforms to a shape it must not conform to",
    "HasValue": "the required value is missing",
    "MinCount": "too few values",
    "MaxCount": "too many values",
    "LessThan": "value is not less than the compared value",
    "QualifiedMinCount": "too few values conform to the qualified shape",
    "QualifiedMaxCount": "too many values conform to the qualified shape",
    "SPARQL": "the SPARQL constraint found a problem",
}


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

    def message(self, node: Node, fallback: Node | None, component: str) -> str:
        for candidate in (node, fallback):
            if candidate is not None:
                text = self.shapes.value(candidate, SH.message)
                if text is not None:
                    return str(text)
        return DEFAULT_MESSAGES[component]

    # -- value constraints as expressions ----------------------------------------------
    def conforms(self, shape: Node, v: str) -> str:
        """An expression true when ``v`` conforms to a nested shape of value constraints."""
        parts = []
        for pred, obj in self.shapes.predicate_objects(shape):
            if pred in NON_CONSTRAINTS - {SH.property, SH.sparql, SH.path}:
                continue
            if pred == SH.hasValue:
                parts.append(f"sameTerm({v}, {self.constant(obj)})")
            elif pred in VALUE_COMPONENTS:
                parts.append(self.value_expr(pred, obj, v, shape))
            else:
                raise Unsupported(f"{shorten(pred)} inside a nested shape")
        return "(" + " && ".join(parts or ["true"]) + ")"

    def constant(self, term: Node) -> str:
        """A term compared with sameTerm: the store rewrites typed literals, so only IRIs and
        strings are safe."""
        if isinstance(term, Literal) and term.datatype not in (None, XSD.string):
            raise Unsupported("a typed literal compared by identity")
        return sparql_term(term)

    def value_expr(self, pred: URIRef, obj: Node, v: str, owner: Node | None = None) -> str:
        if pred == SH["class"]:
            t = self.var()
            return f"EXISTS {{ {v} a {t} . FILTER({t} IN ({', '.join(self.classes(obj))})) }}"
        if pred == SH.datatype:
            return self.datatype_expr(obj, v)
        if pred == SH.nodeKind:
            if obj not in NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {obj}")
            return NODE_KINDS[obj].format(v=v)  # type: ignore[index]
        if pred == SH.pattern:
            flags = self.shapes.value(owner, SH.flags) if owner is not None else None
            args = sparql_term(Literal(str(obj))) + (
                f", {sparql_term(Literal(str(flags)))}" if flags else ""
            )
            return f"(!isBlank({v}) && regex(str({v}), {args}))"
        if pred == SH["in"]:
            members = [self.constant(m) for m in Collection(self.shapes, obj)]  # type: ignore[arg-type]
            return "(" + " || ".join([f"sameTerm({v}, {m})" for m in members] or ["false"]) + ")"
        if pred == SH.languageIn:
            tags = [sparql_term(Literal(str(t))) for t in Collection(self.shapes, obj)]  # type: ignore[arg-type]
            matches = " || ".join(f"langMatches(lang({v}), {t})" for t in tags) or "false"
            return f"(isLiteral({v}) && ({matches}))"
        if pred in (SH.minLength, SH.maxLength):
            op = ">=" if pred == SH.minLength else "<="
            return f"(!isBlank({v}) && strlen(str({v})) {op} {int(obj)})"  # type: ignore[arg-type]
        if pred == SH["not"]:
            return f"!{self.conforms(obj, v)}"
        raise Unsupported(f"{shorten(pred)}")

    def datatype_expr(self, datatype: Node, v: str) -> str:
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

    # -- whole shapes ------------------------------------------------------------------
    def shape(self, shape: Node, out: Compiled) -> None:
        """Compile one targeted node shape with its property shapes."""
        target = self.targets(shape)
        if target is None or self.shapes.value(shape, SH.deactivated) == Literal(True):
            return
        for pred, obj in self.shapes.predicate_objects(shape):
            if pred in NON_CONSTRAINTS:
                continue
            component = self.component_name(pred)
            self.add(
                out,
                shape,
                None,
                component,
                None,
                obj,
                self.value_query(target, None, self.value_expr(pred, obj, "?value", shape))
                if pred in VALUE_COMPONENTS
                else self.node_query(target, pred, obj),
            )
        for sparql in self.shapes.objects(shape, SH.sparql):
            self.add(out, shape, sparql, "SPARQL", None, sparql, self.sparql_query(target, sparql))
        for prop in self.shapes.objects(shape, SH.property):
            self.property_shape(prop, target, out)

    def component_name(self, pred: Node) -> str:
        if pred in VALUE_COMPONENTS:
            return VALUE_COMPONENTS[pred]  # type: ignore[index]
        if pred == SH.hasValue:
            return "HasValue"
        raise Unsupported(f"{shorten(pred)}")

    def node_query(self, target: str, pred: Node, obj: Node) -> str:
        if pred == SH.hasValue:
            return (
                f"SELECT ?this ?value WHERE {{ {target} BIND(?this AS ?value) "
                f"FILTER(!sameTerm(?this, {self.constant(obj)})) }}"
            )
        raise Unsupported(f"{shorten(pred)}")

    def value_query(self, target: str, path: str | None, expr: str) -> str:
        values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
        return f"SELECT ?this ?value WHERE {{ {target} {values} FILTER(!{expr}) }}"

    def property_shape(self, prop: Node, target: str, out: Compiled) -> None:
        path_node = self.shapes.value(prop, SH.path)
        if path_node is None:
            raise Unsupported("a property shape without sh:path")
        if self.shapes.value(prop, SH.deactivated) == Literal(True):
            return
        path = self.path(path_node)
        if (prop, SH.property, None) in self.shapes or (prop, SH.sparql, None) in self.shapes:
            raise Unsupported("sh:property or sh:sparql inside a property shape")
        for pred, obj in self.shapes.predicate_objects(prop):
            if pred in NON_CONSTRAINTS or pred in (SH.qualifiedMinCount, SH.qualifiedMaxCount):
                continue
            if pred == SH.datatype and obj in INTEGER_DERIVED:
                if not isinstance(path_node, URIRef):
                    raise Unsupported(f"sh:datatype {shorten(obj)} on a complex path")
                out.term_checks.append(
                    TermCheck(
                        rule_name(self.shapes, prop),
                        self.severity(prop),
                        shorten(path_node),
                        self.message(prop, None, "Datatype"),
                        path_node,
                        obj,  # type: ignore[arg-type]
                        f"SELECT DISTINCT ?this WHERE {{ {target} }}",
                    )
                )
                continue
            if pred in VALUE_COMPONENTS:
                self.add(
                    out,
                    prop,
                    None,
                    VALUE_COMPONENTS[pred],
                    path_node,
                    obj,  # type: ignore[index]
                    self.value_query(target, path, self.value_expr(pred, obj, "?value", prop)),
                )
            elif pred == SH.minCount:
                self.add(
                    out,
                    prop,
                    None,
                    "MinCount",
                    path_node,
                    obj,
                    self.count_query(target, path, "", "<", int(obj)),
                )  # type: ignore[arg-type]
            elif pred == SH.maxCount:
                self.add(
                    out,
                    prop,
                    None,
                    "MaxCount",
                    path_node,
                    obj,
                    self.count_query(target, path, "", ">", int(obj)),
                )  # type: ignore[arg-type]
            elif pred == SH.qualifiedValueShape:
                if self.shapes.value(prop, SH.qualifiedValueShapesDisjoint) == Literal(True):
                    raise Unsupported("sh:qualifiedValueShapesDisjoint")
                condition = f"FILTER{self.conforms(obj, '?value')}"
                for param, component, op in (
                    (SH.qualifiedMinCount, "QualifiedMinCount", "<"),
                    (SH.qualifiedMaxCount, "QualifiedMaxCount", ">"),
                ):
                    bound = self.shapes.value(prop, param)
                    if bound is not None:
                        self.add(
                            out,
                            prop,
                            None,
                            component,
                            path_node,
                            obj,
                            self.count_query(target, path, condition, op, int(bound)),
                        )  # type: ignore[arg-type]
            elif pred == SH.hasValue:
                self.add(
                    out,
                    prop,
                    None,
                    "HasValue",
                    path_node,
                    obj,
                    f"SELECT ?this WHERE {{ {target} FILTER NOT EXISTS "
                    f"{{ ?this {path} {self.constant(obj)} }} }}",
                )
            elif pred == SH.lessThan:
                if not isinstance(obj, URIRef):
                    raise Unsupported("sh:lessThan with a complex path")
                self.add(
                    out,
                    prop,
                    None,
                    "LessThan",
                    path_node,
                    obj,
                    f"SELECT ?this ?value WHERE {{ {target} ?this {path} ?value . "
                    f"?this <{obj}> ?_other . FILTER(!COALESCE(?value < ?_other, false)) }}",
                )
            else:
                raise Unsupported(f"{shorten(pred)}")

    def count_query(self, target: str, path: str, condition: str, op: str, bound: int) -> str:
        if op == "<":
            pattern = f"OPTIONAL {{ ?this {path} ?value . {condition} }}"
        else:
            pattern = f"?this {path} ?value . {condition}"
        return (
            f"SELECT ?this WHERE {{ {target} {pattern} }} GROUP BY ?this "
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
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in self.prefixes(constraint))
        return f"{prefixes}{text[: where.end()]} {target} {text[where.end() :]}"

    def prefixes(self, constraint: Node) -> Iterator[tuple[str, str]]:
        for source in self.shapes.objects(constraint, SH.prefixes):
            for decl in self.shapes.objects(source, SH.declare):
                yield (
                    str(self.shapes.value(decl, SH.prefix)),
                    str(self.shapes.value(decl, SH.namespace)),
                )

    def add(
        self,
        out: Compiled,
        shape: Node,
        constraint: Node | None,
        component: str,
        path: Node | None,
        param: Node,
        query: str,
    ) -> None:
        parent = (
            None
            if isinstance(shape, URIRef) or constraint is not None
            else self.shapes.value(predicate=SH.property, object=shape)
        )
        node = constraint if constraint is not None else shape
        out.checks.append(
            Check(
                rule=rule_name(self.shapes, shape, constraint),
                component=f"sh:{component}ConstraintComponent",
                severity=self.severity(shape),
                path=shorten(path) if path is not None else "",
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
        rows = store.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS.subClassOf}>* <{cls}> }}")
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


INTEGER_RANGES = {
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
        solutions = store.query(check.query)
        names = [v.value for v in solutions.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in solutions]

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
            for row in store.query(c.targets)
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
