"""Benchmark Ripley's K with the isotropic correction on a real region's polygon (not a test).

n points uniform in a Moroccan region (Grappes' bundled OpenStreetMap boundaries, full
resolution, projected to km on the region's centroid), spatstat's default distances (513
values up to min(shorter side / 4, sqrt(1000 / (π λ)))); times ``ripley_k`` with the
isotropic correction (after one warm-up run that compiles the numba kernel), and with the
border and no correction for scale. With ``--spatstat``, also spatstat's
``Kest(correction = "isotropic")`` on the same points and window (``Rscript`` with spatstat).

    .venv/bin/python benchmarks/ripley_polygon.py                       # 5,000 points, MA-03
    .venv/bin/python benchmarks/ripley_polygon.py --sizes 1000 5000 20000 --region MA-08
    .venv/bin/python benchmarks/ripley_polygon.py --spatstat             # about a minute more
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from grappes.data.boundaries import boundaries
from grappes.spatial import ripley_k


def _region(code: str) -> shapely.Polygon:
    frame = boundaries(country="MA")
    frame = frame[frame["code"] == code]
    centre = frame.geometry.iloc[0].centroid
    crs = f"+proj=aeqd +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=km +no_defs"
    return frame.to_crs(crs).geometry.iloc[0]


def _uniform(window: shapely.Geometry, n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    xmin, ymin, xmax, ymax = window.bounds
    found = np.empty((0, 2))
    while len(found) < n:
        xy = np.column_stack([rng.uniform(xmin, xmax, 2 * n), rng.uniform(ymin, ymax, 2 * n)])
        found = np.vstack([found, xy[shapely.contains_xy(window, xy[:, 0], xy[:, 1])]])
    return pd.DataFrame({"x": found[:n, 0], "y": found[:n, 1]})


_SPATSTAT_SCRIPT = """
suppressPackageStartupMessages({library(spatstat); library(jsonlite)})
args <- commandArgs(trailingOnly = TRUE)
rings <- lapply(fromJSON(args[2], simplifyVector = FALSE), function(ring)
  list(x = vapply(ring, function(v) v[[1]], 0), y = vapply(ring, function(v) v[[2]], 0)))
d <- read.csv(args[1])
X <- ppp(d$x, d$y, window = owin(poly = rings))
r <- seq(0, as.numeric(args[3]), length.out = 513)
t <- system.time(K <- Kest(X, r = r, correction = "isotropic", nlarge = Inf))
cat(t[["elapsed"]], K$iso[400], "\\n")
"""


def _spatstat(pts: pd.DataFrame, window: shapely.Polygon, rmax: float) -> tuple[float, float]:
    oriented = shapely.orient_polygons(window, exterior_cw=False)
    rings = [oriented.exterior, *oriented.interiors]
    with tempfile.TemporaryDirectory() as tmp:
        csv, poly, script = Path(tmp) / "p.csv", Path(tmp) / "w.json", Path(tmp) / "k.R"
        pts.to_csv(csv, index=False)
        poly.write_text(json.dumps([np.asarray(r.coords)[:-1].tolist() for r in rings]))
        script.write_text(_SPATSTAT_SCRIPT)
        done = subprocess.run(
            ["Rscript", str(script), str(csv), str(poly), repr(rmax)],
            capture_output=True, text=True, check=True, timeout=3600,
        )  # fmt: skip
    seconds, k400 = done.stdout.split()[-2:]
    return float(seconds), float(k400)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000])
    parser.add_argument("--region", default="MA-03", help="region code (default Fès-Meknès)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--spatstat", action="store_true", help="also time spatstat's Kest")
    args = parser.parse_args()

    window = _region(args.region)
    print(f"{args.region}: {shapely.get_num_coordinates(window)} vertices, {window.area:,.0f} km²")
    ripley_k(_uniform(window, 200, 1), window=window)  # compiles the numba kernel
    rows = []
    for n in args.sizes:
        pts = _uniform(window, n, args.seed)
        row: dict[str, object] = {"n": n}
        for correction in ("isotropic", "border", "none"):
            t0 = time.perf_counter()
            res = ripley_k(pts, window=window, correction=correction)
            row[f"{correction} s"] = round(time.perf_counter() - t0, 2)
        rmax = float(res.curve["distance"].iloc[-1])
        row["max r km"] = round(rmax, 1)
        iso = ripley_k(pts, window=window, correction="isotropic").curve
        row["K/πr² at max r"] = round(float(iso["k"].iloc[-1] / (np.pi * rmax**2)), 4)
        if args.spatstat:
            seconds, k400 = _spatstat(pts, window, rmax)
            row["spatstat s"] = round(seconds, 1)
            row["rel. diff K[400]"] = f"{abs(iso['k'].iloc[399] / k400 - 1):.1e}"
        rows.append(row)
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()
