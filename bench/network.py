"""Benchmark: the networkx projection and what is built on it, on the real and synthetic graphs.

Run:  python bench/network.py [--sizes 100000 1000000] [--repeat 3]
Synthetic corpora are written by ``iusgraph synth`` into bench/.cache (shared with
bench/run.py). It prints a Markdown table; the figures in docs/benchmarks.md come from it.
Each step's time is the median of ``--repeat`` runs; parsing (rdflib) is timed once.
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from pathlib import Path

from rdflib import Graph

from iusgraph.curation.compile import build_graph
from iusgraph.network.agreement import source_agreement
from iusgraph.network.explain import explain
from iusgraph.network.interchange import to_graphml, to_kgx, to_node_link
from iusgraph.network.project import project
from iusgraph.network.structure import structural_report
from run import corpus  # bench/run.py: the same cached corpora
from validate import timed  # bench/validate.py: median of repeated runs

CACHE = Path(__file__).resolve().parent / ".cache"


def measure(name: str, graph: Graph, parse: float, repeat: int) -> str:
    seconds, net = timed(lambda: project(graph), repeat)
    steps = {
        "graph-qc": lambda: structural_report(net),
        "agreement": lambda: source_agreement(net),
        "explain": lambda: (
            explain(net, "ent:levonorgestrel", "ent:reduced-menstrual-flow")
            if "ent:levonorgestrel" in net
            else None
        ),
        "GraphML": lambda: to_graphml(net),
        "node-link": lambda: to_node_link(net),
        "KGX": lambda: to_kgx(net),
    }
    cells = [f"{timed(step, repeat)[0]:.2f}" for step in steps.values()]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"| {name} | {len(graph):,} | {net.number_of_nodes():,} | "  # type: ignore[attr-defined]
        f"{net.number_of_edges():,} | {parse:.1f} | {seconds:.2f} | "  # type: ignore[attr-defined]
        + " | ".join(cells)
        + f" | {peak:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}; median of {args.repeat}\n"
    )
    print(
        "| graph | triples | nodes | edges | parse s | project s | graph-qc s | agreement s "
        "| explain s | GraphML s | node-link s | KGX s | peak MiB |"
    )
    print(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |"
    )
    start = time.perf_counter()
    graph = build_graph()
    print(measure("curated", graph, time.perf_counter() - start, args.repeat), flush=True)
    for size in args.sizes:
        start = time.perf_counter()
        graph = Graph().parse(corpus(CACHE, size)[0], format="nt")
        print(
            measure(f"synth {size:,}", graph, time.perf_counter() - start, args.repeat), flush=True
        )


if __name__ == "__main__":
    main()
