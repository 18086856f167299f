"""Contract cases for the specialisation indicators."""

from __future__ import annotations

import pandas as pd

from grappes.indicators import location_quotient
from tests.indicators.contract import ContractCase


def employment_table() -> pd.DataFrame:
    """A small region x sector x year table with uneven structure (two years)."""
    rows = []
    for year, factor in ((2014, 1.0), (2024, 1.3)):
        for r, region in enumerate(("MA-01", "MA-06", "MA-07", "MA-12")):
            for s, sector in enumerate(("C", "F", "G", "I")):
                rows.append((region, sector, year, float((r + 1) * (s + 2) ** 2 * factor + s)))
    return pd.DataFrame(rows, columns=["region", "sector", "year", "employment"])


CASES = [
    ContractCase(
        name="location_quotient",
        function=location_quotient,
        table=employment_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region", "sector"),
        outputs=("location_quotient",),
    ),
]
