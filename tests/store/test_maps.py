"""The home map's census datasets: a census at a level names a bundled dataset, or is refused."""

from __future__ import annotations

import pytest

from grappes.errors import InvalidInputError
from grappes.store import maps


def test_every_census_at_every_map_level_names_its_bundled_dataset() -> None:
    # the names written out, not rebuilt from the same format as census_dataset's
    assert {
        (c, level): maps.census_dataset(c, level)
        for c in maps.CENSUSES
        for level in maps.MAP_LEVELS
    } == {
        ("2024", "region"): "hcp-2024-establishments-region",
        ("2024", "province"): "hcp-2024-establishments-province",
        ("2014", "region"): "hcp-2014-employment-region",
        ("2014", "province"): "hcp-2014-employment-province",
    }


def test_a_census_not_bundled_at_a_level_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # communes: the 2024 census is bundled at that level, the 2014 one is not
    monkeypatch.setattr(maps, "MAP_LEVELS", (*maps.MAP_LEVELS, "commune"))
    assert maps.census_dataset("2024", "commune") == "hcp-2024-establishments-commune"
    message = (
        "census_dataset: the 2014 census (employment) is not bundled at level 'commune'; "
        "expected the name of one of its bundled datasets ('hcp-2014-employment-region', "
        "'hcp-2014-employment-province'); got 'hcp-2014-employment-commune'"
    )
    with pytest.raises(InvalidInputError) as raised:
        maps.census_dataset("2014", "commune")
    assert str(raised.value) == message


def test_a_census_without_any_bundled_dataset_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    censuses = {**maps.CENSUSES, "2004": maps.Census(2004, "establishments", "HCP_ESTABLISHMENTS")}
    monkeypatch.setattr(maps, "CENSUSES", censuses)
    with pytest.raises(
        InvalidInputError,
        match=r"2004 census \(establishments\) is not bundled at level 'region'; expected the "
        r"name of one of its bundled datasets \(none\); got 'hcp-2004-establishments-region'",
    ):
        maps.census_dataset("2004", "region")


@pytest.mark.parametrize(
    ("census", "level", "message"),
    [
        ("2004", "region", "census must be one of '2024', '2014'; got '2004'"),
        ("2024", "commune", "level must be one of 'region', 'province'; got 'commune'"),
        ("2024", "country", "level must be one of 'region', 'province'; got 'country'"),
    ],
)
def test_an_unknown_census_or_level_is_refused(census: str, level: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=f"^census_dataset: {message}$"):
        maps.census_dataset(census, level)
