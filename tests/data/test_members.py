"""Tests of grappes.data.members: member counts read from the organisations' status notes.

Reference values: the ``status_note`` column of the bundled
``maghreb_cluster_organisations.csv``, read by hand (the expected values below were written
from the file, not from the parser's output).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from grappes.data import organisations
from grappes.data.members import MEMBER_QUALIFIERS, MemberCount, member_count
from grappes.errors import InvalidInputError

#: Every organisation whose note gives a member count: (members, qualifier, year, founding).
EXPECTED: dict[str, tuple[int, str, int | None, bool]] = {
    # "contrat-programme Sept 2011; ECEI Bronze 2012; 42 members": the count is a statement
    # of its own, with no year; 2011 and 2012 date other statements.
    "MA-002": (42, "exact", None, False),
    # ">200 members and 50 collaborative projects (2022)"
    "MA-005": (200, "more_than", 2022, False),
    # "~12 founding members": no year in the note (year_reported 2013 is not used).
    "MA-006": (12, "about", None, True),
    # "launched 24 May 2017 with 16 members": the members at its launch.
    "DZ-004": (16, "exact", 2017, True),
}

#: Organisations whose note counts something that might be members, deliberately not read
#: as a member count, and why.
NOT_PARSED: dict[str, str] = {
    "MA-007": "'created by 7 firms': founding firms, which the note does not call members",
    "TN-001": (
        "'96 firms; 31730 employees; 9 institutions': the cluster's firms and institutions, "
        "not said to be members; adding firms and institutions would mix two counts"
    ),
    "DZ-001": "'~20 producers': the producers of the grouping, not called members",
}

#: Words of a note that may announce a count of members.
_MEMBERISH = re.compile(
    r"member|membre|adhérent|firm|producer|institution|compan|entreprise|enterprise",
    re.IGNORECASE,
)


def test_every_bundled_count_as_read_by_hand() -> None:
    table = organisations.cluster_organisations().set_index("id")
    read = {}
    for ident, row in table.iterrows():
        if pd.notna(row["members"]):
            year = None if pd.isna(row["members_year"]) else int(row["members_year"])
            read[ident] = (
                int(row["members"]),
                row["members_qualifier"],
                year,
                bool(row["members_founding"]),
            )
    assert read == EXPECTED
    without = table.drop(index=list(EXPECTED))
    columns = ["members", "members_qualifier", "members_year", "members_founding"]
    assert without[columns].isna().all().all()
    assert str(table["members"].dtype) == "Int64"
    assert str(table["members_year"].dtype) == "Int64"
    assert str(table["members_founding"].dtype) == "boolean"
    assert set(table["members_qualifier"].dropna()) <= set(MEMBER_QUALIFIERS)


def test_every_note_about_members_is_read_or_listed_as_not_read() -> None:
    table = organisations.cluster_organisations()
    mentioning = {
        ident
        for ident, note in zip(table["id"], table["status_note"], strict=True)
        if isinstance(note, str) and _MEMBERISH.search(note)
    }
    assert mentioning == set(EXPECTED) | set(NOT_PARSED)
    assert not set(EXPECTED) & set(NOT_PARSED)
    notes = table.set_index("id")["status_note"]
    for ident in NOT_PARSED:
        assert member_count(notes[ident]) is None, ident


def test_the_statement_a_count_was_read_from() -> None:
    found = member_count("contrat-programme Sept 2011; ECEI Bronze 2012; 42 members")
    assert found == MemberCount(42, "exact", None, False, "42 members")


@pytest.mark.parametrize(
    ("note", "members", "qualifier"),
    [
        ("42 members", 42, "exact"),
        ("1 member", 1, "exact"),
        (">200 members", 200, "more_than"),
        ("more than 200 members", 200, "more_than"),
        ("over 45 members", 45, "more_than"),
        ("plus de 200 membres", 200, "more_than"),
        ("plus d'1 200 membres", 1200, "more_than"),
        ("≥ 30 members", 30, "at_least"),
        ("at least 30 members", 30, "at_least"),
        ("au moins 30 adhérents", 30, "at_least"),
        ("200+ members", 200, "at_least"),
        ("~12 members", 12, "about"),
        ("around 12 members", 12, "about"),
        ("about 1,200 members", 1200, "about"),
        ("environ 12 membres", 12, "about"),
        ("près de 60 membres", 60, "about"),
        ("96 member firms", 96, "exact"),
    ],
)
def test_qualifiers(note: str, members: int, qualifier: str) -> None:
    found = member_count(note)
    assert found is not None
    assert (found.members, found.qualifier) == (members, qualifier)


@pytest.mark.parametrize(
    ("note", "founding"),
    [
        ("~12 founding members", True),
        ("12 membres fondateurs", True),
        ("launched 24 May 2017 with 16 members", True),
        ("créé en 2015 avec 10 membres", True),
        ("16 members at the 2017 launch", False),  # not said to be the founding members
        ("42 members", False),
    ],
)
def test_founding_members(note: str, founding: bool) -> None:
    found = member_count(note)
    assert found is not None
    assert found.founding is founding


@pytest.mark.parametrize(
    ("note", "year"),
    [
        (">200 members and 50 collaborative projects (2022)", 2022),
        ("2000 members (2021)", 2021),  # the count is no year
        ("2000 members", None),
        ("labelled 2016; 30 members", None),  # another statement's year is not the count's
        ("launched 24 May 2017 with 16 members", 2017),
    ],
)
def test_year_of_the_same_statement_only(note: str, year: int | None) -> None:
    found = member_count(note)
    assert found is not None
    assert found.year == year


@pytest.mark.parametrize(
    "note",
    [
        None,
        "",
        "   ",
        "created by 7 firms",
        "~20 producers",
        "member of Maroc Cluster",
        "labelled Nov 2016; MAD 2m/yr over 3 yrs",
        "listed by IPEMED 2014/2019",
    ],
)
def test_notes_without_a_member_count(note: str | None) -> None:
    assert member_count(note) is None


def test_two_member_counts_are_refused() -> None:
    with pytest.raises(InvalidInputError, match=r"at most one member count.*got 2 \('12 found"):
        member_count("12 founding members; 40 members (2020)")


def test_a_bundled_note_with_two_counts_is_a_damaged_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = organisations.files("grappes.data") / "bundled" / "organisations"
    text = (source / "maghreb_cluster_organisations.csv").read_text(encoding="utf-8")
    assert text.count("~12 founding members") == 1
    folder = tmp_path / "bundled" / "organisations"
    folder.mkdir(parents=True)
    damaged = text.replace("~12 founding members", "~12 founding members; 40 members")
    (folder / "maghreb_cluster_organisations.csv").write_text(damaged, encoding="utf-8")
    monkeypatch.setattr(organisations, "files", lambda package: tmp_path)
    organisations._organisations.cache_clear()
    try:
        with pytest.raises(InvalidInputError, match=r"row 7, column 'status_note'.*one member"):
            organisations.cluster_organisations()
    finally:
        monkeypatch.undo()
        organisations._organisations.cache_clear()
    assert organisations.cluster_organisations().set_index("id").loc["MA-006", "members"] == 12
