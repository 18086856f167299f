"""Indicators: tidy table in, tidy table out.

Every function takes a long table (one row per region x sector, optionally x year), named
column roles as keywords, and returns a long table with the key columns and one column named
after the indicator. pandas in gives pandas out; an Ibis table in (DuckDB, Polars, Spark)
gives a lazy Ibis table out, computed by that engine.
"""

from grappes.indicators.agglomeration import (
    coagglomeration,
    ellison_glaeser,
    litzenberger_sternberg,
    maurel_sedillot,
)
from grappes.indicators.complexity import complexity_outlook, eci, pci
from grappes.indicators.concentration import gini, herfindahl, hoover, locational_gini, theil
from grappes.indicators.diversity import entropy
from grappes.indicators.relatedness import proximity, rca, relatedness_density
from grappes.indicators.shift_share import shift_share
from grappes.indicators.specialisation import krugman, location_quotient

__all__ = [
    "coagglomeration",
    "complexity_outlook",
    "eci",
    "ellison_glaeser",
    "entropy",
    "gini",
    "herfindahl",
    "hoover",
    "krugman",
    "litzenberger_sternberg",
    "location_quotient",
    "locational_gini",
    "maurel_sedillot",
    "pci",
    "proximity",
    "rca",
    "relatedness_density",
    "shift_share",
    "theil",
]
