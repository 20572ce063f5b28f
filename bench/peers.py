"""The engines part of bench/run.py: our fast path against the SHACL engines a user would try.

Every engine gets the same input, ``merged.nt`` (the corpus and the ontology in one
N-Triples file, so that ``sh:class`` sees the class hierarchy), and runs in its own
process (:func:`run.run_worker`). The workers here print JSON lines of steps and write
their findings, normalised by :func:`key`, to a JSON file; :func:`same` compares them.

- ``ours-shapes``: the fast path on the shapes only (Oxigraph, shapes compiled to SPARQL);
- ``ours-validate``: the whole ``iusgraph validate`` (shapes, QC queries, Python checks),
  on the corpus file, which adds the ontology itself;
- ``pyrudof``: rudof's native SHACL engine; a shapes set it rejects is retried without
  ``sh:sparql`` constraints (``--shapes-set no-sparql``);
- ``pyshacl-turbo``: pySHACL's API in Rust, on all the shapes; it parses the file itself,
  so its load is inside its validate time;
- ``pyshacl-shapes``: pySHACL (through iusgraph's adapter), on all the shapes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SH = "http://www.w3.org/ns/shacl#"
SHAPES_SETS = ("all", "no-sparql")
KINDS = ("ours-shapes", "ours-validate", "pyrudof", "pyshacl-turbo", "pyshacl-shapes")

#: One result as compared: (focus node, path, constraint component, severity).
Key = tuple[str, str, str, str]


def _emit(**step: object) -> None:
    print(json.dumps(step), flush=True)


def peak_mib(pid: int | str = "self") -> float:
    """A process's peak resident memory (``VmHWM``), in MiB; 0 once it has gone.

    Not ``ru_maxrss``: Linux carries that over ``fork`` and ``exec``, so a worker started
    by a parent of 160 MiB never reads less than 160 MiB.
    """
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0.0
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) / 1024 if match else 0.0


def node(text: str | None) -> str:
    """A node as compared: an IRI as its text, every blank node ``_``, a literal its lexical
    form (each engine labels blank nodes its own way).

    >>> node("<urn:x>"), node("urn:x"), node("_:b0"), node('"4"^^<urn:t>'), node(None)
    ('urn:x', 'urn:x', '_', '4', '')
    """
    if not text:
        return ""
    if text.startswith("_:"):
        return "_"
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    literal = re.fullmatch(r'"(.*)"(\^\^<[^>]*>|@[A-Za-z0-9-]+)?', text, re.DOTALL)
    return literal.group(1) if literal else text


def key(focus: str | None, path: str | None, component: str, severity: str) -> Key:
    """The normalised result: nodes by :func:`node`, the component a full IRI, the
    severity its SHACL local name (``Violation``) or its own IRI when custom."""
    sev = severity[len(SH) :] if severity.startswith(SH) else severity
    return (node(focus), node(path), component, sev)


def finding_key(finding: Any) -> Key:
    """The key of one of iusgraph's findings (paths and components are CURIEs there)."""
    from iusgraph.graph.namespaces import expand

    path = finding.path
    if path and not path.startswith("_:"):
        path = str(expand(path))
    return key(finding.focus, path, str(expand(finding.component)), finding.severity)


def report_keys(report: Any) -> list[Key]:
    """The keys of a SHACL report graph (rdflib), as pyshacl-turbo returns it."""
    from rdflib import BNode, Namespace

    from iusgraph.graph.terms import node_text

    sh = Namespace(SH)
    out = []
    for result in report.objects(None, sh.result):
        path = report.value(result, sh.resultPath)
        out.append(
            key(
                node_text(report.value(result, sh.focusNode)),
                "_:" if isinstance(path, BNode) else (str(path) if path is not None else ""),
                str(report.value(result, sh.sourceConstraintComponent)),
                str(report.value(result, sh.resultSeverity)),
            )
        )
    return out


def same(ours: Iterable[Key], theirs: Iterable[Key]) -> str:
    """``yes`` when the two are the same set, else how many results each has alone.

    >>> same([("a", "", "c", "Violation")], [("a", "", "c", "Violation")])
    'yes'
    >>> same([("a", "", "c", "Violation")], [("b", "", "c", "Violation")])
    '**no**: 1 ours only, 1 theirs only'
    """
    a, b = set(ours), set(theirs)
    if a == b:
        return "yes"
    return f"**no**: {len(a - b)} ours only, {len(b - a)} theirs only"


def without_sparql(shapes: Any) -> Any:
    """A copy of ``shapes`` without its ``sh:sparql`` constraints (and their triples)."""
    from rdflib import Graph, Namespace

    sh = Namespace(SH)
    out = Graph()
    out += shapes
    for shape, constraint in list(out.subject_objects(sh.sparql)):
        out.remove((shape, sh.sparql, constraint))
        if not any(out.subjects(None, constraint)):
            for triple in shapes.cbd(constraint):
                out.remove(triple)
    return out


def shapes_for(shapes_set: str) -> Any:
    """The project's shapes, whole or without ``sh:sparql``."""
    from iusgraph.graph.vocabulary import shapes_graph

    return shapes_graph() if shapes_set == "all" else without_sparql(shapes_graph())


def merged_file(data: Path) -> Path:
    """``merged.nt`` beside ``data``: the data and the ontology, made once."""
    out = data.parent / "merged.nt"
    if not out.exists():
        from iusgraph.graph.serialize import to_ntriples
        from iusgraph.graph.vocabulary import ontology_graph

        part = out.with_suffix(".part")
        with part.open("wb") as sink:
            sink.write(data.read_bytes())
            sink.write(to_ntriples(ontology_graph()).encode("utf-8"))
        part.replace(out)
    return out


def worker(kind: str, data: Path, keys_out: Path, shapes_set: str) -> None:
    """One engine on ``data`` (the corpus); prints a JSON line per finished step."""
    merged = merged_file(data)
    keys: list[Key]
    if kind in ("ours-shapes", "ours-validate"):
        from iusgraph.graph.store import input_terms, store_from_files, store_graph
        from iusgraph.validation.validate import fast_shacl_findings, validate_loaded

        shapes = shapes_for(shapes_set)
        source = merged if kind == "ours-shapes" else data
        started = time.perf_counter()
        store = store_from_files([source])
        _emit(load_s=time.perf_counter() - started)
        started = time.perf_counter()
        if kind == "ours-shapes":
            report = fast_shacl_findings(
                store,
                lambda predicates: input_terms([merged], predicates),
                lambda: store_graph(store),
                shapes,
            )
        else:
            report = validate_loaded(store, [data])
        keys = [finding_key(f) for f in report.findings]
    elif kind == "pyrudof":
        import pyrudof

        text = shapes_for(shapes_set).serialize(format="turtle")
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        started = time.perf_counter()
        rudof.read_data(str(merged), format=pyrudof.RDFFormat.NTriples)
        _emit(load_s=time.perf_counter() - started)
        try:
            rudof.read_shacl(text)
        except pyrudof.RudofError as exc:
            _emit(shapes_rejected=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            raise SystemExit(3) from None
        started = time.perf_counter()
        results = rudof.validate_shacl()
        keys = [key(r.focus_node, r.path, r.constraint_component, r.severity) for r in results]
    elif kind == "pyshacl-turbo":
        import pyshacl_turbo

        from iusgraph.graph.resources import ontology_dir

        started = time.perf_counter()
        _, report_graph, _ = pyshacl_turbo.validate(
            str(merged),
            shacl_graph=str(ontology_dir() / "shapes.ttl"),
            data_graph_format="nt",
            allow_warnings=True,
            allow_infos=True,
        )
        keys = report_keys(report_graph)
    else:
        from rdflib import Graph

        from iusgraph.validation.reference import shacl_findings

        shapes = shapes_for(shapes_set)
        started = time.perf_counter()
        graph = Graph()
        graph.parse(merged, format="nt")
        _emit(load_s=time.perf_counter() - started)
        started = time.perf_counter()
        keys = [finding_key(f) for f in shacl_findings(graph, shapes).findings]
    _emit(validate_s=time.perf_counter() - started, results=len(keys), peak_mib=peak_mib())
    keys_out.write_text(json.dumps(sorted(keys)), encoding="utf-8")
