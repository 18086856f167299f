"""Write lfs_emp_nuts2_a10_2008_2015.csv from the shared Eurostat file (see README.md).

Run from the repository root: .venv/bin/python tests/reference/eurostat_panel/make_extract.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SOURCE = Path("/work/shared/data/eurostat/lfs_emp_nace_sections_nuts012_2008_2015.csv")
TARGET = Path(__file__).with_name("lfs_emp_nuts2_a10_2008_2015.csv")
GROUPS = ["A", "B-E", "F", "G-I", "J", "K", "L", "M_N", "O-Q", "R-U"]


def main() -> None:
    raw = pd.read_csv(SOURCE, dtype={"geo": str, "nace_r2": str, "flag": str})
    nuts2 = raw[
        (raw["nuts_level"] == 2)
        & raw["nace_r2"].isin(GROUPS)
        # EA17 ... EU28 are four-character aggregates filed at level 2, not regions.
        & ~raw["geo"].str[:2].isin(["EA", "EU"])
    ]
    wide = nuts2.pivot_table(index="geo", columns=["year", "nace_r2"], values="value_ths")
    complete = wide.index[wide.notna().all(axis=1) & (wide.shape[1] == 8 * len(GROUPS))]
    kept = nuts2[nuts2["geo"].isin(complete) & nuts2["year"].isin([2008, 2015])]
    kept = kept.rename(columns={"geo": "region", "nace_r2": "sector", "value_ths": "employment"})[
        ["region", "sector", "year", "employment", "flag"]
    ]
    kept.sort_values(["region", "sector", "year"]).to_csv(TARGET, index=False)


if __name__ == "__main__":
    main()
