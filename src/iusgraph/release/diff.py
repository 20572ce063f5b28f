"""Differences between two graphs, grouped by what a curator changed: claims, not triples.

A claim is one ``ius:Claim`` node with its stable curator IRI (``claim/<source>.<id>``),
its evidence nodes (``ius:hasEvidence``) and their selectors. :func:`diff_graphs` gives
every claim that was added, removed or changed, and for a changed one *what* changed: its
object (``ius:claimObject``/``ius:claimValue``), each qualifier (every other property of
the claim), its rank, and each evidence span, one change per evidence node (a span that
moved is one change, ``evidence .1: 5756–5811 → 5760–5815``, not the six triples of its
selectors). Beside the claims come the other groups of :data:`GROUPS`:

- ``entities``: ``ius:Entity`` nodes, their types, labels, ``skos:broader`` and other
  properties;
- ``statements``: the direct triples between entities that the claims make
  (``ent:mirena ius:hasSideEffect ent:acne``), by subject;
- ``mappings``: a mapping of an entity to a vocabulary term, by (entity, term): the SKOS
  match triple, its SSSOM ``owl:Axiom`` and the mapping set's link to it; and the
  mapping sets' own metadata;
- ``conflicts``: ``ius:Conflict`` nodes;
- ``sources``: source documents, their sections, text units and excluded regions (the
  coverage ledger);
- ``ontology``: the ontology's own node, its classes and properties (``ius:``) and the
  concept schemes and concepts (``iusv:``);
- ``labels``: the labels (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``) of any
  other node;
- ``other``: every other differing triple, by subject.

Each differing triple belongs to exactly one item of one group, so nothing is silently
missed (:meth:`GraphDiff.triples` gives each group's triples). Items are sorted by IRI,
changes by node and property, values by their N-Triples form, so the same pair of
graphs gives the same text. Graphs with blank nodes are refused: iusgraph's graphs have
none, and matching blank nodes across graphs (rdflib's canonicalisation) may take
exponential time.

>>> from rdflib import Graph, URIRef
>>> from rdflib.namespace import RDF
>>> from iusgraph.graph.namespaces import CLAIM, IUS
>>> old, new = Graph(), Graph()
>>> claim = CLAIM["ius-monograph.se-acne"]
>>> for graph in (old, new):
...     _ = graph.add((claim, RDF.type, IUS.Claim))
>>> _ = old.add((claim, IUS.rank, URIRef("https://w3id.org/iusgraph/vocab/rank-normal")))
>>> _ = new.add((claim, IUS.rank, URIRef("https://w3id.org/iusgraph/vocab/rank-deprecated")))
>>> print(diff_graphs(old, new).render("text"), end="")
1 triple removed, 1 added: claims 1 changed
<BLANKLINE>
claims
  ~ claim:ius-monograph.se-acne
      rank ius:rank: iusv:rank-normal → iusv:rank-deprecated
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph.formats import DIFF_FORMATS
from iusgraph.graph.namespaces import IUS, IUSV, OA, ONTOLOGY_IRI, SSSOM, bind_prefixes
from iusgraph.graph.prefixes import BASE, shorten_iri

#: The groups, in the order they are reported.
GROUPS: tuple[str, ...] = (
    "claims",
    "entities",
    "statements",
    "mappings",
    "conflicts",
    "sources",
    "ontology",
    "labels",
    "other",
)
#: The version of the JSON document (its ``format`` key); it changes when a key does.
JSON_FORMAT = "iusgraph-diff/1"
#: Markdown caps, so that a pull-request comment stays under GitHub's 65,536 characters:
#: items per group, changes per item, characters of one value, and of the whole text.
MARKDOWN_ITEMS = 50
MARKDOWN_CHANGES = 20
MARKDOWN_VALUE = 160
MARKDOWN_LIMIT = 60_000

Triple = tuple[Node, Node, Node]

_OBJECT = frozenset({IUS.claimObject, IUS.claimValue})
_CLAIM_KINDS = {RDF.type: "type", IUS.claimSubject: "subject", IUS.claimPredicate: "predicate"}
_LABELS = frozenset({RDFS.label, SKOS.prefLabel, SKOS.altLabel})
_MATCHES = frozenset(
    {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}
)
_SOURCE_TYPES = frozenset({IUS.SourceDocument, IUS.Section, IUS.TextUnit, IUS.ExcludedRegion})
_ONTOLOGY_SPACES = (str(IUS), str(IUSV))


@dataclass(frozen=True)
class Span:
    """An evidence span: its offsets and quote (None where the graph has none)."""

    start: int | None
    end: int | None
    exact: str | None

    def to_json(self) -> dict[str, Any]:
        """The span as JSON: ``start``, ``end``, ``exact``."""
        return {"start": self.start, "end": self.end, "exact": self.exact}


@dataclass(frozen=True)
class PropertyChange:
    """The values of one property of one node that were removed and added."""

    #: For a claim: type, subject, predicate, object, rank, label or qualifier (any other
    #: property); elsewhere label or property.
    kind: str
    node: URIRef
    prop: URIRef
    removed: tuple[Node, ...]
    added: tuple[Node, ...]

    def to_json(self) -> dict[str, Any]:
        """The change as JSON; values in N-Triples form."""
        return {
            "kind": self.kind,
            "node": str(self.node),
            "property": str(self.prop),
            "removed": [term.n3() for term in self.removed],
            "added": [term.n3() for term in self.added],
        }


@dataclass(frozen=True)
class EvidenceChange:
    """One evidence node of a claim added, removed or changed: its span before and after,
    and every property of it or of its selectors that changed (the span's too)."""

    evidence: URIRef
    status: str
    old: Span | None
    new: Span | None
    changes: tuple[PropertyChange, ...]
    kind: str = "evidence"

    def to_json(self) -> dict[str, Any]:
        """The change as JSON."""
        return {
            "kind": self.kind,
            "evidence": str(self.evidence),
            "status": self.status,
            "old": self.old.to_json() if self.old else None,
            "new": self.new.to_json() if self.new else None,
            "changes": [change.to_json() for change in self.changes],
        }


Change = PropertyChange | EvidenceChange


@dataclass(frozen=True)
class Item:
    """One thing that changed in a group: a claim, an entity, a mapping, ..."""

    group: str
    iri: URIRef
    status: str  # added, removed, changed
    label: str | None
    changes: tuple[Change, ...]
    #: The differing triples this item accounts for.
    removed: frozenset[Triple] = field(repr=False)
    added: frozenset[Triple] = field(repr=False)
    #: For a mapping: the vocabulary term the entity is mapped to.
    target: URIRef | None = None

    def to_json(self) -> dict[str, Any]:
        """The item as JSON."""
        out: dict[str, Any] = {
            "iri": str(self.iri),
            "status": self.status,
            "label": self.label,
            "changes": [change.to_json() for change in self.changes],
        }
        if self.group == "mappings":
            out["target"] = str(self.target) if self.target is not None else None
        return out


@dataclass(frozen=True)
class GraphDiff:
    """What differs between two graphs, by group (see the module notes)."""

    groups: dict[str, tuple[Item, ...]]
    removed_triples: int
    added_triples: int

    @property
    def empty(self) -> bool:
        """Whether the two graphs hold the same triples."""
        return self.removed_triples == 0 and self.added_triples == 0

    def counts(self) -> dict[str, dict[str, int]]:
        """Items added, removed and changed in each group."""
        out = {}
        for group in GROUPS:
            tally = {"added": 0, "removed": 0, "changed": 0}
            for item in self.groups[group]:
                tally[item.status] += 1
            out[group] = tally
        return out

    def triples(self, group: str) -> tuple[frozenset[Triple], frozenset[Triple]]:
        """The differing triples (removed, added) that the items of ``group`` account for."""
        removed: set[Triple] = set()
        added: set[Triple] = set()
        for item in self.groups[group]:
            removed |= item.removed
            added |= item.added
        return frozenset(removed), frozenset(added)

    def render(self, fmt: str) -> str:
        """The diff as ``text``, ``json`` (:func:`to_json`) or ``markdown`` (a pull-request
        comment: a table of counts, then a section per group, capped; see
        :data:`MARKDOWN_LIMIT`)."""
        if fmt == "text":
            return _text(self)
        if fmt == "json":
            return json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if fmt == "markdown":
            return _markdown(self)
        raise IusgraphError(f"unknown diff format {fmt!r}; use " + ", ".join(DIFF_FORMATS))

    def to_json(self) -> dict[str, Any]:
        """The JSON document: ``format``, ``empty``, ``triples`` (removed and added counts),
        ``summary`` (each group's counts) and ``groups`` (each group's items)."""
        return {
            "format": JSON_FORMAT,
            "empty": self.empty,
            "triples": {"removed": self.removed_triples, "added": self.added_triples},
            "summary": self.counts(),
            "groups": {g: [item.to_json() for item in self.groups[g]] for g in GROUPS},
        }


def read_graph(path: Path) -> Graph:
    """The graph in ``path``: an RDF file (any syntax :mod:`iusgraph.graph.load` reads),
    or a release bundle folder, whose N-Triples export (``iusgraph.nt``) is read."""
    from iusgraph.exporters import EXPORTERS
    from iusgraph.graph.load import load_files

    if path.is_dir():
        name = EXPORTERS["ntriples"].files[0]
        if not (path / name).is_file():
            raise InputError(
                f"not a release bundle: the folder holds no {name}; give an RDF file or a "
                "folder written by 'iusgraph release'",
                path=str(path),
            )
        path = path / name
    return load_files([path])


# --- computing ---------------------------------------------------------------------------


def _refuse_blank_nodes(graph: Graph, which: str) -> None:
    for triple in graph:
        if any(isinstance(term, BNode) for term in triple):
            raise IusgraphError(
                f"the {which} graph holds a blank node ({' '.join(t.n3() for t in triple)}); "
                "diff compares graphs whose nodes all have IRIs, as iusgraph's exports do: "
                "give the nodes IRIs (skolemise them) first"
            )


class _Both:
    """Look-ups over the old and the new graph together."""

    def __init__(self, old: Graph, new: Graph) -> None:
        self.old, self.new = old, new

    def objects(self, node: Node, prop: URIRef) -> set[Node]:
        return set(self.old.objects(node, prop)) | set(self.new.objects(node, prop))

    def subjects_of_type(self, cls: URIRef) -> set[Node]:
        return set(self.old.subjects(RDF.type, cls)) | set(self.new.subjects(RDF.type, cls))

    def pairs(self, prop: URIRef) -> set[tuple[Node, Node]]:
        return set(self.old.subject_objects(prop)) | set(self.new.subject_objects(prop))


def diff_graphs(old: Graph, new: Graph) -> GraphDiff:
    """What differs from ``old`` to ``new``, grouped by claim, entity, mapping, ... (see
    the module notes). IusgraphError if either graph holds a blank node."""
    _refuse_blank_nodes(old, "old")
    _refuse_blank_nodes(new, "new")
    removed = {t for t in old if t not in new}
    added = {t for t in new if t not in old}
    both = _Both(old, new)

    claims = both.subjects_of_type(IUS.Claim)
    evidence_of: dict[Node, Node] = {}
    for claim, ev in sorted(both.pairs(IUS.hasEvidence), key=_pair, reverse=True):
        if claim in claims:
            evidence_of[ev] = claim  # the smallest claim IRI wins, if two share one
    selector_of: dict[Node, Node] = {}
    for ev, selector in sorted(both.pairs(OA.hasSelector), key=_pair, reverse=True):
        if ev in evidence_of:
            selector_of[selector] = ev
    conflicts = both.subjects_of_type(IUS.Conflict)
    entities = both.subjects_of_type(IUS.Entity)
    sources = set().union(*(both.subjects_of_type(cls) for cls in _SOURCE_TYPES))
    mapping_sets = both.subjects_of_type(SSSOM.MappingSet)
    axioms: dict[Node, tuple[Node, Node]] = {}
    for axiom in both.subjects_of_type(OWL.Axiom):
        sources_ = sorted(both.objects(axiom, OWL.annotatedSource), key=str)
        targets = sorted(both.objects(axiom, OWL.annotatedTarget), key=str)
        if sources_ and targets:
            axioms[axiom] = (sources_[0], targets[0])

    def owner(triple: Triple) -> tuple[str, Node, Node | None]:
        s, p, o = triple
        if s in claims:
            return "claims", s, None
        if s in evidence_of:
            return "claims", evidence_of[s], None
        if s in selector_of:
            return "claims", evidence_of[selector_of[s]], None
        if s in conflicts:
            return "conflicts", s, None
        if s in entities:
            if p in _MATCHES:
                return "mappings", s, o
            if o in entities and p != SKOS.broader:
                return "statements", s, None
            return "entities", s, None
        if s in axioms:
            return "mappings", *axioms[s]
        if s in mapping_sets:
            if p == SSSOM.mappings and o in axioms:
                return "mappings", *axioms[o]
            return "mappings", s, None
        if s in sources:
            return "sources", s, None
        if str(s).startswith(_ONTOLOGY_SPACES) or str(s) == ONTOLOGY_IRI:
            return "ontology", s, None
        if p in _LABELS:
            return "labels", s, None
        return "other", s, None

    owned: dict[tuple[str, Node, Node | None], tuple[set[Triple], set[Triple]]] = defaultdict(
        lambda: (set(), set())
    )
    for triple in removed:
        owned[owner(triple)][0].add(triple)
    for triple in added:
        owned[owner(triple)][1].add(triple)

    groups: dict[str, list[Item]] = {group: [] for group in GROUPS}
    for (group, node, target), (gone, new_) in owned.items():
        groups[group].append(_item(group, node, target, gone, new_, both, evidence_of, selector_of))
    return GraphDiff(
        {g: tuple(sorted(items, key=_item_key)) for g, items in groups.items()},
        len(removed),
        len(added),
    )


def _pair(pair: tuple[Node, Node]) -> tuple[str, str]:
    return str(pair[0]), str(pair[1])


def _item_key(item: Item) -> tuple[str, str]:
    return str(item.iri), str(item.target or "")


def _nt(term: Node) -> str:
    return term.n3()


def _property_changes(
    group: str, removed: Iterable[Triple], added: Iterable[Triple]
) -> list[PropertyChange]:
    by_prop: dict[tuple[Node, Node], tuple[list[Node], list[Node]]] = defaultdict(lambda: ([], []))
    for s, p, o in removed:
        by_prop[(s, p)][0].append(o)
    for s, p, o in added:
        by_prop[(s, p)][1].append(o)
    out = []
    for (node, prop), (gone, new) in sorted(
        by_prop.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))
    ):
        assert isinstance(node, URIRef) and isinstance(prop, URIRef)  # no blank nodes
        out.append(
            PropertyChange(
                _kind(group, prop),
                node,
                prop,
                tuple(sorted(gone, key=_nt)),
                tuple(sorted(new, key=_nt)),
            )
        )
    return out


def _kind(group: str, prop: URIRef) -> str:
    if group != "claims":
        return "label" if prop in _LABELS else "property"
    if prop in _OBJECT:
        return "object"
    if prop in _CLAIM_KINDS:
        return _CLAIM_KINDS[prop]
    if prop == IUS.rank:
        return "rank"
    if prop in _LABELS:
        return "label"
    return "qualifier"


def _span(graph: Graph, evidence: Node) -> Span | None:
    if (evidence, None, None) not in graph:
        return None
    start = end = exact = None
    for selector in sorted(graph.objects(evidence, OA.hasSelector), key=str):
        for value in graph.objects(selector, OA.start):
            start = _integer(value)
        for value in graph.objects(selector, OA.end):
            end = _integer(value)
        for value in graph.objects(selector, OA.exact):
            exact = str(value)
    return Span(start, end, exact)


def _integer(value: Node) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _present(graph: Graph, node: Node, target: Node | None) -> bool:
    if target is None:
        return (node, None, None) in graph
    return any((node, match, target) in graph for match in _MATCHES) or any(
        (axiom, OWL.annotatedTarget, target) in graph
        for axiom in graph.subjects(OWL.annotatedSource, node)
    )


def _status(both: _Both, node: Node, target: Node | None) -> str:
    if not _present(both.old, node, target):
        return "added"
    if not _present(both.new, node, target):
        return "removed"
    return "changed"


def _label(both: _Both, node: Node) -> str | None:
    for graph in (both.new, both.old):
        for prop in (SKOS.prefLabel, RDFS.label):
            for value in sorted(graph.objects(node, prop), key=_nt):
                return str(value)
    return None


def _item(
    group: str,
    node: Node,
    target: Node | None,
    removed: set[Triple],
    added: set[Triple],
    both: _Both,
    evidence_of: dict[Node, Node],
    selector_of: dict[Node, Node],
) -> Item:
    assert isinstance(node, URIRef) and (target is None or isinstance(target, URIRef))
    changes: list[Change] = []
    if group == "claims":
        plain_removed: set[Triple] = set()
        plain_added: set[Triple] = set()
        by_evidence: dict[Node, tuple[set[Triple], set[Triple]]] = defaultdict(
            lambda: (set(), set())
        )

        def evidence_node(triple: Triple) -> Node | None:
            s, p, o = triple
            if s == node and p == IUS.hasEvidence and evidence_of.get(o) == node:
                return o
            if s in evidence_of:
                return s
            if s in selector_of:
                return selector_of[s]
            return None

        for triple in removed:
            ev = evidence_node(triple)
            (by_evidence[ev][0] if ev is not None else plain_removed).add(triple)
        for triple in added:
            ev = evidence_node(triple)
            (by_evidence[ev][1] if ev is not None else plain_added).add(triple)
        changes.extend(_property_changes(group, plain_removed, plain_added))
        for ev, (gone, new) in sorted(by_evidence.items(), key=lambda kv: str(kv[0])):
            assert isinstance(ev, URIRef)
            old_span, new_span = _span(both.old, ev), _span(both.new, ev)
            status = "added" if old_span is None else "removed" if new_span is None else "changed"
            changes.append(
                EvidenceChange(
                    ev, status, old_span, new_span, tuple(_property_changes("evidence", gone, new))
                )
            )
    else:
        changes.extend(_property_changes(group, removed, added))
    return Item(
        group,
        node,
        _status(both, node, target),
        _label(both, node),
        tuple(changes),
        frozenset(removed),
        frozenset(added),
        target,
    )


# --- rendering ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _namespaces() -> Graph:
    graph = Graph()
    bind_prefixes(graph)
    return graph


def _show(term: Node, limit: int | None = None) -> str:
    if isinstance(term, URIRef):
        text = shorten_iri(str(term))
        if text.startswith("<" + BASE):  # relative to the project's base, as Turtle allows
            text = "<" + text[len(BASE) + 1 :]
    elif isinstance(term, Literal):
        text = term.n3(_namespaces().namespace_manager)
    else:
        text = term.n3()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _span_text(span: Span, limit: int | None) -> str:
    where = f"{span.start if span.start is not None else '?'}–{span.end if span.end is not None else '?'}"
    if span.exact is None:
        return where
    exact = (
        span.exact if limit is None or len(span.exact) <= limit else span.exact[: limit - 1] + "…"
    )
    return f"{where} “{exact}”"


def _evidence_name(change: EvidenceChange, claim: URIRef) -> str:
    local = str(claim).rsplit("/", 1)[-1]
    tail = str(change.evidence).rsplit("/", 1)[-1]
    return tail[len(local) :] if tail.startswith(local + ".") else shorten_iri(str(change.evidence))


def _values(values: tuple[Node, ...], limit: int | None) -> str:
    return ", ".join(_show(v, limit) for v in values)


def _change_lines(item: Item, change: Change, limit: int | None) -> Iterator[str]:
    """The lines of one change, as plain text (markdown wraps them in code spans)."""
    if isinstance(change, EvidenceChange):
        name = _evidence_name(change, item.iri)
        old, new = change.old, change.new
        if old is None and new is not None:
            yield f"evidence {name}: + {_span_text(new, limit)}"
        elif new is None and old is not None:
            yield f"evidence {name}: − {_span_text(old, limit)}"
        elif old is not None and new is not None:
            parts = []
            if (old.start, old.end) != (new.start, new.end):
                parts.append(
                    f"{_span_text(Span(old.start, old.end, None), None)} → "
                    f"{_span_text(Span(new.start, new.end, None), None)}"
                )
            if old.exact != new.exact:
                parts.append(f"quote “{_cut(old.exact, limit)}” → “{_cut(new.exact, limit)}”")
            others = [c for c in change.changes if c.prop not in (OA.start, OA.end, OA.exact)]
            for other in others:
                parts.append(_property_text(other, item, limit, evidence=change.evidence))
            yield f"evidence {name}: " + "; ".join(parts)
        return
    yield _property_text(change, item, limit)


def _cut(text: str | None, limit: int | None) -> str:
    text = text or ""
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _property_text(
    change: PropertyChange, item: Item, limit: int | None, evidence: URIRef | None = None
) -> str:
    where = "" if change.node in (item.iri, evidence) else _show(change.node) + " "
    if evidence is not None and str(change.node).startswith(str(evidence) + "."):
        where = str(change.node)[len(str(evidence)) + 1 :] + " "
    head = f"{where}{_show(change.prop)}"
    if item.group == "claims" and evidence is None:
        head = f"{change.kind} {head}"
    if len(change.removed) == 1 and len(change.added) == 1:
        return f"{head}: {_show(change.removed[0], limit)} → {_show(change.added[0], limit)}"
    parts = []
    if change.removed:
        parts.append("− " + _values(change.removed, limit))
    if change.added:
        parts.append("+ " + _values(change.added, limit))
    return f"{head}: " + "; ".join(parts)


_MARK = {"added": "+", "removed": "−", "changed": "~"}


def _item_head(item: Item, limit: int | None) -> str:
    name = _show(item.iri)
    if item.target is not None:
        name += " → " + _show(item.target)
    if item.label is not None:
        name += f"  ({_cut(item.label, limit)})"
    return name


def _summary(diff: GraphDiff) -> str:
    counts = diff.counts()
    parts = []
    for group in GROUPS:
        tally = [f"{n} {status}" for status, n in counts[group].items() if n]
        if tally:
            parts.append(f"{group} " + ", ".join(tally))
    return _triples(diff) + (": " + "; ".join(parts) if parts else "")


def _triples(diff: GraphDiff) -> str:
    removed, added = diff.removed_triples, diff.added_triples
    return f"{removed} triple{'s' if removed != 1 else ''} removed, {added} added"


def _text(diff: GraphDiff) -> str:
    if diff.empty:
        return "no differences\n"
    lines = [_summary(diff)]
    for group in GROUPS:
        if not diff.groups[group]:
            continue
        lines += ["", group]
        for item in diff.groups[group]:
            lines.append(f"  {_MARK[item.status]} {_item_head(item, None)}")
            for change in item.changes:
                lines.extend(f"      {line}" for line in _change_lines(item, change, None))
    return "\n".join(lines) + "\n"


def _code(text: str) -> str:
    """``text`` as a Markdown code span: nothing in it is read as Markdown or HTML."""
    text = text.replace("\r", " ").replace("\n", " ")
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _markdown(diff: GraphDiff) -> str:
    counts = diff.counts()
    lines = ["### iusgraph diff", ""]
    if diff.empty:
        return "### iusgraph diff\n\nNo differences.\n"
    lines += [
        _triples(diff) + ".",
        "",
        "| group | added | removed | changed |",
        "| --- | ---: | ---: | ---: |",
    ]
    for group in GROUPS:
        tally = counts[group]
        lines.append(f"| {group} | {tally['added']} | {tally['removed']} | {tally['changed']} |")
    size = sum(len(line) + 1 for line in lines)
    cut = (
        f"… cut at {MARKDOWN_LIMIT:,} characters (a pull-request comment holds 65,536): "
        "`iusgraph diff --format text` or `--format json` gives everything"
    )
    budget = MARKDOWN_LIMIT - len(cut) - 2
    body: list[str] = []
    done = True
    for group in GROUPS:
        items = diff.groups[group]
        if not items:
            continue
        section = ["", f"#### {group} ({len(items)})", ""]
        for item in items[:MARKDOWN_ITEMS]:
            section.append(f"- **{item.status}** {_code(_item_head(item, MARKDOWN_VALUE))}")
            shown = [
                line
                for change in item.changes
                for line in _change_lines(item, change, MARKDOWN_VALUE)
            ]
            for line in shown[:MARKDOWN_CHANGES]:
                section.append(f"  - {_code(line)}")
            if len(shown) > MARKDOWN_CHANGES:
                section.append(f"  - … and {len(shown) - MARKDOWN_CHANGES} more")
        if len(items) > MARKDOWN_ITEMS:
            section.append(f"- … and {len(items) - MARKDOWN_ITEMS} more")
        for line in section:
            if size + len(line) + 1 > budget:
                done = False
                break
            body.append(line)
            size += len(line) + 1
        if not done:
            break
    if not done:
        body += ["", cut]
    return "\n".join(lines + body) + "\n"
