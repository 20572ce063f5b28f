"""What a SHACL shapes graph holds: which nodes are shapes, what they target, which shapes
they use, and how findings name a shape and a severity. Both engines read it (the SPARQL
compiler, :mod:`iusgraph.validation.fastshacl`, and the pySHACL adapter,
:mod:`iusgraph.validation.reference`), so they agree on every name.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from iusgraph.graph.namespaces import SH, shorten


def ordered(nodes: Iterable[Node]) -> list[Node]:
    """Nodes in a stable order: IRIs first, then blank nodes, each by their text."""
    return sorted(set(nodes), key=lambda n: (isinstance(n, BNode), str(n)))


#: The severities SHACL defines, which findings name by their local name.
SEVERITIES = (SH.Violation, SH.Warning, SH.Info)


def severity_name(severity: Node | None) -> str:
    """How a finding names a severity: ``Violation``, ``Warning`` or ``Info``, or the full
    IRI of a custom one (it is none of them, and its namespace is part of its name).

    >>> severity_name(None), severity_name(SH.Warning)
    ('Violation', 'Warning')
    >>> severity_name(URIRef("http://example.org/MySeverity"))
    'http://example.org/MySeverity'
    """
    if severity is None:
        return "Violation"
    if severity in SEVERITIES:
        return str(severity).rsplit("#", 1)[-1]
    return str(severity)


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


def is_true(term: Node | None) -> bool:
    """Whether a boolean parameter (sh:closed, sh:uniqueLang, sh:deactivated) is true."""
    return isinstance(term, Literal) and term.datatype == XSD.boolean and str(term) == "true"


#: The targets of SHACL 2.1.3 other than the implicit class target.
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


#: Parameters whose value is a shape, and those whose value is a list of shapes.
SHAPE_PARAMETERS = (SH.node, SH.property, SH["not"], SH.qualifiedValueShape)


SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


def shacl_instances(shapes: Graph, cls: URIRef) -> set[Node]:
    """The SHACL instances of ``cls`` in the shapes graph (rdf:type/rdfs:subClassOf*)."""
    classes = {cls} | set(shapes.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in shapes.subjects(RDF.type, c)}


def implicit_class_target(shapes: Graph, shape: Node) -> bool:
    """Whether ``shape`` has an implicit class target (SHACL 2.1.3.3): it is a class and a
    node or property shape."""
    return (
        isinstance(shape, URIRef)
        and shape in shacl_instances(shapes, RDFS.Class)
        and shape
        in (shacl_instances(shapes, SH.NodeShape) | shacl_instances(shapes, SH.PropertyShape))
    )


def targeted_shapes(shapes: Graph) -> list[Node]:
    """Shapes with at least one target, explicit or implicit, in a stable order."""
    found: set[Node] = set()
    for pred in TARGETS:
        found.update(shapes.subjects(pred, None))
    classes = shacl_instances(shapes, RDFS.Class)
    found.update(s for s in classes if implicit_class_target(shapes, s))
    return ordered(found)


def nested_shapes(shapes: Graph, shape: Node) -> set[Node]:
    """The shapes ``shape`` uses, transitively (sh:property, sh:node, sh:and ...)."""
    seen: set[Node] = set()
    todo = [shape]
    while todo:
        node = todo.pop()
        found = [o for pred in SHAPE_PARAMETERS for o in shapes.objects(node, pred)]
        for pred in SHAPE_LISTS:
            for members in shapes.objects(node, pred):
                found += Collection(shapes, members)
        new = [o for o in dict.fromkeys(found) if o not in seen]
        seen.update(new)
        todo += new
    seen.discard(shape)
    return seen


def all_shapes(shapes: Graph) -> list[Node]:
    """Every shape of the shapes graph (SHACL 2.1): typed node and property shapes, the
    subjects of targets, and the values of the shape-expecting parameters."""
    found = shacl_instances(shapes, SH.NodeShape) | shacl_instances(shapes, SH.PropertyShape)
    found.update(targeted_shapes(shapes))
    for pred in SHAPE_PARAMETERS:
        found.update(shapes.objects(None, pred))
    for pred in SHAPE_LISTS:
        for members in shapes.objects(None, pred):
            found.update(Collection(shapes, members))
    return ordered(found)
