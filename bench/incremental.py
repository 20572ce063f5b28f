"""Benchmark: ``validate --since`` after a 100-claim change to a 1M-triple graph, beside a
full validation of the new graph.

Run:  python bench/incremental.py [--corpus /work/corpus/1m] [--claims 100] [--repeat 3]
The corpus is ``iusgraph synth --drugs 2300 --faults 14 --seed 1 --out DIR`` (about 1M
triples). It prints a Markdown table; the figures in docs/benchmarks.md come from it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph
import rdflib

from iusgraph.scale.change import change_claims
from iusgraph.validation.incremental import delta, load_side, validate_since
from iusgraph.validation.validate import validate_files

T = TypeVar("T")


def timed(func: Callable[[], T], repeat: int) -> tuple[float, T]:
    """The median time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    assert result is not None
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus/1m"))
    parser.add_argument("--claims", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    old_path = args.corpus / "synth.nt"
    with tempfile.TemporaryDirectory() as tmp:
        new_path = Path(tmp) / "new.nt"
        data, kinds = change_claims(old_path.read_bytes(), args.claims, seed=1)
        new_path.write_bytes(data)
        load_old, old = timed(lambda: load_side([old_path]), args.repeat)
        load_new, new = timed(lambda: load_side([new_path]), args.repeat)
        diff_time, change = timed(lambda: delta(old, new), args.repeat)
        validate_since(old, new)  # the rules' readings are cached after the first run
        inc_time, inc = timed(lambda: validate_since(old, new), args.repeat)
        full_time, full = timed(lambda: validate_files([new_path]), args.repeat)
    same = sorted(inc.report.findings) == sorted(f for f in full.findings if inc.covers(f))
    print(
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyoxigraph {pyoxigraph.__version__}, rdflib {rdflib.__version__}; "
        f"median of {args.repeat} runs\n"
    )
    print(
        f"Change: {args.claims} claims ({', '.join(f'{n} {k}' for k, n in kinds.items())}): "
        f"{len(change.added)} triples added, {len(change.removed)} removed; "
        f"{len(inc.affected)} affected focus nodes; findings equal to the full validation's "
        f"in scope: {same}\n"
    )
    print("| step | seconds | note |\n| --- | ---: | --- |")
    rows = [
        ("load OLD (lines + store)", load_old, f"{len(old.lines)} lines"),
        ("load NEW (lines + store)", load_new, f"{len(new.lines)} lines"),
        ("delta (N-Triples lines)", diff_time, "inside validate --since too"),
        (
            "validate --since: delta, affected nodes, checks",
            inc_time,
            f"{len(inc.report.findings)} findings",
        ),
        ("full validation of NEW (load included)", full_time, f"{len(full.findings)} findings"),
    ]
    for step, secs, note in rows:
        print(f"| {step} | {secs:.3f} | {note} |")
    print("\nNotes of the incremental report:\n")
    for note in inc.report.notes:
        print(f"- {note}")


if __name__ == "__main__":
    main()
