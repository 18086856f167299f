"""How fast the observatory starts and serves its profile pages under load (issue 6).

Run on demand (never by the test suite)::

    .venv/bin/python benchmarks/web.py                   # 50 clients for 30 s
    .venv/bin/python benchmarks/web.py --seconds 10 --clients 1

What it does, all on 127.0.0.1 (no request leaves the machine):

1. makes sure a built database exists (``--database``, default
   ``benchmarks/.work/web.sqlite3``, git-ignored): when it is missing, one ``grappes serve``
   builds it from the bundled data and the time to its first page is reported as *cold*;
2. *first page*: launches ``grappes serve`` on that already-built database ``--starts``
   times and measures, for each, the wall time from launching the process to the first
   200 answer of ``/`` (polled every 20 ms); prints the median and the worst;
3. *load*: one more ``grappes serve``; ``--clients`` asyncio clients (httpx, keep-alive,
   one connection each) request the profile pages (regions, sectors, organisations, in
   turn) for ``--seconds`` seconds; prints, per kind of page and overall, requests, requests
   per second, p50/p95/p99/max latency and errors (anything but a 200, or a failed request).

The load client runs on the same machine as the server and shares its cores, so the
figures are a floor of what the server does alone. Targets (issue 6): p95 under 100 ms,
zero errors, first page under 5 s on an already-built database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"
WORK = Path(__file__).resolve().parent / ".work"

#: The profile pages under load, by kind; every client walks them in turn from its own offset.
PAGES: dict[str, tuple[str, ...]] = {
    "region": ("/regions/MA-06", "/regions/MA-01", "/regions/MA-03", "/regions/MA-09"),
    "sector": ("/sectors/industry", "/sectors/commerce", "/sectors/services"),
    "organisation": ("/organisations/MA-001", "/organisations/MA-002", "/organisations/MA-003"),
}

#: Issue 6's targets.
TARGET_P95_MS = 100.0
TARGET_FIRST_PAGE_S = 5.0


@dataclass(frozen=True)
class Sample:
    """One request of the load: its kind of page, latency and whether it was a 200."""

    kind: str
    seconds: float
    ok: bool


def _grappes() -> str:
    """The ``grappes`` command of this interpreter's environment."""
    beside = Path(sys.executable).parent / "grappes"
    found = str(beside) if beside.exists() else shutil.which("grappes")
    if found is None:
        raise SystemExit("no `grappes` command: install the package (pip install -e .)")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _launch(database: Path, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GRAPPES_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.Popen(
        [_grappes(), "serve", "--host", HOST, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _start_and_time(
    database: Path, *, timeout: float
) -> tuple[subprocess.Popen[bytes], int, float]:
    """Launch ``grappes serve``; return the process, its port and seconds to a 200 of ``/``."""
    port = _free_port()
    started = time.perf_counter()
    process = _launch(database, port)
    url = f"http://{HOST}:{port}/"
    with httpx.Client(trust_env=False, timeout=2.0) as client:
        while time.perf_counter() - started < timeout:
            if process.poll() is not None:
                raise SystemExit(f"`grappes serve` exited with status {process.returncode}")
            try:
                if client.get(url).status_code == 200:
                    return process, port, time.perf_counter() - started
            except httpx.TransportError:
                pass
            time.sleep(0.02)
    _stop(process)
    raise SystemExit(f"`grappes serve` did not answer {url} within {timeout} s")


async def _client(
    client: httpx.AsyncClient, base: str, offset: int, deadline: float, limit: int
) -> list[Sample]:
    """One visitor: requests the profile pages in turn until the deadline or ``limit``."""
    paths = [(kind, path) for kind, paths in PAGES.items() for path in paths]
    samples: list[Sample] = []
    index = offset
    while time.perf_counter() < deadline and len(samples) < limit:
        kind, path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        try:
            response = await client.get(base + path)
            ok = response.status_code == 200
        except httpx.HTTPError:
            ok = False
        samples.append(Sample(kind, time.perf_counter() - started, ok))
    return samples


async def _load(base: str, *, clients: int, seconds: float, limit: int) -> list[Sample]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(trust_env=False, timeout=30.0, limits=limits) as client:
        for paths in PAGES.values():  # warm up: every page once (caches, first queries)
            for path in paths:
                response = await client.get(base + path)
                if response.status_code != 200:
                    raise SystemExit(f"warm-up: {path} answered {response.status_code}")
        deadline = time.perf_counter() + seconds
        per_client = max(1, limit // clients)
        results = await asyncio.gather(
            *(_client(client, base, offset, deadline, per_client) for offset in range(clients))
        )
    return [sample for samples in results for sample in samples]


def _percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _report(samples: list[Sample], seconds: float) -> tuple[float, int]:
    """Print the table; return the overall p95 (ms) and the number of errors."""
    groups: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        groups[sample.kind].append(sample)
    groups["all"] = samples
    header = f"{'pages':<13}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
    print(header + f"{'p99 ms':>8}{'max ms':>8}{'errors':>7}")
    for kind, group in groups.items():
        latencies = sorted(sample.seconds * 1000 for sample in group)
        errors = sum(not sample.ok for sample in group)
        print(
            f"{kind:<13}{len(group):>9}{len(group) / seconds:>8.1f}"
            f"{_percentile(latencies, 50):>8.1f}{_percentile(latencies, 95):>8.1f}"
            f"{_percentile(latencies, 99):>8.1f}{latencies[-1]:>8.1f}{errors:>7}"
        )
    all_latencies = [sample.seconds * 1000 for sample in samples]
    return _percentile(all_latencies, 95), sum(not sample.ok for sample in samples)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=WORK / "web.sqlite3",
        help="SQLite file; built on first use (default benchmarks/.work/web.sqlite3)",
    )
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--seconds", type=float, default=30.0, help="load duration (30)")
    parser.add_argument(
        "--max-requests", type=int, default=1_000_000, help="stop after this many (1,000,000)"
    )
    parser.add_argument("--starts", type=int, default=3, help="timed starts (3)")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0 or args.starts < 1 or args.max_requests < 1:
        parser.error("--clients, --seconds, --starts and --max-requests must be positive")

    print(f"machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    database: Path = args.database.resolve()
    database.parent.mkdir(parents=True, exist_ok=True)
    if not database.exists():
        process, _, cold = _start_and_time(database, timeout=300.0)
        _stop(process)
        print(f"cold start (builds the database {database}): {cold:.2f} s to the first page")

    starts = []
    for _ in range(args.starts):
        process, _, seconds = _start_and_time(database, timeout=60.0)
        _stop(process)
        starts.append(seconds)
    first_page = statistics.median(starts)
    print(
        f"first page on a built database: median {first_page:.2f} s, worst {max(starts):.2f} s "
        f"({args.starts} starts of `grappes serve`)"
    )

    process, port, _ = _start_and_time(database, timeout=60.0)
    try:
        base = f"http://{HOST}:{port}"
        print(f"load: {args.clients} clients for {args.seconds:g} s against {base}")
        started = time.perf_counter()
        samples = asyncio.run(
            _load(base, clients=args.clients, seconds=args.seconds, limit=args.max_requests)
        )
        elapsed = time.perf_counter() - started
    finally:
        _stop(process)
    p95, errors = _report(samples, elapsed)

    verdicts = [
        ("p95 under 100 ms", p95 < TARGET_P95_MS),
        ("zero errors", errors == 0),
        ("first page under 5 s", first_page < TARGET_FIRST_PAGE_S),
    ]
    print(
        "targets: " + "; ".join(f"{name}: {'met' if met else 'NOT met'}" for name, met in verdicts)
    )


if __name__ == "__main__":
    main()
