"""Nanopublications, one per claim, as TriG: ``iusgraph export --format nanopub``.

Each ``ius:Claim`` becomes one nanopublication (https://nanopub.net/guidelines) of four
named graphs, written one after the other in ``iusgraph.nanopub.trig``:

* **head** (``<np>/Head``): ``<np> a np:Nanopublication`` and its three graphs;
* **assertion** (``<np>/assertion``): the claim's direct triple, when it makes one (a
  deprecated claim, a text claim and a caveat make none: see the README's "The model"),
  and the claim node with its qualifiers (every triple of the claim but the three that
  say where it comes from);
* **provenance** (``<np>/provenance``): ``<np>/assertion prov:wasDerivedFrom`` each evidence
  node and ``prov:hadPrimarySource`` the source document; the claim's ``ius:hasEvidence``,
  ``prov:wasDerivedFrom`` and ``ius:inSection``; the evidence nodes (``oa:hasSource``,
  ``oa:hasSelector``), their selectors (``oa:exact``, ``oa:start``, ``oa:end``) and the
  source's file name, SHA-256, length, document kind and reliability;
* **publication info** (``<np>/pubinfo``): ``npx:hasNanopubType ius:Claim``, the claim's label,
  the generator (``pav:createdWith`` iusgraph and its version), the release
  (``dcterms:isPartOf`` its IRI) when one is given, and the date (``dcterms:created``).

**The date** is never the wall clock. It is the release's date (``xsd:date``) when a release
is given; else ``SOURCE_DATE_EPOCH`` (the reproducible-builds variable, seconds since 1970) as
an ``xsd:dateTime`` in UTC, when it is set; else the nanopublications carry no date (the
nanopublication guidelines do not require one), so the same inputs give the same bytes.

**Trusty URIs.** Each nanopublication's IRI is ``https://w3id.org/iusgraph/np/<code>``, where
``<code>`` is the artifact code of module RA of trusty URIs (Kuhn and Dumontier, "Trusty URIs:
verifiable, immutable, and permanent digital artifacts for linked data", ESWC 2014), computed
here, offline, over the unsigned nanopublication: every IRI is written with a space where the
code will stand, the quads are sorted (graph, subject, predicate, object: IRIs before literals,
a literal by its text, datatype, then language) and serialized one term a line (a literal as
``@lang text`` or ``^datatype text``, backslashes and newlines escaped), and the code is ``RA``
followed by the SHA-256 of that text in URL-safe base64 without padding. Texts are compared
by code point (as the Rust toolkit compares them; Java's UTF-16 order differs only between
characters past U+FFFF and those from U+E000). The Rust toolkit orders two literals of one
subject and predicate by language and datatype before their text: the two orders agree unless
a subject has two literals of one predicate with different datatypes or languages, which no
claim's nanopublication has (the test checks every one with that toolkit). No library on PyPI
offers this for an unsigned nanopublication: ``nanopub-sign`` computes it only while signing
(with a private key), ``nanopub`` only inside its signing code. The tests check every code
with ``nanopub-sign``'s checker (the Rust toolkit), and this function against the codes of the
Nanopublication Test Suite.

No blank nodes: a claim's graph has none, and one reaching here is an input error.

>>> quads = [(" /assertion", "http://example.org/s", "http://example.org/p", Lit("o", XSD_STRING))]
>>> artifact_code(quads)
'RA4q25kvD9V0-6O5uW9rabF7H8BkFxjL287_3bOcoBfmk'
>>> artifact_code(reversed(quads + quads)) == artifact_code(quads)
True
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from iusgraph import __version__
from iusgraph.errors import IusgraphError
from iusgraph.graph.prefixes import BASE, PREFIXES
from iusgraph.graph.release_info import source_date_epoch

if TYPE_CHECKING:
    from rdflib import Graph, URIRef
    from rdflib.term import Node

    from iusgraph.graph.release_info import ReleaseInfo

#: Where the nanopublications live: ``<NP_BASE><artifact code>``.
NP_BASE = BASE + "np/"
#: The generator named in every publication-info graph (``pav:createdWith``).
GENERATOR = f"{BASE}software/iusgraph/{__version__}"

NP = "http://www.nanopub.org/nschema#"
NPX = "http://purl.org/nanopub/x/"
PAV = "http://purl.org/pav/"
IUS = PREFIXES["ius"]
PROV = PREFIXES["prov"]
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]
XSD_STRING = XSD + "string"

#: The prefixes of the TriG file: the project's, and the nanopublication vocabularies.
OUTPUT_PREFIXES: dict[str, str] = {**PREFIXES, "np": NP, "npx": NPX, "pav": PAV}

#: The claim's triples that say where it comes from: in the provenance graph, not the
#: assertion.
PROVENANCE_PREDICATES = frozenset({IUS + "hasEvidence", PROV + "wasDerivedFrom", IUS + "inSection"})
#: What the provenance graph says of a source document.
SOURCE_PREDICATES = frozenset(
    {
        RDF_TYPE,
        PREFIXES["skos"] + "prefLabel",
        IUS + "fileName",
        IUS + "sha256",
        IUS + "characterCount",
        IUS + "documentKind",
        IUS + "reliability",
        IUS + "reliabilityNote",
    }
)

#: Where the artifact code stands while it is computed (RA writes a space there).
_HOLE = " "
#: The graphs of a nanopublication, by their suffix after the nanopublication's IRI.
_GRAPHS = ("/Head", "/assertion", "/provenance", "/pubinfo")


@dataclass(frozen=True)
class Lit:
    """A literal: its text, and its language or else its datatype."""

    value: str
    datatype: str = XSD_STRING
    language: str = ""


#: A quad: graph (``None`` for the default graph), subject, predicate (IRIs), and the
#: object, an IRI or a :class:`Lit`.
Quad = tuple["str | None", str, str, "str | Lit"]


def _object_key(term: str | Lit) -> tuple[int, str, int, str, str]:
    """RA's object order: IRIs first; literals by text, then datatype (a language-tagged
    literal has none, and comes first), then language."""
    if isinstance(term, str):
        return (0, term, 0, "", "")
    if term.language:
        return (1, term.value, 0, "", term.language.lower())
    return (1, term.value, 1, term.datatype, "")


def _order(quad: Quad) -> tuple[bool, str, str, str, tuple[int, str, int, str, str]]:
    graph, subject, predicate, obj = quad
    return (graph is not None, graph or "", subject, predicate, _object_key(obj))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _term_line(term: str | Lit | None) -> str:
    if term is None:
        return "\n"
    if isinstance(term, str):
        return term + "\n"
    if term.language:
        return f"@{term.language.lower()} {_escape(term.value)}\n"
    return f"^{term.datatype} {_escape(term.value)}\n"


def normalized_text(quads: Iterable[Quad]) -> str:
    """The text RA hashes: the quads sorted, each term on a line, duplicates once."""
    text: list[str] = []
    previous = ""
    for quad in sorted(quads, key=_order):
        line = "".join(_term_line(term) for term in quad)
        if line != previous:
            text.append(line)
        previous = line
    return "".join(text)


def artifact_code(quads: Iterable[Quad]) -> str:
    """The RA artifact code of ``quads``, whose IRIs have a space where the code goes."""
    digest = hashlib.sha256(normalized_text(quads).encode("utf-8")).digest()
    return "RA" + base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def publication_date(release: ReleaseInfo | None) -> Lit | None:
    """The date of the nanopublications: the release's, else ``SOURCE_DATE_EPOCH``'s, else
    none (never the wall clock).

    >>> from iusgraph.graph.release_info import ReleaseInfo
    >>> publication_date(ReleaseInfo("1.0.0", "2026-12-01")).value
    '2026-12-01'
    """
    if release is not None:
        return Lit(release.date, XSD + "date")
    moment = source_date_epoch()
    if moment is None:
        return None
    return Lit(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), XSD + "dateTime")


def _term(node: Node, claim: URIRef) -> str | Lit:
    from rdflib import Literal, URIRef

    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, Literal):
        if node.language:
            return Lit(str(node), "", node.language)
        return Lit(str(node), str(node.datatype) if node.datatype else XSD_STRING)
    raise IusgraphError(
        f"claim <{claim}>: its nanopublication would hold the blank node {node.n3()}; "
        "give every node an IRI (iusgraph writes no blank nodes)"
    )


def _iri(node: Node, claim: URIRef) -> str:
    term = _term(node, claim)
    if not isinstance(term, str):
        raise IusgraphError(f"claim <{claim}>: {term.value!r} stands where an IRI must")
    return term


def claim_quads(graph: Graph, claim: URIRef, pubinfo: list[tuple[str, str | Lit]]) -> list[Quad]:
    """The quads of ``claim``'s nanopublication, with a space where its artifact code goes.

    ``pubinfo`` holds the (predicate, object) pairs every nanopublication's IRI carries in
    its publication-info graph (the generator, the release, the date).
    """
    from rdflib import URIRef

    from iusgraph.graph.vocabulary import load_vocabulary

    this = NP_BASE + _HOLE
    head, assertion, provenance, info = (this + suffix for suffix in _GRAPHS)
    quads: list[Quad] = [
        (head, this, RDF_TYPE, NP + "Nanopublication"),
        (head, this, NP + "hasAssertion", assertion),
        (head, this, NP + "hasProvenance", provenance),
        (head, this, NP + "hasPublicationInfo", info),
    ]

    def triples(
        subject: Node, keep: Iterable[str] | None = None
    ) -> Iterator[tuple[str, str, str | Lit]]:
        for _, p, o in graph.triples((subject, None, None)):
            if keep is None or str(p) in keep:
                yield _iri(subject, claim), str(p), _term(o, claim)

    # Assertion: the direct triple, when the claim makes one, and the claim node.
    subject = graph.value(claim, URIRef(IUS + "claimSubject"))
    predicate = graph.value(claim, URIRef(IUS + "claimPredicate"))
    obj = graph.value(claim, URIRef(IUS + "claimObject"))
    deprecated = (claim, URIRef(IUS + "rank"), URIRef(PREFIXES["iusv"] + "rank-deprecated"))
    if (
        subject is not None
        and predicate is not None
        and obj is not None
        and deprecated not in graph
        and predicate not in load_vocabulary().evidence_status_properties
        and (subject, predicate, obj) in graph
    ):
        quads.append((assertion, _iri(subject, claim), _iri(predicate, claim), _term(obj, claim)))
    kept_in_assertion = {str(p) for p in graph.predicates(claim, None)} - PROVENANCE_PREDICATES
    quads += [(assertion, *t) for t in triples(claim, kept_in_assertion)]

    # Provenance: the evidence, its selectors and the source.
    evidence = sorted(graph.objects(claim, URIRef(IUS + "hasEvidence")), key=str)
    sources = sorted(graph.objects(claim, URIRef(PROV + "wasDerivedFrom")), key=str)
    if not evidence and not sources:
        raise IusgraphError(
            f"claim <{claim}> has no evidence and no source: a nanopublication needs its "
            "provenance; run `iusgraph validate` and give the claim its evidence"
        )
    quads += [(provenance, assertion, PROV + "wasDerivedFrom", _iri(e, claim)) for e in evidence]
    quads += [(provenance, assertion, PROV + "hadPrimarySource", _iri(s, claim)) for s in sources]
    quads += [(provenance, *t) for t in triples(claim, PROVENANCE_PREDICATES)]
    oa_selector = URIRef(PREFIXES["oa"] + "hasSelector")
    oa_source = URIRef(PREFIXES["oa"] + "hasSource")
    for node in evidence:
        quads += [(provenance, *t) for t in triples(node)]
        for selector in graph.objects(node, oa_selector):
            quads += [(provenance, *t) for t in triples(selector)]
        sources += list(graph.objects(node, oa_source))
    for source in sorted(set(sources), key=str):
        quads += [(provenance, *t) for t in triples(source, SOURCE_PREDICATES)]

    # Publication info.
    quads.append((info, this, NPX + "hasNanopubType", IUS + "Claim"))
    quads += [(info, this, RDFS_LABEL, label) for _, _, label in triples(claim, {RDFS_LABEL})]
    quads += [(info, this, p, o) for p, o in pubinfo]
    quads.append((info, GENERATOR, RDFS_LABEL, Lit(f"iusgraph {__version__}")))
    return quads


def _fill(term: str | Lit | None, code: str) -> str | Lit | None:
    """``term`` with the artifact code where the space stands."""
    hole = NP_BASE + _HOLE
    if isinstance(term, str) and term.startswith(hole):
        return NP_BASE + code + term[len(hole) :]
    return term


def trusty(quads: list[Quad]) -> tuple[str, list[Quad]]:
    """The nanopublication's IRI and its quads with the artifact code filled in."""
    code = artifact_code(quads)
    filled = [cast("Quad", tuple(_fill(term, code) for term in quad)) for quad in quads]
    return NP_BASE + code, filled


def nanopublications(graph: Graph, release: ReleaseInfo | None = None) -> list[list[Quad]]:
    """One nanopublication per claim of ``graph``, by claim IRI, each with its trusty IRI."""
    from rdflib import RDF, URIRef

    pubinfo: list[tuple[str, str | Lit]] = [(PAV + "createdWith", GENERATOR)]
    if release is not None:
        pubinfo.append((DCTERMS + "isPartOf", release.base))
    date = publication_date(release)
    if date is not None:
        pubinfo.append((DCTERMS + "created", date))
    claims = sorted(cast("Iterable[URIRef]", graph.subjects(RDF.type, URIRef(IUS + "Claim"))))
    return [trusty(claim_quads(graph, claim, pubinfo))[1] for claim in claims]


def _prefix_line(name: str, iri: str) -> str:
    return f"@prefix {name}: <{iri}> .\n"


def to_trig(nanopubs: Iterable[list[Quad]]) -> str:
    """The nanopublications as one TriG document (written by Oxigraph): the project's
    prefixes once, then each nanopublication with its own ``this:`` (its IRI) and ``sub:``
    (its IRI and ``/``) prefixes, as nanopublications are usually written, and its graphs in
    the order head, assertion, provenance, pubinfo, their triples sorted."""
    import pyoxigraph as ox

    def term(value: str | Lit) -> ox.NamedNode | ox.Literal:
        if isinstance(value, str):
            return ox.NamedNode(value)
        if value.language:
            return ox.Literal(value.value, language=value.language)
        return ox.Literal(value.value, datatype=ox.NamedNode(value.datatype))

    parts = [_prefix_line(name, iri) for name, iri in sorted(OUTPUT_PREFIXES.items())]
    for nanopub in nanopubs:
        this = nanopub[0][1]
        rank = {this + suffix: n for n, suffix in enumerate(_GRAPHS)}
        quads = [
            ox.Quad(ox.NamedNode(s), ox.NamedNode(p), term(o), ox.NamedNode(g or ""))
            for g, s, p, o in sorted(nanopub, key=lambda q: (rank[q[0] or ""], _order(q)))
        ]
        own = {"this": this, "sub": this + "/"}
        body = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes={**OUTPUT_PREFIXES, **own})
        # Oxigraph writes every prefix line first, in an order of its own: the project's are
        # written once above, sorted, and the nanopublication's own here.
        lines = cast("bytes", body).decode("utf-8").splitlines(keepends=True)
        start = next((n for n, line in enumerate(lines) if not line.startswith("@prefix ")), 0)
        parts += ["\n", *(_prefix_line(k, v) for k, v in own.items()), *lines[start:]]
    return "".join(parts)


def to_nanopubs(graph: Graph, *, release: ReleaseInfo | None = None) -> str:
    """``iusgraph.nanopub.trig``: one nanopublication per claim of ``graph``, with trusty
    IRIs; ``release`` names the release they belong to and gives their date."""
    return to_trig(nanopublications(graph, release))
