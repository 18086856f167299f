"""Contract cases for Krugman's dissimilarity index."""

from __future__ import annotations

from grappes.indicators.specialisation import krugman
from tests.indicators.contract import ContractCase
from tests.indicators.contract_concentration import sparse_table

CASES = [
    ContractCase(
        name="krugman",
        function=krugman,
        table=sparse_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region"),
        outputs=("krugman",),
    ),
    ContractCase(
        name="krugman_concentration_mean_of_others",
        function=krugman,
        table=sparse_table,
        kwargs={"by": ("year",), "kind": "concentration", "comparison": "mean_of_others"},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "sector"),
        outputs=("krugman",),
    ),
    ContractCase(
        name="krugman_total_half",
        function=krugman,
        table=sparse_table,
        kwargs={"by": ("year",), "comparison": "total", "normalisation": "half"},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region"),
        outputs=("krugman",),
    ),
]
