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
3. *load*: one more ``grappes serve`` (``--workers`` processes); after a warm-up request
   of every page, ``wrk`` (Debian's package ``wrk``, installed with apt when missing and
   this runs as root) keeps ``--clients`` keep-alive connections busy for ``--seconds``
   seconds, each walking the profile pages in turn (regions, sectors, organisations);
   prints requests, requests per second, p50/p95/p99/max latency and errors (a failed
   request or any status but 2xx/3xx; every page answers 200) over all of them, then the
   same for each kind of page alone (``--per-kind-seconds``, 10 by default; 0 skips it).

wrk is written in C and runs two threads: the client takes little of the machine, but it
runs on the same two cores as the server, so the figures are a floor of what the server
does alone. Targets (issue 6): p95 under 100 ms, zero errors, first page under 5 s on an
already-built database.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
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
class Load:
    """What wrk measured over one run: counts, and latency percentiles in milliseconds."""

    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    max: float
    errors: int

    @property
    def rate(self) -> float:
        """Requests per second."""
        return self.requests / self.seconds


#: wrk's script: every connection walks the pages in turn from its own offset; at the end,
#: one line of figures (latencies in microseconds).
WRK_SCRIPT = """
local paths = {}
local counter = 0
function init(args)
  for i, path in ipairs(args) do paths[i] = path end
  counter = math.random(#paths)
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def _wrk() -> str:
    """The ``wrk`` command, installed from Debian's packages when missing (as root)."""
    found = shutil.which("wrk")
    if found is not None:
        return found
    if os.geteuid() != 0:
        raise SystemExit("no `wrk`: install Debian's package (apt-get install wrk) as root")
    print("installing Debian's wrk (apt)", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=environment)
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit("apt-get installed wrk, yet there is no `wrk` command")
    return found


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


def _launch(database: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GRAPPES_DATABASE_URL": f"sqlite:///{database}"}
    return subprocess.Popen(
        [_grappes(), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)],
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
    database: Path, *, timeout: float, workers: int = 1
) -> tuple[subprocess.Popen[bytes], int, float]:
    """Launch ``grappes serve``; return the process, its port and seconds to a 200 of ``/``."""
    port = _free_port()
    started = time.perf_counter()
    process = _launch(database, port, workers)
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


def _warm_up(base: str) -> None:
    """Request every page once (first queries, caches); stop on anything but a 200."""
    with httpx.Client(trust_env=False, timeout=30.0) as client:
        for paths in PAGES.values():
            for path in paths:
                status = client.get(base + path).status_code
                if status != 200:
                    raise SystemExit(f"warm-up: {path} answered {status}")


def _load(wrk: str, base: str, paths: tuple[str, ...], *, clients: int, seconds: float) -> Load:
    """Run wrk: ``clients`` connections on ``paths`` for ``seconds``; return its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = [wrk, "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds:g}s"]
        command += ["--timeout", "30s", "-s", script.name, base, "--", *paths]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    line = next((x for x in result.stdout.splitlines() if x.startswith("WRK ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures:\n{result.stdout}\n{result.stderr}")
    requests, micros, p50, p95, p99, largest, errors = (int(x) for x in line.split()[1:])
    return Load(requests, micros / 1e6, p50 / 1e3, p95 / 1e3, p99 / 1e3, largest / 1e3, errors)


def _report(rows: list[tuple[str, Load]]) -> None:
    header = f"{'pages':<13}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}"
    print(header + f"{'p99 ms':>8}{'max ms':>8}{'errors':>7}")
    for kind, load in rows:
        print(
            f"{kind:<13}{load.requests:>9}{load.rate:>8.1f}{load.p50:>8.1f}{load.p95:>8.1f}"
            f"{load.p99:>8.1f}{load.max:>8.1f}{load.errors:>7}"
        )


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
        "--per-kind-seconds",
        type=float,
        default=10.0,
        help="then each kind of page alone for this long (10; 0: not)",
    )
    parser.add_argument("--workers", type=int, default=1, help="`grappes serve --workers` (1)")
    parser.add_argument("--starts", type=int, default=3, help="timed starts (3)")
    args = parser.parse_args()
    if min(args.clients, args.seconds, args.starts, args.workers) <= 0 or args.per_kind_seconds < 0:
        parser.error("--clients, --seconds, --starts and --workers must be positive")
    wrk = _wrk()

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

    process, port, _ = _start_and_time(database, timeout=60.0, workers=args.workers)
    rows: list[tuple[str, Load]] = []
    try:
        base = f"http://{HOST}:{port}"
        _warm_up(base)
        every = tuple(path for paths in PAGES.values() for path in paths)
        print(
            f"load: wrk, {args.clients} connections for {args.seconds:g} s against {base} "
            f"(`grappes serve --workers {args.workers}`)"
        )
        rows.append(("all", _load(wrk, base, every, clients=args.clients, seconds=args.seconds)))
        if args.per_kind_seconds > 0:
            for kind, paths in PAGES.items():
                load = _load(wrk, base, paths, clients=args.clients, seconds=args.per_kind_seconds)
                rows.append((kind, load))
    finally:
        _stop(process)
    _report(rows)
    overall = rows[0][1]
    p95, errors = overall.p95, sum(load.errors for _, load in rows)

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
