"""Benchmarks: build, load, validate and query, and the SHACL engines side by side, in one run.

For each size, a synthetic corpus with 14 injected faults is made by
``iusgraph synth`` (the "build": it compiles claims with the real compiler)
and kept in ``--cache``. Then workers run, each in its own process so that its
peak memory (``VmHWM``, read by the worker at its end, or by this script every 0.2 s
while it runs) is its own.

``--part scale``: three workers per size,

- ``oxigraph``: load the N-Triples into Oxigraph, validate (shapes compiled to
  SPARQL, QC queries, Python checks), run every competency query 3 times;
- ``rdflib``: load into rdflib, run every competency query 3 times;
- ``pyshacl``: load into rdflib, validate with pySHACL and the rdflib QC queries.

The reference workers are not started above ``--reference-max`` triples: at 1M they
already pass the limit, and an rdflib graph of 10M triples would not fit the time or
the memory. Where both validators finish, the table says whether their findings are
the same set.

``--part engines``: our fast path against pyrudof's native engine, pyshacl-turbo and
pySHACL (up to ``--pyshacl-max``), on the same merged input; see ``bench/peers.py``.
The table gives each engine's times, results, the ratio of its load + validate to
ours on the same shapes, and whether the findings are the same set.

A worker past ``--limit`` seconds is stopped and its unfinished steps are reported as
lower bounds (">= limit"); one past ``--memory`` GiB of address space (RLIMIT_AS)
fails and is reported as out of memory. A progress bar goes to stderr when it is a
terminal (``--quiet`` silences it); the tables go to stdout.

Run:  python bench/run.py [--part scale|engines|all] [--sizes 10000,100000,1000000]
      [--limit 300]
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
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from peers import KINDS, SHAPES_SETS, peak_mib
from peers import worker as peers_worker

#: The scale part's workers (the engines part's are peers.KINDS; the names must differ).
SCALE_KINDS = ("oxigraph", "rdflib", "pyshacl")
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
        peak_mib=peak_mib(),
    )


@dataclass
class Outcome:
    """How a worker ended: its steps, ``ok``, ``limit`` (stopped), ``oom`` (past the memory
    cap) or ``failed``, and its peak memory (read while it runs, so known when stopped)."""

    steps: dict[str, Any] = field(default_factory=dict)
    status: str = "ok"
    peak_mib: float = 0.0
    error: str = ""


def _cap(memory_gib: float) -> Callable[[], None]:
    def limit() -> None:
        size = int(memory_gib * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return limit


#: What a process past RLIMIT_AS prints: Python's MemoryError, Rust's allocation failure,
#: C++'s bad_alloc.
OUT_OF_MEMORY = ("MemoryError", "memory allocation of", "bad_alloc", "Cannot allocate memory")


def run_command(
    command: list[str], limit: float, memory_gib: float, tick: Callable[[float], None] = print
) -> Outcome:
    """Run ``command`` with a time limit and an address-space cap; ``tick`` gets the seconds
    elapsed every 0.2 s (the progress bar)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(command, stdout=out, stderr=err, preexec_fn=_cap(memory_gib))
        started = time.monotonic()
        status, peak = "ok", 0.0
        while True:
            pid, code = os.waitpid(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, peak_mib(proc.pid))
            elapsed = time.monotonic() - started
            if elapsed >= limit:
                proc.kill()
                _, code = os.waitpid(proc.pid, 0)
                status = "limit"
                break
            tick(elapsed)
            time.sleep(0.2)
        proc.returncode = os.waitstatus_to_exitcode(code)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
    outcome = Outcome(status=status, peak_mib=peak)
    for line in stdout.splitlines():
        step = json.loads(line)
        if "query" in step:
            outcome.steps.setdefault("queries", {})[step["query"]] = step["median_s"]
        else:
            outcome.steps.update(step)
    # The worker's own figure when it got to the end; else the last one read every 0.2 s.
    outcome.peak_mib = max(peak, outcome.steps.pop("peak_mib", 0.0))
    if status == "ok" and proc.returncode != 0:
        memory = any(sign in stderr for sign in OUT_OF_MEMORY)
        outcome.status = "oom" if memory else "failed"
        outcome.error = stderr.strip().splitlines()[-1] if stderr.strip() else str(proc.returncode)
    return outcome


def run_worker(
    kind: str,
    path: Path,
    args: argparse.Namespace,
    keys_out: Path,
    bar: Any,
    shapes_set: str = "all",
) -> Outcome:
    """One worker of this script (``--worker kind``) on the corpus ``path``."""
    command = [sys.executable, __file__, "--worker", kind, "--file", str(path)]
    command += ["--keys", str(keys_out), "--shapes-set", shapes_set]
    bar.set_description(f"{path.parent.name} {kind}")
    keys_out.unlink(missing_ok=True)

    def tick(elapsed: float) -> None:
        bar.set_postfix_str(f"{elapsed:.0f} s of {args.limit:.0f}", refresh=True)

    outcome = run_command(command, args.limit, args.memory, tick)
    bar.update(1)
    return outcome


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


def _cell(result: dict[str, Any], key: str, limit: float, digits: int = 2) -> str:
    if key in result:
        return f"{result[key]:.{digits}f}"
    return f">= {limit:.0f}" if "load_s" in result or key == "load_s" else ""


def scale_rows(
    target: int, path: Path, generated: float, args: argparse.Namespace, bar: Any
) -> None:
    """The scale part for one size: Oxigraph, rdflib and pySHACL, build to queries."""
    from iusgraph.query.catalog import named_queries

    total = len(named_queries("cq"))
    kinds = ["oxigraph"] + (["rdflib", "pyshacl"] if target <= args.reference_max else [])
    results, keys = {}, {}
    for kind in kinds:
        keys_out = path.parent / f"keys-{kind}.json"
        outcome = run_worker(kind, path, args, keys_out, bar)
        if outcome.status in ("oom", "failed"):
            sys.exit(f"{kind} worker failed: {outcome.error}")
        results[kind] = outcome.steps
        if outcome.status == "ok":
            results[kind]["peak_mib"] = outcome.peak_mib
        if keys_out.exists():
            keys[kind] = json.loads(keys_out.read_text(encoding="utf-8"))
    same = ""
    if "oxigraph" in keys and "pyshacl" in keys:
        same = "yes" if keys["oxigraph"] == keys["pyshacl"] else "**no**"
    for kind in kinds:
        r = results[kind]
        times = list(r.get("queries", {}).values())
        median = f"{statistics.median(times):.3f}" if times else ""
        worst = f"{max(times):.3f}" if times else ""
        if kind != "pyshacl" and len(times) < total:
            worst += f" ({total - len(times)} of {total} cut)"
        validates = kind != "rdflib"
        peak = f"{r['peak_mib']:.0f}" if "peak_mib" in r else ""
        tqdm_write(
            f"| {r.get('triples', target)} | {generated:.1f} | {kind} | "
            f"{_cell(r, 'load_s', args.limit)} | "
            f"{_cell(r, 'validate_s', args.limit) if validates else ''} | "
            f"{r.get('violations', '') if validates else ''} | "
            f"{same if validates else ''} | {median} | {worst} | "
            f"{_cell(r, 'total_s', args.limit, 1)} | {peak} |"
        )
    if target > args.reference_max:
        tqdm_write(
            f"| {target} | {generated:.1f} | rdflib, pyshacl | not run above "
            f"{args.reference_max} triples | | | | | | | |"
        )


SCALE_HEADER = (
    "| triples | build s | engine | load s | validate s | violations | same findings | "
    "CQ median s | CQ max s | total s | peak MiB |\n"
    "| ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |"
)
ENGINES_HEADER = (
    "| triples | engine | shapes | load s | validate s | load + validate s | results | "
    "same findings as ours | peer / ours | peak MiB |\n"
    "| ---: | --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |"
)


def seconds(outcome: Outcome, limit: float) -> tuple[str, str, str, float | None]:
    """The load, validate and total cells of a worker, and its total when it finished."""
    steps = outcome.steps
    if outcome.status == "ok":
        total = steps.get("load_s", 0.0) + steps["validate_s"]
        load = f"{steps['load_s']:.2f}" if "load_s" in steps else "(in validate)"
        return load, f"{steps['validate_s']:.2f}", f"{total:.2f}", total
    if outcome.status == "limit":
        load = f"{steps['load_s']:.2f}" if "load_s" in steps else ""
        return load, f">= {limit:.0f}" if load else "", f">= {limit:.0f}", None
    return "", "", "", None


def engine_row(
    target: int,
    name: str,
    shapes: str,
    outcome: Outcome,
    keys: list[Any] | None,
    ours: tuple[float | None, list[Any] | None] | None,
    args: argparse.Namespace,
) -> str:
    """One line of the engines table; ``ours`` is the fast path's total and keys on the same
    shapes (None for our own rows)."""
    from peers import same

    load, validate, total_cell, total = seconds(outcome, args.limit)
    if outcome.status == "oom":
        total_cell = f"out of memory at {args.memory:g} GiB"
    elif outcome.status == "failed":
        total_cell = f"failed: {outcome.error[:80]}"
    if "shapes_rejected" in outcome.steps:
        total_cell = f"shapes rejected: {outcome.steps['shapes_rejected'][:80]}"
    results = str(len(keys)) if keys is not None else ""
    agree, ratio = "", ""
    if ours is not None:
        our_total, our_keys = ours
        if keys is not None and our_keys is not None:
            agree = same(our_keys, keys)
        if our_total:
            if total is not None:
                ratio = f"{total / our_total:.1f}×"
            elif outcome.status == "limit":
                ratio = f">= {args.limit / our_total:.0f}×"
    peak = f"{outcome.peak_mib:.0f}"
    return (
        f"| {target} | {name} | {shapes} | {load} | {validate} | {total_cell} | {results} | "
        f"{agree} | {ratio} | {peak} |"
    )


def engines_rows(target: int, path: Path, args: argparse.Namespace, bar: Any) -> None:
    """The engines part for one size: pyrudof, pyshacl-turbo and pySHACL against ours."""
    from peers import merged_file

    merged_file(path)
    with path.open("rb") as lines:
        triples = sum(1 for _ in lines)  # N-Triples: one a line
    runs: dict[tuple[str, str], tuple[Outcome, list[Any] | None]] = {}

    def run(kind: str, shapes_set: str = "all") -> tuple[Outcome, list[Any] | None]:
        keys_out = path.parent / f"keys-{kind}-{shapes_set}.json"
        outcome = run_worker(kind, path, args, keys_out, bar, shapes_set)
        keys = None
        if outcome.status == "ok" and keys_out.exists():
            keys = [tuple(k) for k in json.loads(keys_out.read_text(encoding="utf-8"))]
        runs[kind, shapes_set] = (outcome, keys)
        return outcome, keys

    rudof_sets = ["all", "no-sparql"] if args.no_sparql_too else ["all"]
    for shapes_set in list(rudof_sets):
        if "shapes_rejected" in run("pyrudof", shapes_set)[0].steps and shapes_set == "all":
            rudof_sets.remove("all")
            if "no-sparql" not in rudof_sets:
                bar.total += 1
                rudof_sets.append("no-sparql")
                run("pyrudof", "no-sparql")
    our_sets = [s for s in SHAPES_SETS if s == "all" or s in rudof_sets]
    for shapes_set in our_sets:
        run("ours-shapes", shapes_set)
    run("ours-validate")
    run("pyshacl-turbo")
    pyshacl = target <= args.pyshacl_max
    if pyshacl:
        run("pyshacl-shapes")

    def ours(shapes_set: str) -> tuple[float | None, list[Any] | None]:
        outcome, keys = runs["ours-shapes", shapes_set]
        return seconds(outcome, args.limit)[3], keys

    label = {"all": "all", "no-sparql": "all but sh:sparql"}
    rows: list[tuple[str, str, str, tuple[float | None, list[Any] | None] | None]] = [
        *(("ours (fast path), shapes only", "ours-shapes", s, None) for s in our_sets),
        ("ours, whole validate", "ours-validate", "all", None),
        *(
            ("pyrudof (native)", "pyrudof", s, ours(s) if s in our_sets else None)
            for s in SHAPES_SETS
        ),
        ("pyshacl-turbo", "pyshacl-turbo", "all", ours("all")),
    ]
    if pyshacl:
        rows.append(("pySHACL", "pyshacl-shapes", "all", ours("all")))
    for name, kind, shapes_set, against in rows:
        if (kind, shapes_set) not in runs:
            continue
        outcome, keys = runs[kind, shapes_set]
        shown = "all + QC queries and checks" if kind == "ours-validate" else label[shapes_set]
        tqdm_write(engine_row(triples, name, shown, outcome, keys, against, args))
    if not pyshacl:
        tqdm_write(
            f"| {triples} | pySHACL | all | not run above {args.pyshacl_max} triples |||||||"
        )


def tqdm_write(line: str) -> None:
    """A table line on stdout, kept clear of the progress bar."""
    from tqdm import tqdm

    tqdm.write(line, file=sys.stdout)
    sys.stdout.flush()


def progress(total: int, quiet: bool) -> Any:
    """A bar on stderr when it is a terminal (and not ``--quiet``); else a silent one."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: the workers are started with preexec_fn
    return tqdm(total=total, file=sys.stderr, unit="step", disable=quiet or not sys.stderr.isatty())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000,10000000")
    parser.add_argument("--part", choices=["scale", "engines", "all"], default="all")
    parser.add_argument(
        "--limit",
        type=float,
        default=300.0,
        help="seconds per worker; unfinished steps are lower bounds",
    )
    parser.add_argument(
        "--memory",
        type=float,
        default=15.0,
        help="GiB of address space per worker (RLIMIT_AS); past it: out of memory",
    )
    parser.add_argument(
        "--reference-max",
        type=int,
        default=1_000_000,
        help="largest size the rdflib and pySHACL workers of the scale part run at",
    )
    parser.add_argument(
        "--engines-max",
        type=int,
        default=1_000_000,
        help="largest size the engines part runs at",
    )
    parser.add_argument(
        "--pyshacl-max",
        type=int,
        default=100_000,
        help="largest size pySHACL runs at in the engines part",
    )
    parser.add_argument(
        "--no-sparql-too",
        action="store_true",
        help="also run pyrudof and ours on the shapes without sh:sparql constraints",
    )
    parser.add_argument("--cache", type=Path, default=Path(__file__).parent / ".cache")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--worker", choices=[*SCALE_KINDS, *KINDS])
    parser.add_argument("--file", type=Path)
    parser.add_argument("--keys", type=Path)
    parser.add_argument("--shapes-set", choices=SHAPES_SETS, default="all")
    args = parser.parse_args(argv)
    if args.worker in KINDS:
        peers_worker(args.worker, args.file, args.keys, args.shapes_set)
        return
    if args.worker:
        worker(args.worker, args.file, args.keys)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    scale = args.part in ("scale", "all")
    engines = [t for t in sizes if args.part in ("engines", "all") and t <= args.engines_max]
    steps = len(sizes)  # the corpus of each size, made or read from the cache
    if scale:
        steps += sum(3 if t <= args.reference_max else 1 for t in sizes)
    steps += sum(5 + 2 * args.no_sparql_too + (t <= args.pyshacl_max) for t in engines)
    bar = progress(steps, args.quiet)
    tqdm_write(machine(args))
    corpora = {}
    for target in sizes:
        bar.set_description(f"corpus of {target} triples")
        corpora[target] = corpus(args.cache, target)
        bar.update(1)
    if scale:
        tqdm_write(SCALE_HEADER)
        for target in sizes:
            scale_rows(target, *corpora[target], args, bar)
    if engines:
        tqdm_write(("\n" if scale else "") + ENGINES_HEADER)
        for target in engines:
            engines_rows(target, corpora[target][0], args, bar)
    bar.close()


def machine(args: argparse.Namespace) -> str:
    """The machine and versions line above the tables."""
    import importlib.metadata

    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    names = ["rdflib", "pyshacl", "pyoxigraph", "pyrudof", "pyshacl-turbo"]
    versions = []
    for name in names:
        try:
            versions.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} not installed")
    return (
        f"Machine: {os.cpu_count()} cores, {memory:.0f} GiB; Python "
        f"{platform.python_version()}, {', '.join(versions)}. Limit {args.limit:.0f} s and "
        f"{args.memory:g} GiB per worker; query times are medians of 3.\n"
    )


if __name__ == "__main__":
    main()
