"""Bounded load test of `iusgraph serve`, on loopback only.

Starts the server itself (or uses --url, which must be a loopback address), then
--clients concurrent clients (40) send requests for --duration seconds (20; the script
stops by itself). Each request's kind is drawn at random (seeded) with the weights of
KINDS, as in the reliability review's mix; with ``--mix roles`` each client sends one
kind only, so the slow and hostile clients send back to back (a harsher test):

- good: the competency queries in turn (200);
- trivial: `ASK {}` and a one-row SELECT, the latency that must stay low (200);
- slow: the 6437^3 cross product, which runs into the time limit (503);
- over-limit: more rows than --max-rows, or more bytes than --max-bytes (403);
- hostile: syntax errors, SERVICE, FROM, updates, writes, text/plain, bad paths (4xx);
- pages: the query page, an entity page, the Service Description, a missing IRI (200, 404);
- big: a 1 MB POST, a chunked 1 MB POST, and a 50 MB Content-Length sent head first (413);

plus a watcher sending `ASK {}` every 0.5 s (counted as trivial), and --slowloris
connections that drip header lines (the server must close them).
It reports p50/p95/p99/max latency and the status counts per kind, and exits 1 on an
error (a status a kind does not expect, other than 503 with Retry-After, which any kind
may get when the server is busy; a failed connection) or when the p99 of the trivial
queries is 1 s or more. Figures: docs/server.md.

    python bench/load.py [--clients 40] [--duration 20] [--workers 2] [--timeout 2]
                         [--slowloris 100] [--mix random|roles] [--seed 1] [--url URL]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import os
import random
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from iusgraph.serve.app import example_queries

LOOPBACK = ("127.0.0.1", "localhost", "::1")
#: Weight of each kind of request (or, with --mix roles, of client), in this order.
KINDS = {
    "good": 40,
    "trivial": 10,
    "slow": 10,
    "over-limit": 10,
    "hostile": 17,
    "pages": 8,
    "big": 5,
}
TRIVIAL_P99_LIMIT = 1.0
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: 100 rows of 256 KiB each (25 MiB): past the --max-bytes the script starts the server with.
BIG_ROWS = (
    "SELECT ?s ?big WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 100 } "
    'BIND("abcdefgh" AS ?x0) '
    + " ".join(f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(15))
    + " BIND(?x15 AS ?big) }"
)
JSON = {"Accept": "application/sparql-results+json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded", **JSON}


@dataclass(frozen=True)
class Job:
    """One request and the statuses it may get."""

    kind: str
    method: str
    path: str
    expect: frozenset[int]
    body: bytes | tuple[bytes, ...] | None = None  # a tuple is sent chunked
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None  # sent as is on a fresh socket (the 50 MB head)


def _get(kind: str, query: str, expect: set[int]) -> Job:
    return Job(
        kind,
        "GET",
        "/sparql?" + urllib.parse.urlencode({"query": query}),
        frozenset(expect),
        headers=JSON,
    )


def _post(kind: str, query: str, expect: set[int]) -> Job:
    return Job(
        kind,
        "POST",
        "/sparql",
        frozenset(expect),
        urllib.parse.urlencode({"query": query}).encode(),
        FORM,
    )


def jobs(role: str) -> Iterator[Job]:
    """The endless request sequence of a client with this role."""
    if role == "good":
        return itertools.cycle([_post("good", q["query"], {200}) for q in example_queries()])
    if role == "trivial":
        return itertools.cycle(
            [
                _get("trivial", "ASK {}", {200}),
                _get("trivial", "SELECT ?l WHERE { ent:acne skos:prefLabel ?l }", {200}),
            ]
        )
    if role == "slow":
        return itertools.cycle([_get("slow", CROSS_PRODUCT, {503})])
    if role == "over-limit":
        return itertools.cycle(
            [
                _get("over-limit", "SELECT * WHERE { ?s ?p ?o }", {403}),
                _get("over-limit", BIG_ROWS, {403}),
            ]
        )
    if role == "hostile":
        return itertools.cycle(
            [
                _get("hostile", "SELECT ?s WHERE { ?s ?p ?o ]", {400}),
                _get(
                    "hostile",
                    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }",
                    {400},
                ),
                _post("hostile", "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }", {400}),
                _get(
                    "hostile",
                    "SELECT * WHERE { # c\rSERVICE <http://127.0.0.1:9/x> { ?s ?p ?o }\n}",
                    {400},
                ),
                Job(
                    "hostile",
                    "POST",
                    "/sparql",
                    frozenset({403}),
                    b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                    {"Content-Type": "application/sparql-update"},
                ),
                Job(
                    "hostile",
                    "POST",
                    "/sparql",
                    frozenset({415}),
                    b"ASK {}",
                    {"Content-Type": "text/plain"},
                ),
                Job(
                    "hostile",
                    "PUT",
                    "/sparql",
                    frozenset({405}),
                    b"<urn:a> <urn:b> <urn:c> .",
                    {"Content-Type": "application/n-triples"},
                ),
                Job("hostile", "GET", "/static/..%2f..%2f..%2fetc%2fpasswd", frozenset({404})),
            ]
        )
    if role == "pages":
        return itertools.cycle(
            [
                Job("pages", "GET", "/", frozenset({200})),
                Job(
                    "pages",
                    "GET",
                    "/entity/uterine-perforation",
                    frozenset({200}),
                    headers={"Accept": "text/html"},
                ),
                Job("pages", "GET", "/sparql", frozenset({200})),
                Job(
                    "pages",
                    "GET",
                    "/entity/no-such-thing",
                    frozenset({404}),
                    headers={"Accept": "text/html"},
                ),
            ]
        )
    if role == "big":
        megabyte = b"#" * (1 << 20)
        return itertools.cycle(
            [
                Job(
                    "big",
                    "POST",
                    "/sparql",
                    frozenset({413}),
                    megabyte,
                    {"Content-Type": "application/sparql-query"},
                ),
                Job(
                    "big",
                    "POST",
                    "/sparql",
                    frozenset({413}),
                    (megabyte[:65536],) * 16,
                    {"Content-Type": "application/sparql-query"},
                ),
                Job(
                    "big",
                    "POST",
                    "/sparql",
                    frozenset({413}),
                    raw=(
                        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                        b"application/sparql-query\r\nContent-Length: 50000000\r\n\r\n"
                        + megabyte[:65536]
                    ),
                ),
            ]
        )
    raise ValueError(role)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def started_server(workers: int, timeout: float) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "iusgraph",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--max-rows",
            "1000",
            "--max-bytes",
            "8M",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "/sparql", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("load: the server did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(15)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[str, Counter[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: str, error: str | None) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            self.statuses.setdefault(kind, Counter())[status] += 1
            if error:
                self.errors.append(f"{kind}: {error}")


def _raw_request(host: str, port: int, data: bytes, timeout: float) -> int:
    """Send bytes on a fresh socket; the status of the answer."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        # Refused before we were done: the answer is still there to read.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        answer = b""
        while b"\r\n" not in answer:
            chunk = sock.recv(4096)
            if not chunk:
                break
            answer += chunk
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0


def mixed(seed: int) -> Iterator[Job]:
    """Requests of every kind, drawn at random with the weights of KINDS."""
    rng = random.Random(seed)
    sequences = {kind: jobs(kind) for kind in KINDS}
    kinds, weights = list(KINDS), list(KINDS.values())
    while True:
        yield next(sequences[rng.choices(kinds, weights)[0]])


def client(
    url: str, sequence: Iterator[Job], stop_at: float, results: Results, pause: float = 0.0
) -> None:
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(host, port, timeout=30)

    connection = connect()
    for job in sequence:
        if time.monotonic() >= stop_at:
            break
        time.sleep(pause)
        started = time.perf_counter()
        error = None
        try:
            retry_after = False
            if job.raw is not None:
                status = _raw_request(host, port, job.raw, 30)
            else:
                connection.request(job.method, job.path, body=job.body, headers=job.headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                retry_after = response.getheader("Retry-After") is not None
                if response.will_close:
                    connection.close()
                    connection = connect()
            if status not in job.expect and not (status == 503 and retry_after):
                error = f"HTTP {status} for {job.method} {job.path[:60]}"
            shown = str(status)
        except (OSError, http.client.HTTPException) as exc:
            error = shown = type(exc).__name__
            connection.close()
            connection = connect()
        results.add(job.kind, time.perf_counter() - started, shown, error)
    connection.close()


def slowloris(url: str, count: int, stop_at: float, closed: list[int]) -> None:
    """Open ``count`` connections that send a header line a second; count those the
    server closed."""
    parts = urllib.parse.urlsplit(url)
    sockets = []
    for _ in range(count):
        sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sockets.append(sock)
    open_ = set(sockets)
    while open_ and time.monotonic() < stop_at:
        for sock in open_.copy():
            try:
                sock.sendall(b"X-Slow: 1\r\n")
            except OSError:
                open_.discard(sock)
        time.sleep(1.0)
    closed.append(count - len(open_))
    for sock in sockets:
        sock.close()


def _percentile(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, int(len(values) * share))]


def report(results: Results, elapsed: float, header: str) -> int:
    print(header)
    total = sum(len(v) for v in results.latencies.values())
    print(f"requests: {total}  throughput: {total / elapsed:.1f} req/s")
    print(
        f"{'kind':<11} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}  statuses"
    )
    for kind in KINDS:
        values = sorted(results.latencies.get(kind, []))
        if not values:
            continue
        counts = ", ".join(f"{s}×{n}" for s, n in sorted(results.statuses[kind].items()))
        print(
            f"{kind:<11} {len(values):>6} "
            + " ".join(f"{_percentile(values, q) * 1000:>8.1f}" for q in (0.5, 0.95, 0.99))
            + f" {values[-1] * 1000:>8.1f}  {counts}"
        )
    trivial = sorted(results.latencies.get("trivial", []))
    p99 = _percentile(trivial, 0.99) if trivial else float("inf")
    print(
        f"errors: {len(results.errors)}"
        + (f" (first: {results.errors[0]})" if results.errors else "")
    )
    print(
        f"trivial p99 {p99 * 1000:.1f} ms (limit {TRIVIAL_P99_LIMIT * 1000:.0f} ms): "
        + ("ok" if p99 < TRIVIAL_P99_LIMIT else "TOO SLOW")
    )
    return 1 if results.errors or p99 >= TRIVIAL_P99_LIMIT else 0


def roles(clients: int) -> list[str]:
    """``clients`` roles in the proportions of KINDS (at least one trivial client)."""
    weight = sum(KINDS.values())
    out = [
        role
        for role, share in KINDS.items()
        for _ in range(max(1 if role == "trivial" else 0, round(clients * share / weight)))
    ]
    while len(out) > clients:
        out.remove("good")
    out += ["good"] * (clients - len(out))
    return out


def run(url: str, clients: int, duration: float, loris: int, mix: str, seed: int) -> int:
    host = urllib.parse.urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"load: {url} is not on loopback; this load test only runs locally")
    results = Results()
    closed: list[int] = []
    stop_at = time.monotonic() + duration
    sequences = (
        [jobs(role) for role in roles(clients)]
        if mix == "roles"
        else [mixed(seed + index) for index in range(clients)]
    )
    threads = [
        threading.Thread(target=client, args=(url, sequence, stop_at, results))
        for sequence in sequences
    ]
    threads.append(
        threading.Thread(target=client, args=(url, jobs("trivial"), stop_at, results, 0.5))
    )
    if loris:
        threads.append(threading.Thread(target=slowloris, args=(url, loris, stop_at, closed)))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    shown = (
        ", ".join(f"{role} {n}" for role, n in Counter(roles(clients)).items())
        if mix == "roles"
        else f"each request's kind drawn at random, seed {seed}"
    ) + ", and a watcher"
    header = f"machine: {os.cpu_count()} cores; {clients} clients for {duration:g} s ({shown})" + (
        f"; {loris} slowloris connections, {closed[0] if closed else 0} closed by the server"
        if loris
        else ""
    )
    return report(results, elapsed, header)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on loopback, e.g. http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds")
    parser.add_argument("--workers", type=int, default=2, help="query workers of the server")
    parser.add_argument("--timeout", type=float, default=2.0, help="the server's --timeout")
    parser.add_argument(
        "--slowloris",
        type=int,
        default=100,
        help="connections that never finish their request head",
    )
    parser.add_argument(
        "--mix",
        choices=["random", "roles"],
        default="random",
        help="random: each request's kind at random; roles: one kind a client",
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not 0 < args.duration <= 600 or not 0 < args.clients <= 500 or args.slowloris > 2000:
        raise SystemExit(
            "load: keep --duration within 600 s, --clients within 500 and --slowloris within 2000"
        )
    if args.url:
        return run(
            args.url.rstrip("/"), args.clients, args.duration, args.slowloris, args.mix, args.seed
        )
    with started_server(args.workers, args.timeout) as url:
        return run(url, args.clients, args.duration, args.slowloris, args.mix, args.seed)


if __name__ == "__main__":
    sys.exit(main())
