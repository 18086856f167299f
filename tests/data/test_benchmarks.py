"""Tests of grappes.data.benchmarks: the paper's figures on foreign cluster programmes.

Reference figures: the bundled CSV and its README (copied from shared/data/benchmarks/),
which transcribe the paper: 36 figures for ES, DK, SE, IT, DE, FR, US, JP.
"""

from __future__ import annotations

import pandas as pd
import pytest

from grappes.data import benchmarks
from grappes.errors import InvalidInputError


def test_all_figures() -> None:
    table = benchmarks.paper_programmes()
    assert list(table.columns) == [
        "country",
        "region",
        "programme",
        "metric",
        "value",
        "unit",
        "year",
        "note",
    ]
    assert len(table) == 36
    # Counted by hand in the paper's sections: Italy 7, Denmark, Sweden, Germany 5 each, Spain
    # and Japan 4 each, France and the United States 3 each.
    assert table["country"].value_counts().to_dict() == {
        "IT": 7,
        "DK": 5,
        "SE": 5,
        "DE": 5,
        "ES": 4,
        "JP": 4,
        "FR": 3,
        "US": 3,
    }
    assert table["value"].dtype == "float64"
    assert str(table["year"].dtype) == "Int64"
    assert pd.api.types.is_string_dtype(table["country"])


def test_named_figures() -> None:
    table = benchmarks.paper_programmes().set_index(["country", "metric"])
    # The paper: Basque Country, 13 priority clusters making 45% of regional GDP.
    assert table.loc[("ES", "priority_clusters"), "value"] == 13
    assert table.loc[("ES", "share_of_regional_gdp"), "value"] == 45
    # The paper: Italy's industrial districts, 42.5% of manufacturing employment.
    assert table.loc[("IT", "share_of_manufacturing_employment"), "value"] == 42.5
    # The paper: Sweden's 69 competitiveness poles in 2005.
    poles = table.loc[("SE", "poles")]
    assert (poles["value"], poles["year"]) == (69, 2005)
    # No year given for Italy's 200 districts.
    assert pd.isna(table.loc[("IT", "districts"), "year"])


@pytest.mark.parametrize(("country", "rows"), [("DK", 5), ("JP", 4), ("FR", 3), ("MA", 0)])
def test_country_filter(country: str, rows: int) -> None:
    table = benchmarks.paper_programmes(country=country)
    assert len(table) == rows
    assert (table["country"] == country).all()


@pytest.mark.parametrize("country", ["XX", "dk", "DNK", ""])
def test_unknown_country_is_an_error(country: str) -> None:
    with pytest.raises(InvalidInputError, match=f"ISO 3166-1 alpha-2 code.*{country!r}"):
        benchmarks.paper_programmes(country=country)


def test_returned_tables_are_copies() -> None:
    table = benchmarks.paper_programmes()
    table.loc[:, "value"] = -1.0
    assert (benchmarks.paper_programmes()["value"] > 0).all()


def test_sources() -> None:
    (entry,) = benchmarks.sources()
    assert entry["name"] == "paper_programmes"
    assert set(entry) == {"name", "source", "licence", "url", "changes"}
