"""Writing the graph: Turtle, N-Triples and JSON-LD, byte-identical across runs.

Every file is written to a temporary file and renamed, so a failed run never
leaves a half-written export.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from rdflib import Graph
from rdflib.namespace import OWL, RDF, XSD

from .namespaces import IUS, PREFIXES, SH, bind_prefixes

CONTEXT_FILE = "context.jsonld"


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    with atomic_writer(path) as handle:
        handle.write(text)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` (a picture, say) to ``path`` via a temporary file in the same folder."""
    with _atomic(path, binary=True) as handle:
        handle.write(data)


@contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """A text handle on a temporary file beside ``path``, renamed onto it on success
    and removed on failure, so ``path`` is never half-written."""
    with _atomic(path, binary=False) as handle:
        yield handle


@contextmanager
def _atomic(path: Path, binary: bool) -> Iterator[Any]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with (os.fdopen(fd, "wb") if binary
              else os.fdopen(fd, "w", encoding="utf-8", newline="")) as handle:
            yield handle
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; exports are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Terms from other vocabularies that the graph uses, as plain keys. Values of
#: ``@id`` terms are IRIs (written as CURIEs); ``@set`` terms are always arrays.
_EXTERNAL_TERMS: dict[str, dict[str, str]] = {
    "label": {"@id": "rdfs:label", "@language": "en"},
    "comment": {"@id": "rdfs:comment", "@language": "en"},
    "prefLabel": {"@id": "skos:prefLabel", "@language": "en"},
    # No "@set" with "@language": rdflib's compaction would then not use the term.
    "altLabel": {"@id": "skos:altLabel", "@language": "en"},
    "definition": {"@id": "skos:definition", "@language": "en"},
    "notation": {"@id": "skos:notation"},
    "broader": {"@id": "skos:broader", "@type": "@id", "@container": "@set"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "topConceptOf": {"@id": "skos:topConceptOf", "@type": "@id"},
    "hasTopConcept": {"@id": "skos:hasTopConcept", "@type": "@id", "@container": "@set"},
    "wasDerivedFrom": {"@id": "prov:wasDerivedFrom", "@type": "@id"},
    "hasSource": {"@id": "oa:hasSource", "@type": "@id"},
    "hasSelector": {"@id": "oa:hasSelector", "@type": "@id", "@container": "@set"},
    "exact": {"@id": "oa:exact"},
    # The Web Annotation model's type for selector offsets.
    "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
    "end": {"@id": "oa:end", "@type": "xsd:nonNegativeInteger"},
}


def jsonld_context() -> dict[str, object]:
    """The JSON-LD context that gives apps plain keys (``hasSideEffect``, ``prefLabel``).

    Built from the ontology, not kept by hand: ``@vocab`` is the ontology
    namespace, so its classes and properties are plain names; every ius object
    property holds an array of IRIs (CURIEs); an ius datatype property whose
    shapes name one ``sh:datatype`` has its literals written as plain strings;
    English labels are plain strings.
    ``id`` and ``type`` stand for ``@id`` and ``@type``. Written beside every
    export as ``context.jsonld`` and served by ``iusgraph serve`` at
    ``https://w3id.org/iusgraph/context.jsonld``.
    """
    from .vocabulary import ontology_graph, shapes_graph

    context: dict[str, object] = {prefix: iri for prefix, iri in sorted(PREFIXES.items())
                                  if prefix not in ("sh", "shape")}
    context.update({"@vocab": str(IUS), "id": "@id", "type": "@type"})
    ontology = ontology_graph()
    datatypes = _shape_datatypes(shapes_graph())
    terms: dict[str, dict[str, str]] = {}
    for prop in set(ontology.subjects(RDF.type, OWL.ObjectProperty)):
        if str(prop).startswith(str(IUS)):
            terms[_local(prop)] = {"@id": f"ius:{_local(prop)}", "@type": "@id",
                                   "@container": "@set"}
    for prop in set(ontology.subjects(RDF.type, OWL.DatatypeProperty)):
        if str(prop).startswith(str(IUS)) and len(datatypes.get(prop, ())) == 1:
            (datatype,) = datatypes[prop]
            if datatype == XSD.string:  # plain strings compact to plain keys already
                continue
            terms[_local(prop)] = {"@id": f"ius:{_local(prop)}",
                                   "@type": f"xsd:{str(datatype)[len(str(XSD)):]}"}
    terms.update(_EXTERNAL_TERMS)
    context.update(sorted(terms.items()))
    return context


def context_document() -> str:
    """``context.jsonld``: the context alone, for apps that reference it by URL."""
    return json.dumps({"@context": jsonld_context()}, indent=2, sort_keys=True) + "\n"


def _local(iri: object) -> str:
    return str(iri)[len(str(IUS)):]


def _shape_datatypes(shapes: Graph) -> dict[object, set[object]]:
    """The ``sh:datatype`` values the shapes give each ``sh:path``."""
    found: dict[object, set[object]] = {}
    for shape, datatype in shapes.subject_objects(SH.datatype):
        for path in shapes.objects(shape, SH.path):
            found.setdefault(path, set()).add(datatype)
    return found


def to_turtle(graph: Graph) -> str:
    bind_prefixes(graph)
    return graph.serialize(format="turtle")


def to_ntriples(graph: Graph) -> str:
    """N-Triples with lines sorted, so that diffs are line diffs."""
    lines = graph.serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def _sorted_json(value: object, ordered: bool = False) -> object:
    """Sort keys and value arrays; an ``@list`` keeps its order, which is data."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, ordered=k == "@list") for k, v in sorted(value.items())}
    if isinstance(value, list) and ordered:
        return [_sorted_json(v) for v in value]
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


def to_jsonld(graph: Graph) -> str:
    """JSON-LD compacted with :func:`jsonld_context`; nodes and values in a stable order.

    The context is inline (and also written beside the export as
    context.jsonld), so a reader never fetches anything remote.

    >>> from rdflib import Graph
    >>> g = Graph().parse(data="@prefix ius: <https://w3id.org/iusgraph/ontology/> . "
    ...     "@prefix ent: <https://w3id.org/iusgraph/entity/> . "
    ...     "ent:mirena ius:hasSideEffect ent:acne .", format="turtle")
    >>> json.loads(to_jsonld(g))["@graph"][0]
    {'hasSideEffect': ['ent:acne'], 'id': 'ent:mirena'}
    """
    context = jsonld_context()
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    data.pop("@context", None)
    graph_nodes = data.get("@graph", [data] if data else [])
    graph_nodes = sorted((_sorted_json(n) for n in graph_nodes),
                         key=lambda n: str(n.get("id", "")))  # type: ignore[union-attr]
    out = {"@context": context, "@graph": graph_nodes}
    return json.dumps(out, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


EXPORTS = {
    "iusgraph.ttl": to_turtle,
    "iusgraph.nt": to_ntriples,
    "iusgraph.jsonld": to_jsonld,
}


def write_jsonld(graph: Graph, out_dir: Path) -> list[Path]:
    """``iusgraph.jsonld`` (compacted, context inline) and ``context.jsonld`` beside it."""
    paths = [out_dir / "iusgraph.jsonld", out_dir / CONTEXT_FILE]
    atomic_write_text(paths[0], to_jsonld(graph))
    atomic_write_text(paths[1], context_document())
    return paths


def write_exports(graph: Graph, out_dir: Path) -> list[Path]:
    """Write every export format and the JSON-LD context into ``out_dir``."""
    written = []
    for name, render in EXPORTS.items():
        path = out_dir / name
        atomic_write_text(path, render(graph))
        written.append(path)
    context_path = out_dir / CONTEXT_FILE
    atomic_write_text(context_path, context_document())
    written.append(context_path)
    return written


__all__ = [
    "atomic_write_bytes",
    "atomic_write_text",
    "context_document",
    "jsonld_context",
    "to_jsonld",
    "to_ntriples",
    "to_turtle",
    "write_exports",
    "write_jsonld",
]
