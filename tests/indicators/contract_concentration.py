"""Contract cases for the concentration and inequality indicators."""

from __future__ import annotations

import pandas as pd

from grappes.indicators.concentration import gini, herfindahl, hoover, locational_gini, theil
from tests.indicators.contract import ContractCase
from tests.indicators.contract_specialisation import employment_table


def sparse_table() -> pd.DataFrame:
    """The contract table with a few region x sector rows left out (they count as zero)."""
    table = employment_table()
    return table.drop(index=[1, 6, 20]).reset_index(drop=True)


def with_establishments() -> pd.DataFrame:
    """The contract table with a second numeric column, to weight by."""
    table = employment_table()
    table["establishments"] = (table["employment"] // 7 + 1).astype("int64")
    return table


def population() -> pd.DataFrame:
    """A base distribution over the regions of the contract table, plus one more region."""
    return pd.DataFrame(
        {
            "region": ["MA-01", "MA-06", "MA-07", "MA-12", "MA-09"] * 2,
            "year": [2014] * 5 + [2024] * 5,
            "population": [4.1e6, 6.9e6, 4.6e6, 1.5e6, 2.7e6, 4.0e6, 7.7e6, 5.1e6, 1.7e6, 3.0e6],
        }
    )


def _case(
    name: str,
    function: object,
    *,
    keys: tuple[str, ...],
    outputs: tuple[str, ...],
    table: object = sparse_table,
    **kwargs: object,
) -> ContractCase:
    return ContractCase(
        name=name,
        function=function,  # type: ignore[arg-type]
        table=table,  # type: ignore[arg-type]
        kwargs={"by": ("year",), **kwargs},
        codes=("region", "sector"),
        values=("employment",),
        keys=keys,
        outputs=outputs,
    )


CASES = [
    _case("hoover", hoover, keys=("year", "sector"), outputs=("hoover",)),
    _case(
        "hoover_reference_percent",
        hoover,
        keys=("year", "sector"),
        outputs=("hoover",),
        reference=population(),
        reference_value="population",
        scale="percent",
    ),
    _case(
        "locational_gini", locational_gini, keys=("year", "sector"), outputs=("locational_gini",)
    ),
    _case(
        "locational_gini_reat_lq_specialisation",
        locational_gini,
        keys=("year", "region"),
        outputs=("locational_gini",),
        kind="specialisation",
        convention="reat_lq",
    ),
    _case(
        "herfindahl",
        herfindahl,
        keys=("year", "sector"),
        outputs=("herfindahl", "herfindahl_normalised", "equivalent_number"),
    ),
    _case(
        "herfindahl_across_sectors",
        herfindahl,
        keys=("year", "region"),
        outputs=("herfindahl", "herfindahl_normalised", "equivalent_number"),
        across="sectors",
    ),
    _case("theil", theil, keys=("year", "sector"), outputs=("theil",)),
    _case(
        "theil_mean_log_deviation",
        theil,
        keys=("year", "region"),
        outputs=("theil",),
        table=employment_table,
        across="sectors",
        convention="mean_log_deviation",
    ),
    ContractCase(
        name="gini_weighted",
        function=gini,
        table=with_establishments,
        kwargs={"by": ("year", "sector"), "weight": "establishments"},
        codes=(),
        values=("employment", "establishments"),
        keys=("year", "sector"),
        outputs=("gini",),
    ),
    ContractCase(
        name="gini_maximum",
        function=gini,
        table=employment_table,
        kwargs={"by": ("year",), "normalisation": "maximum"},
        codes=(),
        values=("employment",),
        keys=("year",),
        outputs=("gini",),
    ),
]
