"""RCA, proximity and relatedness density: reference values, properties and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.errors import InvalidInputError
from grappes.indicators.relatedness import proximity, rca, relatedness_density
from tests.conftest import RTOL


def nested() -> pd.DataFrame:
    """The hand-computed case: presence M (regions A, B, C x sectors x, y, z)

        A: 1 1 1    diversity 3
        B: 1 1 0              2
        C: 1 0 0              1      ubiquity x 3, y 2, z 1

    given as employment 0/1. With E = 6, RCA = M * E / (k_r k_s): A-x 6/9 = 2/3, A-y 1,
    A-z 2, B-x 1, B-y 3/2, C-x 2; every RCA of a held sector is >= 2/3 and the others are 0,
    so threshold 0.5 gives back M exactly."""
    return pd.DataFrame(
        {"region": list("AAABBC"), "sector": list("xyzxyx"), "employment": [1.0] * 6}
    )


def reference(name: str, reference_dir: Path) -> pd.DataFrame:
    return pd.read_csv(reference_dir / "complexity" / name, dtype={"region": str, "sector": str})


def test_rca_hand_computed() -> None:
    result = rca(nested(), threshold=0.5).set_index(["region", "sector"])
    # RCA = M * E / (k_r k_s) with E = 6 (see nested()).
    expected = {("A", "x"): 2 / 3, ("A", "y"): 1.0, ("A", "z"): 2.0, ("B", "x"): 1.0,
                ("B", "y"): 1.5, ("C", "x"): 2.0}  # fmt: skip
    for key, value in expected.items():
        assert result.loc[key, "rca"] == pytest.approx(value, rel=1e-12)
    assert result.presence.tolist() == [1] * 6
    # At the usual threshold of 1, A-x (2/3) drops out; A-y and B-x (exactly 1) stay in.
    at_one = rca(nested()).set_index(["region", "sector"]).presence
    assert at_one[("A", "x")] == 0
    assert at_one[("A", "y")] == 1
    assert at_one[("B", "x")] == 1


def test_proximity_hand_computed() -> None:
    # Co-occurrence M'M: xy 2, xz 1, yz 1; ubiquity x 3, y 2, z 1.
    # φ_xy = min(2/3, 2/2) = 2/3; φ_xz = min(1/3, 1/1) = 1/3; φ_yz = min(1/2, 1/1) = 1/2.
    result = proximity(nested(), threshold=0.5).set_index(["sector_a", "sector_b"]).proximity
    assert result[("x", "y")] == pytest.approx(2 / 3, rel=1e-12)
    assert result[("x", "z")] == pytest.approx(1 / 3, rel=1e-12)
    assert result[("y", "z")] == pytest.approx(1 / 2, rel=1e-12)
    assert result[("z", "y")] == result[("y", "z")]
    assert [result[(s, s)] for s in "xyz"] == [1.0, 1.0, 1.0]
    zero = proximity(nested(), threshold=0.5, diagonal="zero")
    assert zero[zero.sector_a == zero.sector_b].proximity.tolist() == [0.0, 0.0, 0.0]
    omit = proximity(nested(), threshold=0.5, diagonal="omit")
    assert len(omit) == 6
    assert (omit.sector_a != omit.sector_b).all()


def test_density_hand_computed() -> None:
    # Diagonal 0: column totals of φ are x 2/3 + 1/3 = 1, y 2/3 + 1/2 = 7/6, z 1/3 + 1/2 = 5/6.
    # B holds x, y: d_Bx = φ_yx / 1 = 2/3; d_By = φ_xy / (7/6) = 4/7;
    # d_Bz = (1/3 + 1/2) / (5/6) = 1.
    # C holds x: d_Cx = 0; d_Cy = (2/3) / (7/6) = 4/7; d_Cz = (1/3) / (5/6) = 2/5. A holds all: 1.
    zero = relatedness_density(nested(), threshold=0.5).set_index(["region", "sector"]).density
    expected_zero = [1, 1, 1, 2 / 3, 4 / 7, 1, 0, 4 / 7, 2 / 5]
    np.testing.assert_allclose(zero.to_numpy(), expected_zero, rtol=1e-12)
    # Diagonal 1: totals x 2, y 13/6, z 11/6. d_Bx = (1 + 2/3) / 2 = 5/6, d_By = (2/3 + 1) /
    # (13/6) = 10/13, d_Bz = (1/3 + 1/2) / (11/6) = 5/11; d_Cx = 1/2, d_Cy = (2/3) / (13/6) =
    # 4/13, d_Cz = (1/3) / (11/6) = 2/11.
    one = relatedness_density(nested(), threshold=0.5, diagonal="one")
    expected_one = [1, 1, 1, 5 / 6, 10 / 13, 5 / 11, 1 / 2, 4 / 13, 2 / 11]
    np.testing.assert_allclose(one.density.to_numpy(), expected_one, rtol=1e-12)
    # Boschma, Balland & Kogler (2015) report density x 100.
    percent = relatedness_density(nested(), threshold=0.5, scale="percent")
    np.testing.assert_allclose(percent.density.to_numpy(), np.array(expected_zero) * 100)
    omit = relatedness_density(nested(), threshold=0.5, diagonal="omit")
    np.testing.assert_allclose(omit.density.to_numpy(), expected_zero, rtol=1e-12)


def test_rca_matches_py_ecomplexity(reference_dir: Path) -> None:
    # py-ecomplexity 0.5.3 on tests/reference/complexity/input.csv (see the README there).
    table = reference("input.csv", reference_dir)
    expected = reference("ecomplexity_expected.csv", reference_dir)
    got = rca(table, by=("year",)).merge(expected, on=["year", "region", "sector"])
    assert len(got) == len(table) == 96
    np.testing.assert_allclose(got.rca_x, got.rca_y, rtol=RTOL)
    assert (got.presence == got.mcp).all()
    assert got.presence.sum() == 49


def test_proximity_matches_py_ecomplexity(reference_dir: Path) -> None:
    # ecomplexity.proximity 0.5.3 keeps the diagonal at 1: diagonal="one".
    table = reference("input.csv", reference_dir)
    expected = reference("ecomplexity_proximity.csv", reference_dir).rename(
        columns={"sector_1": "sector_a", "sector_2": "sector_b"}
    )
    expected = expected.astype({"sector_a": str, "sector_b": str})
    got = proximity(table, by=("year",)).merge(expected, on=["year", "sector_a", "sector_b"])
    assert len(got) == 2 * 6 * 6
    np.testing.assert_allclose(got.proximity_x, got.proximity_y, rtol=RTOL, atol=1e-15)
    one = got.set_index(["year", "sector_a", "sector_b"]).proximity_x
    assert one[(2014, "A", "B")] == pytest.approx(0.2)  # printed as 0.2 by py-ecomplexity


def test_density_matches_py_ecomplexity(reference_dir: Path) -> None:
    # py-ecomplexity 0.5.3's density keeps the proximity diagonal at 1: diagonal="one".
    table = reference("input.csv", reference_dir)
    expected = reference("ecomplexity_expected.csv", reference_dir)
    got = relatedness_density(table, by=("year",), diagonal="one")
    got = got.merge(expected, on=["year", "region", "sector"])
    assert len(got) == 96
    np.testing.assert_allclose(got.density_x, got.density_y, rtol=RTOL, atol=1e-15)
    # The Stata command's diagonal 0 gives different numbers on the same input.
    stata = relatedness_density(table, by=("year",)).merge(expected)
    assert not np.allclose(stata.density, got.density_y)


codes = st.sampled_from(["MA-01", "MA-02", "MA-03", "MA-04", "MA-05", "MA-06"])


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    regions = draw(st.lists(codes, min_size=3, max_size=6, unique=True))
    sectors = draw(st.lists(st.sampled_from("ABCDEFG"), min_size=2, max_size=6, unique=True))
    n = len(regions) * len(sectors)
    values = draw(st.lists(st.integers(1, 1000), min_size=n, max_size=n))
    rows = [(r, s) for r in regions for s in sectors]
    return pd.DataFrame(
        {
            "region": [r for r, _ in rows],
            "sector": [s for _, s in rows],
            "employment": [float(v) for v in values],
        }
    )


def relabel(table: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """New codes whose sorted order is the reverse of the old ones'."""
    regions = sorted(table.region.unique())
    sectors = sorted(table.sector.unique())
    region_map = {code: f"r{len(regions) - i:02d}" for i, code in enumerate(regions)}
    sector_map = {code: f"s{len(sectors) - i:02d}" for i, code in enumerate(sectors)}
    renamed = table.assign(region=table.region.map(region_map), sector=table.sector.map(sector_map))
    return renamed, region_map, sector_map


@settings(max_examples=30, deadline=None)
@given(tables())
def test_density_free_of_row_order_and_codes(table: pd.DataFrame) -> None:
    base = relatedness_density(table, on_no_presence="nan")
    shuffled = relatedness_density(table.sample(frac=1.0, random_state=3), on_no_presence="nan")
    pd.testing.assert_frame_equal(shuffled, base, rtol=1e-12)
    renamed, region_map, sector_map = relabel(table)
    again = relatedness_density(renamed, on_no_presence="nan")
    back = base.assign(region=base.region.map(region_map), sector=base.sector.map(sector_map))
    merged = back.merge(again, on=["region", "sector"])
    assert len(merged) == len(base)
    np.testing.assert_allclose(merged.density_x, merged.density_y, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(tables(), st.sampled_from(["one", "zero"]))
def test_density_is_a_share(table: pd.DataFrame, diagonal: str) -> None:
    density = relatedness_density(table, diagonal=diagonal, on_no_presence="nan").density  # type: ignore[arg-type]
    defined = density.dropna()
    assert ((defined >= 0) & (defined <= 1 + 1e-12)).all()
    if diagonal == "one":  # every sector of a table at threshold 1 is held somewhere
        assert density.notna().all()


@settings(max_examples=30, deadline=None)
@given(tables())
def test_proximity_is_symmetric_and_a_probability(table: pd.DataFrame) -> None:
    phi = proximity(table).set_index(["sector_a", "sector_b"]).proximity
    flipped = phi.reorder_levels([1, 0])
    pd.testing.assert_series_equal(phi, flipped.sort_index(), check_names=False)
    assert ((phi >= 0) & (phi <= 1)).all()
    diagonal = phi[[a == b for a, b in phi.index]]
    assert (diagonal == 1).all()


def test_by_year_computes_each_year_alone(reference_dir: Path) -> None:
    table = reference("input.csv", reference_dir)
    both = relatedness_density(table, by=("year",))
    alone = relatedness_density(table[table.year == 2024].drop(columns="year"))
    got = both[both.year == 2024].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone, rtol=1e-12)


def test_absent_rows_count_as_no_presence() -> None:
    # C has no row for y and z: its density around them is still given.
    density = relatedness_density(nested(), threshold=0.5)
    assert len(density) == 9
    assert {("C", "y"), ("C", "z")} <= set(zip(density.region, density.sector, strict=True))


def test_zero_total_raises_or_gives_nan() -> None:
    table = pd.concat(
        [nested(), pd.DataFrame({"region": ["D"], "sector": ["x"], "employment": [0.0]})]
    )
    with pytest.raises(InvalidInputError, match=r"rca: every region .*region='D'"):
        rca(table, threshold=0.5)
    result = rca(table, threshold=0.5, on_zero_total="nan").set_index("region")
    assert result.rca.isna()["D"]
    assert result.loc["D", "presence"] == 0


def test_sector_present_nowhere_raises_or_gives_nan() -> None:
    # At threshold 1.9 no region has y (its largest RCA is B's, 3/2): its proximity is undefined.
    with pytest.raises(InvalidInputError, match=r"proximity: every sector must be present.*'y'"):
        proximity(nested(), threshold=1.9)
    result = proximity(nested(), threshold=1.9, on_no_presence="nan")
    assert result[(result.sector_a == "y") | (result.sector_b == "y")].proximity.isna().all()


def test_undefined_density_raises_or_gives_nan() -> None:
    # Region D holds only w, and w only there: with the diagonal at 0, w has no neighbour.
    table = pd.concat(
        [nested(), pd.DataFrame({"region": ["D"], "sector": ["w"], "employment": [5.0]})]
    )
    with pytest.raises(InvalidInputError, match=r"relatedness_density: .*undefined.*sector='w'"):
        relatedness_density(table, threshold=0.5)
    result = relatedness_density(table, threshold=0.5, on_no_presence="nan")
    assert result[result.sector == "w"].density.isna().all()
    assert result[result.sector != "w"].density.notna().all()
    # With the diagonal at 1, w is its own neighbour: D's density around w is 1.
    one = relatedness_density(table, threshold=0.5, diagonal="one").set_index(["region", "sector"])
    assert one.loc[("D", "w"), "density"] == 1.0


@pytest.mark.parametrize("threshold", [0, -1.0, float("nan"), float("inf"), True, "1"])
def test_bad_threshold_raises(threshold: object) -> None:
    functions: tuple[object, ...] = (rca, proximity, relatedness_density)
    for function in functions:
        name = getattr(function, "__name__", "")
        with pytest.raises(InvalidInputError, match=rf"{name}: threshold must be"):
            function(nested(), threshold=threshold)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("function", "option"),
    [
        (rca, "on_zero_total"),
        (proximity, "diagonal"),
        (proximity, "on_no_presence"),
        (relatedness_density, "scale"),
        (relatedness_density, "diagonal"),
        (relatedness_density, "on_no_presence"),
    ],
)
def test_bad_option_raises(function: object, option: str) -> None:
    with pytest.raises(InvalidInputError, match=rf"{option} must be one of .*got 'other'"):
        function(nested(), **{option: "other"})  # type: ignore[operator]


def test_duplicate_keys_raise() -> None:
    table = nested()
    with pytest.raises(InvalidInputError, match=r"relatedness_density: .*must identify one row"):
        relatedness_density(pd.concat([table, table.iloc[:1]]))
