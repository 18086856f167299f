"""Tests of grappes.data.organisations: the Maghreb's real cluster organisations.

Reference figures: the bundled README (copied from shared/data/clusters/README.md): 41
organisations, 16 in Morocco, 16 in Tunisia (8 clusters, 8 poles / technoparks), 9 in Algeria.
"""

from __future__ import annotations

import pandas as pd
import pytest

from grappes.data import organisations
from grappes.errors import InvalidInputError
from grappes.tables import ACTORS


def test_all_organisations() -> None:
    table = organisations.cluster_organisations()
    assert list(table.columns) == [
        "id",
        "country",
        "name",
        "sector",
        "city",
        "region",
        "region_inferred",
        "year_reported",
        "status_note",
        "key_partners",
        "source_url",
        "members",
        "members_qualifier",
        "members_year",
        "members_founding",
    ]
    assert len(table) == 41
    assert table["country"].value_counts().to_dict() == {"MA": 16, "TN": 16, "DZ": 9}
    assert table["id"].is_unique
    assert table["id"].str.startswith("TN-P").sum() == 8
    assert table["region_inferred"].dtype == bool
    assert table["region_inferred"].all()
    assert str(table["year_reported"].dtype) == "Int64"
    assert table["source_url"].str.startswith(("http://", "https://")).all()


def test_one_organisation_as_the_source_gives_it() -> None:
    table = organisations.cluster_organisations().set_index("id")
    # Row MA-005 of the bundled CSV (source: lematin.ma, 2022).
    solar = table.loc["MA-005"]
    assert solar["city"] == "Rabat"
    assert solar["region"] == "MA-04"
    assert solar["year_reported"] == 2014
    assert solar["key_partners"][:2] == ("MASEN", "ONEE")
    assert len(solar["key_partners"]) == 8
    # Row MA-001: no city, no region, no partner in the sources.
    first = table.loc["MA-001"]
    assert pd.isna(first["city"])
    assert pd.isna(first["region"])
    assert first["key_partners"] == ()
    # Row MA-012: no year in the sources.
    assert pd.isna(table.loc["MA-012", "year_reported"])


@pytest.mark.parametrize(("country", "rows"), [("MA", 16), ("TN", 16), ("DZ", 9), ("LY", 0)])
def test_country_filter(country: str, rows: int) -> None:
    table = organisations.cluster_organisations(country=country)
    assert len(table) == rows
    assert (table["country"] == country).all()
    assert table["region"].dropna().str.startswith(f"{country}-").all()


@pytest.mark.parametrize("country", ["FR", "ma", "Morocco", ""])
def test_unknown_country_is_an_error(country: str) -> None:
    with pytest.raises(InvalidInputError, match=f"country must be None or one of.*{country!r}"):
        organisations.cluster_organisations(country=country)
    with pytest.raises(InvalidInputError, match="actors: country"):
        organisations.actors(country=country)


def test_actors_table() -> None:
    table = organisations.actors()
    assert tuple(table.columns) == ACTORS.names
    assert len(table) == 41
    assert set(table["kind"]) == {"cluster_organisation"}
    assert table["sector"].isna().all()  # the sources describe sectors in words only
    assert organisations.actors(country="DZ")["id"].tolist() == [f"DZ-00{n}" for n in range(1, 10)]
    casablanca = table.set_index("id").loc["MA-002"]
    assert (casablanca["city"], casablanca["region"]) == ("Casablanca", "MA-06")


def test_returned_tables_are_copies() -> None:
    table = organisations.cluster_organisations()
    table.loc[:, "name"] = "x"
    assert organisations.cluster_organisations()["name"].iloc[0].startswith("CE3M")


def test_sources() -> None:
    (entry,) = organisations.sources()
    assert set(entry) == {"name", "source", "licence", "url", "changes"}
