"""Time Grappes' indicator suite against the same computations written by hand.

Run on demand, never by ``make test``; it prints figures and asserts nothing about time::

    .venv/bin/python benchmarks/indicators.py                  # 1.13 million rows
    .venv/bin/python benchmarks/indicators.py --scale 10 --repeat 5
    .venv/bin/python benchmarks/indicators.py --scale 100 --variants grappes-duckdb --suite full

A synthetic register (``benchmarks/register.py``: one row per establishment, totals by
commune x sector group and commune x size class equal to the HCP 2024 census times
``--scale``) is written once to Parquet in ``--workdir``. Each variant then runs in a process
of its own, so that it gets its own thread setting (``POLARS_MAX_THREADS``, DuckDB
``threads``) and a clean peak-memory reading, and goes Parquet in, results out (Parquet):

- ``pandas``: pyarrow reads the columns, pandas group-bys, numpy for relatedness;
- ``polars``: lazy ``scan_parquet``, group-bys and ``over`` windows;
- ``duckdb-sql``: bare DuckDB SQL (``read_parquet``, window functions);
- ``grappes-duckdb`` and ``grappes-polars``: ``grappes.engine.connect(...)``,
  ``con.read_parquet``, an Ibis group-by to region x division (employment, 2014
  employment, the plants' Σe² and count, as the hand-written variants), ``.cache()``, then
  the ``grappes.indicators`` functions (Ellison–Glaeser from those cells, with
  ``squares=`` and ``plants=``), results written with ``to_parquet``;
- ``grappes-duckdb-lazy``: the same without ``.cache()``, so every query an indicator runs
  (its validation included) recomputes the aggregate from the Parquet file;
- ``duckdb-sql-checked``: ``duckdb-sql`` plus, in SQL, the input checks Grappes makes (no
  missing key, finite non-negative values, one row per key, positive region and sector
  totals, a defined γ and density), raising ``grappes.errors.InvalidInputError``: the floor
  of a Grappes path that would skip Ibis on DuckDB. Not hand-written in the ratios' sense
  (it is not a baseline), only when asked.

Suites: ``lq`` (a bare location quotient) and ``full`` (location quotient, Herfindahl,
locational Gini, Ellison–Glaeser, Dunn shift-share 2014 → 2024
and relatedness density), all at commune x ISIC division level by default (``--level``).
Each variant's results are compared with the first variant's (max abs and rel difference).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

THREADS = 2
VARIANTS = ("pandas", "polars", "duckdb-sql", "grappes-duckdb")
# Not run unless asked: Ibis' Polars backend peaks at 14.6 GB on the 1.13 M full suite.
EXTRA_VARIANTS = ("grappes-polars", "grappes-duckdb-lazy", "duckdb-sql-checked")
#: The baselines the ratios are taken to: computations written by hand, checking nothing.
HAND_WRITTEN = ("pandas", "polars", "duckdb-sql")
SUITES = ("lq", "full")
#: Output files, their key columns and the numeric columns compared across variants.
OUTPUTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "location_quotient": (("region", "sector"), ("location_quotient",)),
    "herfindahl": (("sector",), ("herfindahl", "herfindahl_normalised", "equivalent_number")),
    "locational_gini": (("sector",), ("locational_gini",)),
    "ellison_glaeser": (("sector",), ("gamma", "G", "H", "plants")),
    "shift_share": (
        ("region", "sector"),
        ("national_share", "industrial_mix", "regional_share"),
    ),
    "relatedness_density": (("region", "sector"), ("density",)),
}
SUITE_STEPS = {"lq": ("location_quotient",), "full": tuple(OUTPUTS)}


# --------------------------------------------------------------------------------------
# The parent: generate, spawn, collect, print.


def main() -> None:
    args = _arguments()
    if args.child:
        _child(args)
        return
    # Imported here, not at the top: it imports numpy and pyarrow, which a child such as
    # duckdb-sql does not need (0.1 s and 50 MB it would otherwise be charged).
    sys.path.insert(0, str(HERE))
    import register  # the sibling module, found through the path set above

    workdir = args.workdir.resolve()
    path, seconds = register.ensure(workdir, scale=args.scale, seed=args.seed)
    rows = _rows(path)
    made = f"generated in {seconds:.1f} s" if seconds is not None else "cached"
    print(f"register: {path} ({rows:,} rows, {path.stat().st_size / 2**20:.0f} MiB, {made})")
    print(
        f"machine: {os.cpu_count()} cores, {_memory_gib():.0f} GiB, Python "
        f"{platform.python_version()}; {_versions()}; threads {THREADS}; "
        f"level {args.level} x ISIC division; median of {args.repeat}; "
        f"load average {os.getloadavg()[0]:.1f}" + ("; gc.freeze()" if args.gc_freeze else "")
    )
    for suite in args.suite:
        runs: dict[str, list[dict[str, Any]]] = {}
        for variant in args.variants:
            runs[variant] = []
            for attempt in range(args.repeat):
                out = workdir / "results" / f"x{args.scale}" / suite / variant
                result = _spawn(variant, suite, path, out, args.level, args.gc_freeze)
                runs[variant].append(result)
                status = "failed" if result.get("error") else f"{result['process']:.2f} s"
                print(f"  {suite} {variant} run {attempt + 1}: {status}", flush=True)
        raw = workdir / "results" / f"x{args.scale}" / suite / "runs.json"
        raw.write_text(json.dumps(runs, indent=1))
        _report(suite, rows, runs)
        _agreement(workdir / "results" / f"x{args.scale}" / suite, args.variants, suite)
        print(f"load average now {os.getloadavg()[0]:.1f}", flush=True)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time Grappes' indicators against hand-written pandas, polars and DuckDB "
        "SQL on a synthetic Moroccan establishment register (Parquet in, results out).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="register size: census establishments times this (1: 1.13 M rows; 10; 100)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant (median)")
    parser.add_argument(
        "--variants",
        nargs="+",
        default=list(VARIANTS),
        choices=[*VARIANTS, *EXTRA_VARIANTS],
        help="what to time; the first is the reference for the agreement check",
    )
    parser.add_argument("--suite", nargs="+", default=list(SUITES), choices=SUITES)
    parser.add_argument(
        "--level",
        default="commune",
        choices=("commune", "province"),
        help="spatial unit of the indicators (1,503 communes or 75 provinces)",
    )
    parser.add_argument(
        "--workdir",
        type=Path,
        default=HERE / ".work",
        help="where the register and the results are written",
    )
    parser.add_argument("--seed", type=int, default=20240901, help="register seed")
    parser.add_argument(
        "--gc-freeze",
        action="store_true",
        help="in every variant, gc.freeze() once its modules are imported, before its "
        "first step (Python's full collections then skip the imported modules' objects)",
    )
    # The parent runs each variant as `indicators.py --child VARIANT ...`.
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--register", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def _spawn(
    variant: str, suite: str, path: Path, out: Path, level: str, freeze: bool
) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.parquet"):
        old.unlink()
    env = {**os.environ, "POLARS_MAX_THREADS": str(THREADS), "OMP_NUM_THREADS": str(THREADS)}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", variant]
    command += ["--suite", suite, "--register", str(path), "--out", str(out), "--level", level]
    command += ["--gc-freeze"] if freeze else []
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        print(f"    {variant} failed: {' | '.join(tail)}", flush=True)
        return {"error": True, "process": elapsed}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process"] = elapsed
    return result


def _report(suite: str, rows: int, runs: dict[str, list[dict[str, Any]]]) -> None:
    good = {v: r for v, r in runs.items() if r and not any(x.get("error") for x in r)}
    if not good:
        print(f"\n{suite}: every variant failed")
        return
    median = {v: statistics.median(x["process"] for x in r) for v, r in good.items()}
    compute = {v: statistics.median(x["compute"] for x in r) for v, r in good.items()}
    work = {v: statistics.median(sum(x["steps"].values()) for x in r) for v, r in good.items()}
    peak = {v: max(x["peak_rss_mb"] for x in r) for v, r in good.items()}
    hand = [v for v in good if v in HAND_WRITTEN]
    fastest = min(median[v] for v in hand) if hand else min(median.values())
    print(f"\nsuite {suite}: {rows:,} rows; ratio to the fastest hand-written variant")
    fastest_work = min(work[v] for v in hand) if hand else min(work.values())
    print("(process: whole process, imports included; compute: after the interpreter starts;")
    print(" work: the timed steps only, imports excluded)")
    header = f"{'variant':<22}{'rows':>13}{'process s':>11}{'ratio':>7}{'compute s':>11}"
    print(header + f"{'work s':>9}{'ratio':>7}{'peak RSS MB':>13}")
    for variant in good:
        print(
            f"{variant:<22}{rows:>13,}{median[variant]:>11.2f}"
            f"{median[variant] / fastest:>7.2f}{compute[variant]:>11.2f}{work[variant]:>9.2f}"
            f"{work[variant] / fastest_work:>7.2f}{peak[variant]:>13,.0f}"
        )
    steps = [
        s for s in ("read", *SUITE_STEPS[suite]) if any(s in x["steps"] for x in runs_of(good))
    ]
    print("\nmedian seconds per step; for Grappes (seconds in validation queries / their number)")
    print(f"{'variant':<22}" + "".join(f"{_short(s):>16}" for s in steps))
    for variant, results in good.items():
        cells = []
        for step in steps:
            times = [x["steps"].get(step) for x in results if step in x["steps"]]
            if not times:
                cells.append(f"{'-':>16}")
                continue
            checks = [x["validation"].get(step, 0.0) for x in results if step in x["steps"]]
            text = f"{statistics.median(times):.2f}"
            if variant.startswith("grappes"):
                queries = max(x["queries"].get(step, 0) for x in results if step in x["steps"])
                text += f" ({statistics.median(checks):.2f}/{queries})"
            cells.append(f"{text:>16}")
        print(f"{variant:<22}" + "".join(cells))
    with_pandas = [v for v, r in good.items() if any(x.get("pandas_imported") for x in r)]
    print(f"pandas imported by: {', '.join(with_pandas) or 'none'}")
    for variant, results in good.items():
        skipped = sorted({s for x in results for s in x.get("skipped", [])})
        if skipped:
            print(f"{variant}: skipped (module not available yet): {', '.join(skipped)}")


def runs_of(good: dict[str, list[dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    """Every run of every variant."""
    for results in good.values():
        yield from results


def _short(step: str) -> str:
    return {
        "location_quotient": "LQ",
        "herfindahl": "Herfindahl",
        "locational_gini": "Gini",
        "ellison_glaeser": "EG",
        "shift_share": "shift-share",
        "relatedness_density": "density",
    }.get(step, step)


def _agreement(results: Path, variants: list[str], suite: str) -> None:
    import numpy as np
    import pandas as pd

    print("\nagreement with the first variant (max abs diff / max rel diff over all columns)")
    for name in SUITE_STEPS[suite]:
        keys, values = OUTPUTS[name]
        frames = {
            v: pd.read_parquet(results / v / f"{name}.parquet")
            for v in variants
            if (results / v / f"{name}.parquet").exists()
        }
        if len(frames) < 2:
            continue
        first, *others = frames
        base = frames[first]
        parts = []
        for variant in others:
            merged = base.merge(frames[variant], on=list(keys), how="outer", suffixes=("", "_"))
            worst_abs, worst_rel = 0.0, 0.0
            for column in values:
                if column not in base or f"{column}_" not in merged:
                    continue
                a = merged[column].astype("float64").to_numpy()
                b = merged[f"{column}_"].astype("float64").to_numpy()
                gap = np.abs(a - b)
                both_nan = np.isnan(a) & np.isnan(b)
                gap = np.where(both_nan, 0.0, gap)
                worst_abs = max(worst_abs, float(np.nanmax(gap, initial=0.0)))
                scale = np.maximum(np.abs(a), np.abs(b))
                rel = np.where(scale > 0, gap / np.where(scale > 0, scale, 1.0), gap)
                worst_rel = max(worst_rel, float(np.nanmax(rel, initial=0.0)))
                if np.isnan(gap).any():
                    worst_abs = worst_rel = float("nan")
            shown = f"{variant} {worst_abs:.1e}/{worst_rel:.1e}"
            if len(merged) != len(base) or len(merged) != len(frames[variant]):
                shown += f" (rows {len(base)} vs {len(frames[variant])})"
            parts.append(shown)
        print(f"  {name} ({len(base):,} rows, vs {first}): " + "; ".join(parts))


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def _memory_gib() -> float:
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30


def _versions() -> str:
    from importlib.metadata import version

    names = ("ibis-framework", "duckdb", "polars", "pandas", "pyarrow")
    return ", ".join(f"{n} {version(n)}" for n in names)


# --------------------------------------------------------------------------------------
# The child: one variant, one suite, timed step by step.


class Clock:
    """Seconds per step, and the part of them spent in ``grappes.engine.execute``."""

    def __init__(self, *, freeze: bool = False) -> None:
        self.freeze = freeze
        self.steps: dict[str, float] = {}
        self.validation: dict[str, float] = {}
        self.queries: dict[str, int] = {}
        self.current: str | None = None

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        if self.freeze:
            # --gc-freeze: the variant's modules are imported by now; move their objects
            # out of the collector's sight, as a long-running application would.
            gc.freeze()
            self.freeze = False
        self.current = name
        started = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - started
            self.current = None

    def charge(self, seconds: float) -> None:
        if self.current is not None:
            self.validation[self.current] = self.validation.get(self.current, 0.0) + seconds
            self.queries[self.current] = self.queries.get(self.current, 0) + 1


def _child(args: argparse.Namespace) -> None:
    clock = Clock(freeze=args.gc_freeze)
    runner: Callable[..., list[str]] = {
        "pandas": _pandas,
        "polars": _polars,
        "duckdb-sql": _duckdb_sql,
        "duckdb-sql-checked": _duckdb_sql,
        "grappes-duckdb": _grappes,
        "grappes-polars": _grappes,
        "grappes-duckdb-lazy": _grappes,
    }[args.child]
    unit = args.level
    started = time.perf_counter()
    skipped = runner(
        args.register, args.out, clock, suite=args.suite[0], unit=unit, variant=args.child
    )
    compute = time.perf_counter() - started
    peak = _peak_rss_mb()
    summary = {
        "compute": compute,
        "steps": clock.steps,
        "validation": clock.validation,
        "queries": clock.queries,
        "peak_rss_mb": peak,
        "pandas_imported": "pandas" in sys.modules,
        "skipped": skipped,
    }
    print(json.dumps(summary))


def _peak_rss_mb() -> float:
    """This process' peak resident memory, in MB.

    ``VmHWM`` of ``/proc/self/status``: the high-water mark of the memory this program
    mapped after ``exec``. Not ``getrusage``'s ``ru_maxrss``, which Linux carries over
    ``exec`` from the forking parent: a child started while the parent held 432 MB (just
    after generating the register) reported 432 MB whatever it did."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:  # not Linux
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kib = re.search(r"^VmHWM:\s+(\d+) kB", status, flags=re.MULTILINE)
    if kib is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return int(kib.group(1)) / 1024


# pandas ------------------------------------------------------------------------------


def _pandas(
    path: Path, out: Path, clock: Clock, *, suite: str, unit: str, variant: str
) -> list[str]:
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    with clock.step("read"):
        columns = [unit, "division", "employment"]
        if suite == "full":
            columns.append("employment_2014")
        frame = pq.read_table(path, columns=columns).to_pandas()
        frame = frame.rename(columns={unit: "region", "division": "sector"})
        frame["employment"] = frame["employment"].astype("float64")
        aggregations: dict[str, tuple[str, str]] = {"e": ("employment", "sum")}
        if suite == "full":
            frame["e2"] = frame["employment"] ** 2
            aggregations |= {
                "e0": ("employment_2014", "sum"),
                "e2": ("e2", "sum"),
                "plants": ("employment", "size"),
            }
        cells = frame.groupby(["region", "sector"], as_index=False).agg(**aggregations)
        del frame
    with clock.step("location_quotient"):
        e_r = cells.groupby("region")["e"].transform("sum")
        e_s = cells.groupby("sector")["e"].transform("sum")
        lq = cells[["region", "sector"]].assign(
            location_quotient=(cells["e"] / e_r) / (e_s / cells["e"].sum())
        )
        lq.to_parquet(out / "location_quotient.parquet")
    if suite == "lq":
        return []
    total = cells["e"].sum()
    regions = cells.groupby("region")["e"].sum()
    x = regions / total
    with clock.step("herfindahl"):
        z = cells["e"] / cells.groupby("sector")["e"].transform("sum")
        h = (z**2).groupby(cells["sector"]).sum()
        n = len(regions)
        pd.DataFrame(
            {
                "sector": h.index,
                "herfindahl": h.to_numpy(),
                "herfindahl_normalised": ((h - 1 / n) / (1 - 1 / n)).to_numpy(),
                "equivalent_number": (1 / h).to_numpy(),
            }
        ).to_parquet(out / "herfindahl.parquet")
    with clock.step("locational_gini"):
        # Regions without the sector come first on the Lorenz curve and add no area.
        g = cells[["region", "sector"]].assign(
            s=cells["e"] / cells.groupby("sector")["e"].transform("sum"),
            x=cells["region"].map(x).to_numpy(),
        )
        g["q"] = g["s"] / g["x"]
        g = g.sort_values(["sector", "q"], kind="stable")
        g["cum"] = g.groupby("sector")["s"].cumsum()
        area = (g["x"] * (g["cum"] - g["s"] / 2)).groupby(g["sector"]).sum()
        pd.DataFrame({"sector": area.index, "locational_gini": (0.5 - area).to_numpy()}).to_parquet(
            out / "locational_gini.parquet"
        )
    with clock.step("ellison_glaeser"):
        e_s_total = cells.groupby("sector")["e"].sum()
        s = cells["e"] / cells["sector"].map(e_s_total).to_numpy()
        xr = cells["region"].map(x).to_numpy()
        sums = (s * (s - 2 * xr)).groupby(cells["sector"]).sum()
        x2 = float((x**2).sum())
        big_g = sums + x2
        h = cells.groupby("sector")["e2"].sum() / e_s_total**2
        gamma = (big_g - (1 - x2) * h) / ((1 - x2) * (1 - h))
        pd.DataFrame(
            {
                "sector": gamma.index,
                "gamma": gamma.to_numpy(),
                "G": big_g.to_numpy(),
                "H": h.to_numpy(),
                "plants": cells.groupby("sector")["plants"].sum().to_numpy(),
            }
        ).to_parquet(out / "ellison_glaeser.parquet")
    with clock.step("shift_share"):
        growth = cells["e"].sum() / cells["e0"].sum() - 1
        by_sector = cells.groupby("sector")[["e", "e0"]].sum()
        sector_growth = (by_sector["e"] / by_sector["e0"] - 1).reindex(cells["sector"])
        sector_growth = sector_growth.to_numpy()
        pd.DataFrame(
            {
                "region": cells["region"],
                "sector": cells["sector"],
                "national_share": cells["e0"] * growth,
                "industrial_mix": cells["e0"] * (sector_growth - growth),
                "regional_share": cells["e"] - cells["e0"] - cells["e0"] * sector_growth,
            }
        ).to_parquet(out / "shift_share.parquet")
    with clock.step("relatedness_density"):
        held = lq.pivot(index="region", columns="sector", values="location_quotient")
        m = (held.fillna(0.0).to_numpy() >= 1.0).astype("float64")  # absent pair: no presence
        together = m.T @ m
        ubiquity = np.diag(together)
        phi = together / np.maximum.outer(ubiquity, ubiquity)
        np.fill_diagonal(phi, 0.0)
        density = (m @ phi) / phi.sum(axis=0)
        pd.DataFrame(
            {
                "region": np.repeat(held.index.to_numpy(), len(held.columns)),
                "sector": np.tile(held.columns.to_numpy(), len(held.index)),
                "density": density.ravel(),
            }
        ).to_parquet(out / "relatedness_density.parquet")
    return []


# polars ------------------------------------------------------------------------------


def _polars(
    path: Path, out: Path, clock: Clock, *, suite: str, unit: str, variant: str
) -> list[str]:
    import polars as pl

    scan = pl.scan_parquet(path)
    aggregations = [pl.col("employment").cast(pl.Float64).sum().alias("e")]
    if suite == "full":
        aggregations += [
            pl.col("employment_2014").cast(pl.Float64).sum().alias("e0"),
            (pl.col("employment").cast(pl.Float64) * pl.col("employment").cast(pl.Float64))
            .sum()
            .alias("e2"),
            pl.len().alias("plants"),
        ]
    grouped = scan.group_by(pl.col(unit).alias("region"), pl.col("division").alias("sector"))
    lazy_cells = grouped.agg(aggregations)
    e = pl.col("e")

    def lq_of(frame: pl.LazyFrame) -> pl.LazyFrame:
        share_in_region = e / e.sum().over("region")
        share_in_economy = e.sum().over("sector") / e.sum()
        return frame.select(
            "region", "sector", location_quotient=share_in_region / share_in_economy
        )

    if suite == "lq":
        # One lazy query from the file to the result, as a polars user would write it.
        with clock.step("location_quotient"):
            lq_of(lazy_cells).sink_parquet(out / "location_quotient.parquet")
        return []
    with clock.step("read"):
        cells = lazy_cells.collect()
    with clock.step("location_quotient"):
        lq = lq_of(cells.lazy()).collect()
        lq.write_parquet(out / "location_quotient.parquet")
    c = cells.lazy().with_columns(s=e / e.sum().over("sector"), x=e.sum().over("region") / e.sum())
    n = cells["region"].n_unique()
    with clock.step("herfindahl"):
        h = pl.col("herfindahl")
        c.group_by("sector").agg(herfindahl=(pl.col("s") ** 2).sum()).with_columns(
            herfindahl_normalised=(h - 1 / n) / (1 - 1 / n), equivalent_number=1 / h
        ).collect().write_parquet(out / "herfindahl.parquet")
    with clock.step("locational_gini"):
        c.sort("sector", pl.col("s") / pl.col("x")).with_columns(
            cum=pl.col("s").cum_sum().over("sector")
        ).group_by("sector").agg(
            locational_gini=0.5 - (pl.col("x") * (pl.col("cum") - pl.col("s") / 2)).sum()
        ).collect().write_parquet(out / "locational_gini.parquet")
    with clock.step("ellison_glaeser"):
        x2 = cells.group_by("region").agg(e.sum()).select((e / e.sum()) ** 2).sum().item()
        gamma = (pl.col("G") - (1 - x2) * pl.col("H")) / ((1 - x2) * (1 - pl.col("H")))
        c.group_by("sector").agg(
            G=(pl.col("s") * (pl.col("s") - 2 * pl.col("x"))).sum() + x2,
            H=pl.col("e2").sum() / e.sum() ** 2,
            plants=pl.col("plants").sum(),
        ).with_columns(gamma=gamma).collect().write_parquet(out / "ellison_glaeser.parquet")
    with clock.step("shift_share"):
        e0 = pl.col("e0")
        growth = e.sum() / e0.sum() - 1
        sector_growth = e.sum().over("sector") / e0.sum().over("sector") - 1
        cells.lazy().select(
            "region",
            "sector",
            national_share=e0 * growth,
            industrial_mix=e0 * (sector_growth - growth),
            regional_share=e - e0 - e0 * sector_growth,
        ).collect().write_parquet(out / "shift_share.parquet")
    with clock.step("relatedness_density"):
        held = lq.lazy().filter(pl.col("location_quotient") >= 1).select("region", "sector")
        ubiquity = held.group_by("sector").agg(k=pl.len())
        pairs = (
            held.join(held, on="region", suffix="_b")
            .filter(pl.col("sector") != pl.col("sector_b"))
            .group_by("sector", "sector_b")
            .agg(c=pl.len())
        )
        phi = (
            pairs.join(ubiquity, on="sector")
            .join(ubiquity, left_on="sector_b", right_on="sector", suffix="_b")
            .select("sector", "sector_b", phi=pl.col("c") / pl.max_horizontal("k", "k_b"))
        )
        totals = phi.group_by("sector_b").agg(total=pl.col("phi").sum())
        numerators = (
            held.join(phi, on="sector").group_by("region", "sector_b").agg(num=pl.col("phi").sum())
        )
        grid = (
            lq.lazy()
            .select("region")
            .unique()
            .join(lq.lazy().select(pl.col("sector").alias("sector_b")).unique(), how="cross")
        )
        grid.join(numerators, on=["region", "sector_b"], how="left").join(
            totals, on="sector_b", how="left"
        ).select(
            "region",
            sector="sector_b",
            density=pl.col("num").fill_null(0.0) / pl.col("total"),
        ).collect().write_parquet(out / "relatedness_density.parquet")
    return []


# DuckDB SQL --------------------------------------------------------------------------

_SQL_LQ = """
    SELECT region, sector,
           (e / SUM(e) OVER (PARTITION BY region))
           / (SUM(e) OVER (PARTITION BY sector) / SUM(e) OVER ()) AS location_quotient
    FROM {cells}
"""

_SQL_FULL = {
    "herfindahl": """
        WITH n AS (SELECT COUNT(DISTINCT region)::DOUBLE AS n FROM cells),
        h AS (SELECT sector, SUM(s * s) AS herfindahl FROM shares GROUP BY sector)
        SELECT sector, herfindahl, (herfindahl - 1 / n) / (1 - 1 / n) AS herfindahl_normalised,
               1 / herfindahl AS equivalent_number
        FROM h, n
    """,
    "locational_gini": """
        WITH ordered AS (
            SELECT sector, s, x,
                   SUM(s) OVER (PARTITION BY sector ORDER BY s / x
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
            FROM shares)
        SELECT sector, 0.5 - SUM(x * (cum - s / 2)) AS locational_gini
        FROM ordered GROUP BY sector
    """,
    "ellison_glaeser": """
        WITH r AS (SELECT SUM(x * x) AS x2
                   FROM (SELECT DISTINCT region, x FROM shares)),
        g AS (SELECT sector, SUM(s * (s - 2 * x)) + ANY_VALUE(x2) AS "G",
                     SUM(e2) / (SUM(e) * SUM(e)) AS "H", SUM(plants) AS plants,
                     ANY_VALUE(x2) AS x2
              FROM shares, r GROUP BY sector)
        SELECT sector, ("G" - (1 - x2) * "H") / ((1 - x2) * (1 - "H")) AS gamma,
               "G", "H", plants
        FROM g
    """,
    "shift_share": """
        WITH n AS (SELECT SUM(e) / SUM(e0) - 1 AS g FROM cells),
        s AS (SELECT sector, SUM(e) / SUM(e0) - 1 AS gs FROM cells GROUP BY sector)
        SELECT region, sector, e0 * g AS national_share, e0 * (gs - g) AS industrial_mix,
               e - e0 - e0 * gs AS regional_share
        FROM cells JOIN s USING (sector), n
    """,
    "relatedness_density": """
        WITH held AS (SELECT region, sector FROM lq WHERE location_quotient >= 1),
        k AS (SELECT sector, COUNT(*) AS k FROM held GROUP BY sector),
        pairs AS (SELECT a.sector AS a, b.sector AS b, COUNT(*) AS c
                  FROM held a JOIN held b USING (region)
                  WHERE a.sector <> b.sector GROUP BY ALL),
        phi AS (SELECT a, b, c / GREATEST(ka.k, kb.k) AS phi
                FROM pairs JOIN k ka ON ka.sector = a JOIN k kb ON kb.sector = b),
        totals AS (SELECT b, SUM(phi) AS total FROM phi GROUP BY b),
        num AS (SELECT region, b, SUM(phi) AS num
                FROM held JOIN phi ON phi.a = held.sector GROUP BY ALL),
        grid AS (SELECT region, b FROM (SELECT DISTINCT region FROM lq),
                                       (SELECT DISTINCT sector AS b FROM lq))
        SELECT grid.region, grid.b AS sector, COALESCE(num, 0) / total AS density
        FROM grid LEFT JOIN num USING (region, b) LEFT JOIN totals USING (b)
    """,
}


def _duckdb_sql(
    path: Path, out: Path, clock: Clock, *, suite: str, unit: str, variant: str
) -> list[str]:
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET threads = {THREADS}")
    source = f"read_parquet('{path}')"

    def copy(query: str, name: str) -> None:
        con.execute(f"COPY ({query}) TO '{out / name}.parquet' (FORMAT parquet)")

    cells_sql = (
        f"SELECT {unit} AS region, division AS sector, SUM(employment)::DOUBLE AS e"
        + (
            ", SUM(employment_2014)::DOUBLE AS e0, "
            # a product, not ^ 2: DuckDB's pow made this pass 1.6x slower
            "SUM(employment::DOUBLE * employment::DOUBLE) AS e2, "
            "COUNT(*) AS plants"
            if suite == "full"
            else ""
        )
        + f" FROM {source} GROUP BY ALL"
    )
    if suite == "lq":
        with clock.step("location_quotient"):
            copy(_SQL_LQ.format(cells=f"({cells_sql})"), "location_quotient")
        return []
    checked = variant == "duckdb-sql-checked"
    if checked:
        from grappes.errors import InvalidInputError
    with clock.step("read"):
        con.execute(f"CREATE TEMP TABLE cells AS {cells_sql}")
    with clock.step("location_quotient"):
        if checked:
            _refuse_if_any(con, _SQL_CHECK_CELLS, InvalidInputError)
        con.execute(f"CREATE TEMP TABLE lq AS {_SQL_LQ.format(cells='cells')}")
        copy("SELECT * FROM lq", "location_quotient")
    con.execute(
        """CREATE TEMP VIEW shares AS
           SELECT region, sector, e, e2, plants, e / SUM(e) OVER (PARTITION BY sector) AS s,
                  SUM(e) OVER (PARTITION BY region) / SUM(e) OVER () AS x
           FROM cells"""
    )
    for name, query in _SQL_FULL.items():
        with clock.step(name):
            if checked and name in _SQL_CHECK:
                _refuse_if_any(con, _SQL_CHECK[name], InvalidInputError)
            copy(query, name)
    return []


#: What Grappes checks before the location quotient, as one query on the cells: every
#: count must be 0. (Herfindahl and the Gini need nothing more; Grappes checks the cached
#: table once too.)
_SQL_CHECK_CELLS = """
    SELECT
        COUNT(*) FILTER (WHERE region IS NULL OR sector IS NULL) AS missing_key,
        COUNT(*) FILTER (WHERE e IS NULL OR NOT isfinite(e) OR e < 0) AS bad_employment,
        COUNT(*) - COUNT(DISTINCT (region, sector)) AS duplicated,
        (SELECT COUNT(*) FROM (SELECT region FROM cells GROUP BY region HAVING SUM(e) = 0))
            AS zero_region,
        (SELECT COUNT(*) FROM (SELECT sector FROM cells GROUP BY sector HAVING SUM(e) = 0))
            AS zero_sector
    FROM cells
"""

#: The further checks of the other indicators, each one query.
_SQL_CHECK = {
    "ellison_glaeser": """
        SELECT
            COUNT(*) FILTER (WHERE e2 IS NULL OR NOT isfinite(e2) OR e2 < 0
                             OR plants IS NULL OR plants < 0) AS bad_values,
            (SELECT COUNT(*) FROM (SELECT sector FROM cells GROUP BY sector
                                   HAVING SUM(e2) >= SUM(e) * SUM(e))) AS one_plant
        FROM cells
    """,
    "shift_share": """
        SELECT
            COUNT(*) FILTER (WHERE e0 IS NULL OR NOT isfinite(e0) OR e0 < 0) AS bad_start,
            (SELECT COUNT(*) FROM (SELECT sector FROM cells GROUP BY sector
                                   HAVING SUM(e0) = 0)) AS zero_start_sector
        FROM cells
    """,
    "relatedness_density": """
        WITH held AS (SELECT region, sector FROM lq WHERE location_quotient >= 1),
        sizes AS (SELECT region, COUNT(*) AS n FROM held GROUP BY region),
        widest AS (SELECT sector, MAX(n) AS widest FROM held JOIN sizes USING (region)
                   GROUP BY sector)
        SELECT COUNT(*) AS undefined_density
        FROM (SELECT DISTINCT sector FROM cells) LEFT JOIN widest USING (sector)
        WHERE COALESCE(widest, 0) < 2
    """,
}


def _refuse_if_any(con: Any, query: str, error: type[Exception]) -> None:
    """Run a check query (one row of counts) and raise naming the first non-zero count."""
    found = con.execute(query)
    names = [column[0] for column in found.description]
    counts = found.fetchone()
    for name, count in zip(names, counts, strict=True):
        if count:
            raise error(f"{name}: {count} offending row(s)")


# Grappes -----------------------------------------------------------------------------


def _grappes(
    path: Path, out: Path, clock: Clock, *, suite: str, unit: str, variant: str
) -> list[str]:
    import importlib

    import ibis

    from grappes import engine

    _watch_validation(clock)
    con = engine.connect("polars" if variant == "grappes-polars" else "duckdb")
    if con.name == "duckdb":
        con.raw_sql(f"SET threads = {THREADS}")
    skipped: list[str] = []
    with clock.step("read"):
        rows = con.read_parquet(path)
        sums = {"employment": rows.employment.sum()}
        if suite == "full":  # what the hand-written variants aggregate too
            employment = rows.employment.cast("float64")
            sums |= {
                "employment_2014": rows.employment_2014.sum(),
                "squares": (employment * employment).sum(),
                "plants": rows.count(),
            }
        cells = rows.group_by(region=rows[unit], sector=rows.division).aggregate(**sums)
        if variant != "grappes-duckdb-lazy":
            cells = cells.cache()

    def write(name: str, expression: Any) -> None:
        expression.to_parquet(out / f"{name}.parquet")

    with clock.step("location_quotient"):
        from grappes.indicators.specialisation import location_quotient

        write("location_quotient", location_quotient(cells))
    if suite == "lq":
        return skipped
    calls: dict[str, tuple[str, Callable[[Any], Any]]] = {
        "herfindahl": ("concentration", lambda f: f(cells)),
        "locational_gini": ("concentration", lambda f: f(cells)),
        # From the cells, as by hand: the plants' Σe² and count were summed with the rest.
        "ellison_glaeser": (
            "agglomeration",
            lambda f: f(cells, squares="squares", plants="plants"),
        ),
        "shift_share": (
            "shift_share",
            lambda f: f(_panel(ibis, cells)).select(
                "region", "sector", "national_share", "industrial_mix", "regional_share"
            ),
        ),
        "relatedness_density": ("relatedness", lambda f: f(cells)),
    }
    for name, (module_name, call) in calls.items():
        try:
            module = importlib.import_module(f"grappes.indicators.{module_name}")
            function = getattr(module, name)
        except (ImportError, AttributeError):
            skipped.append(name)
            continue
        with clock.step(name):
            write(name, call(function))
    return skipped


def _panel(ibis: Any, cells: Any) -> Any:
    """The two years as a long region x sector x year table, as shift_share wants it."""
    end = cells.select("region", "sector", year=ibis.literal(2024), employment=cells.employment)
    start = cells.select(
        "region", "sector", year=ibis.literal(2014), employment=cells.employment_2014
    )
    return ibis.union(end, start, distinct=False)


def _watch_validation(clock: Clock) -> None:
    """Charge the time of every query an indicator runs itself through ``grappes.engine``
    (``execute``, ``records``, ``columns``: its checks) to the current step; the result
    itself is computed by ``to_parquet``."""
    import importlib
    import pkgutil

    import grappes.indicators
    from grappes import engine

    def timed(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def run(expression: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(expression)
            finally:
                clock.charge(time.perf_counter() - started)

        return run

    originals = {name: getattr(engine, name) for name in ("execute", "records", "columns")}
    wrapped = {name: timed(function) for name, function in originals.items()}
    for info in pkgutil.iter_modules(grappes.indicators.__path__):
        module = importlib.import_module(f"grappes.indicators.{info.name}")
        for name, original in originals.items():
            if getattr(module, name, None) is original:
                setattr(module, name, wrapped[name])


if __name__ == "__main__":
    main()
