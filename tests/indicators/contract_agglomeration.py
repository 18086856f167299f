"""Contract cases for the agglomeration indices."""

from __future__ import annotations

import pandas as pd

from grappes.indicators.agglomeration import (
    coagglomeration,
    ellison_glaeser,
    litzenberger_sternberg,
    maurel_sedillot,
)
from tests.indicators.contract import ContractCase

REGIONS = ("MA-01", "MA-06", "MA-07", "MA-12")
SECTORS = ("C", "F", "G", "I")


def plants_table() -> pd.DataFrame:
    """Plants in four regions and four sectors, two years, uneven sizes (no sector has one
    plant, so every γ is defined)."""
    rows = []
    for year, factor in ((2014, 1.0), (2024, 1.25)):
        number = 0
        for r, region in enumerate(REGIONS):
            for s, sector in enumerate(SECTORS):
                for k in range(1 + (r + s) % 3):
                    number += 1
                    size = float((r + 2) * (s + 1) ** 2 * factor + 7 * k + (r * s) % 5)
                    rows.append((f"P{number:03d}", region, sector, year, size))
    return pd.DataFrame(rows, columns=["plant", "region", "sector", "year", "employment"])


def cells_table() -> pd.DataFrame:
    """Employment, establishments, area and population by region x sector."""
    rows = []
    for r, region in enumerate(REGIONS):
        for s, sector in enumerate(SECTORS):
            employment = float((r + 1) * (s + 3) ** 2 + 5 * s)
            establishments = float(1 + (r + 2 * s) % 7)
            rows.append(
                (region, sector, employment, establishments, 1000.0 * (r + 1) ** 1.5, 5e5 + r)
            )
    columns = ["region", "sector", "employment", "establishments", "area", "population"]
    return pd.DataFrame(rows, columns=columns)


def regions_table() -> pd.DataFrame:
    cells = cells_table()
    return cells[["region", "area", "population"]].drop_duplicates().reset_index(drop=True)


CASES = [
    ContractCase(
        name="ellison_glaeser",
        function=ellison_glaeser,
        table=plants_table,
        kwargs={"plant": "plant", "by": ("year",)},
        codes=("region", "sector", "plant"),
        values=("employment",),
        keys=("year", "sector"),
        outputs=("gamma", "G", "H", "plants"),
    ),
    ContractCase(
        name="maurel_sedillot",
        function=maurel_sedillot,
        table=plants_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "sector"),
        outputs=("gamma_ms",),
    ),
    ContractCase(
        name="coagglomeration",
        function=coagglomeration,
        table=plants_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "sector_a", "sector_b"),
        outputs=("coagglomeration",),
    ),
    ContractCase(
        name="litzenberger_sternberg",
        function=litzenberger_sternberg,
        table=cells_table,
        codes=("region", "sector"),
        values=("employment", "establishments", "area", "population"),
        keys=("region", "sector"),
        outputs=("cluster_index",),
    ),
    ContractCase(
        name="litzenberger_sternberg_regions_table",
        function=litzenberger_sternberg,
        table=lambda: cells_table().drop(columns=["area", "population"]),
        kwargs={"regions": regions_table()},
        codes=("region", "sector"),
        values=("employment", "establishments"),
        keys=("region", "sector"),
        outputs=("cluster_index",),
    ),
]
