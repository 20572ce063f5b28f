"""The competency queries on one Oxigraph store: time, rows, and a hash of each answer.

Loads an N-Triples file (default: the 1M-triple synthetic corpus) into an in-memory
Oxigraph store once, with the project's loader, then runs every ``queries/cq/*.rq`` as
``iusgraph query`` runs it on Oxigraph (:func:`iusgraph.query.run.query_oxigraph`): the
checked text, the project prefixes, and each ``# example:`` variable bound: to the example's
own node where the store has it (the real graph), else to a node of the corpus of the same
kind (``EXAMPLE_NODES`` of ``bench/run.py``, as there). One timed
run is the query evaluated and its answer streamed by Oxigraph as TSV, with no Python term
per value: the floor for ``--format csv`` or ``tsv`` output. Each query gets a warm-up run,
then the median of ``--repeat`` runs (5), both in wall time and in this process's CPU time:
a query runs on one thread, so on a loaded machine its CPU time is the steadier figure, and
"CPU µs/row" is that time per row of the answer.

The hash is of the header line and the sorted rows of that TSV, so two texts that give the
same answer, in any order, have the same hash. With ``--compare DIR`` the queries of another
checkout (``DIR/queries/cq``, or a folder of ``.rq`` files) run on the same store in the same
run, interleaved with these, and the table says whether each answer is the same (and in the
same order, where the ORDER BY leaves ties).

    python bench/cq.py [FILE.nt] [--repeat 5] [--compare DIR] [--only NAME,NAME]

It prints Markdown; docs/benchmarks.md holds a copy of its output.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from iusgraph.graph.namespaces import PREFIXES
from iusgraph.graph.store import store_from_files
from iusgraph.graph.terms import to_oxigraph
from iusgraph.query.catalog import comment_header
from iusgraph.query.text import checked, parse_binding
from run import EXAMPLE_NODES

CORPUS = Path("/work/corpus/1m/synth.nt")
HERE = Path(__file__).resolve().parent.parent / "queries" / "cq"


@dataclass
class Timing:
    """One query text's runs on the store."""

    text: str
    bindings: dict[ox.Variable, ox.Term]
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rows: int = 0
    #: Of the header and the sorted rows (the answer as a set), and of the TSV as written.
    digest: str = ""
    ordered: str = ""

    def run(self, store: ox.Store) -> None:
        """Evaluate once, streaming the answer as TSV; keep the times, row count and hashes."""
        started, cpu = time.perf_counter(), time.process_time()
        answer = store.query(self.text, prefixes=PREFIXES, substitutions=self.bindings or None)
        assert isinstance(answer, ox.QuerySolutions)
        tsv = answer.serialize(format=ox.QueryResultsFormat.TSV)
        self.wall.append(time.perf_counter() - started)
        self.cpu.append(time.process_time() - cpu)
        assert tsv is not None
        header, *rows = tsv.decode("utf-8").splitlines()
        self.rows = len(rows)
        body = "\n".join([header, *sorted(rows)]).encode("utf-8")
        self.digest = hashlib.sha256(body).hexdigest()[:12]
        self.ordered = hashlib.sha256(tsv).hexdigest()[:12]

    @property
    def wall_ms(self) -> float:
        """The median wall time of the timed runs (the warm-up left out), in milliseconds."""
        return statistics.median(self.wall[1:]) * 1000

    @property
    def cpu_ms(self) -> float:
        """The median CPU time of this process over the same runs, in milliseconds."""
        return statistics.median(self.cpu[1:]) * 1000


def query_files(folder: Path) -> dict[str, Path]:
    """The ``.rq`` files of a checkout (its ``queries/cq``) or of a folder, by stem."""
    if (folder / "queries" / "cq").is_dir():
        folder = folder / "queries" / "cq"
    return {path.stem: path for path in sorted(folder.glob("*.rq"))}


def timing(store: ox.Store, path: Path, first: Callable[[str], ox.Term]) -> Timing:
    """The query of ``path`` as the project runs it, with its ``# example:`` bindings: the
    example's own node where the store has it (the real graph), else a corpus node of the
    same kind."""
    raw = path.read_text(encoding="utf-8")
    bindings = {}
    for example in comment_header(raw).fields.get("example", []):
        name, value = parse_binding(example)
        node = to_oxigraph(value)
        known = isinstance(node, ox.NamedNode) and next(
            store.quads_for_pattern(node, None, None), None
        )
        bindings[ox.Variable(name)] = node if known else first(EXAMPLE_NODES[name])
    return Timing(checked(raw, str(path)), bindings)


def _row(name: str, runs: list[Timing | None]) -> str:
    """A table row: rows, each text's wall and CPU medians, CPU µs per row, the hash."""
    shown = next(t for t in reversed(runs) if t)
    cells = [f"`{name}`", str(shown.rows)]
    cells += [f"{t.wall_ms:.1f}" if t else "" for t in runs]
    cells += [f"{t.cpu_ms:.1f}" if t else "" for t in runs]
    cells.append(f"{shown.cpu_ms * 1000 / shown.rows:.1f}" if shown.rows else "")
    cells.append(f"`{shown.digest}`")
    if len(runs) == 2:
        old, new = runs
        same = bool(old and new and old.digest == new.digest)
        in_order = bool(same and old and new and old.ordered == new.ordered)
        cells.append(
            "yes" if in_order else "same rows, ties in another order" if same else "**no**"
        )
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=CORPUS, help="N-Triples file")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query (5)")
    parser.add_argument("--compare", type=Path, help="another checkout, run as 'before'")
    parser.add_argument("--only", help="comma-separated query names")
    args = parser.parse_args()

    started = time.perf_counter()
    store = store_from_files([args.file])
    load_s = time.perf_counter() - started

    def first(text: str) -> ox.Term:
        solution = next(iter(store.query(text, prefixes=PREFIXES)))  # type: ignore[arg-type]
        return solution[0]

    sets = [query_files(args.compare)] if args.compare else []
    sets.append(query_files(HERE))
    names = sorted(set().union(*sets))
    if args.only:
        names = [n for n in names if n in args.only.split(",")]
    compare = bool(args.compare)
    if compare:
        head = ["query", "rows", "before ms", "after ms", "before CPU ms", "after CPU ms"]
    else:
        head = ["query", "rows", "ms", "CPU ms"]
    head += ["CPU µs/row", "answer hash"] + (["same answer"] if compare else [])
    align = ["---"] + ["---:"] * (len(head) - 2 - compare) + ["---"] * (1 + compare)
    print(f"{args.file}: {len(store)} triples, loaded in {load_s:.1f} s; median of {args.repeat}")
    print()
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join(align) + " |")
    for name in names:
        runs = [timing(store, files[name], first) if name in files else None for files in sets]
        for _ in range(args.repeat + 1):  # the warm-up first; before and after interleaved
            for t in runs:
                if t:
                    t.run(store)
        print(_row(name, runs), flush=True)


if __name__ == "__main__":
    main()
