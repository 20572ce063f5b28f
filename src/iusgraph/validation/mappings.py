"""``iusgraph mappings check``: the SSSOM mapping sets against the HPO and MeSH releases
that the packages ship (every code exists, is live and has the label we give it) and
against the entities (every subject is one of ours)."""

from __future__ import annotations

from pathlib import Path

from iusgraph.curation.entities import Entity
from iusgraph.curation.mappings import (
    Mapping,
    MappingSet,
    Release,
    names_of,
    normalize,
    read_mapping_sets,
    release,
)
from iusgraph.errors import IusgraphError
from iusgraph.graph.namespaces import ENT
from iusgraph.validation.report import Finding, Report


def check_mapping_sets(
    sets: list[MappingSet],
    entities: dict[str, Entity],
    releases: dict[str, Release] | None = None,
    *,
    strict: bool = True,
) -> Report:
    """Each rule of the mapping check is one kind of finding (``mapping:<rule>``).

    :param strict: a release package that is not installed is an error (exit 2); else a
        warning finding, and that set's rows are not checked (``validate`` on a plain install)
    """
    report = Report()
    report.checks.append("mappings: SSSOM sets against the shipped HPO and MeSH releases")
    total = 0
    for mset in sets:
        try:
            rel = (releases or {}).get(mset.vocabulary) or release(mset.vocabulary)
        except IusgraphError as err:
            if strict:
                raise
            report.add(
                Finding(
                    "Warning",
                    str(mset.iri),
                    mset.path.name,
                    "mapping:release-missing",
                    f"{mset.path}: not checked: {err}",
                )
            )
            continue
        declared = str(mset.metadata.get("object_source_version", ""))
        if declared != rel.version:
            report.add(
                Finding(
                    "Violation",
                    str(mset.iri),
                    mset.path.name,
                    "mapping:source-version",
                    f"{mset.path}:1: object_source_version is {declared!r}, but the "
                    f"shipped release is {rel.version!r} ({rel.source}); re-check the "
                    "rows against it and update the header",
                )
            )
        exact: dict[str, list[Mapping]] = {}
        for row in mset.mappings:
            total += 1
            entity = entities.get(row.entity)
            focus = str(ENT[row.entity])
            label = entity.label if entity else row.subject_label
            if entity is None:
                report.add(
                    Finding(
                        "Violation",
                        focus,
                        label,
                        "mapping:known-subject",
                        f"{row.where}: {row.subject_id} is not an entity of the graph; "
                        "fix the id or add the entity to data/entities/",
                        value=row.object_id,
                    )
                )
            term = rel.terms.get(row.object_id)
            if term is None:
                report.add(
                    Finding(
                        "Violation",
                        focus,
                        label,
                        "mapping:known-term",
                        f"{row.where}: {row.object_id} is not in {rel.vocabulary} "
                        f"{rel.version}; look the term up in the release",
                        value=row.object_id,
                    )
                )
                continue
            if term.obsolete:
                instead = (
                    " (replaced by " + ", ".join(term.replaced_by) + ")"
                    if term.replaced_by
                    else "; the release names no replacement"
                )
                report.add(
                    Finding(
                        "Violation",
                        focus,
                        label,
                        "mapping:live-term",
                        f"{row.where}: {row.object_id} {term.label!r} is obsolete in "
                        f"{rel.version}{instead}",
                        value=row.object_id,
                    )
                )
            if row.object_label and normalize(row.object_label) != normalize(term.label):
                report.add(
                    Finding(
                        "Warning",
                        focus,
                        label,
                        "mapping:object-label",
                        f"{row.where}: object_label {row.object_label!r} is not the "
                        f"release's label {term.label!r} for {row.object_id}",
                        value=row.object_id,
                    )
                )
            if row.predicate_id == "skos:exactMatch":
                exact.setdefault(row.entity, []).append(row)
                subject_names = {normalize(row.subject_label)}
                if entity is not None:
                    subject_names |= {normalize(n) for n in (entity.label, *entity.synonyms)}
                if not (subject_names & names_of(term)) and not row.comment:
                    report.add(
                        Finding(
                            "Violation",
                            focus,
                            label,
                            "mapping:exact-label",
                            f"{row.where}: exactMatch to {row.object_id} {term.label!r}, but no label "
                            f"or synonym of the two agrees; say why in the comment, or choose "
                            "closeMatch, broadMatch, narrowMatch or relatedMatch",
                            value=row.object_id,
                        )
                    )
        for ident, rows in sorted(exact.items()):
            if len(rows) > 1:
                report.add(
                    Finding(
                        "Violation",
                        str(ENT[ident]),
                        rows[0].subject_label,
                        "mapping:one-exact-match",
                        f"{rows[1].where}: ent:{ident} has exactMatch to "
                        + " and ".join(r.object_id for r in rows)
                        + f" in {mset.path.name}; keep one, and make the others closeMatch",
                        value=rows[1].object_id,
                    )
                )
    report.stats["mappings"] = total
    return report


def check_folder(folder: Path, entities: dict[str, Entity]) -> Report:
    """Findings for the SSSOM mapping sets in ``folder`` against ``entities``."""
    return check_mapping_sets(read_mapping_sets(folder), entities)
