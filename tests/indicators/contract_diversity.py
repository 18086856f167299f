"""Contract cases for the diversity indicators."""

from __future__ import annotations

from grappes.indicators.diversity import entropy
from tests.indicators.contract import ContractCase
from tests.indicators.contract_concentration import sparse_table

#: The contract table's sectors in two groups (manufacturing and construction; services).
HIERARCHY = {"C": "industry", "F": "industry", "G": "services", "I": "services"}

CASES = [
    ContractCase(
        name="entropy",
        function=entropy,
        table=sparse_table,
        kwargs={"by": ("year",), "base": "2"},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region"),
        outputs=("entropy",),
    ),
    ContractCase(
        name="entropy_related_variety",
        function=entropy,
        table=sparse_table,
        kwargs={"by": ("year",), "hierarchy": HIERARCHY},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region"),
        outputs=("entropy", "related_variety", "unrelated_variety"),
    ),
]
