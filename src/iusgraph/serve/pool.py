"""The query worker pool of ``iusgraph serve``: time limits, fairness, and self-repair.

- **Time limit.** A job gets ``timeout`` seconds; past it its worker is killed and the
  request answered 503 with ``Retry-After``.
- **Fairness.** Every job starts as a short one. Once it has run ``slow_after`` seconds
  (0.25 s) it is slow, and slow jobs may hold at most ``size - 1`` workers, so at least
  one worker always serves short jobs (pages, ordinary queries). A slow job runs at idle
  CPU priority, and its worker is replaced afterwards. A job that turns slow
  while the slow slots are full is killed and waits for a slow slot. How long each job
  text takes is remembered: a text that was slow waits for a slow slot at once, and
  waiting short jobs are served shortest expected first (a trivial query goes before
  a heavy one; a job moves up a step per ``AGING`` seconds of waiting). Jobs wait in
  bounded queues, each wait bounded in time: 503 with ``Retry-After`` past either
  bound. While every worker is busy, a quick job (expected to run under ``QUICK``,
  such as ``ASK {}``) may borrow the idle spare, so trivial queries never wait for a
  heavy one.
- **Self-repair.** A supervisor keeps ``size`` workers and one warm spare: a killed or
  dead worker is replaced by the spare at once and the spare restarted in the
  background. A failed start (the graph file is gone, the store folder removed) is
  logged as one line and retried with backoff; while there is no worker at all,
  requests get 503 with the reason instead of waiting.
- **Stopping.** :meth:`WorkerPool.close` answers the waiting requests 503, lets running
  jobs finish for a grace period, then kills the workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import OrderedDict, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from iusgraph.errors import IusgraphError
from iusgraph.graph.formats import TEXT
from iusgraph.serve.protocol import Reply
from iusgraph.serve.settings import DEFAULTS
from iusgraph.serve.workers import START_TIMEOUT, StoreSource, Worker, context

#: A job that has run this long is slow (seconds).
SLOW_AFTER = 0.25
#: Backoff between failed worker starts (seconds): doubling from the first to the last.
BACKOFF = (0.5, 10.0)
#: Expected running time of a job text never run before (seconds).
UNKNOWN_COST = 0.01
#: Seconds of waiting that move a short job up one step (a doubling of expected time).
AGING = 1.0
#: A job expected to run in less than this (seconds) is quick: it may borrow the spare.
QUICK = 0.01
#: Running times kept per job text; the expected time is the least of them.
RECENT = 3
#: Job texts whose last running time is remembered.
HISTORY = 4096

logger = logging.getLogger("uvicorn.error")


class Unavailable(Exception):
    """The pool cannot run the job now: answered 503 with ``Retry-After``."""

    def __init__(self, message: str, retry_after: float = 1.0) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = max(1, math.ceil(retry_after))


class _Requeue(Exception):
    """A job turned slow while the slow slots were full: its worker was killed."""


class _Lost(Exception):
    """The worker was gone before it took the job; another one may take it."""


@dataclass(eq=False)
class _Waiter:
    """A job waiting for a worker: the future the worker is handed through, since when,
    and the job text (whose expected running time is looked up when workers are handed
    out, so what was learnt meanwhile counts)."""

    future: asyncio.Future[Worker]
    since: float
    key: tuple[str, str] = ("", "")


class WorkerPool:
    """``size`` query workers and a spare, shared fairly between short and slow jobs."""

    def __init__(
        self,
        source: StoreSource,
        size: int,
        timeout: float,
        *,
        queue: int = DEFAULTS.queue,
        slow_after: float = SLOW_AFTER,
    ) -> None:
        self.source = source
        self.size = size
        self.timeout = timeout
        self.queue = queue
        self.slow_after = min(slow_after, timeout)
        #: Workers slow jobs may hold at once (all but one, with two workers or more).
        self.slow_slots = max(1, size - 1)
        self.triples = 0
        self.restarts = 0
        self._context = context()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._spare: Worker | None = None
        #: The spare while it runs a quick job for the busy workers.
        self._lent: Worker | None = None
        self._launched: set[Worker] = set()
        self._starting = 0
        self._dying: list[Worker] = []
        #: Waiting jobs by lane: slow ones (first come, first served) and short ones
        #: (shortest expected first).
        self._lanes: dict[str, deque[_Waiter]] = {"slow": deque(), "short": deque()}
        self._running_slow = 0
        #: The last running times of each job text (seconds), newest last.
        self._history: OrderedDict[tuple[str, str], tuple[float, ...]] = OrderedDict()
        #: Texts running for the first time, and how many requests wait on them.
        self._probing: dict[tuple[str, str], asyncio.Event] = {}
        self._following = 0
        self._failure: str | None = None
        self._backoff = 0.0
        self._retry_at = 0.0
        self._starts: set[asyncio.Task[None]] = set()
        self._wake: asyncio.Event | None = None
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False
        self._io = ThreadPoolExecutor(max_workers=size + 4, thread_name_prefix="iusgraph-pool")

    # --- state -----------------------------------------------------------------------------

    @property
    def alive(self) -> int:
        """Serving workers (idle or busy), not counting the spare or those starting."""
        return len(self._idle) + len(self._busy)

    def _none_left(self) -> bool:
        """No worker at all: none serving, no spare (idle or lent)."""
        return self.alive == 0 and self._spare is None and self._lent is None

    def _slow_capacity(self) -> int:
        if self.size == 1:
            return min(1, self.alive)
        return min(self.slow_slots, max(self.alive - 1, 0))

    def _loop_time(self) -> float:
        return asyncio.get_running_loop().time()

    def _wakeup(self) -> None:
        if self._wake is not None:
            self._wake.set()

    # --- start, supervise, stop ------------------------------------------------------------

    async def start(self) -> None:
        """Start the workers and a spare; return once ``size`` are ready or a start failed
        (then requests get 503 with the reason while the supervisor retries)."""
        self._wake = asyncio.Event()
        self._supervisor = asyncio.create_task(self._supervise())
        deadline = self._loop_time() + START_TIMEOUT
        while self.alive < self.size and self._failure is None and self._loop_time() < deadline:
            await asyncio.sleep(0.02)

    async def _supervise(self) -> None:
        while not self._stopping:
            self._reap()
            wanted = (
                self.size
                + 1
                - (
                    self.alive
                    + (self._spare is not None)
                    + (self._lent is not None)
                    + self._starting
                )
            )
            now = self._loop_time()
            if wanted > 0 and now >= self._retry_at:
                for _ in range(1 if self._failure else wanted):
                    self._starting += 1
                    task = asyncio.create_task(self._start_one())
                    self._starts.add(task)
                    task.add_done_callback(self._starts.discard)
            assert self._wake is not None
            self._wake.clear()
            pause = 1.0 if now >= self._retry_at else min(1.0, self._retry_at - now)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(pause, 0.01))

    async def _start_one(self) -> None:
        loop = asyncio.get_running_loop()
        worker: Worker | None = None
        try:
            worker = await loop.run_in_executor(self._io, Worker, self._context, self.source)
            self._launched.add(worker)
            if self._stopping:
                raise IusgraphError("the server is stopping")
            if not await _readable(worker, START_TIMEOUT):
                raise IusgraphError(f"a query worker did not load the graph in {START_TIMEOUT:g} s")
            try:
                worker.ready(worker.conn.recv())
            except (EOFError, OSError):
                raise IusgraphError(
                    "a query worker stopped while loading the graph (out of memory?)"
                ) from None
        except (IusgraphError, OSError) as exc:
            if worker is not None:
                self._launched.discard(worker)
                self._kill(worker)
            if not self._stopping:
                self._start_failed(str(exc))
            return
        finally:
            self._starting -= 1
            self._wakeup()
        self._launched.discard(worker)
        if self._stopping:
            self._kill(worker)  # type: ignore[unreachable]  # close() may set it meanwhile
            return
        self.triples = worker.triples
        if self._failure is not None:
            logger.info("query workers: started again")
        self._failure, self._backoff = None, 0.0
        self._add(worker)

    def _start_failed(self, reason: str) -> None:
        first, last = BACKOFF
        self._backoff = min(last, self._backoff * 2 if self._backoff else first)
        self._retry_at = self._loop_time() + self._backoff
        self._failure = f"no query worker: {reason}"
        logger.error("%s; retrying in %g s", self._failure, self._backoff)
        if self._none_left():
            self._fail_waiters(self._broken())

    def _broken(self) -> Unavailable:
        wait = max(self._retry_at - self._loop_time(), 0.0)
        return Unavailable(f"{self._failure}; retrying in {math.ceil(wait)} s", wait)

    def _fail_waiters(self, error: Unavailable) -> None:
        for queue in self._lanes.values():
            while queue:
                waiter = queue.popleft().future
                if not waiter.done():
                    waiter.set_exception(error)

    def _reap(self) -> None:
        self._dying = [w for w in self._dying if not w.reap()]
        for worker in [*self._idle, *([self._spare] if self._spare else [])]:
            if not worker.alive():
                logger.warning(
                    "a query worker stopped (exit code %s); starting another",
                    worker.process.exitcode,
                )
                self._retire(worker)

    async def close(self, grace: float) -> None:
        """Stop taking jobs: waiting requests get 503 now, running jobs get ``grace``
        seconds to finish, then every worker is killed."""
        self._stopping = True
        self._fail_waiters(Unavailable("the server is stopping", 1))
        deadline = self._loop_time() + grace
        while self._busy and self._loop_time() < deadline:
            await asyncio.sleep(0.05)
        for worker in [
            *self._idle,
            *self._busy,
            *self._launched,
            *[w for w in (self._spare, self._lent) if w is not None],
        ]:
            worker.kill()

    async def stop(self) -> None:
        """Kill every worker and wait (briefly) until they are gone."""
        await self.close(0.0)
        if self._supervisor is not None:
            self._supervisor.cancel()
            await asyncio.gather(self._supervisor, return_exceptions=True)
        if self._starts:
            await asyncio.wait(set(self._starts), timeout=5)
        for worker in [
            *self._idle,
            *self._busy,
            *[w for w in (self._spare, self._lent) if w is not None],
        ]:
            self._retire(worker)
        for worker in self._dying:
            worker.reap(2)
        self._dying.clear()
        self._io.shutdown(wait=False, cancel_futures=True)

    # --- workers in and out ----------------------------------------------------------------

    def _add(self, worker: Worker) -> None:
        if self.alive < self.size:
            self._idle.append(worker)
            self._dispatch()
        elif self._spare is None:
            self._spare = worker
        else:
            self._kill(worker)

    def _kill(self, worker: Worker) -> None:
        worker.kill()
        self._dying.append(worker)

    def _retire(self, worker: Worker) -> None:
        """Kill a worker and put the spare in its place."""
        if worker in self._idle:
            self._idle.remove(worker)
        if worker in self._busy:
            self._busy.discard(worker)
            self.restarts += 1
        if worker is self._spare:
            self._spare = None
        if worker is self._lent:
            self._lent = None
        self._kill(worker)
        if self._spare is not None and self.alive < self.size and not self._stopping:
            spare, self._spare = self._spare, None
            self._idle.append(spare)
            self._dispatch()
        self._wakeup()

    def _release(self, worker: Worker) -> None:
        """A job is done: the worker serves the next one (or is replaced if it was niced)."""
        if worker.niced or self._stopping:
            self._retire(worker)
            return
        if worker is self._lent:  # back to being the spare, or in the place of a lost one
            self._lent = None
            self._add(worker)
            self._dispatch()
            return
        self._busy.discard(worker)
        self._idle.append(worker)
        self._dispatch()

    def _dispatch(self) -> None:
        """Hand idle workers to waiting jobs: slow ones while a slow slot is free, then
        short ones, shortest expected first."""
        while self._idle:
            waiter = None
            if self._running_slow < self._slow_capacity():
                waiter = _first_waiting(self._lanes["slow"])
                if waiter is not None:
                    self._running_slow += 1
            if waiter is None:
                waiter = self._shortest_waiting()
            if waiter is None:
                return
            worker = self._idle.pop()
            self._busy.add(worker)
            waiter.future.set_result(worker)
        if self._spare is not None and not self._stopping:
            quick = self._shortest_waiting(quick=True)
            if quick is not None:
                self._lent, self._spare = self._spare, None
                quick.future.set_result(self._lent)

    # --- jobs -----------------------------------------------------------------------------

    async def run(self, kind: str, *args: Any, **options: Any) -> Any:
        """Run a job on a worker: its answer, or :class:`Unavailable` (503)."""
        if self._stopping:
            raise Unavailable("the server is stopping", 1)
        if self._none_left() and self._failure is not None:
            raise self._broken()
        key = (kind, str(args[0]) if args else "")
        deadline = self._loop_time() + self.timeout  # for waiting, not for running
        first = await self._first_run(key, deadline) if key not in self._history else None
        try:
            lane = self._lane(key)
            for _ in range(3):
                worker = await self._acquire(lane, key, deadline)
                try:
                    return await self._job(worker, (kind, args, options), lane == "slow", key)
                except _Requeue:
                    lane = "slow"
                except _Lost:
                    continue
            raise Unavailable("no query worker took the job; try again", 1)
        finally:
            if first is not None and self._probing.get(key) is first:
                del self._probing[key]
                first.set()

    async def _first_run(self, key: tuple[str, str], deadline: float) -> asyncio.Event | None:
        """A text never run before: the first request runs it (the returned event is set
        once its running time is known); the same text sent meanwhile waits for that,
        so a new slow query sent by many clients at once costs the budget once."""
        running = self._probing.get(key)
        if running is None:
            self._probing[key] = asyncio.Event()
            return self._probing[key]
        if self._following + len(self._lanes["short"]) >= self.queue:
            raise self._busy_error(False)
        self._following += 1
        try:
            await asyncio.wait_for(running.wait(), max(deadline - self._loop_time(), 0.0))
        except asyncio.TimeoutError:
            pass
        finally:
            self._following -= 1
        return None

    def _lane(self, key: tuple[str, str]) -> str:
        expected = self._expected(key)
        return "slow" if expected is not None and expected >= self.slow_after else "short"

    async def _acquire(self, lane: str, key: tuple[str, str], deadline: float) -> Worker:
        """Wait in ``lane`` for a worker: a short job until ``deadline``, a slow one up to
        the time limit for a slow slot (then 503)."""
        slow = lane == "slow"
        queue = self._lanes[lane]
        if sum(not w.future.done() for w in queue) >= (self.slow_slots if slow else self.queue):
            raise self._busy_error(slow)
        loop = asyncio.get_running_loop()
        waiter = _Waiter(loop.create_future(), loop.time(), key)
        queue.append(waiter)
        self._dispatch()
        wait = max(deadline - loop.time(), 0.0) if not slow else self.timeout
        try:
            await asyncio.wait({waiter.future}, timeout=wait)
        except BaseException:  # cancelled (the client left, the server stops)
            self._abandon(waiter, queue, slow)
            raise
        if not waiter.future.done():
            self._abandon(waiter, queue, slow)
            raise self._busy_error(slow, waited=True)
        return waiter.future.result()  # Unavailable when the pool broke or stops meanwhile

    def _abandon(self, waiter: _Waiter, queue: deque[_Waiter], slow: bool) -> None:
        future = waiter.future
        if future.done() and not future.cancelled() and future.exception() is None:
            if slow:
                self._running_slow -= 1
            self._release(future.result())
            return
        future.cancel()
        if waiter in queue:
            queue.remove(waiter)

    def _busy_error(self, slow: bool, waited: bool = False) -> Unavailable:
        if slow:
            return Unavailable(
                f"query: the server is busy with slow queries (over {self.slow_after:g} s; "
                f"at most {self.slow_slots} at once); try again later, or narrow the query "
                "or add a LIMIT",
                self.timeout,
            )
        if waited:
            return Unavailable(
                f"the server is busy: no query worker was free within "
                f"{self.timeout:g} s; try again shortly",
                1,
            )
        return Unavailable(
            f"the server is busy: {self.queue} requests are waiting for a "
            "query worker; try again shortly",
            1,
        )

    async def _job(
        self,
        worker: Worker,
        job: tuple[str, tuple[Any, ...], dict[str, Any]],
        slow: bool,
        key: tuple[str, str],
    ) -> Any:
        """Send the job and wait for the answer; slow jobs hold a slow slot until done."""
        holds_slot = slow  # _dispatch took a slow slot for a slow waiter
        sent = self._loop_time()
        try:
            try:
                worker.conn.send(job)
            except (OSError, ValueError):
                self._retire(worker)
                raise _Lost from None
            if slow:
                worker.lower_priority()
            elif not await _readable(worker, self.slow_after):
                self._remember(key, self.slow_after)
                if self._running_slow >= self._slow_capacity() or worker is self._lent:
                    self._retire(worker)
                    raise _Requeue
                self._running_slow += 1
                holds_slot = True
                worker.lower_priority()
            if not await _readable(worker, self.timeout - (self.slow_after if not slow else 0.0)):
                self._retire(worker)
                raise Unavailable(
                    f"query: stopped after the time limit of {self.timeout:g} s "
                    "(the server's --timeout); narrow the query or add a LIMIT",
                    1,
                )
            self._remember(key, self._loop_time() - sent)
            return await self._answer(worker)
        except (Unavailable, _Requeue, _Lost):
            raise
        except BaseException:  # cancelled mid-job: the worker's state is unknown
            if worker in self._busy or worker is self._lent:
                self._retire(worker)
            raise
        finally:
            if holds_slot:
                self._running_slow -= 1
                self._dispatch()

    async def _answer(self, worker: Worker) -> Any:
        loop = asyncio.get_running_loop()
        worker.reading = True
        try:
            answer = await loop.run_in_executor(self._io, _receive, worker)
        except (EOFError, OSError):  # killed (the server stops), or out of memory
            self._retire(worker)
            if self._stopping:
                raise Unavailable("the server is stopping", 1) from None
            return Reply(500, TEXT, b"internal error: the query worker stopped; try again\n")
        self._release(worker)
        return answer

    def _shortest_waiting(self, quick: bool = False) -> _Waiter | None:
        """Take out the short job expected to run shortest, a step (a doubling) earlier
        per AGING seconds waited, the longest-waiting among equals; only a quick one if
        ``quick``. Gone ones are dropped."""
        queue = self._lanes["short"]
        now = self._loop_time()
        best: _Waiter | None = None
        best_rank = (0.0, 0.0)
        for waiter in list(queue):
            if waiter.future.done():
                queue.remove(waiter)
                continue
            cost = self._expected(waiter.key) or UNKNOWN_COST
            if quick and cost >= QUICK:
                continue
            steps = math.log2(max(cost, 0.001) / 0.001)
            rank = (round(steps) - (now - waiter.since) // AGING, waiter.since)
            if best is None or rank < best_rank:
                best, best_rank = waiter, rank
        if best is not None:
            queue.remove(best)
        return best

    def _expected(self, key: tuple[str, str]) -> float | None:
        """How long a job text is expected to run: the least of its last RECENT running
        times, so one run slowed by a busy CPU does not change its place; None if new."""
        times = self._history.get(key)
        return min(times) if times else None

    def _remember(self, key: tuple[str, str], seconds: float) -> None:
        """How long the job ran; a job that turned slow counts as slow at once."""
        first = self._probing.pop(key, None)
        if first is not None:
            first.set()  # the same text waiting meanwhile goes on, to the right lane
        if seconds >= self.slow_after:
            self._history[key] = (seconds,)
        else:
            self._history[key] = (*self._history.get(key, ())[-(RECENT - 1) :], seconds)
        self._history.move_to_end(key)
        while len(self._history) > HISTORY:
            self._history.popitem(last=False)


def _receive(worker: Worker) -> Any:
    """Read one answer (in a thread); the pipe may be closed only once this returns."""
    try:
        return worker.conn.recv()
    finally:
        worker.reading = False


def _first_waiting(queue: deque[_Waiter]) -> _Waiter | None:
    """Take out the longest-waiting job of a lane; gone ones are dropped."""
    while queue:
        waiter = queue.popleft()
        if not waiter.future.done():
            return waiter
    return None


async def _readable(worker: Worker, timeout: float) -> bool:
    """True once the worker's end of the pipe has something to read (an answer, or the
    end of file when the worker died); False after ``timeout`` seconds."""
    if worker.conn.poll(0):
        return True
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()
    fd = worker.conn.fileno()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    loop.add_reader(fd, wake)
    try:
        await asyncio.wait_for(ready, max(timeout, 0.0))
        return True
    except asyncio.TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
