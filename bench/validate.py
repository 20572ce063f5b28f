"""Benchmark: how long build, validation and the competency queries take on the full graph.

Run:  python bench/validate.py [--repeat 3]
It prints a Markdown table; the figures in docs/benchmarks.md come from it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable

from iusgraph.curation.compile import build_graph
from iusgraph.query.catalog import named_queries
from iusgraph.query.run import run
from iusgraph.validation.checks import duration_findings, qc_findings, selector_findings
from iusgraph.validation.reference import shacl_findings
from iusgraph.validation.validate import validate_graph


def timed(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    build_graph()  # warm the ontology cache, as every later call shares it
    seconds, graph = timed(build_graph, args.repeat)
    rows = [("build (compile curated tables)", seconds, f"{len(graph)} triples")]
    for name, check in (
        ("SHACL (pySHACL, no inference)", shacl_findings),
        ("QC queries (rdflib)", qc_findings),
        ("selector and duration checks", lambda g: (selector_findings(g), duration_findings(g))),
    ):
        seconds, _ = timed(lambda c=check: c(graph), args.repeat)
        rows.append((name, seconds, ""))
    total = sum(r[1] for r in rows[1:])
    rows.append(("validate, all checks (engine pyshacl)", total, ""))
    seconds, _ = timed(lambda: validate_graph(graph, engine="oxigraph"), args.repeat)
    rows.append(
        (
            "validate, all checks (engine oxigraph: shapes as SPARQL)",
            seconds,
            "the default; same findings",
        )
    )
    query_times = []
    for query in named_queries("cq").values():
        seconds, _result = timed(lambda q=query: list(run(graph, q.text)), args.repeat)
        query_times.append(seconds)
    rows.append(
        (
            f"competency queries ({len(query_times)}), median each",
            statistics.median(query_times),
            f"max {max(query_times) * 1000:.0f} ms",
        )
    )
    print(
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"median of {args.repeat} runs\n"
    )
    print("| step | seconds | note |\n| --- | ---: | --- |")
    for step, secs, note in rows:
        print(f"| {step} | {secs:.3f} | {note} |")


if __name__ == "__main__":
    main()
