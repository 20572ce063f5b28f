"""Query worker processes for ``iusgraph serve``: Oxigraph in child processes the server
can kill.

A query that runs long inside Oxigraph cannot be interrupted from Python, so every
query runs in a worker process holding its own read-only copy of the store; the pool
(:mod:`iusgraph.serve.pool`) kills a worker that runs past the time limit and starts another.
The worker also serializes the answer, and stops reading solutions past ``max_rows``
or ``max_bytes``, so a huge result costs neither the server's memory nor its time.

Workers are forked from multiprocessing's fork server, which has imported Oxigraph,
rdflib and the query code once, so a replacement is ready in a few tens of
milliseconds plus the time to load the graph.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pyoxigraph as ox
from rdflib import Graph

from iusgraph.errors import IusgraphError, one_line_library_logs
from iusgraph.graph.formats import TEXT
from iusgraph.graph.load import check_file
from iusgraph.graph.serialize import to_ntriples
from iusgraph.graph.store import open_store, store_from_files
from iusgraph.progress import quiet
from iusgraph.serve import endpoint, pages
from iusgraph.serve.protocol import Reply

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext, SpawnContext

#: How long a new worker may take to load the store before the server gives up.
START_TIMEOUT = 600.0
#: Imported once by the fork server, so forked workers start without importing.
PRELOAD = ["iusgraph.serve.workers", "iusgraph.serve.endpoint", "iusgraph.serve.pages"]
#: What a worker may raise while loading the graph (reported as the reason it failed).
LOAD_ERRORS = (IusgraphError, OSError, SyntaxError, ValueError, MemoryError, RecursionError)
#: What a job may raise; answered 500 instead of killing the worker.
JOB_ERRORS = (
    IusgraphError,
    OSError,
    SyntaxError,
    RuntimeError,
    ValueError,
    TypeError,
    KeyError,
    MemoryError,
    RecursionError,
)


@dataclass(frozen=True)
class StoreSource:
    """Where workers get the graph: N-Triples held by the server (the compiled graph),
    RDF files to load, or an on-disk store to open read-only."""

    files: tuple[str, ...] = ()
    store_dir: str | None = None
    ntriples: bytes = field(default=b"", repr=False)

    def open(self) -> ox.Store:
        """The worker's store: the on-disk one read-only, else one loaded from the N-Triples
        or the files."""
        if self.store_dir is not None:
            return ox.Store.read_only(self.store_dir)
        if self.ntriples:
            store = ox.Store()
            store.bulk_load(self.ntriples, format=ox.RdfFormat.N_TRIPLES)
            return store
        with quiet():  # many workers load at once: no bar from each on the server's terminal
            return store_from_files([Path(f) for f in self.files])


def prepare_source(
    files: list[Path], store_dir: Path | None, graph: Graph | None = None
) -> tuple[StoreSource, Callable[[], None]]:
    """Make the data ready for workers; returns the source and a clean-up function.

    With ``store_dir`` the on-disk store is built or reused (as ``iusgraph query --store``
    does) and workers open it read-only; with ``files`` workers parse them; otherwise the
    graph's N-Triples (the compiled graph, which the caller gives) stay in the server's
    memory and go to each new worker, so no temporary file can be lost to a cleaner.
    """
    if not files and graph is None:
        raise IusgraphError("nothing to serve: give RDF files or the compiled graph")
    if store_dir is not None:
        store = (
            store_from_files(files, store_dir)
            if files
            else open_store(cast(Graph, graph), store_dir)  # no files: a graph (checked above)
        )
        store.flush()
        del store
        return StoreSource(store_dir=str(store_dir)), lambda: None
    if files:
        for path in files:
            check_file(path)
        return StoreSource(files=tuple(str(p.resolve()) for p in files)), lambda: None
    assert graph is not None  # no files: the graph was given (checked above)
    return StoreSource(ntriples=to_ntriples(graph).encode("utf-8")), lambda: None


def context() -> ForkServerContext | SpawnContext:
    """The fork server context with the query modules preloaded (spawn where there is no
    fork server)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver


def _die_with_parent() -> None:  # pragma: no cover - child
    """On Linux, have the kernel kill this worker when its parent (the fork server, which
    ends with the server) ends, even by SIGKILL: no orphan keeps running a query."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return


def _worker_main(conn: Connection, source: StoreSource) -> None:  # pragma: no cover - child
    """The worker loop: load the store, then answer jobs until the pipe closes."""
    _die_with_parent()
    one_line_library_logs()  # an ill-typed literal on a page: one line in the log, no traceback
    try:
        store = source.open()
    except LOAD_ERRORS as exc:  # report and stop; the parent turns it into a message
        conn.send(("error", f"cannot load the graph: {exc}"))
        return
    # The first query of a process pays one-time costs (about 10 ms): pay them now, so
    # that they are not counted as the running time of a client's query.
    endpoint.execute(store, "ASK {}", None, 1, checked=True)
    conn.send(("ready", len(store)))
    handlers: dict[str, Callable[..., Any]] = {
        "sparql": endpoint.execute,
        "page": pages.collect,
        "describe": pages.describe,
        "void": endpoint.void_description,
    }
    while True:
        try:
            kind, args, options = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            answer = handlers[kind](store, *args, **options)
        except JOB_ERRORS as exc:  # a bug must not kill the worker silently
            answer = Reply(500, TEXT, f"internal error: {type(exc).__name__}: {exc}\n".encode())
        try:
            conn.send(answer)
        except (OSError, ValueError):
            return


class Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, ctx: ForkServerContext | SpawnContext, source: StoreSource) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, source), daemon=True)
        self.process.start()
        child.close()
        self.triples = 0
        #: Set while a thread reads an answer from the pipe: it is closed only after.
        self.reading = False
        #: Lowered in priority for a slow job; such a worker is replaced afterwards.
        self.niced = False

    def ready(self, detail: tuple[str, Any]) -> None:
        """Take the worker's first message: raises IusgraphError with why it failed."""
        status, value = detail
        if status != "ready":
            raise IusgraphError(str(value))
        self.triples = int(value)

    def alive(self) -> bool:
        """Whether the worker process is running."""
        return self.process.is_alive()

    def lower_priority(self) -> None:
        """Give the CPU to everything else first while this worker runs a slow job: Linux's
        SCHED_IDLE policy (it runs only on otherwise idle CPU), or else nice 19."""
        pid = self.process.pid or 0
        self.niced = True
        try:
            os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
            return
        except (OSError, AttributeError):
            pass
        try:
            os.setpriority(os.PRIO_PROCESS, pid, 19)
        except OSError:
            return

    def kill(self) -> None:
        """SIGKILL; the pipe stays open until the process is reaped (:meth:`reap`)."""
        try:
            self.process.kill()
        except (OSError, AttributeError):
            return

    def reap(self, timeout: float = 0.0) -> bool:
        """True once the killed process is gone; then its pipe is closed."""
        self.process.join(timeout)
        if self.process.exitcode is None or self.reading:
            return False
        self.conn.close()
        return True


def probe(source: StoreSource) -> int:
    """Start one worker and wait for it to load the graph: the number of triples, or
    IusgraphError with the reason (a missing file, a syntax error)."""
    worker = Worker(context(), source)
    try:
        if not worker.conn.poll(START_TIMEOUT):
            raise IusgraphError(f"a query worker did not load the graph in {START_TIMEOUT:g} s")
        try:
            worker.ready(worker.conn.recv())
        except (EOFError, OSError):
            raise IusgraphError("a query worker stopped while loading the graph") from None
        return worker.triples
    finally:
        worker.kill()
        worker.reap(5)
