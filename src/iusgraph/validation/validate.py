"""Validation: SHACL shapes, QC queries and checks SHACL cannot express, in one report.

Two engines give the same findings (``tests/validation/test_fastshacl.py``):

- ``oxigraph`` (the default) loads the data into Oxigraph and runs the shapes
  compiled to SPARQL (:mod:`iusgraph.validation.fastshacl`), the QC queries and the
  checks (:mod:`iusgraph.validation.checks`) there; a shape the compiler cannot
  translate falls back to pySHACL;
- ``pyshacl``, the reference (:mod:`iusgraph.validation.reference`), runs pySHACL and
  rdflib. It is imported only when it runs: pySHACL costs 0.3 s to import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from threading import Lock

import pyoxigraph as ox
from rdflib import Graph

from iusgraph.defaults import VALIDATION_ENGINES, check_engine
from iusgraph.exiting import keep
from iusgraph.graph.backend import Data
from iusgraph.graph.load import load_files
from iusgraph.graph.serialize import to_ntriples
from iusgraph.graph.store import (
    graph_terms,
    input_terms,
    open_store,
    store_from_files,
    store_graph,
)
from iusgraph.graph.vocabulary import ontology_graph, shapes_graph
from iusgraph.progress import Bar
from iusgraph.validation.checks import (
    duration_findings,
    mapping_findings,
    qc_findings,
    selector_findings,
    store_mapping_findings,
    with_labels,
)
from iusgraph.validation.fastshacl import (
    compile_shapes,
    needed_classes,
    planned,
    run_checks,
    subclass_map,
)
from iusgraph.validation.report import Report
from iusgraph.validation.termcheck import InputTerm, InputTerms

#: The checks after the shapes, as each step is named on the progress bar.
CHECKS = (
    ("QC queries", qc_findings),
    ("selector lengths", selector_findings),
    ("duration bounds", duration_findings),
)


def _run_checks(report: Report, data: Data, bar: Bar) -> None:
    for name, check in CHECKS:
        bar.stage(name)
        report.extend(check(data))
        bar.update()


def _all_at_once(report: Report, jobs: list[tuple[str, Callable[[], Report]]], bar: Bar) -> None:
    """Run ``jobs`` side by side (each runs its queries on threads of its own), and add
    their reports in the order given. The shapes' and the QC queries' threads then share
    the cores to the end, where one after the other each left a core idle for its last
    queries, and the one-thread checks run beside them. The bar names those still running."""
    running = [name for name, _ in jobs]
    lock = Lock()
    bar.stage(", ".join(running))

    def run(job: tuple[str, Callable[[], Report]]) -> Report:
        found = job[1]()
        with lock:
            running.remove(job[0])
            if running:
                bar.stage(", ".join(running))
            bar.update()
        return found

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        for found in list(pool.map(run, jobs)):
            report.extend(found)


def fast_shacl_findings(
    store: ox.Store,
    terms: InputTerms,
    as_graph: Callable[[], Graph],
    shapes: Graph | None = None,
) -> Report:
    """The shapes as SPARQL on Oxigraph; shapes it cannot translate go to pySHACL."""
    shapes = shapes if shapes is not None else shapes_graph()
    compiled = planned(store, compile_shapes(shapes, subclass_map(store, needed_classes(shapes))))
    report = Report(checks=["shacl"], coverage=dict(compiled.coverage))
    report.findings = run_checks(store, compiled, terms if compiled.term_checks else None)
    if compiled.fallback:
        from iusgraph.validation.reference import fallback_shapes, shacl_findings

        fallback = fallback_shapes(shapes, compiled.fallback)
        report.findings += shacl_findings(as_graph(), fallback).findings
        report.notes += [
            f"{rule} is checked by pySHACL: the SPARQL compiler cannot translate {why}"
            for rule, why in compiled.fallback_reasons.items()
        ]
    report.findings = with_labels(store, report.findings)
    return report


def with_shapes(paths: list[Path]) -> Graph:
    """The project's shapes with the shapes of ``paths`` added (``validate --shapes``)."""
    shapes = Graph()
    shapes += shapes_graph()
    if paths:
        shapes += load_files(paths)
    return shapes


def validate_graph(data: Graph, engine: str = "oxigraph", shapes: Graph | None = None) -> Report:
    """All checks on a graph: SHACL, QC queries, selector lengths, duration bounds.

    The ontology and concept schemes are added to (a copy of) the data, so a
    file holding only instance data is checked against the same vocabulary
    as a full export. No inference is run.

    :param shapes: the shapes graph (default: the project's; see :func:`with_shapes`)
    """
    check_engine(engine, VALIDATION_ENGINES, "validation engine")
    ontology = ontology_graph()
    if not all(triple in data for triple in ontology):
        combined = Graph()
        combined += data
        combined += ontology
        data = combined
    if engine == "oxigraph":
        return validate_store(
            open_store(data), lambda predicates: graph_terms(data, predicates), lambda: data, shapes
        )
    from iusgraph.validation.reference import reference_coverage, shacl_findings

    shapes = shapes if shapes is not None else shapes_graph()
    with Bar("validating", 1 + len(CHECKS), triples=len(data), unit="step") as bar:
        bar.stage("shapes (pySHACL)")
        report = shacl_findings(data, shapes)
        bar.update()
        report.coverage = reference_coverage(shapes)
        _run_checks(report, data, bar)
    report.stats["triples"] = len(data)
    return report


def validate_store(
    store: ox.Store,
    terms: InputTerms,
    as_graph: Callable[[], Graph],
    shapes: Graph | None = None,
) -> Report:
    """All checks on an Oxigraph store that already holds the ontology.

    :param terms: the input's literals as written (the store rewrites some datatypes)
    :param as_graph: the data as an rdflib graph, made only if a shape falls back to pySHACL
    """
    report = Report()
    triples = len(store)  # 0.12 s at 1M triples: counted once (the checks only read)
    jobs: list[tuple[str, Callable[[], Report]]] = [
        ("shapes", lambda: fast_shacl_findings(store, terms, as_graph, shapes)),
        *((name, partial(check, store)) for name, check in CHECKS),
    ]
    with Bar("validating", len(jobs), triples=triples, unit="step") as bar:
        _all_at_once(report, jobs, bar)
    report.stats["triples"] = triples
    return report


def validate_files(
    paths: list[Path], engine: str = "oxigraph", shapes: Graph | None = None
) -> Report:
    """Validate RDF files; with Oxigraph they are parsed straight into the store."""
    check_engine(engine, VALIDATION_ENGINES, "validation engine")
    if engine == "pyshacl":
        graph = load_files(paths)
        report = validate_graph(graph, engine, shapes)
        report.extend(mapping_findings(graph))
        return report
    shapes = shapes if shapes is not None else shapes_graph()
    store, read = _load_reading_terms(paths, shapes)
    report = validate_loaded(store, paths, shapes, read)
    report.extend(store_mapping_findings(store))
    keep(store)  # the command line ends without freeing it (0.66 s at 1M triples)
    return report


def _load_reading_terms(paths: list[Path], shapes: Graph) -> tuple[ox.Store, InputTerms]:
    """The files loaded into a store, and their literals as written for the shapes' term
    checks (:mod:`~iusgraph.validation.termcheck`), read on a second thread meanwhile:
    Oxigraph's loader releases the GIL (at 1M triples the two take 2.9 s side by side,
    2.3 s and 1.0 s one after the other). The checks' predicates do not depend on the
    data's classes, so the shapes are compiled there without them."""

    def read() -> tuple[frozenset[str], list[InputTerm]]:
        checks = compile_shapes(shapes, {}).term_checks
        predicates = frozenset(str(check.predicate) for check in checks)
        return predicates, list(input_terms(paths, predicates)) if predicates else []

    with ThreadPoolExecutor(max_workers=1) as pool:
        reading = pool.submit(read)
        store = store_from_files(paths)  # a bad file: its error, once the thread is done
        predicates, terms = reading.result()

    def early(wanted: frozenset[str]) -> Iterable[InputTerm]:
        return terms if wanted == predicates else input_terms(paths, wanted)

    return store, early


def validate_loaded(
    store: ox.Store, paths: list[Path], shapes: Graph | None = None, read: InputTerms | None = None
) -> Report:
    """Validate ``paths`` already loaded into ``store`` (the benchmark times the two apart).

    :param read: the files' literals as written, if read already (:func:`input_terms`)
    """
    ontology = ontology_graph()
    store.bulk_load(to_ntriples(ontology).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)

    def ontology_terms(predicates: frozenset[str]) -> Iterable[InputTerm]:
        yield from (read or partial(input_terms, paths))(predicates)
        yield from graph_terms(ontology, predicates)

    return validate_store(store, ontology_terms, lambda: store_graph(store), shapes)
