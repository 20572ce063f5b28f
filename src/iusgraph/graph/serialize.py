"""Writing the graph: Turtle, N-Triples and JSON-LD, byte-identical across runs.

Every file is written to a temporary file and renamed, so a failed run never
leaves a half-written export.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import OWL, RDF, XSD

from iusgraph.errors import InputError
from iusgraph.graph.namespaces import HP, IUS, MESH, PREFIXES, SEMAPV, SH, SSSOM, bind_prefixes, local_name

CONTEXT_FILE = "context.jsonld"
#: The prefixes of the mapping targets and of SSSOM, so codes read HP:0000716, MESH:D016912.
#: HP's IRI ends in '_', not a gen-delim, so JSON-LD 1.1 needs "@prefix": true to use it.
MAPPING_PREFIXES: dict[str, object] = {
                    "HP": {"@id": str(HP), "@prefix": True},
                    "MESH": str(MESH),
                    "semapv": str(SEMAPV),
                    "sssom": str(SSSOM)}


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder."""
    write_files([(path, text)])


def write_files(items: Sequence[tuple[Path, str | bytes]]) -> list[Path]:
    """Write a set of files: each to a temporary file beside it first, and only when all
    are written, rename them into place one after another.

    A failure (a full disk, a folder that cannot be written) leaves the old files as they
    were and no temporary file, and is an :class:`~iusgraph.errors.InputError` naming the
    path. Temporary files that a killed run left behind are removed.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in items:
            staged.append((_stage(path, data), path))
        for _, path in staged:  # what would stop a rename, before any rename
            if path.is_dir():
                raise InputError("cannot write: Is a directory; move it away or choose "
                                 "another --out", path=str(path))
        for tmp, path in staged:
            _replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
    return [path for path, _ in items]


def _write_error(path: Path, exc: OSError) -> InputError:
    return InputError(f"cannot write: {exc.strerror or exc}; choose a folder you can write "
                      "to (--out), with room on its disk", path=str(path))


def _replace(tmp: Path, path: Path) -> None:
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; exports are for sharing
        os.replace(tmp, path)
    except OSError as exc:
        raise _write_error(path, exc) from None


def _temp_prefix(path: Path) -> str:
    return f".{path.name}.iusgraph-"


def _stale(parent: Path, prefix: str) -> Iterator[Path]:
    """Temporary files or folders ``<prefix><pid>.….tmp`` in ``parent`` whose run was
    killed (its pid is gone)."""
    for stale in parent.glob(prefix + "*.tmp"):
        pid = stale.name[len(prefix):].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            yield stale


def _remove_stale(path: Path) -> None:
    """Remove temporary files of ``path`` left by a run that was killed."""
    for stale in _stale(path.parent, _temp_prefix(path)):
        stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stage(path: Path, data: str | bytes) -> Path:
    """``data`` in a new temporary file beside ``path`` (its name holds our pid)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(path)
        fd, name = tempfile.mkstemp(prefix=f"{_temp_prefix(path)}{os.getpid()}.", suffix=".tmp",
                                    dir=path.parent)
    except OSError as exc:
        raise _write_error(path, exc) from None
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data if isinstance(data, bytes) else data.encode("utf-8"))
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _write_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


@contextmanager
def replaced_folder(folder: Path, owned: set[str]) -> Iterator[Path]:
    """A new, empty folder that replaces ``folder`` as a whole once the block succeeds.

    For outputs that only make sense together (``synth``'s corpus, its documents and its
    list of faults): a reader sees the old set or the new one, never a mix. A kill between
    the two renames leaves ``folder`` missing rather than mixed. ``folder`` may hold only
    the names in ``owned``, so nothing a user put there is ever removed.
    """
    parent = folder.parent
    marker = f".{folder.name}.iusgraph-"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for stale in _stale(parent, marker):
            shutil.rmtree(stale, ignore_errors=True)
        if folder.is_dir():
            foreign = sorted(p.name for p in folder.iterdir() if p.name not in owned)
            if foreign:
                raise InputError("holds files this command did not write ("
                                 + ", ".join(foreign[:5]) + "); give an empty folder or one "
                                 "it made before", path=str(folder))
        elif folder.exists():
            raise InputError("is a file, not a folder", path=str(folder))
        stage = Path(tempfile.mkdtemp(prefix=f"{marker}{os.getpid()}.", suffix=".tmp",
                                      dir=parent))
    except OSError as exc:
        raise _write_error(folder, exc) from None
    try:
        yield stage
        os.chmod(stage, 0o777 & ~_umask())
        old = parent / f"{marker}{os.getpid()}.old.tmp"
        if folder.exists():
            os.replace(folder, old)
        os.replace(stage, folder)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        raise _write_error(folder, exc) from None
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
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
    # Text units and sections of the coverage ledger.
    "isPartOf": {"@id": "dcterms:isPartOf", "@type": "@id"},
    "title": {"@id": "dcterms:title"},
    "note": {"@id": "skos:note", "@language": "en"},
    # The Web Annotation model's type for selector offsets.
    "start": {"@id": "oa:start", "@type": "xsd:nonNegativeInteger"},
    # HPO and MeSH codes of the entities (data/mappings), and the SSSOM rows behind them.
    "exactMatch": {"@id": "skos:exactMatch", "@type": "@id", "@container": "@set"},
    "closeMatch": {"@id": "skos:closeMatch", "@type": "@id", "@container": "@set"},
    "broadMatch": {"@id": "skos:broadMatch", "@type": "@id", "@container": "@set"},
    "narrowMatch": {"@id": "skos:narrowMatch", "@type": "@id", "@container": "@set"},
    "relatedMatch": {"@id": "skos:relatedMatch", "@type": "@id", "@container": "@set"},
    "mappings": {"@id": "sssom:mappings", "@type": "@id", "@container": "@set"},
    "annotatedSource": {"@id": "owl:annotatedSource", "@type": "@id"},
    "annotatedProperty": {"@id": "owl:annotatedProperty", "@type": "@id"},
    "annotatedTarget": {"@id": "owl:annotatedTarget", "@type": "@id"},
    "subject_label": {"@id": "sssom:subject_label"},
    "object_label": {"@id": "sssom:object_label"},
    "mapping_justification": {"@id": "sssom:mapping_justification", "@type": "@id"},
    "confidence": {"@id": "sssom:confidence", "@type": "xsd:double"},
    "object_source_version": {"@id": "sssom:object_source_version"},
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
    from iusgraph.graph.vocabulary import ontology_graph, shapes_graph

    context: dict[str, object] = {prefix: iri for prefix, iri in sorted(PREFIXES.items())
                                  if prefix not in ("sh", "shape")}
    context.update(MAPPING_PREFIXES)
    context.update({"@vocab": str(IUS), "id": "@id", "type": "@type"})
    ontology = ontology_graph()
    datatypes = _shape_datatypes(shapes_graph())
    terms: dict[str, dict[str, str]] = {}
    for prop in set(ontology.subjects(RDF.type, OWL.ObjectProperty)):
        if str(prop).startswith(str(IUS)):
            terms[local_name(prop)] = {"@id": f"ius:{local_name(prop)}", "@type": "@id",
                                   "@container": "@set"}
    for prop in set(ontology.subjects(RDF.type, OWL.DatatypeProperty)):
        if str(prop).startswith(str(IUS)) and len(datatypes.get(prop, ())) == 1:
            (datatype,) = datatypes[prop]
            if datatype == XSD.string:  # plain strings compact to plain keys already
                continue
            if datatype == RDF.langString:  # the shapes allow English only, as for labels
                terms[local_name(prop)] = {"@id": f"ius:{local_name(prop)}", "@language": "en"}
                continue
            terms[local_name(prop)] = {"@id": f"ius:{local_name(prop)}",
                                   "@type": f"xsd:{str(datatype)[len(str(XSD)):]}"}
    terms.update(_EXTERNAL_TERMS)
    context.update(sorted(terms.items()))
    return context


def context_document() -> str:
    """``context.jsonld``: the context alone, for apps that reference it by URL."""
    return json.dumps({"@context": jsonld_context()}, indent=2, sort_keys=True) + "\n"


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


def _hp_curies(value: object) -> object:
    """HP codes as HP:0000716: rdflib does not compact an IRI whose local part starts with
    a digit, though the context's HP prefix (``"@prefix": true``) expands them back."""
    if isinstance(value, dict):
        return {k: _hp_curies(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_hp_curies(v) for v in value]
    if isinstance(value, str) and value.startswith(str(HP)):
        return "HP:" + value[len(str(HP)):]
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
    graph_nodes = sorted((_sorted_json(_hp_curies(n)) for n in graph_nodes),
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
    return write_files([(out_dir / "iusgraph.jsonld", to_jsonld(graph)),
                        (out_dir / CONTEXT_FILE, context_document())])


def write_exports(graph: Graph, out_dir: Path) -> list[Path]:
    """Write every export format and the JSON-LD context into ``out_dir``, as one set."""
    items: list[tuple[Path, str | bytes]] = [(out_dir / name, render(graph))
                                             for name, render in EXPORTS.items()]
    items.append((out_dir / CONTEXT_FILE, context_document()))
    return write_files(items)


__all__ = [
    "atomic_write_text",
    "context_document",
    "jsonld_context",
    "replaced_folder",
    "to_jsonld",
    "to_ntriples",
    "to_turtle",
    "write_exports",
    "write_files",
    "write_jsonld",
]
