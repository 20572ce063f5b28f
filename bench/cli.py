"""Benchmark: the command line on the real graph, whole processes, with a warm cache.

Each command runs ``--runs`` times (after one run that fills the cache); the table gives
the median and the fastest wall time, the median CPU time (user + system, of the child
process), and the ratio to the floor: a Python process that imports pyoxigraph, loads the
cached N-Triples of the curated graph and runs the same competency query.

Run:  python bench/cli.py [--runs 7]
It prints Markdown; docs/benchmarks.md holds a copy of its output.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS: list[tuple[str, list[str]]] = [
    (
        "iusgraph query serious-effects --format csv",
        ["query", "serious-effects", "--format", "csv"],
    ),
    ("iusgraph query serious-effects", ["query", "serious-effects"]),
    ("iusgraph --help", ["--help"]),
    ("iusgraph query --list", ["query", "--list"]),
    ("iusgraph validate", ["validate"]),
]

#: The floor: pyoxigraph alone, loading the graph iusgraph caches and running the query.
FLOOR = """
import pyoxigraph as ox, sys
from pathlib import Path
store = ox.Store()
store.load(Path(sys.argv[1]).read_bytes(), format=ox.RdfFormat.N_TRIPLES, lenient=True)
text = Path(sys.argv[2]).read_text(encoding="utf-8")
from iusgraph.graph.prefixes import PREFIXES
sys.stdout.write(str(len(list(store.query(text, prefixes=PREFIXES)))))
"""


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process (CPU from its resource usage)."""
    before = os.times()
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - started
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def _measure(argv: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    _timed(argv, env)  # fills the cache (and the bytecode cache)
    samples = [_timed(argv, env) for _ in range(runs)]
    walls = [wall for wall, _ in samples]
    return {
        "median": statistics.median(walls),
        "best": min(walls),
        "cpu": statistics.median(cpu for _, cpu in samples),
    }


def main() -> None:
    """Measure the commands and the floor, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    cache = tempfile.mkdtemp(prefix="iusgraph-bench-cache-")
    env = {**os.environ, "IUSGRAPH_CACHE": cache}
    env.pop("IUSGRAPH_NO_CACHE", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    python = [sys.executable]
    rows = [
        (label, _measure([*python, "-m", "iusgraph", *cmd], env, args.runs))
        for label, cmd in COMMANDS
    ]
    from iusgraph.graph import cache as cache_module
    from iusgraph.graph.resources import queries_dir

    os.environ["IUSGRAPH_CACHE"] = cache
    graph = next((Path(cache) / "graph").iterdir())
    body = Path(cache) / "graph.nt"
    body.write_bytes(cache_module.unseal(graph.read_bytes()) or b"")
    floor = _measure(
        [*python, "-c", FLOOR, str(body), str(queries_dir() / "cq" / "serious-effects.rq")],
        env,
        args.runs,
    )
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores, {args.runs} runs each,")
    print("warm cache (one run first), whole processes.\n")
    print("| command | median | fastest | CPU (median) | median / floor |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, result in [*rows, ("floor: pyoxigraph, load the cached graph, one query", floor)]:
        print(
            f"| `{label}` | {result['median']:.3f} s | {result['best']:.3f} s | "
            f"{result['cpu']:.3f} s | {result['median'] / floor['median']:.1f}× |"
        )


if __name__ == "__main__":
    main()
