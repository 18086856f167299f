"""Benchmark Duranton–Overman Kd with a global envelope (not part of the tests).

For one sector of n establishments among N sites (uniform in a 500 km square, the sector
drawn at random), time ``duranton_overman(..., n_simulations=S, envelope="global")`` with
the binned method, its peak memory (tracemalloc: numpy and Python allocations), and the
share of the machine's pair-distance throughput reached: a bare numba loop over the same
n(n-1)/2 pairs, S + 1 times, in parallel, is timed in the same run.

    .venv/bin/python benchmarks/spatial.py                  # n = 500, 2,000, 5,000, 20,000
    .venv/bin/python benchmarks/spatial.py --big            # also n = 100,000 sites
    .venv/bin/python benchmarks/spatial.py --sizes 500 2000 --simulations 200

dbmss (R) is compared when ``Rscript -e 'library(dbmss)'`` works; otherwise it is skipped:
``KdEnvelope`` (global, default ``Approximate``) on the same points, with
``--dbmss-simulations`` simulations (default 20) for n <= 2,000, scaled to the number of
simulations of the Grappes run.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
import tracemalloc
from pathlib import Path

import numba
import numpy as np
import pandas as pd

from grappes.spatial import duranton_overman
from grappes.spatial.kernels import pair_throughput_probe


def _pattern(n_ref: int, n_sites: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sector = np.full(n_sites, "other", dtype=object)
    sector[rng.choice(n_sites, size=n_ref, replace=False)] = "target"
    return pd.DataFrame(
        {"x": rng.uniform(0, 500, n_sites), "y": rng.uniform(0, 500, n_sites), "sector": sector}
    )


def _dbmss_available() -> bool:
    if shutil.which("Rscript") is None:
        return False
    done = subprocess.run(
        ["Rscript", "-e", "library(dbmss)"], capture_output=True, check=False, timeout=120
    )
    return done.returncode == 0


_DBMSS_SCRIPT = """
suppressPackageStartupMessages(library(dbmss))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], stringsAsFactors = FALSE)
df <- data.frame(X = d$x, Y = d$y, PointType = factor(d$sector), PointWeight = 1)
X <- suppressWarnings(wmppp(df, window = owin(c(0, 500), c(0, 500))))
r <- seq(0, 150, length.out = 256)
t <- system.time(KdEnvelope(X, r = r, NumberOfSimulations = as.integer(args[2]),
                            ReferenceType = "target", Global = TRUE, verbose = FALSE))
cat(t[["elapsed"]], "\\n")
"""


def _dbmss_seconds(pts: pd.DataFrame, simulations: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "points.csv"
        script = Path(tmp) / "kd.R"
        pts.to_csv(csv, index=False)
        script.write_text(_DBMSS_SCRIPT)
        done = subprocess.run(
            ["Rscript", str(script), str(csv), str(simulations)],
            capture_output=True, text=True, check=True, timeout=3600,
        )  # fmt: skip
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000, 20000])
    parser.add_argument("--sites", type=int, default=20000, help="number of sites N")
    parser.add_argument("--simulations", type=int, default=1000)
    parser.add_argument("--big", action="store_true", help="add n = N = 100,000")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dbmss-simulations", type=int, default=20)
    args = parser.parse_args()

    distances = np.linspace(0, 150, 256)
    warm = _pattern(200, 2000, 0)
    duranton_overman(warm, mark="sector", reference="target", distances=distances,
                     n_simulations=20, method="binned", seed=0)  # fmt: skip
    pair_throughput_probe(warm["x"].to_numpy(), warm["y"].to_numpy(), 2)

    cases = [(n, args.sites) for n in args.sizes]
    if args.big:
        cases.append((100_000, 100_000))
    rows = []
    for n_ref, n_sites in cases:
        pts = _pattern(n_ref, n_sites, args.seed)
        tracemalloc.start()
        t0 = time.perf_counter()
        res = duranton_overman(pts, mark="sector", reference="target", distances=distances,
                               n_simulations=args.simulations, envelope="global",
                               method="binned", seed=args.seed)  # fmt: skip
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        sub = pts[pts["sector"] == "target"]
        t1 = time.perf_counter()
        pair_throughput_probe(sub["x"].to_numpy(), sub["y"].to_numpy(), args.simulations + 1)
        bare = time.perf_counter() - t1
        pairs = n_ref * (n_ref - 1) / 2 * (args.simulations + 1)
        rows.append(
            {
                "n": n_ref,
                "sites": n_sites,
                "simulations": args.simulations,
                "seconds": round(elapsed, 2),
                "peak MiB": round(peak / 2**20, 1),
                "Mpairs/s": round(pairs / elapsed / 1e6),
                "bare loop s": round(bare, 2),
                "share of bare": f"{bare / elapsed:.0%}",
                "p_value": round(res.p_value or float("nan"), 3),
            }
        )
    table = pd.DataFrame(rows)
    print(f"threads: {numba.get_num_threads()}")
    print(table.to_string(index=False))
    if _dbmss_available():
        for n_ref in [n for n in args.sizes if n <= 2000]:
            secs = _dbmss_seconds(_pattern(n_ref, args.sites, args.seed), args.dbmss_simulations)
            scaled = secs / args.dbmss_simulations * args.simulations
            print(
                f"dbmss KdEnvelope n={n_ref}: {secs:.1f} s for {args.dbmss_simulations} "
                f"simulations, ~{scaled:.0f} s scaled to {args.simulations}"
            )
    else:
        print("dbmss: skipped (Rscript or the dbmss package is not available)")


if __name__ == "__main__":
    main()
