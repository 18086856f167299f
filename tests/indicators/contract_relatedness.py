"""Contract cases for the relatedness indicators (RCA, proximity, relatedness density)."""

from __future__ import annotations

import pandas as pd

from grappes.indicators.relatedness import proximity, rca, relatedness_density
from tests.indicators.contract import ContractCase


def employment_table() -> pd.DataFrame:
    """Eight regions x six sectors x two years, from fixed integers (the same rule as
    ``tests/reference/complexity/make_reference.py``): every region and sector has a
    presence and no RCA sits on the threshold."""
    rows = []
    state = 12345
    for year in (2014, 2024):
        for r in range(1, 9):
            for sector in "ABCDEF":
                state = (1103515245 * state + 12345) % 2**31
                rows.append((f"R{r:02d}", sector, year, float(10 + state % 990)))
    return pd.DataFrame(rows, columns=["region", "sector", "year", "employment"])


CASES = [
    ContractCase(
        name="rca",
        function=rca,
        table=employment_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region", "sector"),
        outputs=("rca", "presence"),
    ),
    ContractCase(
        name="proximity",
        function=proximity,
        table=employment_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "sector_a", "sector_b"),
        outputs=("proximity",),
    ),
    ContractCase(
        name="relatedness_density",
        function=relatedness_density,
        table=employment_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region", "sector"),
        outputs=("density",),
    ),
]
