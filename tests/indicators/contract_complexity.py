"""Contract cases for the complexity indicators (ECI, PCI, complexity outlook)."""

from __future__ import annotations

from grappes.indicators.complexity import complexity_outlook, eci, pci
from tests.indicators.contract import ContractCase
from tests.indicators.contract_relatedness import employment_table

CASES = [
    ContractCase(
        name="eci",
        function=eci,
        table=employment_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region"),
        outputs=("eci",),
    ),
    ContractCase(
        name="pci",
        function=pci,
        table=employment_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "sector"),
        outputs=("pci",),
    ),
    ContractCase(
        name="complexity_outlook",
        function=complexity_outlook,
        table=employment_table,
        kwargs={"by": ("year",)},
        codes=("region", "sector"),
        values=("employment",),
        keys=("year", "region", "sector"),
        outputs=("coi", "cog"),
    ),
]
