"""Benchmark: rdflib against Oxigraph on synthetic graphs, side by side in one run.

For each size a synthetic corpus is generated (``iusgraph synth``), then each
engine runs in its own process, so that peak memory is its own: it loads the
N-Triples file and runs every competency query three times. A step that passes
the time limit is stopped and reported as a lower bound (">= limit").

Run:  python bench/engines.py [--sizes 10000,100000,1000000] [--limit 300]
It prints a Markdown table; docs/benchmarks.md holds a copy of its output.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TRIPLES_PER_DRUG = 440  # measured: generate(10) gives ~5,700 triples with the ontology


def worker(engine: str, path: Path, limit: float) -> None:
    """Load ``path`` into ``engine`` and time every competency query (median of 3).

    Prints one JSON line per finished step, so a run cut off at the time
    limit still reports what it finished.
    """
    from rdflib import Graph

    from iusgraph.engines import query_oxigraph
    from iusgraph.queries import named_queries, prepare

    import pyoxigraph as ox

    started = time.perf_counter()
    if engine == "rdflib":
        graph = Graph()
        graph.parse(path, format="nt")
        size = len(graph)
    else:
        store = ox.Store()
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        size = len(store)
    load = time.perf_counter() - started
    print(json.dumps({"triples": size, "load_s": load}), flush=True)
    deadline = started + limit
    for name, query in named_queries("cq").items():
        times = []
        for _ in range(3):
            if time.perf_counter() > deadline:
                break
            t = time.perf_counter()
            if engine == "rdflib":
                list(graph.query(prepare(query.text)))
            else:
                list(query_oxigraph(store, query.text))
            times.append(time.perf_counter() - t)
        if times:
            print(json.dumps({"query": name, "median_s": statistics.median(times)}), flush=True)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"peak_mib": peak_kib / 1024}), flush=True)


def run_worker(engine: str, path: Path, limit: float) -> dict[str, object]:
    """Run one engine in its own process; on the time limit, keep what it finished."""
    command = [sys.executable, __file__, "--worker", engine, "--file", str(path),
               "--limit", str(limit)]
    try:
        output = subprocess.run(command, capture_output=True, text=True, timeout=limit,
                                check=True).stdout
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    result: dict[str, object] = {"queries": {}}
    for line in output.splitlines():
        step = json.loads(line)
        if "query" in step:
            result["queries"][step["query"]] = step["median_s"]  # type: ignore[index]
        else:
            result.update(step)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--limit", type=float, default=300.0,
                        help="seconds per engine and size; later steps are cut off")
    parser.add_argument("--worker", choices=["rdflib", "oxigraph"])
    parser.add_argument("--file", type=Path)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.file, args.limit)
        return

    from iusgraph.queries import named_queries
    total = len(named_queries("cq"))

    from iusgraph.synth import write_corpus

    print(f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"time limit {args.limit:.0f} s per engine and size; query times are medians of 3\n")
    print("| triples (target) | triples | engine | generate s | load s | CQ median s | "
          "CQ max s | peak MiB |")
    print("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for target in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            write_corpus(Path(tmp), drugs=max(1, target // TRIPLES_PER_DRUG), seed=1)
            generated = time.perf_counter() - started
            for engine in ("rdflib", "oxigraph"):
                result = run_worker(engine, Path(tmp) / "synth.nt", args.limit)
                times = list(result["queries"].values())  # type: ignore[union-attr]
                load = (f"{result['load_s']:.2f}" if "load_s" in result
                        else f">= {args.limit:.0f}")
                median = f"{statistics.median(times):.3f}" if times else ""
                worst = f"{max(times):.3f}" if times else ""
                if len(times) < total:
                    worst += f" ({total - len(times)} of {total} cut at {args.limit:.0f} s)"
                peak = f"{result['peak_mib']:.0f}" if "peak_mib" in result else ""
                print(f"| {target} | {result.get('triples', '')} | {engine} | {generated:.1f} | "
                      f"{load} | {median} | {worst} | {peak} |", flush=True)


if __name__ == "__main__":
    main()
