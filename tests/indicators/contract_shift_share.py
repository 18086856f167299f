"""Contract cases for shift-share analysis: one per method, both levels."""

from __future__ import annotations

import numpy as np
import pandas as pd

from grappes.indicators.shift_share import shift_share
from tests.indicators.contract import ContractCase


def panel_table() -> pd.DataFrame:
    """Four regions x four sectors x three years, every cell positive, uneven structure and
    growth (so that no component is a near-cancellation that engines would round apart)."""
    rng = np.random.default_rng(20240917)
    regions = ("MA-01", "MA-06", "MA-07", "MA-12")
    sectors = ("C", "F", "G", "I")
    start = rng.integers(20, 500, size=(len(regions), len(sectors))).astype(float)
    rows = []
    for year in (2014, 2019, 2024):
        for r, region in enumerate(regions):
            for s, sector in enumerate(sectors):
                rows.append((region, sector, year, float(start[r, s])))
        start = np.round(start * rng.uniform(0.6, 1.6, size=start.shape), 1)
    return pd.DataFrame(rows, columns=["region", "sector", "year", "employment"])


def _case(method: str, level: str) -> ContractCase:
    from grappes.indicators.shift_share import COMPONENTS

    keys = ("region",) if level == "region" else ("region", "sector")
    return ContractCase(
        name=f"shift_share_{method}_{level}",
        function=shift_share,
        table=panel_table,
        kwargs={"method": method, "level": level},
        codes=("region", "sector"),
        values=("employment",),
        keys=keys,
        outputs=COMPONENTS[method],
    )


CASES = [
    _case(method, level)
    for method in ("dunn", "esteban_marquillas", "arcelus", "dynamic", "gerfin")
    for level in ("sector", "region")
]
