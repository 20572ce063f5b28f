"""Bounded load test of `iusgraph serve`, on loopback only.

Starts the server itself (or uses --url, which must be a loopback address), then
16 concurrent clients send a mix of the competency queries for 30 seconds (a fixed
duration: the script stops by itself) and it reports throughput, p50 and p99 latency
and errors, which must be zero (exit 1 otherwise). Figures: docs/server.md.

    python bench/load.py [--clients 16] [--duration 30] [--workers 2] [--url URL]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from iusgraph.server import example_queries

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def started_server(workers: int) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "iusgraph", "serve", "--port", str(port),
                                "--workers", str(workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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


def client(url: str, queries: list[str], offset: int, stop_at: float,
           latencies: list[float], errors: list[str], lock: threading.Lock) -> None:
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    index = offset
    mine: list[float] = []
    failed: list[str] = []
    while time.monotonic() < stop_at:
        body = urllib.parse.urlencode({"query": queries[index % len(queries)]})
        index += 1
        started = time.perf_counter()
        try:
            connection.request("POST", "/sparql", body=body, headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json"})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failed.append(f"HTTP {response.status}")
        except (OSError, http.client.HTTPException) as exc:
            failed.append(f"{type(exc).__name__}: {exc}")
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine.append(time.perf_counter() - started)
    connection.close()
    with lock:
        latencies.extend(mine)
        errors.extend(failed)


def run(url: str, clients: int, duration: float) -> int:
    host = urllib.parse.urlsplit(url).hostname
    if host not in LOOPBACK:
        raise SystemExit(f"load: {url} is not on loopback; this load test only runs locally")
    queries = [q["query"] for q in example_queries()]
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + duration
    threads = [threading.Thread(target=client, args=(url, queries, i, stop_at, latencies,
                                                     errors, lock)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    print(f"machine: {os.cpu_count()} cores; {clients} clients for {duration:g} s; "
          f"{len(queries)} competency queries in turn")
    print(f"requests: {len(latencies)}  throughput: {len(latencies) / elapsed:.1f} req/s")
    print(f"latency: p50 {statistics.median(latencies) * 1000:.1f} ms  "
          f"p99 {p99 * 1000:.1f} ms  max {latencies[-1] * 1000:.1f} ms")
    print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    return 1 if errors or not latencies else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server on loopback, e.g. http://127.0.0.1:8000")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds")
    parser.add_argument("--workers", type=int, default=2, help="query workers of the server")
    args = parser.parse_args()
    if args.url:
        return run(args.url.rstrip("/"), args.clients, args.duration)
    with started_server(args.workers) as url:
        return run(url, args.clients, args.duration)


if __name__ == "__main__":
    sys.exit(main())
