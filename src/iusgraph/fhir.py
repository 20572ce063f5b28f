"""The graph as a FHIR R5 ``Bundle`` (JSON) for health apps: ``iusgraph export --format fhir``.

The bundle (``type`` ``collection``) holds plain JSON built from the graph; nothing here
imports a FHIR library (the tests validate every resource with ``fhir.resources``' R5
models). What each resource and element carries:

* **DeviceDefinition**, one per device that is the subject of an exported claim or of a
  ``hasActiveIngredient`` claim (``ent:lng-ius``, ``ent:mirena``, ``ent:iud``): its label as
  ``deviceName`` (``user-friendly-name``), its IRI as ``identifier``, its HPO and MeSH codes
  in the extension ``code``, its active ingredients in the extension
  ``hasActiveIngredient`` (a reference to a SubstanceDefinition).
* **SubstanceDefinition**, one per object of a ``hasActiveIngredient`` claim: ``name`` and
  ``code`` (the HPO and MeSH codings the entity carries).
* **DocumentReference**, one per source document: its title, file name
  (``content.attachment.title``), SHA-256, document kind and reliability (extensions).
* **ClinicalUseDefinition**, one per claim (a claim is the group of rows and evidence spans
  that share one claim IRI) of a property in :data:`CLINICAL_USE`, whose subject is a device:
  ``contraindicatedIn`` is a ``contraindication``, ``hasUse`` an ``indication``,
  ``hasSideEffect`` an ``undesirable-effect``, ``requiresCautionWith`` and
  ``hasPopulationGuidance`` a ``warning``. ``subject`` is the claim's device, ``identifier``
  the claim IRI. The claim's object is the CodeableConcept of the standard element
  (``contraindication.diseaseSymptomProcedure``, ``indication.diseaseSymptomProcedure``,
  ``undesirableEffect.symptomConditionEffect``, ``warning.code``); the frequency is
  ``undesirableEffect.frequencyOfOccurrence`` and the seriousness
  ``undesirableEffect.classification``. Every other qualifier (severity, action, certainty,
  scope, use kind, guidance, timing, site, population, product context, rank, ...) is an
  extension named by its ius property, ``<EXTENSION><localName>``, valued with a Coding of its
  concept scheme (``system`` the scheme IRI, ``code`` the notation), a CodeableConcept of the
  entity, or a string (durations).
* **Negations.** A claim of a negative property in :data:`NEGATED` (``notIndicatedFor``,
  ``doesNotProtectAgainst``, ``noKnownSignificantInteractionWith``) is never an indication or
  an interaction: it is a ``warning`` whose ``warning.description`` is the claim's own label
  ("Mirena is not a treatment for back pain"), with the extension ``negated`` true. Its
  object is *not* a standard coded element (a reader who skips extensions could take a coded
  condition as the warning's subject matter): it is in the extension ``claimObject``. The
  other negative properties (not available as, no dose adjustment, not removable or stored by,
  lacks user experience) and every non-clinical-use property are not exported to FHIR.
* **Provenance**, one per exported claim (and one per ``hasActiveIngredient`` claim),
  ``target`` the resources it backs, ``agent`` the curators (``author``), one ``entity`` per
  evidence span: ``role`` ``quotation``, ``what`` the DocumentReference of its source, and
  the extensions ``quote`` (``oa:exact``), ``textPositionStart`` / ``textPositionEnd``
  (``oa:start`` / ``oa:end``) and ``evidence`` (the evidence IRI).
* **Conflicts.** A claim in a curated conflict carries the extension ``conflict`` (the
  conflict IRI, label and kind), so an app sees that a source or another source disagrees.

Codes: a concept's codings are its ``ent:`` IRI (system :data:`ENTITY_SYSTEM`) and only the
HPO and MeSH codes of its ``skos:exactMatch`` and ``skos:closeMatch`` mappings, with the
systems of HL7 Terminology (THO), :data:`HPO_SYSTEM` and :data:`MESH_SYSTEM`; each of those
codings has the extension ``mappingPredicate`` (``exactMatch`` or ``closeMatch``). Broader,
narrower and related matches are not codings: they are not the concept.

Ids are the local names of the graph's IRIs (claim ``ius-monograph.ci-pregnancy`` is
``ClinicalUseDefinition/ius-monograph.ci-pregnancy`` and ``Provenance/ius-monograph.ci-pregnancy``),
shortened with a hash past FHIR's 64 characters; every list is sorted, so the output is
byte-identical across runs.

>>> fhir_id("ius-monograph.ci-pregnancy")
'ius-monograph.ci-pregnancy'
>>> len(fhir_id("x" * 80)), fhir_id("a b")
(64, 'a-b')
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, cast

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SKOS
from rdflib.term import Node

from iusgraph.curation.mappings import codes_of
from iusgraph.graph.namespaces import BASE, CLAIM, ENT, IUS, OA, SRC

#: Where the references of the bundle resolve: ``fullUrl`` is ``<FHIR_BASE><Type>/<id>``.
FHIR_BASE = BASE + "fhir/"
#: The extensions of this export: ``<EXTENSION><name>``.
EXTENSION = FHIR_BASE + "StructureDefinition/"
#: HL7 Terminology (THO) CodeSystem URLs: CodeSystem-HPO and CodeSystem-MeSH.
HPO_SYSTEM = "http://human-phenotype-ontology.org"
MESH_SYSTEM = "https://www.nlm.nih.gov/mesh"
#: The graph's own entities as a code system (code: the entity id).
ENTITY_SYSTEM = str(ENT)
RFC3986 = "urn:ietf:rfc:3986"
PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"

#: The claim properties exported as ClinicalUseDefinitions, and their ``type``.
CLINICAL_USE: dict[str, str] = {
    "contraindicatedIn": "contraindication",
    "hasUse": "indication",
    "hasSideEffect": "undesirable-effect",
    "requiresCautionWith": "warning",
    "hasPopulationGuidance": "warning",
}
#: The negative claim properties exported, always as a negated ``warning``.
NEGATED: tuple[str, ...] = (
    "doesNotProtectAgainst",
    "noKnownSignificantInteractionWith",
    "notIndicatedFor",
)
#: Qualifiers carried by standard elements of an undesirable effect, not by extensions.
UNDESIRABLE_EFFECT_ELEMENTS = {
    "frequency": "frequencyOfOccurrence",
    "seriousness": "classification",
}
#: Properties of a claim that are not qualifiers or are carried elsewhere.
_NOT_QUALIFIERS = {
    IUS.claimSubject,
    IUS.claimPredicate,
    IUS.claimObject,
    IUS.hasEvidence,
    IUS.inSection,
    IUS.claimValue,
}
_ID_CHARS = re.compile(r"[^A-Za-z0-9.\-]")


def fhir_id(local: str) -> str:
    """A FHIR id (``[A-Za-z0-9\\-.]{1,64}``) for an IRI's local name: other characters become
    ``-``, and a longer name keeps its first 55 characters and 8 of its SHA-256."""
    clean = _ID_CHARS.sub("-", local) or "-"
    if len(clean) <= 64:
        return clean
    return clean[:55] + "-" + hashlib.sha256(local.encode("utf-8")).hexdigest()[:8]


def _local(iri: object, namespace: object) -> str:
    return str(iri)[len(str(namespace)) :]


def _text(graph: Graph, node: Node | None, prop: URIRef = SKOS.prefLabel) -> str:
    value = graph.value(node, prop)
    return str(value) if value is not None else str(node)


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": EXTENSION + name, **value}


def _codings(graph: Graph, entity: Node) -> list[dict[str, Any]]:
    """The entity's own coding, then its exactMatch and closeMatch HPO and MeSH codings."""
    codings: list[dict[str, Any]] = [
        {"system": ENTITY_SYSTEM, "code": _local(entity, ENT), "display": _text(graph, entity)}
    ]
    mapped = []
    for match, curie in codes_of(graph, cast(URIRef, entity)):
        if match not in ("exactMatch", "closeMatch"):
            continue  # broader, narrower and related matches are not the concept
        prefix, _, local = curie.partition(":")
        # HL7's HPO system writes codes as HP:0002315, its MeSH system as D006261.
        system, code = (HPO_SYSTEM, curie) if prefix == "HP" else (MESH_SYSTEM, local)
        mapped.append(
            {
                "system": system,
                "code": code,
                "extension": [_ext("mappingPredicate", valueCode=match)],
            }
        )
    return codings + sorted(mapped, key=lambda c: (c["system"], c["code"]))


def concept(graph: Graph, entity: Node) -> dict[str, Any]:
    """A CodeableConcept of an entity: its label as ``text``, its codings (:func:`_codings`)."""
    return {"coding": _codings(graph, entity), "text": _text(graph, entity)}


def _scheme_coding(graph: Graph, value: Node) -> dict[str, Any]:
    """A Coding of a SKOS concept of ontology/schemes.ttl: scheme IRI, notation, label."""
    scheme = graph.value(value, SKOS.inScheme)
    notation = graph.value(value, SKOS.notation)
    return {
        "system": str(scheme) if scheme is not None else str(value),
        "code": str(notation) if notation is not None else str(value),
        "display": _text(graph, value),
    }


def _qualifier_value(graph: Graph, value: Node) -> dict[str, Any]:
    """The ``value[x]`` of a qualifier extension."""
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, bool):
            return {"valueBoolean": python}
        if isinstance(python, int):
            return {"valueInteger": python}
        return {"valueString": str(value)}
    if str(value).startswith(str(ENT)):
        return {"valueCodeableConcept": concept(graph, value)}
    if graph.value(value, SKOS.inScheme) is not None:
        return {"valueCoding": _scheme_coding(graph, value)}
    return {"valueUri": str(value)}


def _ref(kind: str, local: str, display: str | None = None) -> dict[str, Any]:
    ref: dict[str, Any] = {"reference": f"{kind}/{fhir_id(local)}"}
    if display is not None:
        ref["display"] = display
    return ref


def _claims(graph: Graph, predicates: set[str]) -> list[URIRef]:
    """The claims of ``predicates`` (local names) whose subject is a device, sorted."""
    found = [
        claim
        for claim in graph.subjects(RDF.type, IUS.Claim)
        if isinstance(claim, URIRef)
        and _local(graph.value(claim, IUS.claimPredicate), IUS) in predicates
        and (graph.value(claim, IUS.claimSubject), RDF.type, IUS.Device) in graph
    ]
    return sorted(found, key=str)


def _conflicts(graph: Graph, claim: URIRef) -> list[dict[str, Any]]:
    out = []
    for conflict in sorted(graph.subjects(IUS.involvesClaim, claim), key=str):
        parts = [_ext("conflict", valueUri=str(conflict))]
        label = graph.value(conflict, RDFS.label) or graph.value(conflict, SKOS.prefLabel)
        if label is not None:
            parts.append(_ext("label", valueString=str(label)))
        kind = graph.value(conflict, IUS.conflictKind)
        if isinstance(kind, URIRef):
            parts.append(_ext("kind", valueCoding=_scheme_coding(graph, kind)))
        others = sorted(str(c) for c in graph.objects(conflict, IUS.involvesClaim) if c != claim)
        parts += [_ext("otherClaim", valueUri=other) for other in others]
        out.append({"url": EXTENSION + "conflict", "extension": parts})
    return out


def clinical_use(graph: Graph, claim: URIRef) -> dict[str, Any]:
    """The ClinicalUseDefinition of one claim (module docstring)."""
    predicate = _local(graph.value(claim, IUS.claimPredicate), IUS)
    subject = graph.value(claim, IUS.claimSubject)
    obj = graph.value(claim, IUS.claimObject)
    negated = predicate in NEGATED
    kind = "warning" if negated else CLINICAL_USE[predicate]
    extensions: list[dict[str, Any]] = [_ext("claimPredicate", valueUri=str(IUS[predicate]))]
    if negated:
        extensions.append(_ext("negated", valueBoolean=True))
        if isinstance(obj, URIRef):
            extensions.append(_ext("claimObject", valueCodeableConcept=concept(graph, obj)))
    standard: dict[str, Any] = {}
    for prop, value in sorted(
        graph.predicate_objects(claim), key=lambda pv: (str(pv[0]), str(pv[1]))
    ):
        if prop in _NOT_QUALIFIERS or not str(prop).startswith(str(IUS)):
            continue
        name = _local(prop, IUS)
        if kind == "undesirable-effect" and name in UNDESIRABLE_EFFECT_ELEMENTS:
            standard[UNDESIRABLE_EFFECT_ELEMENTS[name]] = {
                "coding": [_scheme_coding(graph, value)],
                "text": _text(graph, value),
            }
            continue
        extensions.append(_ext(name, **_qualifier_value(graph, value)))
    extensions += _conflicts(graph, claim)
    label = _text(graph, claim, RDFS.label)
    resource: dict[str, Any] = {
        "resourceType": "ClinicalUseDefinition",
        "id": fhir_id(_local(claim, CLAIM)),
        "identifier": [{"system": RFC3986, "value": str(claim)}],
        "type": kind,
        "subject": [_ref("DeviceDefinition", _local(subject, ENT), _text(graph, subject))],
        "extension": extensions,
    }
    target = concept(graph, obj) if isinstance(obj, URIRef) else None
    if negated:
        resource["warning"] = {"description": label}
    elif kind == "contraindication":
        resource["contraindication"] = {"diseaseSymptomProcedure": {"concept": target}}
    elif kind == "indication":
        resource["indication"] = {"diseaseSymptomProcedure": {"concept": target}}
    elif kind == "undesirable-effect":
        resource["undesirableEffect"] = {"symptomConditionEffect": {"concept": target}, **standard}
    else:
        resource["warning"] = {"description": label, "code": target}
    return resource


def _evidence_entities(graph: Graph, claim: URIRef) -> list[dict[str, Any]]:
    entities = []
    for evidence in sorted(graph.objects(claim, IUS.hasEvidence), key=str):
        source = graph.value(evidence, OA.hasSource)
        extensions = [_ext("evidence", valueUri=str(evidence))]
        for selector in sorted(graph.objects(evidence, OA.hasSelector), key=str):
            exact = graph.value(selector, OA.exact)
            if exact is not None:
                extensions.append(_ext("quote", valueString=str(exact)))
            for prop, name in ((OA.start, "textPositionStart"), (OA.end, "textPositionEnd")):
                offset = graph.value(selector, prop)
                if offset is not None:
                    extensions.append(_ext(name, valueInteger=int(str(offset))))
        entities.append(
            {
                "role": "quotation",
                "what": _ref("DocumentReference", _local(source, SRC), _text(graph, source)),
                "extension": extensions,
            }
        )
    return entities


def provenance(graph: Graph, claim: URIRef, targets: list[dict[str, Any]]) -> dict[str, Any]:
    """The Provenance of one claim: its evidence spans, as quotations of their documents."""
    source = graph.value(claim, PROV.wasDerivedFrom)
    return {
        "resourceType": "Provenance",
        "id": fhir_id(_local(claim, CLAIM)),
        "target": targets,
        "agent": [
            {
                "type": {"coding": [{"system": PARTICIPANT_TYPE, "code": "author"}]},
                "who": {"display": "iusgraph curators"},
            }
        ],
        "entity": _evidence_entities(graph, claim),
        "extension": [
            _ext("claim", valueUri=str(claim)),
            _ext("wasDerivedFrom", valueReference=_ref("DocumentReference", _local(source, SRC))),
        ],
    }


def _document(graph: Graph, source: URIRef) -> dict[str, Any]:
    extensions = [_ext("sha256", valueString=_text(graph, source, IUS.sha256))]
    for prop in (IUS.documentKind, IUS.reliability):
        value = graph.value(source, prop)
        if isinstance(value, URIRef):
            extensions.append(_ext(_local(prop, IUS), valueCoding=_scheme_coding(graph, value)))
    note = graph.value(source, IUS.reliabilityNote)
    if note is not None:
        extensions.append(_ext("reliabilityNote", valueString=str(note)))
    return {
        "resourceType": "DocumentReference",
        "id": fhir_id(_local(source, SRC)),
        "identifier": [{"system": RFC3986, "value": str(source)}],
        "status": "current",
        "description": _text(graph, source),
        "content": [
            {
                "attachment": {
                    "title": _text(graph, source, IUS.fileName),
                    "extension": extensions,
                }
            }
        ],
    }


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"{FHIR_BASE}{resource['resourceType']}/{resource['id']}",
        "resource": resource,
    }


def fhir_bundle(graph: Graph) -> dict[str, Any]:
    """The FHIR R5 Bundle of ``graph`` as a JSON dict (module docstring)."""
    uses = _claims(graph, set(CLINICAL_USE) | set(NEGATED))
    ingredients = _claims(graph, {"hasActiveIngredient"})
    devices = sorted(
        {graph.value(c, IUS.claimSubject) for c in uses + ingredients},
        key=str,
    )
    resources: list[dict[str, Any]] = []
    substances: set[object] = set()
    for device in devices:
        assert isinstance(device, URIRef)
        active = sorted(
            {
                obj
                for c in ingredients
                if graph.value(c, IUS.claimSubject) == device
                and isinstance(obj := graph.value(c, IUS.claimObject), URIRef)
            },
            key=str,
        )
        substances |= set(active)
        resources.append(
            {
                "resourceType": "DeviceDefinition",
                "id": fhir_id(_local(device, ENT)),
                "identifier": [{"system": RFC3986, "value": str(device)}],
                "deviceName": [{"name": _text(graph, device), "type": "user-friendly-name"}],
                "extension": [_ext("code", valueCodeableConcept=concept(graph, device))]
                + [
                    _ext(
                        "hasActiveIngredient",
                        valueReference=_ref("SubstanceDefinition", _local(s, ENT), _text(graph, s)),
                    )
                    for s in active
                ],
            }
        )
    for substance in sorted(substances, key=str):
        assert isinstance(substance, URIRef)
        resources.append(
            {
                "resourceType": "SubstanceDefinition",
                "id": fhir_id(_local(substance, ENT)),
                "identifier": [{"system": RFC3986, "value": str(substance)}],
                "name": [{"name": _text(graph, substance)}],
                "code": [{"code": concept(graph, substance)}],
            }
        )
    sources = sorted({graph.value(c, PROV.wasDerivedFrom) for c in uses + ingredients}, key=str)
    resources += [_document(graph, s) for s in sources if isinstance(s, URIRef)]
    for claim in uses:
        use = clinical_use(graph, claim)
        resources.append(use)
        target = _ref("ClinicalUseDefinition", _local(claim, CLAIM))
        resources.append(provenance(graph, claim, [target]))
    for claim in ingredients:
        subject, obj = graph.value(claim, IUS.claimSubject), graph.value(claim, IUS.claimObject)
        targets = [_ref("DeviceDefinition", _local(subject, ENT))]
        if obj in substances:
            targets.append(_ref("SubstanceDefinition", _local(obj, ENT)))
        resources.append(provenance(graph, claim, targets))
    resources.sort(key=lambda r: (r["resourceType"], r["id"]))
    return {
        "resourceType": "Bundle",
        "id": "iusgraph",
        "type": "collection",
        "identifier": {"system": RFC3986, "value": FHIR_BASE + "Bundle/iusgraph"},
        "entry": [_entry(r) for r in resources],
    }


def to_fhir_bundle(graph: Graph) -> str:
    """The FHIR R5 Bundle of ``graph`` as JSON text, keys sorted: the ``fhir`` exporter."""
    return json.dumps(fhir_bundle(graph), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
