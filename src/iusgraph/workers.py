"""Query workers for ``iusgraph serve``: Oxigraph in child processes the server can kill.

A query that runs long inside Oxigraph cannot be interrupted from Python, so every
query runs in a worker process holding its own read-only copy of the store. The
server waits for the answer at most ``timeout`` seconds; past that it kills the
worker, answers 503, and starts a fresh worker while the others keep serving.
The worker also serializes the answer, and stops reading solutions past
``max_rows``, so a huge result costs neither the server's memory nor its time.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .errors import IusgraphError

#: How long a new worker may take to load the store before the server gives up.
START_TIMEOUT = 600.0


@dataclass(frozen=True)
class StoreSource:
    """Where workers get the graph: N-Triples/RDF files to load, or an on-disk store."""

    files: tuple[str, ...] = ()
    store_dir: str | None = None

    def open(self) -> ox.Store:
        if self.store_dir is not None:
            return ox.Store.read_only(self.store_dir)
        from .engines import store_from_files
        return store_from_files([Path(f) for f in self.files])


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def prepare_source(files: list[Path], store_dir: Path | None) -> tuple[StoreSource, Callable[[], None]]:
    """Make the data ready for workers; returns the source and a clean-up function.

    With ``store_dir`` the on-disk store is built or reused (as ``iusgraph query --store``
    does) and workers open it read-only; otherwise workers parse the files (or the compiled
    graph's N-Triples, written once to a temporary file) into memory.
    """
    from .api import load_graph
    from .engines import open_store, store_from_files
    from .export import to_ntriples

    if store_dir is not None:
        store = store_from_files(files, store_dir) if files else open_store(load_graph(),
                                                                            store_dir)
        store.flush()
        del store
        return StoreSource(store_dir=str(store_dir)), lambda: None
    if files:
        from .engines import _check_file
        for path in files:
            _check_file(path)
        return StoreSource(files=tuple(str(p.resolve()) for p in files)), lambda: None
    folder = tempfile.mkdtemp(prefix="iusgraph-serve-")
    path = Path(folder) / "graph.nt"
    path.write_text(to_ntriples(load_graph()), encoding="utf-8")

    def clean() -> None:
        path.unlink(missing_ok=True)
        os.rmdir(folder)
    return StoreSource(files=(str(path),)), clean


def _worker_main(conn: Connection, source: StoreSource) -> None:  # pragma: no cover - child
    """The worker loop: load the store, then answer jobs until the pipe closes."""
    from . import endpoint, pages
    try:
        store = source.open()
    except Exception as exc:  # report and stop; the parent turns it into a message
        conn.send(("error", f"cannot load the graph: {exc}"))
        return
    conn.send(("ready", len(store)))
    handlers: dict[str, Callable[..., Any]] = {
        "sparql": endpoint.execute, "page": pages.collect, "describe": pages.describe,
    }
    while True:
        try:
            kind, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            answer = handlers[kind](store, *args)
        except Exception as exc:  # a bug must not kill the worker silently
            answer = Reply(500, "text/plain; charset=utf-8",
                           f"internal error: {type(exc).__name__}: {exc}\n".encode())
        conn.send(answer)


class _Worker:
    def __init__(self, source: StoreSource) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, source), daemon=True)
        self.process.start()
        child.close()
        if not self.conn.poll(START_TIMEOUT):
            self.kill()
            raise IusgraphError("a query worker did not start in time")
        try:
            status, detail = self.conn.recv()
        except EOFError:
            self.kill()
            raise IusgraphError("a query worker stopped while loading the graph") from None
        if status != "ready":
            self.kill()
            raise IusgraphError(str(detail))
        self.triples = int(detail)

    def call(self, job: tuple[str, tuple[Any, ...]], timeout: float) -> Any:
        """Send a job and wait for its answer; raises TimeoutError past ``timeout``."""
        self.conn.send(job)
        if not self.conn.poll(timeout):
            raise TimeoutError
        return self.conn.recv()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()


class WorkerPool:
    """A fixed number of query workers; a worker over the time limit is replaced."""

    def __init__(self, source: StoreSource, size: int, timeout: float) -> None:
        self.source = source
        self.size = size
        self.timeout = timeout
        self.triples = 0
        self.restarts = 0
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._threads = ThreadPoolExecutor(max_workers=size + 2, thread_name_prefix="iusgraph-q")

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        workers = await asyncio.gather(*(loop.run_in_executor(self._threads, _Worker,
                                                              self.source)
                                         for _ in range(self.size)))
        for worker in workers:
            self._all.add(worker)
            self._idle.put_nowait(worker)
        self.triples = workers[0].triples

    async def stop(self) -> None:
        for worker in list(self._all):
            worker.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def run(self, kind: str, *args: Any) -> Any:
        """Run a job on an idle worker; TimeoutError when it ran past the time limit."""
        assert self._idle is not None, "the pool is not started"
        loop = asyncio.get_running_loop()
        worker = await self._idle.get()
        try:
            answer = await loop.run_in_executor(self._threads, worker.call, (kind, args),
                                                self.timeout)
        except TimeoutError:
            self._replace(worker)
            raise
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return Reply(500, "text/plain; charset=utf-8",
                         b"internal error: the query worker stopped; try again\n")
        except BaseException:  # cancelled while waiting: the worker's state is unknown
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        return answer

    def _replace(self, worker: _Worker) -> None:
        self.restarts += 1
        self._all.discard(worker)
        worker.kill()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._threads, _Worker, self.source)

        def done(task: asyncio.Future[_Worker]) -> None:
            if task.cancelled() or task.exception() is not None or self._idle is None:
                return
            new = task.result()
            self._all.add(new)
            self._idle.put_nowait(new)
        future.add_done_callback(done)
