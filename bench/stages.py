"""Benchmark: where the time of ``iusgraph validate FILE`` goes, stage by stage.

Run:  python bench/stages.py FILE [--queries N]
It runs the stages of :func:`iusgraph.validation.validate.validate_files` (engine oxigraph)
one after another and prints a Markdown table of wall and CPU seconds per stage; CPU is
the process's, both threads of the shape and QC queries together, so it is the figure to
compare on a loaded machine. The table in docs/benchmarks.md ("Validation at 1M, by
stage") comes from it. ``validate_files`` itself runs some stages side by side (the term
checks' reading of the file beside the load, and the shapes beside the other checks), so
its wall time is less than the sum here: time it as a whole process for that.

With ``--queries N`` it then runs every compiled shape query and every branch of every QC
query alone, one after the other on one thread, and lists the N slowest by CPU seconds,
with the total of all (``docs/benchmarks.md``, "2026-12-04, night").
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from iusgraph.graph.backend import solution_rows
from iusgraph.graph.serialize import to_ntriples
from iusgraph.graph.store import graph_terms, input_terms, store_from_files
from iusgraph.graph.vocabulary import ontology_graph, shapes_graph
from iusgraph.query.catalog import qc_queries
from iusgraph.validation import checks
from iusgraph.validation.branches import union_branches
from iusgraph.validation.fastshacl import (
    compile_shapes,
    needed_classes,
    planned,
    run_checks,
    subclass_map,
)
from iusgraph.validation.report import Finding, Report
from iusgraph.validation.termcheck import InputTerm, term_findings

Rows = list[tuple[str, float, float]]
T = TypeVar("T")


def timed(rows: Rows, name: str, func: Callable[[], T]) -> T:
    """Run ``func``, add its wall and CPU seconds to ``rows`` under ``name``."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = func()
    rows.append((name, time.perf_counter() - wall, time.process_time() - cpu))
    return result


def stages(path: Path, queries: int = 0) -> Rows:
    """The stages of validate_files on one file, timed; with ``queries``, then the slowest
    of the shape and QC queries, each alone."""
    rows: Rows = []
    ontology = ontology_graph()

    def load() -> ox.Store:
        store = store_from_files([path])
        store.bulk_load(to_ntriples(ontology).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return store

    def terms(predicates: frozenset[str]) -> Iterable[InputTerm]:
        yield from input_terms([path], predicates)
        yield from graph_terms(ontology, predicates)

    store = timed(rows, "load (file and ontology into Oxigraph)", load)
    shapes = shapes_graph()
    compiled = timed(
        rows,
        "shapes compiled",
        lambda: planned(store, compile_shapes(shapes, subclass_map(store, needed_classes(shapes)))),
    )
    term_checks, compiled.term_checks = compiled.term_checks, []
    found: list[Finding] = []
    found += timed(rows, "shape queries", lambda: run_checks(store, compiled))
    found += timed(
        rows, "term checks (input literals)", lambda: term_findings(store, term_checks, terms)
    )
    labelled = timed(rows, "labels of shape findings", lambda: checks.with_labels(store, found))
    timed(rows, "QC queries", lambda: checks.qc_findings(store))
    timed(rows, "selector lengths", lambda: checks.selector_findings(store))
    timed(rows, "durations", lambda: checks.duration_findings(store))
    timed(rows, "mappings part", lambda: checks.store_mapping_findings(store))
    timed(rows, "report (JSON)", lambda: Report(findings=labelled).to_json())
    if queries:
        print_queries(store, [(check.rule, check.query) for check in compiled.checks], queries)
    return rows


def print_queries(store: ox.Store, shape_queries: list[tuple[str, str]], top: int) -> None:
    """Each shape query and each QC branch alone, on one thread: the ``top`` slowest."""
    texts = shape_queries + [
        (f"{qc.name} (branch {n + 1})", part)
        for qc in qc_queries()
        for n, part in enumerate(union_branches(qc.text))
    ]
    times: list[tuple[float, str, int]] = []
    for name, text in texts:
        cpu = time.process_time()
        found = len(solution_rows(store, text, prefixes=None))
        times.append((time.process_time() - cpu, name, found))
    times.sort(reverse=True)
    print(f"{len(texts)} queries, {sum(t[0] for t in times):.2f} s CPU in all; the slowest:\n")
    print("| query | CPU s | rows |\n| --- | ---: | ---: |")
    for cpu_s, name, found in times[:top]:
        print(f"| {name} | {cpu_s:.3f} | {found} |")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--queries", type=int, default=0, help="list the N slowest queries")
    args = parser.parse_args()
    rows = stages(args.file, args.queries)
    print("| stage | wall s | CPU s |\n| --- | ---: | ---: |")
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    print(f"| total | {sum(r[1] for r in rows):.2f} | {sum(r[2] for r in rows):.2f} |")


if __name__ == "__main__":
    main()
