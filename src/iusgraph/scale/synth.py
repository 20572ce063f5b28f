"""A synthetic drug-safety corpus shaped exactly like the real graph, for scale tests.

The generator builds entities and claims as the curated tables would and
compiles them with the same functions (:func:`iusgraph.curation.claims.add_claims`),
so the output has the real graph's classes, qualifiers, evidence selectors
and sources. It also writes the source documents the evidence points into,
so ``verify-evidence`` works on it. ``faults`` injects known violations of
varied kinds and lists them, so that validation can be scored.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD
from rdflib.term import Node

from iusgraph.curation.claims import Claim, Evidence, add_claims
from iusgraph.curation.entities import Entity, add_entities
from iusgraph.graph.files import replaced_folder
from iusgraph.graph.namespaces import ENT, IUS, IUSV, OA, SRC, bind_prefixes
from iusgraph.graph.serialize import to_ntriples
from iusgraph.graph.vocabulary import load_vocabulary, ontology_graph
from iusgraph.progress import Bar

CLAIMS_PER_SOURCE = 200
#: About how many triples a drug adds (439,326 for 1000 drugs): how large a run is, for
#: the progress bar.
TRIPLES_PER_DRUG = 440
EFFECT_POOL = 300
FAULT_KINDS = (
    "missing-rank",
    "unbacked-triple",
    "serious-without-action",
    "bad-sha256",
    "reversed-offsets",
    "missing-label",
    "orphan-entity",
)


@dataclass(frozen=True)
class Fault:
    """One injected violation, and the finding validation must report for it."""

    kind: str
    focus: str
    rule: str


def _sentence(claim: Claim, entities: dict[str, Entity]) -> str:
    obj = entities[claim.object].label if claim.object else "its stated duration"
    return f"{entities[claim.subject].label} {claim.predicate.split('/')[-1]} {obj}."


def _drug_of(claim: Claim) -> int:
    """Claim ids start with d<drug number>-."""
    return int(claim.id.split("-", 1)[0][1:])


def _entities(drugs: int, effects: list[str]) -> dict[str, Entity]:
    """The drugs' entities, and only the effects that claims use (no orphans)."""
    vocab = load_vocabulary()
    out: dict[str, Entity] = {}

    def add(ident: str, cls: str, label: str) -> None:
        out[ident] = Entity(ident, vocab.entity_classes[cls], label, (), "", None, "synth")

    for ident in effects:
        add(ident, "MedicalCondition", f"synthetic effect {ident.rsplit('-', 1)[1]}")
    for d in range(drugs):
        add(f"synth-drug-{d}", "Device", f"synthetic drug {d}")
        add(f"synth-ingredient-{d}", "Substance", f"synthetic ingredient {d}")
        for m in range(2):
            add(f"synth-mechanism-{d}-{m}", "Mechanism", f"synthetic mechanism {d}-{m}")
            add(f"synth-outcome-{d}-{m}", "Outcome", f"synthetic outcome {d}-{m}")
    return out


def _claims(drugs: int, rng: random.Random) -> list[Claim]:
    """About 20 claims a drug, like a leaflet: ingredient, mechanisms, effects, contraindications."""
    vocab = load_vocabulary()
    p = vocab.claim_properties
    q = vocab.qualifiers
    claims: list[Claim] = []
    for d in range(drugs):
        drug = f"synth-drug-{d}"

        def claim(
            ident: str, subject: str, pred: str, obj: str, qualifiers: list[tuple[URIRef, object]]
        ) -> None:
            # Called within this iteration only, so `d` is the drug being written.
            claims.append(Claim("", f"d{d}-{ident}", subject, p[pred], obj, qualifiers))  # noqa: B023

        claim("ingredient", drug, "hasActiveIngredient", f"synth-ingredient-{d}", [])
        for m in range(2):
            claim(
                f"mechanism-{m}",
                f"synth-ingredient-{d}",
                "hasMechanism",
                f"synth-mechanism-{d}-{m}",
                [],
            )
            claim(
                f"outcome-{m}",
                f"synth-mechanism-{d}-{m}",
                "resultsIn",
                f"synth-outcome-{d}-{m}",
                [],
            )
        for e in rng.sample(range(EFFECT_POOL), 12):
            quals: list[tuple[URIRef, object]] = [
                (q["frequency"].prop, rng.choice(list(q["frequency"].concepts.values())))
            ]
            if rng.random() < 0.2:
                quals += [
                    (q["seriousness"].prop, IUSV["seriousness-serious"]),
                    (q["action"].prop, IUSV["action-seek-immediate-care"]),
                ]
            claim(f"effect-{e}", drug, "hasSideEffect", f"synth-effect-{e}", quals)
        for e in rng.sample(range(EFFECT_POOL), 3):
            claim(f"contraindication-{e}", drug, "contraindicatedIn", f"synth-effect-{e}", [])
        low = rng.randint(1, 5)
        claim(
            "duration",
            drug,
            "useDuration",
            "",
            [
                (q["lower"].prop, Literal(f"P{low}Y", datatype=XSD.duration)),
                (q["upper"].prop, Literal(f"P{low + 2}Y", datatype=XSD.duration)),
            ],
        )
    return claims


class Edit(Protocol):
    """A change to one part of the synthetic graph, made in place: it injects a fault.

    A protocol, not ``Callable[[Graph], None]``, so that the lambdas binding their
    loop variables as defaults (``lambda g, node=node: ...``) type-check."""

    def __call__(self, graph: Graph, /) -> None:
        """Make the change in ``graph``."""


def generate(
    drugs: int, faults: int = 0, seed: int = 0
) -> tuple[Graph, dict[str, str], list[Fault]]:
    """The synthetic graph, its source documents (file name to text) and the injected faults."""
    graph = Graph()
    bind_prefixes(graph)

    def sink(chunk: Graph) -> None:
        graph.addN((s, p, o, graph) for s, p, o in chunk)

    documents, injected = _build(drugs, faults, seed, sink)
    return graph, documents, injected


def _build(
    drugs: int, faults: int, seed: int, sink: Callable[[Graph], None]
) -> tuple[dict[str, str], list[Fault]]:
    """Hand the corpus to ``sink`` a part at a time: the vocabulary and entities first, then
    one source document with its claims per part, so memory stays bounded at any size."""
    if drugs < 1:
        raise ValueError("drugs must be at least 1")
    rng = random.Random(seed)
    claims = _claims(drugs, rng)
    effects = sorted(
        {c.object for c in claims if c.object.startswith("synth-effect-")},
        key=lambda e: int(e.rsplit("-", 1)[1]),
    )
    entities = _entities(drugs, effects)
    chunks = [claims[i : i + CLAIMS_PER_SOURCE] for i in range(0, len(claims), CLAIMS_PER_SOURCE)]
    for number, chunk in enumerate(chunks):
        for claim in chunk:
            claim.source = f"synth-source-{number}"
    injected, edits = _plan_faults(faults, rng, chunks, drugs, effects)
    head = Graph()
    head += ontology_graph()
    add_entities(head, entities)
    for edit in edits.get(None, []):
        edit(head)
    sink(head)
    documents: dict[str, str] = {}
    vocab = load_vocabulary()
    with Bar("synth: writing drugs", drugs, triples=drugs * TRIPLES_PER_DRUG, unit="drug") as bar:
        written = 0
        for number, chunk in enumerate(chunks):
            part = Graph()
            key = f"synth-source-{number}"
            text = ""
            for claim in chunk:
                sentence = _sentence(claim, entities)
                claim.evidence = [Evidence(len(text), len(text) + len(sentence), sentence, "synth")]
                text += sentence + "\n"
            file_name = f"{key}.txt"
            documents[file_name] = text
            for pred, value in (
                (RDF.type, IUS.SourceDocument),
                (SKOS.prefLabel, Literal(f"synthetic leaflet {key}", lang="en")),
                (IUS.fileName, Literal(file_name)),
                (IUS.sha256, Literal(hashlib.sha256(text.encode("utf-8")).hexdigest())),
                (IUS.characterCount, Literal(len(text), datatype=XSD.integer)),
                (IUS.documentKind, IUSV["document-kind-drug-information-page"]),
                (IUS.reliability, IUSV["reliability-moderate"]),
                (IUS.reliabilityNote, Literal("Synthetic document for benchmarks.", lang="en")),
                (IUS.defaultProduct, ENT[f"synth-drug-{_drug_of(chunk[0])}"]),
            ):
                part.add((SRC[key], pred, value))
            for claim in chunk:  # each claim is about its own drug
                add_claims(part, [claim], vocab, entities, ENT[f"synth-drug-{_drug_of(claim)}"])
            for edit in edits.get(number, []):
                edit(part)
            sink(part)
            done = _drug_of(chunk[-1]) + 1  # the drugs up to this part's last
            bar.update(done - written)
            written = done
    return documents, injected


def _plan_faults(
    count: int, rng: random.Random, chunks: list[list[Claim]], drugs: int, effects: list[str]
) -> tuple[list[Fault], dict[int | None, list[Edit]]]:
    """Choose ``count`` distinct nodes to break, cycling through the fault kinds.

    Returns the faults and, per part (None for the head), the edits that break them.
    """
    out: list[Fault] = []
    edits: dict[int | None, list[Edit]] = {}
    sources = sorted(range(len(chunks)), key=lambda n: str(SRC[f"synth-source-{n}"]))
    chunk_of = {c.id: n for n, chunk in enumerate(chunks) for c in chunk}
    free_claims = [c for chunk in chunks for c in chunk]
    rng.shuffle(free_claims)
    unbacked: set[tuple[URIRef, URIRef]] = set()

    def edit(part: int | None, func: Edit) -> None:
        edits.setdefault(part, []).append(func)

    for n in range(count):
        kind = FAULT_KINDS[n % len(FAULT_KINDS)]
        if kind == "bad-sha256" and sources:
            number = sources.pop(rng.randrange(len(sources)))
            node = SRC[f"synth-source-{number}"]
            edit(number, lambda g, node=node: g.set((node, IUS.sha256, Literal("not-a-hash"))))
            out.append(Fault(kind, str(node), "shape:SourceShape/ius:sha256"))
        elif kind == "orphan-entity":
            node = ENT[f"synth-orphan-{n}"]
            triples = [
                (node, RDF.type, IUS.Entity),
                (node, RDF.type, IUS.Factor),
                (node, SKOS.prefLabel, Literal(f"orphan {n}", lang="en")),
            ]
            edit(None, lambda g, triples=triples: _add(g, triples))
            out.append(Fault(kind, str(node), "qc:orphan-entity-violation"))
        elif kind == "missing-label":
            # Used as a broader entity, so it is not an orphan; only its label is missing.
            node = ENT[f"synth-unlabelled-{n}"]
            triples = [
                (node, RDF.type, IUS.Entity),
                (node, RDF.type, IUS.Factor),
                (ENT[rng.choice(effects)], SKOS.broader, node),
            ]
            edit(None, lambda g, triples=triples: _add(g, triples))
            out.append(Fault(kind, str(node), "shape:EntityShape/skos:prefLabel"))
        elif kind == "unbacked-triple":
            drug = ENT[f"synth-drug-{rng.randrange(drugs)}"]
            effect = ENT[rng.choice(effects)]
            if (drug, effect) in unbacked:
                continue
            unbacked.add((drug, effect))
            triples = [(drug, IUS.notIndicatedFor, effect)]
            edit(None, lambda g, triples=triples: _add(g, triples))
            out.append(Fault(kind, str(drug), "shape:DirectTripleBacked"))
        elif kind == "serious-without-action":
            serious = [
                c
                for c in free_claims
                if (IUS.recommendedAction, IUSV["action-seek-immediate-care"]) in c.qualifiers
            ]
            if not serious:
                continue
            claim = serious[0]
            free_claims.remove(claim)
            edit(
                chunk_of[claim.id],
                lambda g, iri=claim.iri: g.remove((iri, IUS.recommendedAction, None)),
            )
            out.append(Fault(kind, str(claim.iri), "shape:SeriousClaimHasAction"))
        elif kind == "missing-rank" and free_claims:
            claim = free_claims.pop()
            edit(chunk_of[claim.id], lambda g, iri=claim.iri: g.remove((iri, IUS.rank, None)))
            out.append(Fault(kind, str(claim.iri), "shape:ClaimShape/ius:rank"))
            if claim.object:  # without a rank the claim no longer backs its direct triple
                out.append(Fault(kind, str(ENT[claim.subject]), "shape:DirectTripleBacked"))
            if (IUS.seriousness, IUSV["seriousness-serious"]) in claim.qualifiers:
                out.append(Fault(kind, str(ENT[claim.subject]), "shape:DerivedSeriousTripleBacked"))
        elif kind == "reversed-offsets" and free_claims:
            claim = free_claims.pop()
            edit(chunk_of[claim.id], lambda g, claim=claim: _reverse_offsets(g, claim))
            position = URIRef(f"{claim.evidence_iri(1)}.position")
            out.append(Fault(kind, str(position), "shape:TextPositionSelectorShape/oa:start"))
            out.append(Fault(kind, str(claim.iri), "iusgraph:SelectorLength"))
    return out, edits


def _add(graph: Graph, triples: Iterable[tuple[URIRef, URIRef, Node]]) -> None:
    for triple in triples:
        graph.add(triple)


def _reverse_offsets(graph: Graph, claim: Claim) -> None:
    position = URIRef(f"{claim.evidence_iri(1)}.position")
    start, end = claim.evidence[0].start, claim.evidence[0].end
    graph.set((position, OA.start, Literal(end, datatype=XSD.nonNegativeInteger)))
    graph.set((position, OA.end, Literal(start, datatype=XSD.nonNegativeInteger)))


#: What a corpus folder holds: ``synth`` replaces it as a whole, and only if it holds no more.
CORPUS_FILES = {"synth.nt", "sources", "faults.json"}


def write_corpus(out_dir: Path, drugs: int, faults: int = 0, seed: int = 0) -> dict[str, int]:
    """Write ``synth.nt``, ``faults.json`` and ``sources/*.txt``; returns counts.

    ``synth.nt`` is written a part at a time (each part's lines sorted), so a
    10-million-triple corpus never sits in one rdflib graph.
    """
    lines = 0
    with replaced_folder(Path(out_dir), CORPUS_FILES) as stage:
        with (stage / "synth.nt").open("w", encoding="utf-8", newline="") as handle:

            def sink(chunk: Graph) -> None:
                nonlocal lines
                text = to_ntriples(chunk)
                lines += text.count("\n")
                handle.write(text)

            documents, injected = _build(drugs, faults, seed, sink)
        (stage / "sources").mkdir()
        for name, text in sorted(documents.items()):
            (stage / "sources" / name).write_text(text, encoding="utf-8", newline="")
        (stage / "faults.json").write_text(
            json.dumps([asdict(f) for f in injected], indent=2) + "\n", encoding="utf-8"
        )
    return {"triples": lines, "sources": len(documents), "faults": len(injected)}
