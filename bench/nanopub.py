"""Benchmark: ``export --format nanopub`` (one nanopublication per claim, trusty URIs) on the
real graph and on synthetic graphs.

Run:  python bench/nanopub.py [--sizes 100000] [--repeat 3]
The synthetic corpora (no injected faults: a claim without evidence has no nanopublication)
are written by ``iusgraph synth`` into bench/.cache. It prints a Markdown table; the figures in
docs/benchmarks.md come from it. Each step's time is the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import platform
import resource
from pathlib import Path

from rdflib import Graph

from iusgraph.curation.compile import build_graph
from iusgraph.nanopub import nanopublications, to_trig
from run import TRIPLES_PER_DRUG  # bench/run.py: the corpora's size per drug
from validate import timed  # bench/validate.py: median of repeated runs

CACHE = Path(__file__).resolve().parent / ".cache"


def corpus(size: int) -> Path:
    """A synthetic corpus of about ``size`` triples with no fault, cached."""
    folder = CACHE / f"synth-{size}-seed1-nofaults"
    if not (folder / "synth.nt").exists():
        from iusgraph.scale.synth import write_corpus

        write_corpus(folder, drugs=max(1, size // TRIPLES_PER_DRUG), faults=0, seed=1)
    return folder / "synth.nt"


def measure(name: str, graph: Graph, repeat: int) -> str:
    build_s, nanopubs = timed(lambda: nanopublications(graph), repeat)
    write_s, text = timed(lambda: to_trig(nanopubs), repeat)
    quads = sum(len(set(n)) for n in nanopubs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"| {name} | {len(graph):,} | {len(nanopubs):,} | {quads:,} | {build_s:.2f} | "
        f"{write_s:.2f} | {len(text.encode()) / 2**20:.1f} | {peak:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}; median of {args.repeat}\n"
    )
    print(
        "| graph | triples | nanopubs | quads | quads and codes s | TriG s | TriG MiB | peak MiB |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(measure("curated", build_graph(), args.repeat), flush=True)
    for size in args.sizes:
        graph = Graph().parse(corpus(size), format="nt")
        print(measure(f"synth {size:,}", graph, args.repeat), flush=True)


if __name__ == "__main__":
    main()
