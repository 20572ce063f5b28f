"""Benchmarks: build, load, validate and query, rdflib + pySHACL against Oxigraph, in one run.

For each size, a synthetic corpus with 14 injected faults is made by
``iusgraph synth`` (the "build": it compiles claims with the real compiler)
and kept in ``--cache``. Then three workers run, each in its own process so
that its peak memory is its own:

- ``oxigraph``: load the N-Triples into Oxigraph, validate (shapes compiled to
  SPARQL, QC queries, Python checks), run every competency query 3 times;
- ``rdflib``: load into rdflib, run every competency query 3 times;
- ``pyshacl``: load into rdflib, validate with pySHACL and the rdflib QC queries.

A worker past ``--limit`` seconds is stopped and its unfinished steps are reported
as lower bounds (">= limit"). The reference workers are not started above
``--reference-max`` triples: at 1M they already pass the limit, and an rdflib
graph of 10M triples would not fit the time or the memory. Where both validators
finish, the table says whether their findings are the same set.

Run:  python bench/run.py [--sizes 10000,100000,1000000,10000000] [--limit 300]
It prints Markdown; docs/benchmarks.md holds a copy of its output.
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
import time
from pathlib import Path

TRIPLES_PER_DRUG = 438  # measured: 2,300 drugs give 1,007,202 triples
FAULTS = 14


def _emit(**step: object) -> None:
    print(json.dumps(step), flush=True)


def _finding_keys(report: object) -> list[list[str]]:
    return sorted(
        [f.focus, f.path, f.component, f.severity, f.rule]  # type: ignore[attr-defined]
        for f in report.findings
    )  # type: ignore[attr-defined]


#: The competency queries about one claim or one effect (``# example:`` lines) are run
#: bound, as their users run them, to a node of the synthetic corpus of the same kind.
EXAMPLE_NODES = {
    "claim": "SELECT ?node WHERE { ?node a ius:Claim } ORDER BY ?node LIMIT 1",
    "effect": "SELECT ?node WHERE { ?c ius:claimPredicate ius:hasSideEffect ; "
    "ius:claimObject ?node } ORDER BY ?node LIMIT 1",
}


def _queries(run: object, first: object) -> None:
    """Every competency query 3 times, with its example variables bound by ``first``."""
    from iusgraph.query.catalog import named_queries

    for name, query in named_queries("cq").items():
        bindings = {}
        for example in query.examples:
            var = example.split("=", 1)[0].strip()
            bindings[var] = first(EXAMPLE_NODES[var])  # type: ignore[operator]
        times = []
        for _ in range(3):
            started = time.perf_counter()
            run(query.text, bindings)  # type: ignore[operator]
            times.append(time.perf_counter() - started)
        _emit(query=name, median_s=statistics.median(times))


def worker(kind: str, path: Path, keys_out: Path) -> None:
    """One engine on one corpus; prints a JSON line per finished step."""
    from rdflib import Graph

    from iusgraph.graph.store import store_from_files
    from iusgraph.query.run import query_oxigraph
    from iusgraph.query.text import prepare
    from iusgraph.validation.validate import validate_graph, validate_loaded

    started = time.perf_counter()  # after the imports: they are not the engine's time
    if kind == "oxigraph":
        store = store_from_files([path])
        _emit(load_s=time.perf_counter() - started, triples=len(store))
        t = time.perf_counter()
        report = validate_loaded(store, [path])
        _emit(validate_s=time.perf_counter() - t, violations=report.counts()["Violation"])
        keys_out.write_text(json.dumps(_finding_keys(report)), encoding="utf-8")
        _queries(
            lambda text, b: list(query_oxigraph(store, text, b)),
            lambda text: next(iter(query_oxigraph(store, text)))[0],
        )
    else:
        graph = Graph()
        graph.parse(path, format="nt")
        _emit(load_s=time.perf_counter() - started, triples=len(graph))
        if kind == "pyshacl":
            t = time.perf_counter()
            report = validate_graph(graph, engine="pyshacl")
            _emit(validate_s=time.perf_counter() - t, violations=report.counts()["Violation"])
            keys_out.write_text(json.dumps(_finding_keys(report)), encoding="utf-8")
        else:
            _queries(
                lambda text, b: list(graph.query(prepare(text), initBindings=b)),
                lambda text: next(iter(graph.query(prepare(text))))[0],
            )
    _emit(
        total_s=time.perf_counter() - started,
        peak_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def run_worker(kind: str, path: Path, limit: float, keys_out: Path) -> dict[str, object]:
    command = [
        sys.executable,
        __file__,
        "--worker",
        kind,
        "--file",
        str(path),
        "--keys",
        str(keys_out),
    ]
    try:
        output = subprocess.run(
            command, capture_output=True, text=True, timeout=limit, check=True
        ).stdout
    except subprocess.TimeoutExpired as exc:
        output = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
    except subprocess.CalledProcessError as exc:
        sys.exit(f"{kind} worker failed:\n{exc.stderr}")
    result: dict[str, object] = {"queries": {}}
    for line in output.splitlines():
        step = json.loads(line)
        if "query" in step:
            result["queries"][step["query"]] = step["median_s"]  # type: ignore[index]
        else:
            result.update(step)
    return result


def corpus(cache: Path, target: int) -> tuple[Path, float]:
    """The cached corpus for ``target`` triples, and how long generating it took."""
    folder = cache / f"synth-{target}-seed1"
    meta = folder / "bench.json"
    if not meta.exists():
        from iusgraph.scale.synth import write_corpus

        started = time.perf_counter()
        write_corpus(folder, drugs=max(1, target // TRIPLES_PER_DRUG), faults=FAULTS, seed=1)
        meta.write_text(json.dumps({"generate_s": time.perf_counter() - started}), encoding="utf-8")
    return folder / "synth.nt", json.loads(meta.read_text(encoding="utf-8"))["generate_s"]


def _cell(result: dict[str, object], key: str, limit: float, digits: int = 2) -> str:
    if key in result:
        return f"{result[key]:.{digits}f}"
    return f">= {limit:.0f}" if "load_s" in result or key == "load_s" else ""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000,10000000")
    parser.add_argument(
        "--limit",
        type=float,
        default=300.0,
        help="seconds per worker; unfinished steps are lower bounds",
    )
    parser.add_argument(
        "--reference-max",
        type=int,
        default=1_000_000,
        help="largest size the rdflib and pySHACL workers run at",
    )
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".cache")
    parser.add_argument("--worker", choices=["oxigraph", "rdflib", "pyshacl"])
    parser.add_argument("--file", type=Path)
    parser.add_argument("--keys", type=Path)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.file, args.keys)
        return

    import pyoxigraph
    import pyshacl
    import rdflib

    from iusgraph.query.catalog import named_queries

    total = len(named_queries("cq"))
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    print(
        f"Machine: {os.cpu_count()} cores, {memory:.0f} GiB; Python "
        f"{platform.python_version()}, rdflib {rdflib.__version__}, pySHACL "
        f"{pyshacl.__version__}, pyoxigraph {pyoxigraph.__version__}. Limit "
        f"{args.limit:.0f} s per worker; query times are medians of 3.\n"
    )
    print(
        "| triples | build s | engine | load s | validate s | violations | same findings | "
        "CQ median s | CQ max s | total s | peak MiB |"
    )
    print("| ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |")
    for target in (int(s) for s in args.sizes.split(",")):
        path, generated = corpus(args.cache, target)
        kinds = ["oxigraph"] + (["rdflib", "pyshacl"] if target <= args.reference_max else [])
        results, keys = {}, {}
        for kind in kinds:
            keys_out = path.parent / f"keys-{kind}.json"
            keys_out.unlink(missing_ok=True)
            results[kind] = run_worker(kind, path, args.limit, keys_out)
            if keys_out.exists():
                keys[kind] = json.loads(keys_out.read_text(encoding="utf-8"))
        same = ""
        if "oxigraph" in keys and "pyshacl" in keys:
            same = "yes" if keys["oxigraph"] == keys["pyshacl"] else "**no**"
        for kind in kinds:
            r = results[kind]
            times = list(r["queries"].values())  # type: ignore[union-attr]
            median = f"{statistics.median(times):.3f}" if times else ""
            worst = f"{max(times):.3f}" if times else ""
            if kind != "pyshacl" and len(times) < total:
                worst += f" ({total - len(times)} of {total} cut)"
            validates = kind != "rdflib"
            peak = f"{r['peak_mib']:.0f}" if "peak_mib" in r else ""
            print(
                f"| {r.get('triples', target)} | {generated:.1f} | {kind} | "
                f"{_cell(r, 'load_s', args.limit)} | "
                f"{_cell(r, 'validate_s', args.limit) if validates else ''} | "
                f"{r.get('violations', '') if validates else ''} | "
                f"{same if validates else ''} | {median} | {worst} | "
                f"{_cell(r, 'total_s', args.limit, 1)} | {peak} |",
                flush=True,
            )
        if target > args.reference_max:
            print(
                f"| {target} | {generated:.1f} | rdflib, pyshacl | not run above "
                f"{args.reference_max} triples | | | | | | | |",
                flush=True,
            )


if __name__ == "__main__":
    main()
