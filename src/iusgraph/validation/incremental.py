"""Incremental validation (``iusgraph validate --since OLD``): only what a change can affect.

The two graphs are compared as N-Triples lines, as the files write them (the store rewrites
some datatypes, so its dump could hide a change of datatype), and the delta (added,
removed) is parsed by Oxigraph. Then:

- **the affected focus nodes** are the subjects and objects of the changed triples, and
  the nodes that reach them through the shapes' paths: the shapes graph's ``sh:path``s
  (inverse paths included) are walked backwards from the changed nodes, in the new graph,
  to a fixpoint (bounded: :data:`MAX_ROUNDS`, :data:`MAX_AFFECTED`);
- **SPARQL rules** (the QC queries and the shapes' SPARQL constraints) are read with
  rdflib's own parser (``prepareQuery``'s algebra): a rule whose triple patterns no
  changed triple can match runs on the affected nodes only. For a pattern a changed triple
  matches, the triple pre-binds the pattern's variables that every solution binds, or, for
  a pattern with none of its own (inside a negation or an OPTIONAL), the neighbours its
  basic graph pattern reaches from the triple (run on both graphs; inside an EXISTS or
  NOT EXISTS, with the triples of the groups the filter is in): the focus nodes so
  named are affected too. A changed step of a ``*`` or ``+`` path binds the step's ends
  (:data:`EDGE`), from which that pattern reaches the path's ends. The rule runs whole
  when a pattern cannot be pre-bound (a property path with ``?`` or a sequence, or no
  variable every solution binds), or
  when a pre-bound row leaves the focus open (:data:`COSTLIER`), but for a symmetric rule
  of pairs (a ``# symmetric: ?other`` header): a row that binds ``?other`` is run with
  ``?focus`` bound to it and ``?unordered`` bound, which lifts the rule's order filter, so
  both ends of its pairs are named from the bound claim. The report's notes say which rule
  ran how;
- the compiled shape checks run with their targets restricted to the affected nodes (to
  those of the check's class, or with its predicate, when its target is one of those:
  :func:`target_nodes`), the QC queries with ``?focus`` restricted to them (the ``VALUES``
  block starts each ``MINUS`` group directly in the WHERE group or a UNION branch too when
  they all bind the focus), and the term checks of :mod:`iusgraph.validation.termcheck` on
  the new graph's triples of the affected nodes as written. A QC rule that some changed
  triple could make run whole (:func:`may_run_whole`, known from the rule alone: the
  conflict rule) runs whole for any change, on a thread of its own started before the
  delta, one query per branch of its UNION (:mod:`iusgraph.validation.branches`).

What it promises (``tests/validation/test_incremental.py``): the findings are those of a
full validation of the new graph restricted to :attr:`Incremental.scope`, and every finding
outside the scope is also a finding of the old graph (nothing outside it changed).
Correctness beats speed: anything this module cannot bound (blank nodes, a change to the
class hierarchy, a walk past its bounds) is a full validation, with a note saying why.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef, Variable
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS
from rdflib.paths import AlternativePath, InvPath, MulPath, NegatedPath
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from iusgraph.errors import InputError
from iusgraph.exiting import keep
from iusgraph.graph.backend import solution_rows, values_clause
from iusgraph.graph.load import file_type, parse_quads
from iusgraph.graph.namespaces import SH
from iusgraph.graph.prefixes import PREFIXES
from iusgraph.graph.serialize import to_ntriples
from iusgraph.graph.store import in_parallel, store_from_files
from iusgraph.graph.terms import node_text
from iusgraph.graph.vocabulary import ontology_graph, shapes_graph
from iusgraph.query.catalog import comment_header, qc_queries
from iusgraph.validation.checks import (
    duration_findings,
    qc_findings,
    selector_findings,
    store_mapping_findings,
    with_labels,
)
from iusgraph.validation.fastshacl import (
    SPARQL_COMPONENT,
    TARGET_FORMS,
    Compiled,
    compile_shapes,
    needed_classes,
    run_checks,
    subclass_map,
)
from iusgraph.validation.report import Finding, Report
from iusgraph.validation.sparqlconstraint import sparql_code
from iusgraph.validation.termcheck import REWRITTEN_INTO, InputTerm
from iusgraph.validation.validate import validate_store

#: The backward walk along the shapes' paths stops after this many rounds (a path with
#: ``*`` or ``+`` has no length); past it the whole graph is validated.
MAX_ROUNDS = 32

#: More affected nodes than this: a full validation (the restriction would cost more).
MAX_AFFECTED = 200_000

#: The file a release bundle folder holds its graph in.
BUNDLE_GRAPH = "iusgraph.nt"

#: Predicates whose change is read by the mapping check (``iusgraph mappings check``).
_MAPPING_NAMESPACES = ("https://w3id.org/sssom/", "http://www.w3.org/2002/07/owl#annotated")


# -- the two graphs and their delta ---------------------------------------------------------


@dataclass
class Side:
    """One of the two graphs: its files, its triples as N-Triples lines (as written), and
    its store (with the ontology), loaded only when asked."""

    paths: list[Path]
    lines: set[bytes]
    store: ox.Store | None = None
    #: The rdflib graph it came from, when it is the curated data (no files).
    graph: Graph | None = None


def graph_paths(source: Path) -> list[Path]:
    """The graph files of ``--since OLD``: a file, or a release bundle folder's
    ``iusgraph.nt``; a missing one is an input error naming it."""
    if source.is_dir():
        nt = source / BUNDLE_GRAPH
        if not nt.is_file():
            raise InputError(
                f"{source} is a folder without {BUNDLE_GRAPH}: give a graph file or a release "
                "bundle folder (iusgraph release --out DIR)",
                path=str(source),
            )
        return [nt]
    if not source.exists():
        raise InputError(
            "no such graph file or release bundle folder; give the graph to compare with "
            "(a file iusgraph reads, or a folder holding iusgraph.nt)",
            path=str(source),
        )
    return [source]


def _lines(data: bytes) -> Iterator[bytes]:
    for line in data.split(b"\n"):
        line = line.strip()
        if line and not line.startswith(b"#"):
            yield line


def file_lines(paths: list[Path]) -> set[bytes]:
    """The triples of the files as N-Triples lines: an ``.nt`` file's own lines, any other
    file parsed by Oxigraph and written as N-Triples (its literals as written)."""
    out: set[bytes] = set()
    for path in paths:
        if file_type(path) == ox.RdfFormat.N_TRIPLES:
            out.update(_lines(path.read_bytes()))
        else:
            triples = (q.triple for q in parse_quads(path))
            out.update(_lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""))
    return out


def _ontology_lines() -> set[bytes]:
    return set(_lines(to_ntriples(ontology_graph()).encode("utf-8")))


def load_side(paths: list[Path]) -> Side:
    """A graph from files: the lines, and the store (parsed by Oxigraph, the ontology added)."""
    lines = file_lines(paths)
    store = store_from_files(paths)
    _add_ontology(store)
    keep(store)  # the command line ends without freeing it (iusgraph.exiting)
    return Side(paths, lines, store)


def graph_side(graph: Graph) -> Side:
    """The curated graph (``validate`` with no files) as a side."""
    data = to_ntriples(graph).encode("utf-8")
    store = ox.Store()
    store.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    _add_ontology(store)
    return Side([], set(_lines(data)), store, graph)


def _add_ontology(store: ox.Store) -> None:
    store.bulk_load(to_ntriples(ontology_graph()).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)


@dataclass(frozen=True)
class Delta:
    """The triples added and removed, parsed, and their lines (as written)."""

    added: list[ox.Triple]
    removed: list[ox.Triple]
    added_lines: list[bytes]
    removed_lines: list[bytes]

    @property
    def changed(self) -> list[ox.Triple]:
        """Added and removed together."""
        return self.added + self.removed


def _parse_lines(lines: list[bytes]) -> list[ox.Triple]:
    if not lines:
        return []
    data = b"\n".join(lines) + b"\n"
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]


def delta(old: Side, new: Side) -> Delta:
    """The triples of ``new`` not in ``old`` and the other way round, each graph with the
    ontology (the store holds it on both sides), compared as N-Triples lines."""
    ontology = _ontology_lines()
    # One symmetric difference (a copy of one set, a lookup per line of the other) costs
    # half of two differences: 0.26 s against 0.5 s at 1M lines.
    changed = (new.lines ^ old.lines) - ontology
    added = sorted(line for line in changed if line in new.lines)
    removed = sorted(line for line in changed if line not in new.lines)
    return Delta(_parse_lines(added), _parse_lines(removed), added, removed)


# -- the shapes' paths, walked backwards ---------------------------------------------------


@dataclass
class Reads:
    """Which triples the shapes read from a node, and the steps from a node to the next."""

    #: A changed triple with one of these predicates: its subject is walked back from.
    forward: set[str] = field(default_factory=set)
    #: ... its object is walked back from.
    inverse: set[str] = field(default_factory=set)
    #: The path steps: from a node ``n``, ``?x p n`` (forward) or ``n p ?x`` (inverse).
    step_forward: set[str] = field(default_factory=set)
    step_inverse: set[str] = field(default_factory=set)
    #: A closed shape reads every predicate of its nodes.
    closed: bool = False


def _path_steps(shapes: Graph, path: Node, inverse: bool, reads: Reads) -> None:
    if isinstance(path, URIRef):
        (reads.step_inverse if inverse else reads.step_forward).add(str(path))
        (reads.inverse if inverse else reads.forward).add(str(path))
        return
    if (path, RDF.first, None) in shapes:
        for step in Collection(shapes, path):
            _path_steps(shapes, step, inverse, reads)
        return
    for pred, flip in (
        (SH.inversePath, True),
        (SH.zeroOrMorePath, False),
        (SH.oneOrMorePath, False),
        (SH.zeroOrOnePath, False),
        (SH.alternativePath, False),
    ):
        inner = shapes.value(path, pred)
        if inner is not None:
            _path_steps(shapes, inner, inverse != flip, reads)


def shape_reads(shapes: Graph) -> Reads:
    """What every shape of ``shapes`` can read, over-approximated: every ``sh:path`` of the
    shapes graph is a step from any node, in its direction."""
    reads = Reads(forward={str(RDF.type)})
    for path in shapes.objects(None, SH.path):
        _path_steps(shapes, path, False, reads)
    for pred in (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals):
        reads.forward.update(str(o) for o in shapes.objects(None, pred))
    reads.closed = any(True for _ in shapes.subjects(SH.closed, None))
    return reads


def walk_back(store: ox.Store, start: set[str], reads: Reads) -> set[str] | None:
    """The nodes that reach ``start`` through the shapes' path steps (``start`` included),
    in the store; None past :data:`MAX_ROUNDS` or :data:`MAX_AFFECTED`."""
    seen = set(start)
    frontier = sorted(start)
    forward = "|".join(f"<{p}>" for p in sorted(reads.step_forward))
    inverse = "|".join(f"<{p}>" for p in sorted(reads.step_inverse))
    parts = ([f"{{ ?x {forward} ?n }}"] if forward else []) + (
        [f"{{ ?n {inverse} ?x }}"] if inverse else []
    )
    if not parts:
        return seen
    for _ in range(MAX_ROUNDS):
        if not frontier:
            return seen
        found: set[str] = set()
        for chunk in range(0, len(frontier), 2000):
            query = (
                f"SELECT DISTINCT ?x WHERE {{ {values_clause('n', frontier[chunk : chunk + 2000])} "
                f"{' UNION '.join(parts)} FILTER(isIRI(?x)) }}"
            )
            found.update(row["x"].value for row in cast(ox.QuerySolutions, store.query(query)))
        frontier = sorted(found - seen)
        seen |= found
        if len(seen) > MAX_AFFECTED:
            return None
    return None if frontier else seen


# -- SPARQL rules: which patterns a changed triple matches, pre-bound ----------------------

#: A term of a pattern: ("var", name), ("iri", IRI) or ("any", "") (a blank node or a
#: literal of the query: matched by any term, which can only include more).
Term = tuple[str, str]


@dataclass(frozen=True)
class Pattern:
    """A triple pattern of a rule's algebra, with the variables a pre-binding may fix.

    ``kind`` says how its predicate matches: ``var`` (any predicate, bound to the variable
    ``iris[0]``), ``iri`` (one of ``iris``; ``inverse`` for ``^p``), ``closure`` (``*`` or
    ``+`` over ``iris``, written forward from ``subject`` to ``object``: a changed step
    binds :data:`EDGE`, and :attr:`split` reaches the path's ends from it), ``path`` (a
    path with ``?`` or a sequence, along ``iris``: it matches but cannot be pre-bound),
    ``any`` (a negated property set).
    """

    subject: Term
    kind: str
    iris: tuple[str, ...]
    inverse: bool
    object: Term
    pinnable: tuple[str, ...]
    #: The variables of its basic graph pattern that a pre-binding may fix, and that
    #: pattern as SPARQL: a pattern with no pinnable variable of its own reaches them
    #: through its neighbours.
    bridge: tuple[str, ...] = ()
    #: Each triple of that pattern as SPARQL with its variables, and this one's place.
    bgp: tuple[tuple[str, tuple[str, ...]], ...] = ()
    index: int = 0
    #: A closure's place in that pattern when one of its steps changed: the path's ends
    #: reached from the changed step's ends (:data:`EDGE`), as SPARQL with its variables.
    split: tuple[str, tuple[str, ...]] | None = None


#: The variables a changed step of a closure (``?x p* ?y``, :attr:`Pattern.split`) binds:
#: its subject and its object. A path that uses the step ``s p o`` is ``?x p* s`` then
#: ``o p* ?y``, for ``+`` as for ``*``.
EDGE = ("_edge_s", "_edge_o")


@dataclass(frozen=True)
class Rule:
    """A SPARQL rule (a QC query, or a compiled SPARQL constraint of a shape)."""

    name: str
    text: str
    focus: str  # the variable whose values are the findings' focus nodes
    patterns: tuple[Pattern, ...]
    #: Whether every solution binds the focus variable (then ``VALUES`` restricts it).
    restrictable: bool
    #: The focus's partner in a rule whose pairs are symmetric (its ``# symmetric: ?other``
    #: header): with ``?unordered`` bound (to true), the rule finds each pair in both orders,
    #: so a changed triple on the partner is carried to the focus (:func:`pinned_foci`).
    partner: str = ""
    #: Whether every MINUS group binds the focus variable in every solution: then a
    #: ``VALUES`` block that restricts the focus may start each of them too (:func:`inject`).
    minus_bound: bool = False


def _variables(term: Any) -> set[str]:
    return {str(term)} if isinstance(term, Variable) else set()


def _certain(node: Any) -> set[str]:
    """The variables every solution of an algebra node binds (an under-approximation)."""
    if not isinstance(node, CompValue):
        return set()
    name = node.name
    if name == "BGP":
        found: set[str] = set()
        for s, p, o in node["triples"]:
            found |= _variables(s) | _variables(o) | _variables(p)
        return found
    if name == "Join":
        return _certain(node["p1"]) | _certain(node["p2"])
    if name == "Union":
        return _certain(node["p1"]) & _certain(node["p2"])
    if name in ("LeftJoin", "Minus"):
        return _certain(node["p1"])
    if name == "Project":
        return _certain(node["p"]) & {str(v) for v in node["PV"]}
    if name in ("Filter", "Extend", "Distinct", "Reduced", "OrderBy", "Slice", "ToMultiSet"):
        return _certain(node["p"])
    return set()  # VALUES, GROUP BY, aggregates, graphs: nothing certain


def _term(term: Any) -> Term:
    if isinstance(term, Variable):
        return ("var", str(term))
    if isinstance(term, URIRef):
        return ("iri", str(term))
    return ("any", "")


def _path_iris(path: Any) -> tuple[str, ...] | None:
    """The IRIs a path steps along; None for a negated property set (any predicate)."""
    if isinstance(path, URIRef):
        return (str(path),)
    if isinstance(path, NegatedPath):
        return None
    parts = getattr(path, "args", None)
    if parts is None:
        inner = (
            getattr(path, "arg", None) if isinstance(path, InvPath) else getattr(path, "path", None)
        )
        parts = [inner]
    found: list[str] = []
    for part in parts:
        iris = _path_iris(part)
        if iris is None:
            return None
        found += iris
    return tuple(sorted(set(found)))


def _simple(path: Any) -> tuple[tuple[str, ...], bool] | None:
    """An IRI, an alternative of IRIs or their inverse: (IRIs, inverse); else None."""
    if isinstance(path, URIRef):
        return (str(path),), False
    if isinstance(path, InvPath):
        inner = _simple(path.arg)
        return (inner[0], not inner[1]) if inner else None
    if isinstance(path, AlternativePath):
        parts = [_simple(a) for a in path.args]
        if all(p is not None and not p[1] for p in parts):
            return tuple(sorted({i for p in parts if p for i in p[0]})), False
    return None


def _closure(path: Any) -> tuple[tuple[str, ...], bool, str] | None:
    """A ``*`` or ``+`` closure of an IRI, an alternative of IRIs or their inverse, or the
    inverse of one: (IRIs, inverse, modifier); else None."""
    if isinstance(path, InvPath):
        inner = _closure(path.arg)
        return (inner[0], not inner[1], inner[2]) if inner else None
    if isinstance(path, MulPath) and path.mod in ("*", "+"):
        simple = _simple(path.path)
        return (simple[0], simple[1], path.mod) if simple else None
    return None


def _steps(iris: tuple[str, ...]) -> str:
    return "(" + "|".join(f"<{i}>" for i in iris) + ")"


def _bgp_text(s: Any, p: Any, o: Any) -> str:
    """A triple pattern as SPARQL; a closure written forward (``^p*`` as ``p*``, reversed)."""
    if isinstance(p, Variable):
        return f"{_sparql(s)} {_sparql(p)} {_sparql(o)} ."
    closure = _closure(p)
    if closure is None:
        return f"{_sparql(s)} {p.n3()} {_sparql(o)} ."
    iris, inverse, mod = closure
    start, end = (o, s) if inverse else (s, o)
    return f"{_sparql(start)} {_steps(iris)}{mod} {_sparql(end)} ."


def _sparql(term: Any) -> str:
    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, BNode):
        return f"?_b{hashlib.sha256(str(term).encode()).hexdigest()[:12]}"
    return str(term.n3())


def _pattern(
    s: Any,
    p: Any,
    o: Any,
    limit: frozenset[str] | None,
    bridge: tuple[str, ...],
    bgp: tuple[tuple[str, tuple[str, ...]], ...],
    index: int,
) -> Pattern:
    variables = _variables(s) | _variables(o) | _variables(p)
    pinnable = tuple(sorted(variables if limit is None else variables & limit))
    if isinstance(p, Variable):
        return Pattern(_term(s), "var", (str(p),), False, _term(o), pinnable, bridge, bgp, index)
    simple = _simple(p)
    if simple is not None:
        return Pattern(
            _term(s), "iri", simple[0], simple[1], _term(o), pinnable, bridge, bgp, index
        )
    closure = _closure(p)
    if closure is not None:
        iris, inverse, _ = closure
        start, end = (o, s) if inverse else (s, o)
        split = (
            f"{_sparql(start)} {_steps(iris)}* ?{EDGE[0]} . ?{EDGE[1]} {_steps(iris)}* "
            f"{_sparql(end)} .",
            tuple(sorted(variables | set(EDGE))),
        )
        return Pattern(
            _term(start), "closure", iris, False, _term(end), (), bridge, bgp, index, split
        )
    steps = _path_iris(p)
    kind = "any" if steps is None else "path"
    return Pattern(_term(s), kind, steps or (), False, _term(o), (), (), ())


def _collect(
    node: Any,
    limit: frozenset[str] | None,
    out: list[Pattern],
    top: bool,
    context: tuple[tuple[Any, Any, Any], ...] = (),
) -> None:
    """Every triple pattern under ``node``; ``limit`` the variables it shares with the
    query's WHERE group (None: all of them). Inside an EXISTS or NOT EXISTS, ``context``
    holds the triples of the groups the filter is in: a pattern there reaches the focus
    through them (a caveat's ``?target``, the triple a negative claim must not have)."""
    if isinstance(node, list | tuple):
        for item in node:
            _collect(item, limit, out, top, context)
        return
    if not isinstance(node, CompValue):
        return
    name = node.name
    if name == "BGP":
        own = [tuple(t) for t in node["triples"]]
        triples = own + [t for t in context if t not in own]
        every: set[str] = set()
        for s, p, o in triples:
            every |= _variables(s) | _variables(o) | _variables(p)
        bridge = tuple(sorted(every if limit is None else every & limit))
        bridgeable = all(
            isinstance(p, Variable) or _simple(p) is not None or _closure(p) is not None
            for _, p, _ in triples
        )
        bgp = tuple(
            (_bgp_text(s, p, o), tuple(sorted(_variables(s) | _variables(o) | _variables(p))))
            for s, p, o in triples
        )
        for index, (s, p, o) in enumerate(own):
            out.append(_pattern(s, p, o, limit, bridge if bridgeable else (), bgp, index))
        return
    if name == "Project" and not top:
        projected = frozenset(str(v) for v in node["PV"])
        limit = projected if limit is None else limit & projected
    if name in ("Group", "AggregateJoin"):
        limit = frozenset()
    if name == "Filter":
        _collect(node["p"], limit, out, top, context)
        _collect(node["expr"], limit, out, top, context + _bgp_triples(node["p"]))
        return
    for value in _children(node):
        _collect(value, limit, out, top and name != "Project", context)


def _bgp_triples(node: Any) -> tuple[tuple[Any, Any, Any], ...]:
    """The triples every solution of a group matches: its basic graph patterns, joined,
    under a BIND or a FILTER (the BIND after a FILTER in a group is under it)."""
    if not isinstance(node, CompValue):
        return ()
    if node.name == "BGP":
        return tuple(tuple(t) for t in node["triples"])
    if node.name == "Join":
        return _bgp_triples(node["p1"]) + _bgp_triples(node["p2"])
    if node.name in ("Extend", "Filter"):
        return _bgp_triples(node["p"])
    return ()


def _children(node: CompValue) -> Iterator[Any]:
    """The parts of an algebra node. rdflib keeps the algebra of an EXISTS or NOT EXISTS
    pattern in the node's ``graph`` attribute, and its parse tree in the item of that name
    (``translateExists``): the algebra is the part."""
    for key, value in node.items():
        if key in ("PV", "_vars", "datasetClause"):
            continue
        if key == "graph" and node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            value = vars(node).get("graph", value)
        yield value


def _read_rule(name: str, text: str, focus: str | None) -> Rule:
    from rdflib.plugins.sparql import prepareQuery

    query = prepareQuery(text, initNs=PREFIXES)
    algebra = query.algebra
    where = algebra["p"]
    certain = frozenset(_certain(where))
    patterns: list[Pattern] = []
    _collect(where, certain, patterns, True)
    projected = [str(v) for v in algebra.get("PV") or []]
    if focus is None:
        focus = "focus" if "focus" in projected else (projected[0] if projected else "focus")
    partner = comment_header(text).first("symmetric").strip().removeprefix("?")
    if partner and (partner not in projected or partner not in certain):
        raise InputError(
            f"{name}: '# symmetric: ?{partner}' names a variable that is not projected and "
            "bound in every solution; name the focus's partner, e.g. '# symmetric: ?other'"
        )
    minus_bound = all(focus in _certain(m["p2"]) for m in _minus_groups(where))
    return Rule(name, text, focus, tuple(patterns), focus in certain, partner, minus_bound)


def _minus_groups(node: Any) -> Iterator[CompValue]:
    """Every MINUS node of an algebra, nested ones and those in expressions included."""
    if isinstance(node, list | tuple):
        for item in node:
            yield from _minus_groups(item)
    elif isinstance(node, CompValue):
        if node.name == "Minus":
            yield node
        for value in _children(node):
            yield from _minus_groups(value)


def read_rules(rules: Sequence[tuple[str, str, str | None]]) -> list[Rule]:
    """Each (name, text, focus variable or None for the first) read with rdflib's own
    parser (``prepareQuery``'s algebra); the pre-bindable variables are those every
    solution of the WHERE group binds. Reading costs 0.1 s a rule, so the readings are
    cached (:mod:`iusgraph.graph.cache`) under the texts and the libraries."""
    from iusgraph.graph import cache

    key = cache.inputs_key("incremental-rules", json.dumps(list(rules)))

    def compute() -> bytes:
        return json.dumps([dataclasses.asdict(_read_rule(*rule)) for rule in rules]).encode()

    out = []
    for data in json.loads(cache.cached("rules", key, compute)):
        patterns = tuple(
            Pattern(
                tuple(p["subject"]),
                p["kind"],
                tuple(p["iris"]),
                p["inverse"],
                tuple(p["object"]),
                tuple(p["pinnable"]),
                tuple(p["bridge"]),
                tuple((text, tuple(names)) for text, names in p["bgp"]),
                p["index"],
                (p["split"][0], tuple(p["split"][1])) if p["split"] else None,
            )
            for p in data["patterns"]
        )
        out.append(
            Rule(
                data["name"],
                data["text"],
                data["focus"],
                patterns,
                data["restrictable"],
                data["partner"],
                data["minus_bound"],
            )
        )
    return out


def match(pattern: Pattern, triple: ox.Triple) -> dict[str, Any] | None:
    """The variable bindings of ``pattern`` for ``triple``, or None when it cannot match.
    A path that matches but cannot be bound gives ``{"": None}``."""
    p = triple.predicate.value
    bindings: dict[str, Any] = {}
    if pattern.kind == "any":
        return {"": None}
    if pattern.kind == "path":
        return {"": None} if p in pattern.iris else None
    if pattern.kind == "closure":
        return (
            dict(zip(EDGE, (triple.subject, triple.object), strict=True))
            if p in pattern.iris
            else None
        )
    if pattern.kind == "var":
        bindings[pattern.iris[0]] = triple.predicate
    elif p not in pattern.iris:
        return None
    subject, obj = (
        (triple.object, triple.subject) if pattern.inverse else (triple.subject, triple.object)
    )
    for (kind, text), value in ((pattern.subject, subject), (pattern.object, obj)):
        if kind == "var":
            if text in bindings and bindings[text] != value:
                return None
            bindings[text] = value
        elif kind == "iri" and not (isinstance(value, ox.NamedNode) and value.value == text):
            return None
    return bindings


def _where(code: str, text: str) -> tuple[int, int]:
    """The span of the WHERE group's body in ``code`` (after ``{``, before ``}``)."""
    where = re.search(r"\bWHERE\s*\{", code, re.IGNORECASE)
    if where is None:
        raise InputError(f"a rule without a WHERE group: {text[:60]!r}")
    depth = 0
    for position in range(where.end() - 1, len(code)):
        if code[position] == "{":
            depth += 1
        elif code[position] == "}":
            depth -= 1
            if depth == 0:
                return where.end(), position
    raise InputError(f"a rule whose WHERE group does not close: {text[:60]!r}")


def inject(text: str, block: str, lateral: bool = False, minus: bool = False) -> str:
    """``text`` joined with ``block`` (a ``VALUES`` block) at the start of its WHERE group
    and of each UNION branch directly in it (a join distributes over a union, and Oxigraph
    joins in the order written, so each branch starts from the bound values). With
    ``minus``, also at the start of each MINUS group directly in those groups: only for a
    block whose every row binds the focus, in a rule whose MINUS groups all bind it
    (:attr:`Rule.minus_bound`); a solution that binds the focus to another value removes
    none the block leaves. With ``lateral``, the group is evaluated once for each row
    instead (``WHERE { block LATERAL { group } }``): for a group that starts with a
    sub-select, which a join would evaluate whole first. The groups are found in the
    query's code (strings and comments blanked out)."""
    code = sparql_code(text)
    start, end = _where(code, text)
    if lateral:
        return f"{text[:start]} {block} LATERAL {{ {text[start:end]} }} {text[end:]}"
    inserts = [start]
    # The groups open at each depth (1: directly in the WHERE group): where each opened,
    # and the MINUS groups directly in each that closed so far.
    opened: list[int] = []
    minuses: list[list[int]] = []
    for position in range(start, end):
        char = code[position]
        if char == "{":
            opened.append(position)
            minuses.append([])
        elif char == "}":
            at, inner_minuses = opened.pop(), minuses.pop()
            if len(opened) > 1:  # deeper than a MINUS group directly in a branch
                continue
            before = code[start:at].rstrip()
            negated = minus and re.search(r"\bMINUS$", before, re.IGNORECASE) is not None
            if opened:
                if negated:
                    minuses[0].append(at + 1)
                continue
            inner = code[at + 1 : position].lstrip()
            after = code[position + 1 : end].lstrip()
            union = before.upper().endswith("UNION") or after.upper().startswith("UNION")
            if (union or negated) and not inner.upper().startswith("SELECT"):
                inserts.append(at + 1)
                if union:
                    inserts += inner_minuses
    out, last = [], 0
    for position in sorted(inserts):
        out += [text[last:position], f" {block} "]
        last = position
    out.append(text[last:])
    return "".join(out)


def values_block(variables: list[str], rows: Iterable[dict[str, Any]]) -> str:
    """A ``VALUES`` block of Oxigraph terms; a variable a row leaves out is ``UNDEF``."""
    body = " ".join(
        "(" + " ".join(str(row[v]) if v in row else "UNDEF" for v in variables) + ")"
        for row in rows
    )
    return f"VALUES ({' '.join('?' + v for v in variables)}) {{ {body} }}"


def _show(pattern: Pattern) -> str:
    def text(term: Term) -> str:
        kind, value = term
        return f"?{value}" if kind == "var" else (f"<{value}>" if kind == "iri" else "[]")

    pred = (
        "|".join(f"<{i}>" for i in pattern.iris) if pattern.kind != "var" else f"?{pattern.iris[0]}"
    )
    return f"{text(pattern.subject)} {'^' if pattern.inverse else ''}{pred} {text(pattern.object)}"


Row = dict[str, Any]


def _bridged(
    stores: list[ox.Store], pattern: Pattern, rows: set[tuple[tuple[str, Any], ...]]
) -> list[Row]:
    """The values of the pattern's :attr:`Pattern.bridge` variables in the solutions of its
    basic graph pattern that use the changed triples, on each store."""
    own = sorted({k for row in rows for k, _ in row})
    found: set[tuple[tuple[str, Any], ...]] = set()
    ordered = sorted(rows, key=str)
    # The pre-bound triple first, then each next one that shares a bound variable, those
    # whose subject is bound first (a subject has few values for a predicate, an object such
    # as a common side effect many): Oxigraph joins in the order written.
    todo = list(range(len(pattern.bgp)))
    order: list[str] = []
    bound = set(own)

    def subject_bound(i: int) -> bool:
        subject = pattern.bgp[i][0].split(" ", 1)[0]
        return subject.startswith("?") and subject[1:] in bound

    while todo:
        pick = next(
            (i for i in todo if subject_bound(i)),
            next((i for i in todo if bound & set(pattern.bgp[i][1])), todo[0]),
        )
        if pattern.index in todo and not order:
            pick = pattern.index
        todo.remove(pick)
        text, variables = (
            pattern.split if pick == pattern.index and pattern.split else pattern.bgp[pick]
        )
        order.append(text)
        bound |= set(variables)
    bgp = " ".join(order)
    for start in range(0, len(ordered), 1000):
        block = values_block(own, (dict(r) for r in ordered[start : start + 1000]))
        names = " ".join("?" + v for v in pattern.bridge)
        query = f"SELECT DISTINCT {names} WHERE {{ {block} {bgp} }}"
        for store in stores:
            for row in solution_rows(store, query, prefixes=None):
                found.add(tuple(sorted((k, v) for k, v in row.items() if k in pattern.bridge)))
    return [dict(r) for r in found]


#: The patterns of a rule that changed triples match, each with its bindings of them
#: (:func:`matched_patterns`).
Matched = list[tuple[Pattern, set[tuple[tuple[str, Any], ...]]]]


def pinned_rows(stores: list[ox.Store], rule: Rule, matched: Matched) -> list[Row]:
    """The rows of one ``VALUES`` block that pre-binds the rule to the changed triples
    (each pattern a triple matches: the pattern's pinnable variables, bound by it, or the
    focus nodes its basic graph pattern reaches from it)."""
    out: set[tuple[tuple[str, Any], ...]] = set()
    for pattern, rows in matched:
        pinned = {tuple((k, v) for k, v in row if k in pattern.pinnable) for row in rows}
        if (
            rule.focus in pattern.pinnable
            or (rule.partner and rule.partner in pattern.pinnable)
            or (pattern.pinnable and rule.focus not in pattern.bridge)
        ):
            out |= pinned
        else:  # its basic graph pattern reaches the pinnable variables (the focus if it can)
            out |= {tuple(sorted(r.items())) for r in _bridged(stores, pattern, rows)}
    return [dict(r) for r in out]


def matched_patterns(rule: Rule, triples: list[ox.Triple], queries: bool = False) -> Matched | str:
    """Each pattern the changed triples match, with their bindings (none: no changed triple
    can match the rule); or the reason (str) why one cannot be pre-bound, and the rule runs
    whole, found without a query. A row that leaves the focus open needs the rule run
    pre-bound: without ``queries`` that is the reason :data:`COSTLIER`."""
    matched: Matched = []
    by_predicate: dict[str, list[ox.Triple]] = {}
    for triple in triples:
        by_predicate.setdefault(triple.predicate.value, []).append(triple)
    for pattern in rule.patterns:
        rows: set[tuple[tuple[str, Any], ...]] = set()
        # Only the triples whose predicate the pattern names can match it.
        candidates = (
            triples
            if pattern.kind in ("var", "any")
            else [t for iri in pattern.iris for t in by_predicate.get(iri, ())]
        )
        for triple in candidates:
            bindings = match(pattern, triple)
            if bindings is None:
                continue
            if any(isinstance(b, ox.BlankNode | ox.Triple) for b in bindings.values()):
                return "a changed triple holds a blank node"
            rows.add(tuple(sorted(bindings.items())))
        if not rows:
            continue
        reason = unbindable(rule, pattern)
        if reason and not (queries and reason == COSTLIER):
            return reason
        matched.append((pattern, rows))
    return matched


def unbindable(rule: Rule, pattern: Pattern) -> str:
    """Why a changed triple that matches ``pattern`` makes the rule run whole, or '' when
    the rule can be pre-bound to it: found from the rule alone, before any delta."""
    if pattern.kind in ("path", "any"):
        return f"a changed triple matches a path it cannot pre-bind ({_show(pattern)})"
    if not pattern.pinnable and not pattern.bridge:
        return (
            "a changed triple matches a pattern none of whose variables every solution "
            f"binds ({_show(pattern)})"
        )
    named = (v in pattern.pinnable or v in pattern.bridge for v in (rule.focus, rule.partner) if v)
    return "" if any(named) else COSTLIER


def may_run_whole(rule: Rule) -> str:
    """Why some change could make the rule run whole ('' when none can but a change with a
    blank node, which is a full validation): a pattern it cannot be pre-bound to
    (:func:`unbindable`), or a focus that not every solution binds."""
    if not rule.restrictable:
        return "its focus is not bound in every solution"
    return next((reason for p in rule.patterns if (reason := unbindable(rule, p))), "")


#: Why a rule runs whole when its pre-bound rows leave the focus open
#: (:func:`matched_patterns`).
COSTLIER = (
    "a changed triple binds other variables than its focus, and the pre-bound rule would "
    "run on both graphs: on Oxigraph, which evaluates a UNION or OPTIONAL group whole "
    "before it joins, that costs more than the whole rule"
)


def pinned_foci(stores: list[ox.Store], rule: Rule, matched: Matched) -> set[str]:
    """The focus nodes of the rule's solutions that use a changed triple (``matched``:
    :func:`matched_patterns`), on each store. A pre-bound row that binds the focus variable
    names its focus node; the others run the rule pre-bound, on both graphs."""
    rows = pinned_rows(stores, rule, matched)
    foci = {node_text(row[rule.focus]) for row in rows if rule.focus in row}
    rows = [row for row in rows if rule.focus not in row]
    if rule.partner:
        # A symmetric rule run from the partner, ?unordered bound, names both ends of its pairs.
        partners = {row[rule.partner] for row in rows if rule.partner in row}
        rows = [row for row in rows if rule.partner not in row]
        unordered = [{rule.focus: term, "unordered": ox.Literal(True)} for term in partners]
        foci |= {
            node_text(row[end])
            for row in _prebound(stores, rule, unordered)
            for end in (rule.focus, rule.partner)
            if end in row
        }
    return foci | {
        node_text(row[rule.focus]) for row in _prebound(stores, rule, rows) if rule.focus in row
    }


def _prebound(stores: list[ox.Store], rule: Rule, rows: list[Row]) -> list[Row]:
    """The solutions of the rule pre-bound to ``rows`` (a ``VALUES`` block of 1,000 rows at
    most per query, :func:`inject`; its MINUS groups too when every row binds the focus), on
    each store."""
    variables = sorted({k for row in rows for k in row})
    ordered = sorted(rows, key=lambda r: sorted((k, str(v)) for k, v in r.items()))
    minus = rule.minus_bound and all(rule.focus in row for row in rows)
    texts = [
        inject(rule.text, values_block(variables, ordered[start : start + 1000]), minus=minus)
        for start in range(0, len(ordered), 1000)
    ]
    jobs = [(store, text) for store in stores for text in texts]
    answers = in_parallel(lambda job: solution_rows(job[0], job[1], prefixes=PREFIXES), jobs)
    return [row for rows_ in answers for row in rows_]


# -- the incremental report ---------------------------------------------------------------


@dataclass
class Incremental:
    """The report, and which findings it covers: by rule name, the focus nodes it was
    restricted to, or None for a rule that ran whole. A rule not named is restricted to
    :attr:`affected`; QC rules are all named."""

    report: Report
    affected: frozenset[str]
    scope: dict[str, frozenset[str] | None] = field(default_factory=dict)
    full: bool = False

    def covers(self, finding: Finding) -> bool:
        """Whether ``finding`` lies in the part of the graph this report validated."""
        if self.full:
            return True
        nodes = self.scope.get(finding.rule, self.affected)
        return nodes is None or finding.focus in nodes


def _restricted_terms(
    store: ox.Store, new: Side, nodes: set[str], predicates: frozenset[str]
) -> list[InputTerm]:
    """The new graph's triples of ``nodes`` with the given predicates, as written.

    The store has them with some datatypes rewritten (:data:`REWRITTEN_INTO`), so each is
    looked up among the new graph's lines with the datatypes it may have been written
    with; one found under none of them (a lexical form the store rewrote too) sends its
    subject's lines to a scan of the new graph."""
    rows = solution_rows(
        store,
        "SELECT ?s ?p ?o WHERE { VALUES (?s ?p) { "
        + " ".join(f"(<{n}> <{p}>)" for n in sorted(nodes) for p in sorted(predicates))
        + " } ?s ?p ?o }",
        prefixes=None,
    )
    lines: list[bytes] = []
    unknown: set[bytes] = set()
    for row in rows:
        head = f"{row['s']} {row['p']} "
        obj = row["o"]
        if isinstance(obj, ox.Literal) and obj.language is None:
            kept = URIRef(obj.datatype.value)
            types = [kept, *sorted(REWRITTEN_INTO.get(kept, frozenset()))]
            forms = [
                f"{head}{ox.Literal(obj.value, datatype=ox.NamedNode(str(t)))} .".encode()
                for t in types
            ]
        else:
            forms = [f"{head}{obj} .".encode()]
        found = [form for form in forms if form in new.lines]
        if found:
            lines += found
        else:
            unknown.add(str(row["s"]).encode())
    if unknown:
        lines += [line for line in new.lines if line[: line.find(b" ")] in unknown]
    out: list[InputTerm] = []
    for triple in _parse_lines(sorted(set(lines))):
        name, obj = node_text(triple.subject), triple.object
        if isinstance(obj, ox.Literal):
            out.append((name, triple.predicate.value, obj.value, obj.datatype.value))
        else:
            out.append((name, triple.predicate.value, str(obj), None))
    return out


def _full(new: Side, why: str, shapes: Graph | None) -> Incremental:
    assert new.store is not None
    store = new.store
    paths = new.paths

    def terms(predicates: frozenset[str]) -> Iterator[InputTerm]:
        from iusgraph.graph.store import graph_terms, input_terms

        if new.graph is not None:
            yield from graph_terms(new.graph, predicates)
        else:
            yield from input_terms(paths, predicates)
        yield from graph_terms(ontology_graph(), predicates)

    report = validate_store(store, terms, lambda: _as_graph(store), shapes)
    report.extend(store_mapping_findings(store))
    report.notes.append(f"incremental: full validation: {why}")
    return Incremental(report, frozenset(), {}, full=True)


def _as_graph(store: ox.Store) -> Graph:
    from iusgraph.graph.store import store_graph

    return store_graph(store)


def target_nodes(
    store: ox.Store, nodes: Iterable[str], targets: Iterable[str]
) -> dict[str, list[str]]:
    """For each of ``targets`` (compiled checks' targets) of a form of
    :data:`~iusgraph.validation.fastshacl.TARGET_FORMS`,
    the ``nodes`` (IRIs) it selects in the store: a query for each kind of target and
    1,000 nodes."""
    ordered = sorted(nodes)
    kinds: dict[str, tuple[str, frozenset[str]]] = {}
    for target in set(targets):
        for form, kind in TARGET_FORMS:
            found = form.fullmatch(target)
            if found:
                kinds[target] = (kind, frozenset(re.findall(r"<([^<>\s]+)>", found.group(1))))
                break
    facts: dict[str, set[tuple[str, str]]] = {}  # node -> (kind, IRI)
    patterns = {
        "class": "?n a ?x",
        "subjects": "?n ?x ?o",
        "objects": "?o ?x ?n",
    }
    for kind, pattern in patterns.items():
        iris = sorted({i for k, named in kinds.values() if k == kind for i in named})
        if not iris or not ordered:
            continue
        for start in range(0, len(ordered), 1000):
            # Each (node, IRI) pair probed once: a node such as a common effect is the object
            # of thousands of triples (a join from the nodes took 0.2 s for 281 at 1M).
            query = (
                f"SELECT ?n ?x WHERE {{ {values_clause('n', ordered[start : start + 1000])} "
                f"{values_clause('x', iris)} FILTER EXISTS {{ {pattern} }} }}"
            )
            for row in solution_rows(store, query, prefixes=None):
                facts.setdefault(row["n"].value, set()).add((kind, row["x"].value))
    return {
        target: [n for n in ordered if any((kind, i) in facts.get(n, ()) for i in iris)]
        for target, (kind, iris) in kinds.items()
    }


def restrict(
    compiled: Compiled,
    nodes: Sequence[str],
    whole: frozenset[str] = frozenset(),
    selected: dict[str, list[str]] | None = None,
) -> Compiled:
    """The compiled shapes with their focus nodes restricted to ``nodes`` (a ``VALUES
    ?this`` block; :func:`inject`), but for the rules named in ``whole``. A check whose
    query starts from a target that ``selected`` gives nodes for (:func:`target_nodes`) is
    restricted to those, and left out when there are none: every solution binds ``?this``
    to a node its target selects (for the 100-claim change at 1M, 152 of the 255 checks
    run, in 0.06 s one after another against 0.40 s for all 255 on every affected node)."""
    block = values_clause("this", sorted(nodes))
    selected = selected or {}
    checks = []
    for check in compiled.checks:
        if check.rule in whole:
            checks.append(check)
            continue
        own = block
        if check.target in selected and _starts_with(check.query, check.target):
            if not selected[check.target]:
                continue
            own = values_clause("this", selected[check.target])
        checks.append(dataclasses.replace(check, query=inject(check.query, own, True)))
    return dataclasses.replace(
        compiled,
        checks=checks,
        term_checks=[
            c if c.rule in whole else dataclasses.replace(c, targets=inject(c.targets, block, True))
            for c in compiled.term_checks
        ],
    )


def _starts_with(query: str, group: str) -> bool:
    """Whether the WHERE group of ``query`` starts with ``group``."""
    start, _ = _where(sparql_code(query), query)
    return query[start:].lstrip().startswith(group)


def _has_blank_nodes(lines: Iterable[bytes]) -> bool:
    return any(line.startswith(b"_:") or b" _:" in line for line in lines)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused, then as it was. A collection of the oldest
    generation walks every entry of every set, and the two sides' line sets hold a million
    lines each at 1M triples: 0.13 s a collection, which came about every other run."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_since(old: Side, new: Side, shapes: Graph | None = None) -> Incremental:
    """Validate ``new`` where its change from ``old`` can affect the findings."""
    with _collector_paused():
        return _validate_since(old, new, shapes)


def _validate_since(old: Side, new: Side, shapes: Graph | None) -> Incremental:
    assert old.store is not None and new.store is not None
    shapes = shapes if shapes is not None else shapes_graph()
    # The QC rules that a changed triple could make run whole (known from the rules alone)
    # run whole, and start first, on a thread of their own, beside the delta and steps 1 to
    # 4 (Oxigraph releases the GIL while it evaluates): the slowest, the conflict rule, takes
    # 0.65 s at 1M alone, and the delta 0.2 s. Their findings are the whole rule's even when
    # this change would not have needed it.
    queries = qc_queries()
    queries_rules = list(
        zip(queries, read_rules([(f"qc:{qc.name}", qc.text, None) for qc in queries]), strict=True)
    )
    early = {rule.name: may_run_whole(rule) for _, rule in queries_rules}
    with ThreadPoolExecutor(max_workers=1) as pool:
        started = {qc.name: qc.text for qc, rule in queries_rules if early[rule.name]}
        whole_run = pool.submit(qc_findings, new.store, started) if started else None
        change = delta(old, new)
        changed = change.changed
        summary = f"{len(change.added)} triples added, {len(change.removed)} removed since OLD"
        if _has_blank_nodes(change.added_lines + change.removed_lines):
            return _full(new, f"{summary}; a changed triple has a blank node", shapes)
        if any(t.predicate.value == str(RDFS.subClassOf) for t in changed):
            return _full(new, f"{summary}; the class hierarchy changed", shapes)
        qc_matched = {rule.name: matched_patterns(rule, changed) for _, rule in queries_rules}
        # Why each started rule ran whole: this change's reason, or the rule's own.
        whole_qc = {
            name: matched
            if isinstance(matched := qc_matched[name], str)
            else f"started before the delta, as a changed triple could need it ({reason})"
            for name, reason in early.items()
            if reason
        }
        store = new.store
        stores = [new.store, old.store]
        notes: list[str] = []
        # 1. The changed nodes, and the nodes that reach them through the shapes' paths.
        reads = shape_reads(shapes)
        touched: set[str] = set()
        walked: set[str] = set()
        for t in changed:
            for term in (t.subject, t.object):
                if isinstance(term, ox.NamedNode):
                    touched.add(term.value)
            p = t.predicate.value
            if isinstance(t.subject, ox.NamedNode) and (reads.closed or p in reads.forward):
                walked.add(t.subject.value)
            if isinstance(t.object, ox.NamedNode) and p in reads.inverse:
                walked.add(t.object.value)
        reached = walk_back(store, walked, reads)
        if reached is None:
            return _full(new, f"{summary}; the shapes' paths reach too many nodes", shapes)
        affected = touched | reached
        # 2. The shapes' SPARQL constraints, pre-bound to the changed triples.
        subclasses = subclass_map(store, needed_classes(shapes))
        compiled = compile_shapes(shapes, subclasses)
        if compiled.fallback:
            return _full(new, f"{summary}; a shape is checked by pySHACL", shapes)
        sparql = [
            (check.rule, check.query, "this")
            for check in compiled.checks
            if check.component == f"sh:{SPARQL_COMPONENT.name}ConstraintComponent"
        ]
        whole: set[str] = set()
        for rule in read_rules(sparql):
            matched = matched_patterns(rule, changed)
            if isinstance(matched, str):
                whole.add(rule.name)
                notes.append(f"{rule.name}: whole rule: {matched}")
            elif matched:
                affected |= pinned_foci(stores, rule, matched)
        if len(affected) > MAX_AFFECTED:
            return _full(new, f"{summary}; more than {MAX_AFFECTED} affected nodes", shapes)
        affected_iris = frozenset(n for n in affected if "://" in n or n.startswith("urn:"))
        # 3. The shapes, restricted to the affected nodes.
        report = Report(checks=["shacl"], coverage=dict(compiled.coverage))
        selected = target_nodes(store, affected_iris, (c.target for c in compiled.checks))
        restricted = restrict(compiled, sorted(affected_iris), frozenset(whole), selected)
        term_preds = frozenset(str(c.predicate) for c in restricted.term_checks)
        terms = _restricted_terms(store, new, set(affected_iris), term_preds) if term_preds else []
        report.findings = run_checks(store, restricted, lambda predicates: terms)
        report.findings = with_labels(store, report.findings)
        # 4. The other QC queries, restricted to the affected nodes and their own foci.
        scope: dict[str, frozenset[str] | None] = dict.fromkeys(whole)
        texts: dict[str, str | None] = {}
        for qc, rule in queries_rules:
            name = rule.name
            reason = whole_qc.get(name, "")
            if reason:
                scope[name] = None
                notes.append(f"{name}: whole rule: {reason}")
                continue
            nodes: set[str] = set(affected_iris)
            how = f"restricted to the {len(affected_iris)} affected nodes"
            matched = qc_matched[name]
            assert not isinstance(matched, str)  # else may_run_whole gave a reason
            if matched:
                nodes |= pinned_foci(stores, rule, matched)
                how = (
                    f"restricted to {len(nodes)} nodes "
                    "(the affected nodes and its own pre-bound foci)"
                )
            else:
                how += " (no changed triple matches its patterns)"
            iris = sorted(n for n in nodes if "://" in n or n.startswith("urn:"))
            texts[qc.name] = inject(
                qc.text, values_clause(rule.focus, iris), minus=rule.minus_bound
            )
            scope[name] = frozenset(iris)
            notes.append(f"{name}: {how}")
        qc_report = qc_findings(store, texts)
        if whole_run is not None:
            qc_report.findings += whole_run.result().findings
        report.extend(qc_report)
        # 5. The Python checks, on the affected nodes; the mapping check when a mapping changed.
        for check in (selector_findings, duration_findings):
            report.extend(check(store, affected_iris))
        mapping = any(
            t.predicate.value.startswith(_MAPPING_NAMESPACES)
            or t.predicate.value.startswith("http://www.w3.org/2004/02/skos/core#")
            or t.predicate.value == str(RDF.type)
            for t in changed
        )
        if mapping:
            part = store_mapping_findings(store)
            for f in part.findings:
                scope[f.rule] = None
            report.extend(part)
            notes.append("mappings: the whole mapping check (a mapping, label or type changed)")
        report.stats["triples"] = len(store)
        report.stats["affected nodes"] = len(affected_iris)
        report.notes = [
            f"incremental: {summary}; {len(affected_iris)} affected focus nodes",
            *notes,
        ]
        return Incremental(report, affected_iris, scope)
