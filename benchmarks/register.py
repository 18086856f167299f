"""A synthetic establishment register whose totals match the HCP 2024 census of Morocco.

One row per establishment: ``id``, ``commune`` (HCP commune code), ``province`` (the
commune code's first two parts), ``group`` (HCP sector group), ``division`` (ISIC Rev.4
division), ``employment`` (2024) and ``employment_2014`` (the same establishment ten years
earlier, 0 when it did not exist yet).

What matches the census exactly, times ``scale``:

- establishments by commune x sector group (``grappes.data.morocco.establishments``,
  1,130,021 in all);
- establishments by commune x size class (``grappes.data.morocco.size_classes``).

What is drawn (seeded, reproducible, independent of how rows are chunked):

- the ISIC division, among the divisions of the ISIC sections of the establishment's HCP
  group, with national weights from a Dirichlet(0.8) per group and commune weights from a
  Dirichlet(20 x national weights), so that location quotients vary from commune to commune;
- the size class, a random permutation of the commune's census counts (size and sector are
  drawn independently: the census does not cross them at commune level), then a headcount
  within the class: 1; 2-3 and 4-9 uniform; 10-49 log-uniform; 50+ a Pareto tail
  (shape 1.5, capped at 5,000);
- employment in 2014: the 2024 headcount divided by a growth factor (division, commune and
  establishment log-normal effects), rounded; 12% of establishments were born after 2014
  and had none.

Generation runs commune by commune and writes row groups with
``pyarrow.parquet.ParquetWriter``: at ``scale=100`` (113 million rows) no more than one row
group is ever in memory.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

SIZE_CLASSES = ("1", "2-3", "4-9", "10-49", "50+")
BORN_AFTER_2014 = 0.12
ROW_GROUP_ROWS = 1_000_000

SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("commune", pa.string()),
        ("province", pa.string()),
        ("group", pa.string()),
        ("division", pa.string()),
        ("employment", pa.int64()),
        ("employment_2014", pa.int64()),
    ]
)


@dataclass(frozen=True)
class Census:
    """The census counts and the classification the register is drawn from."""

    communes: list[str]
    groups: list[str]
    counts: np.ndarray  # communes x groups
    sizes: np.ndarray  # communes x size classes
    divisions: list[str]
    group_divisions: list[np.ndarray]  # per group, indices into ``divisions``


def census() -> Census:
    """Read the HCP commune tables and the ISIC divisions of each HCP sector group."""
    from grappes.data import morocco, sectors

    counts = morocco.establishments(level="commune").pivot_table(
        index="region", columns="sector", values="establishments", aggfunc="sum"
    )
    groups_table = sectors.hcp_groups("HCP_ESTABLISHMENTS")
    groups = list(groups_table["code"])
    counts = counts[groups]
    sizes = morocco.size_classes(level="commune").pivot_table(
        index="region", columns="size_class", values="establishments", aggfunc="sum"
    )
    sizes = sizes.loc[counts.index, list(SIZE_CLASSES)]
    if not (sizes.sum(axis=1).to_numpy() == counts.sum(axis=1).to_numpy()).all():
        raise ValueError("size classes and sector groups disagree on a commune's total")
    isic = sectors.sectors("ISIC4")
    isic = isic[isic["level"] == "division"]
    divisions = list(isic["code"])
    group_divisions = [
        np.flatnonzero(isic["parent"].isin(list(sections)).to_numpy())
        for sections in groups_table["isic_sections"]
    ]
    return Census(
        communes=list(counts.index),
        groups=groups,
        counts=counts.to_numpy(dtype=np.int64),
        sizes=sizes.to_numpy(dtype=np.int64),
        divisions=divisions,
        group_divisions=group_divisions,
    )


def generate(path: Path, *, scale: int = 1, seed: int = 20240901) -> int:
    """Write the register to ``path`` (Parquet) and return its number of rows."""
    data = census()
    national = np.random.default_rng([seed, 0])
    national_weights = [national.dirichlet(np.full(len(d), 0.8)) for d in data.group_divisions]
    division_growth = national.lognormal(0.15, 0.25, size=len(data.divisions))
    provinces = sorted({code[:6] for code in data.communes})
    province_index = {code: i for i, code in enumerate(provinces)}
    dictionaries = {
        "commune": pa.array(data.communes, pa.string()),
        "province": pa.array(provinces, pa.string()),
        "group": pa.array(data.groups, pa.string()),
        "division": pa.array(data.divisions, pa.string()),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    pending: list[dict[str, np.ndarray]] = []
    pending_rows = 0
    written = 0
    with pq.ParquetWriter(path, SCHEMA) as writer:
        for index, commune in enumerate(data.communes):
            rng = np.random.default_rng([seed, 1, index])
            block = _commune(
                rng,
                data,
                index=index,
                province=province_index[commune[:6]],
                scale=scale,
                national_weights=national_weights,
                division_growth=division_growth,
            )
            if not len(block["group"]):
                continue
            pending.append(block)
            pending_rows += len(block["group"])
            if pending_rows >= ROW_GROUP_ROWS:
                written = _write(writer, pending, dictionaries, first_id=written)
                pending, pending_rows = [], 0
        if pending:
            written = _write(writer, pending, dictionaries, first_id=written)
    return written


def _commune(
    rng: np.random.Generator,
    data: Census,
    *,
    index: int,
    province: int,
    scale: int,
    national_weights: list[np.ndarray],
    division_growth: np.ndarray,
) -> dict[str, np.ndarray]:
    counts = data.counts[index] * scale
    total = int(counts.sum())
    group = np.repeat(np.arange(len(data.groups), dtype=np.int32), counts)
    division = np.empty(total, dtype=np.int32)
    start = 0
    for g, n in enumerate(counts):
        weights = rng.dirichlet(20.0 * national_weights[g] + 1e-3)
        per_division = rng.multinomial(int(n), weights)
        choices = data.group_divisions[g]
        division[start : start + n] = rng.permutation(np.repeat(choices, per_division))
        start += n
    size_class = rng.permutation(
        np.repeat(np.arange(len(SIZE_CLASSES), dtype=np.int8), data.sizes[index] * scale)
    )
    employment = _headcount(rng, size_class)
    growth = (
        division_growth[division] * rng.lognormal(0.0, 0.15) * rng.lognormal(0.0, 0.3, size=total)
    )
    employment_2014 = np.rint(employment / growth).astype(np.int64)
    employment_2014[rng.random(total) < BORN_AFTER_2014] = 0
    return {
        "commune": np.full(total, index, dtype=np.int32),
        "province": np.full(total, province, dtype=np.int32),
        "group": group,
        "division": division,
        "employment": employment,
        "employment_2014": employment_2014,
    }


def _headcount(rng: np.random.Generator, size_class: np.ndarray) -> np.ndarray:
    """A number of persons within each establishment's census size class."""
    n = len(size_class)
    small = rng.integers(2, 4, size=n)
    medium = rng.integers(4, 10, size=n)
    large = np.floor(np.exp(rng.uniform(np.log(10), np.log(50), size=n)))
    largest = np.minimum(np.floor(50 * (1.0 + rng.pareto(1.5, size=n))), 5000)
    options = np.stack([np.ones(n), small, medium, large, largest])
    return options[size_class, np.arange(n)].astype(np.int64)


def _write(
    writer: pq.ParquetWriter,
    blocks: list[dict[str, np.ndarray]],
    dictionaries: dict[str, pa.Array],
    *,
    first_id: int,
) -> int:
    columns = {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}
    rows = len(columns["group"])
    arrays = [pa.array(np.arange(first_id, first_id + rows, dtype=np.int64))]
    for name in ("commune", "province", "group", "division"):
        arrays.append(dictionaries[name].take(pa.array(columns[name])))
    arrays += [pa.array(columns["employment"]), pa.array(columns["employment_2014"])]
    writer.write_table(pa.Table.from_arrays(arrays, schema=SCHEMA), row_group_size=rows)
    return first_id + rows


def register_path(workdir: Path, *, scale: int, seed: int) -> Path:
    """Where the register of this scale and seed is cached."""
    return workdir / f"register-x{scale}-seed{seed}.parquet"


def ensure(workdir: Path, *, scale: int, seed: int) -> tuple[Path, float | None]:
    """The register's path, generated first when absent; and the seconds it took (or None)."""
    path = register_path(workdir, scale=scale, seed=seed)
    if path.exists():
        return path, None
    partial = path.with_suffix(".partial")
    started = time.perf_counter()
    generate(partial, scale=scale, seed=seed)
    partial.rename(path)
    return path, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="Parquet file to write")
    parser.add_argument("--scale", type=int, default=1, help="multiply census counts (1, 10, 100)")
    parser.add_argument("--seed", type=int, default=20240901)
    args = parser.parse_args()
    started = time.perf_counter()
    rows = generate(args.output, scale=args.scale, seed=args.seed)
    print(f"{rows:,} rows written to {args.output} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
