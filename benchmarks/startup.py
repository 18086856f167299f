"""How long the package and its data modules take to import, each in a fresh process.

Run on demand: ``.venv/bin/python benchmarks/startup.py [--repeat 5]``. Prints the median
wall time of each import; the bar for ``import grappes`` is under one second.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

MODULES = (
    "grappes",
    "grappes.data.geography",
    "grappes.data.morocco",
    "grappes.indicators",
    "grappes.cli.app",
)


def _time(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5, help="runs per module (default 5)")
    args = parser.parse_args()
    print(f"{'module':<28} {'median s':>9} {'min s':>7}")
    for module in MODULES:
        times = [_time(module) for _ in range(args.repeat)]
        print(f"{module:<28} {statistics.median(times):>9.3f} {min(times):>7.3f}")


if __name__ == "__main__":
    main()
