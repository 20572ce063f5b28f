"""Compiling the entity tables (``data/entities/*.tsv``) to RDF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from iusgraph.curation.ids import check_id, suggest
from iusgraph.curation.tables import read_table
from iusgraph.errors import InputError
from iusgraph.graph.namespaces import ENT, IUS
from iusgraph.graph.vocabulary import Vocabulary

COLUMNS = ["id", "type", "label", "synonyms", "broader", "category"]


@dataclass(frozen=True)
class Entity:
    """One row of an entity table, checked: id, class, labels, broader entity and cause
    category."""

    id: str
    cls: URIRef
    label: str
    synonyms: tuple[str, ...]
    broader: str
    category: URIRef | None
    where: str  # path:line, for messages

    @property
    def iri(self) -> URIRef:
        """The entity's IRI, ``ent:<id>``."""
        return ENT[self.id]


def read_entities(folder: Path, vocab: Vocabulary) -> dict[str, Entity]:
    """All entities of ``folder/*.tsv``; ids must be unique across files."""
    categories = vocab.scheme("cause-category")
    entities: dict[str, Entity] = {}
    files = sorted(folder.glob("*.tsv"))
    if not files:
        raise InputError("no entity tables (*.tsv) found", path=str(folder))
    for path in files:
        for row in read_table(path, COLUMNS):
            ident = row.get("id")
            if not check_id(ident):
                raise row.error(f"entity id {ident!r} must be lowercase words joined by '-'")
            if ident in entities:
                raise row.error(
                    f"entity {ident!r} is already defined at {entities[ident].where}; "
                    "reuse it instead of defining it again"
                )
            type_name = row.get("type")
            if type_name not in vocab.entity_classes:
                raise row.error(
                    f"unknown entity type {type_name!r}"
                    + suggest(type_name, vocab.entity_classes)
                    + "; use one of "
                    + ", ".join(sorted(vocab.entity_classes))
                )
            label = row.get("label")
            if not label:
                raise row.error(f"entity {ident!r} needs an English label")
            category = row.get("category")
            if category and category not in categories:
                raise row.error(
                    f"unknown cause category {category!r}; use one of "
                    + ", ".join(sorted(categories))
                )
            synonyms = tuple(s.strip() for s in row.get("synonyms").split("|") if s.strip())
            entities[ident] = Entity(
                ident,
                vocab.entity_classes[type_name],
                label,
                synonyms,
                row.get("broader"),
                categories.get(category),
                f"{row.path}:{row.line}",
            )
    for entity in entities.values():
        if entity.broader and entity.broader not in entities:
            raise InputError(
                f"entity {entity.id!r} has unknown broader entity {entity.broader!r}"
                + suggest(entity.broader, entities)
                + "; add it or fix the id",
                path=entity.where.rsplit(":", 1)[0],
                line=int(entity.where.rsplit(":", 1)[1]),
            )
    return entities


def add_entities(graph: Graph, entities: dict[str, Entity]) -> None:
    """Add each entity's classes, labels, broader entity and cause category to ``graph``."""
    for entity in entities.values():
        iri = entity.iri
        graph.add((iri, RDF.type, entity.cls))
        graph.add((iri, RDF.type, IUS.Entity))
        graph.add((iri, SKOS.prefLabel, Literal(entity.label, lang="en")))
        for synonym in entity.synonyms:
            graph.add((iri, SKOS.altLabel, Literal(synonym, lang="en")))
        if entity.broader:
            graph.add((iri, SKOS.broader, ENT[entity.broader]))
        if entity.category is not None:
            graph.add((iri, IUS.causeCategory, entity.category))
