"""Generate the complexity reference values with py-ecomplexity (Growth Lab, Harvard CID).

Run in a throwaway environment, never in the project's (py-ecomplexity is not a dependency):

    python3 -m venv /tmp/eco && /tmp/eco/bin/pip install ecomplexity==0.5.3
    /tmp/eco/bin/python tests/reference/complexity/make_reference.py

It writes ``input.csv`` (the region x sector x year employment table, built here from fixed
integers), ``ecomplexity_expected.csv`` (``ecomplexity.ecomplexity``'s output for every row)
and ``ecomplexity_proximity.csv`` (``ecomplexity.proximity``'s). See README.md.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import ecomplexity
import pandas as pd

HERE = Path(__file__).resolve().parent

REGIONS = [f"R{i:02d}" for i in range(1, 9)]
SECTORS = ["A", "B", "C", "D", "E", "F"]


def employment_table() -> pd.DataFrame:
    """Eight regions x six sectors x two years; fixed integers from a small congruential rule,
    so no RCA falls exactly on the threshold of 1."""
    rows = []
    state = 12345
    for year in (2014, 2024):
        for region in REGIONS:
            for sector in SECTORS:
                state = (1103515245 * state + 12345) % 2**31
                rows.append((region, sector, year, 10 + state % 990))
    return pd.DataFrame(rows, columns=["region", "sector", "year", "employment"])


def main() -> None:
    table = employment_table()
    table.to_csv(HERE / "input.csv", index=False)
    out = ecomplexity.ecomplexity(
        table,
        {"time": "year", "loc": "region", "prod": "sector", "val": "employment"},
        presence_test="rca",
        rca_mcp_threshold=1,
        check_logsupermodularity=False,
        verbose=False,
    )
    columns = [
        "year",
        "region",
        "sector",
        "rca",
        "mcp",
        "diversity",
        "ubiquity",
        "eci",
        "pci",
        "density",
        "coi",
        "cog",
    ]
    out = out[columns].sort_values(["year", "region", "sector"]).reset_index(drop=True)
    out.to_csv(HERE / "ecomplexity_expected.csv", index=False, float_format="%.17g")
    phi = ecomplexity.proximity(
        table,
        {"time": "year", "loc": "region", "prod": "sector", "val": "employment"},
        presence_test="rca",
        rca_mcp_threshold=1,
    )
    phi.to_csv(HERE / "ecomplexity_proximity.csv", index=False, float_format="%.17g")
    print(
        "ecomplexity",
        version("ecomplexity"),
        "numpy",
        version("numpy"),
        "pandas",
        version("pandas"),
    )


if __name__ == "__main__":
    main()
