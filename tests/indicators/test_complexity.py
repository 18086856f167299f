"""ECI, PCI, complexity outlook and gain: reference values, properties and errors."""

from __future__ import annotations

from math import sqrt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from grappes.errors import InvalidInputError
from grappes.indicators.complexity import complexity_outlook, eci, pci
from grappes.indicators.relatedness import rca
from tests.conftest import RTOL
from tests.indicators.test_relatedness import nested, reference, relabel

ROOT3 = sqrt(3)


def test_eci_pci_hand_computed() -> None:
    # nested(): M = [[1,1,1],[1,1,0],[1,0,0]] (regions A, B, C x sectors x, y, z), so
    # k_r = k_s = (3, 2, 1). M~S = U^-1 M' D^-1 M has rows x (11/18, 5/18, 2/18),
    # y (5/12, 5/12, 2/12), z (1/3, 1/3, 1/3); trace 49/36, determinant det(M)^2 / 36 = 1/36,
    # so λ = 1, 1/4, 1/9. For λ2 = 1/4 the eigenvector is q ∝ (-2, 1, 4) (row z: 4q_x + 4q_y +
    # q_z = 0; row x: 13q_x + 10q_y + 4q_z = 0). k = D^-1 M q = (1, -1/2, -2): rises with
    # diversity, so the sign stays. Stata z-score over the 9-row long table: mean -1/2,
    # sd = sqrt(3 (1.5² + 0 + 1.5²) / 8) = 3√3/4, so ECI = (2/√3, 0, -2/√3) and
    # PCI = (q - mean) / sd = (-2/√3, 2/√3, 6/√3).
    got_eci = eci(nested(), threshold=0.5).eci.to_numpy()
    np.testing.assert_allclose(got_eci, [2 / ROOT3, 0, -2 / ROOT3], rtol=1e-12, atol=1e-12)
    got_pci = pci(nested(), threshold=0.5).pci.to_numpy()
    np.testing.assert_allclose(got_pci, [-2 / ROOT3, 2 / ROOT3, 6 / ROOT3], rtol=1e-12)
    # Unstandardised: q of unit length, k = D^-1 M q.
    norm = sqrt(21)
    raw_q = pci(nested(), threshold=0.5, standardise="none").pci.to_numpy()
    np.testing.assert_allclose(raw_q, np.array([-2, 1, 4]) / norm, rtol=1e-12)
    raw_k = eci(nested(), threshold=0.5, standardise="none").eci.to_numpy()
    np.testing.assert_allclose(raw_k, np.array([1, -0.5, -2]) / norm, rtol=1e-12)
    # py-ecomplexity's ddof=0 over the 3 regions: sd = sqrt(4.5 / 3), ECI_A = 1.5 / sd = √1.5.
    python = eci(nested(), threshold=0.5, standardise="py-ecomplexity").eci.to_numpy()
    np.testing.assert_allclose(python, [sqrt(1.5), 0, -sqrt(1.5)], rtol=1e-12, atol=1e-12)


def test_outlook_hand_computed() -> None:
    # With q = (-2, 1, 4) (any scale: the results are scale-free) and the densities of
    # test_relatedness.test_density_hand_computed (diagonal 0):
    # COI_A = 0 (holds everything); COI_B = d_Bz q_z = 4; COI_C = d_Cy q_y + d_Cz q_z
    # = 4/7 + 8/5 = 76/35. Proportional to (0, 140, 76): mean 72, deviations (-72, 68, 4),
    # long-table sd = sqrt(3 (72² + 68² + 4²) / 8) = sqrt(3684).
    out = complexity_outlook(nested(), threshold=0.5)
    coi = out.groupby("region").coi.first().to_numpy()
    np.testing.assert_allclose(coi, np.array([-72, 68, 4]) / sqrt(3684), rtol=1e-12)
    # COG_rs = (1 - M_rs) Σ_k (1 - M_rk) φ_ks q_k / Σ_j φ_jk, with φ-totals x 1, y 7/6, z 5/6:
    # B lacks only z, whose φ_zz = 0: COG_Bz = 0. C lacks y, z: COG_Cy = φ_zy q_z / (5/6)
    # = (1/2)(24/5) = 12/5; COG_Cz = φ_yz q_y / (7/6) = (1/2)(6/7) = 3/7. Divided by sd(k)
    # = 3√3/4: COG_Cy = 16/(5√3), COG_Cz = 4/(7√3); every held sector gets 0.
    cog = out.set_index(["region", "sector"]).cog
    assert cog[("C", "y")] == pytest.approx(16 / (5 * ROOT3), rel=1e-12)
    assert cog[("C", "z")] == pytest.approx(4 / (7 * ROOT3), rel=1e-12)
    others = cog.drop([("C", "y"), ("C", "z")])
    assert (others == 0).all()


def _py_ecomplexity(reference_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return reference("input.csv", reference_dir), reference(
        "ecomplexity_expected.csv", reference_dir
    )


def test_eci_pci_match_py_ecomplexity(reference_dir: Path) -> None:
    # py-ecomplexity 0.5.3 on tests/reference/complexity/input.csv (see the README there);
    # it standardises with ddof=0 over regions: standardise="py-ecomplexity".
    table, expected = _py_ecomplexity(reference_dir)
    regions = expected.groupby(["year", "region"], as_index=False).eci.first()
    sectors = expected.groupby(["year", "sector"], as_index=False).pci.first()
    got = eci(table, by=("year",), standardise="py-ecomplexity").merge(
        regions, on=["year", "region"]
    )
    assert len(got) == 16
    np.testing.assert_allclose(got.eci_x, got.eci_y, rtol=RTOL, atol=1e-12)
    assert got.set_index(["year", "region"]).eci_y[(2014, "R01")] == pytest.approx(1.26899283)
    got = pci(table, by=("year",), standardise="py-ecomplexity").merge(
        sectors, on=["year", "sector"]
    )
    assert len(got) == 12
    np.testing.assert_allclose(got.pci_x, got.pci_y, rtol=RTOL, atol=1e-12)
    # Stata's long-table sd (ddof=1, 8 x 6 = 48 rows) differs by sqrt(48/47).
    stata = eci(table, by=("year",)).merge(regions, on=["year", "region"])
    np.testing.assert_allclose(stata.eci_x * sqrt(48 / 47), stata.eci_y, rtol=RTOL, atol=1e-12)


def test_outlook_matches_py_ecomplexity(reference_dir: Path) -> None:
    # py-ecomplexity 0.5.3 keeps the proximity diagonal at 1 and uses ddof=0.
    table, expected = _py_ecomplexity(reference_dir)
    got = complexity_outlook(table, by=("year",), diagonal="one", standardise="py-ecomplexity")
    got = got.merge(expected, on=["year", "region", "sector"])
    assert len(got) == 96
    np.testing.assert_allclose(got.coi_x, got.coi_y, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(got.cog_x, got.cog_y, rtol=RTOL, atol=1e-12)


def test_reflections_converge_on_the_eigenvector(reference_dir: Path) -> None:
    table, _ = _py_ecomplexity(reference_dir)
    eigen = eci(table, by=("year",))
    reflected = eci(table, by=("year",), method="reflections")
    np.testing.assert_allclose(reflected.eci, eigen.eci, rtol=1e-9, atol=1e-9)
    # The error shrinks with the rounds (as (λ3/λ2)^n): iterations is really used.
    errors = [
        (eci(table, by=("year",), method="reflections", iterations=n).eci - eigen.eci).abs().max()
        for n in (1, 4, 16)
    ]
    assert errors[0] > errors[1] > errors[2] > 0
    assert errors[0] > 1e-3


def _presence_matrix(table: pd.DataFrame, **kwargs: object) -> pd.DataFrame:
    present = rca(table, **kwargs)  # type: ignore[arg-type]
    return present.pivot(index="region", columns="sector", values="presence")


def _check_complexity_identities(table: pd.DataFrame, **kwargs: object) -> None:
    m = _presence_matrix(table, **kwargs)
    e = eci(table, **kwargs).set_index("region").eci.loc[m.index]  # type: ignore[arg-type]
    p = pci(table, **kwargs).set_index("sector").pci.loc[m.columns]  # type: ignore[arg-type]
    diversity, ubiquity = m.sum(axis=1), m.sum(axis=0)
    # Sign guard (METHODS.md): PCI correlates +1 with (1/k_s) M' ECI ...
    back = (m.T @ e) / ubiquity
    assert np.corrcoef(p, back)[0, 1] == pytest.approx(1.0, abs=1e-9)
    # ... ECI is the mean PCI of the sectors a region has ...
    np.testing.assert_allclose((m @ p) / diversity, e, rtol=1e-9, atol=1e-9)
    # ... and ECI rises with diversity (the Atlas's convention).
    assert np.corrcoef(e, diversity)[0, 1] > 0


def test_identities_on_the_reference_input(reference_dir: Path) -> None:
    table, _ = _py_ecomplexity(reference_dir)
    for year in (2014, 2024):
        _check_complexity_identities(table[table.year == year].drop(columns="year"))
    e = eci(table[table.year == 2014].drop(columns="year")).eci
    assert e.mean() == pytest.approx(0, abs=1e-12)
    # Stata: sd of the 48-row long table (each region 6 times) with ddof=1 is 1.
    assert np.repeat(e.to_numpy(), 6).std(ddof=1) == pytest.approx(1.0, rel=1e-12)


codes = st.sampled_from([f"MA-{i:02d}" for i in range(1, 10)])


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    regions = draw(st.lists(codes, min_size=4, max_size=8, unique=True))
    sectors = draw(st.lists(st.sampled_from("ABCDEFGH"), min_size=3, max_size=6, unique=True))
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


def _eci_or_reject(table: pd.DataFrame) -> pd.DataFrame:
    """ECI, or reject the example when it is degenerate (pieces, repeated eigenvalue, sign)."""
    try:
        return eci(table)
    except InvalidInputError as error:
        assume("not unique" not in str(error) and "uncorrelated" not in str(error))
        raise


@settings(max_examples=25, deadline=None)
@given(tables())
def test_eci_free_of_row_order_and_codes(table: pd.DataFrame) -> None:
    base = _eci_or_reject(table)
    shuffled = eci(table.sample(frac=1.0, random_state=5))
    pd.testing.assert_frame_equal(shuffled, base, rtol=1e-12)
    renamed, region_map, _ = relabel(table)
    again = eci(renamed)
    back = base.assign(region=base.region.map(region_map)).merge(again, on="region")
    assert len(back) == len(base)
    np.testing.assert_allclose(back.eci_x, back.eci_y, rtol=1e-8, atol=1e-8)


@settings(max_examples=25, deadline=None)
@given(tables())
def test_pci_sign_and_eci_identities(table: pd.DataFrame) -> None:
    _eci_or_reject(table)
    _check_complexity_identities(table)


def _with_empty(column: str, code: str, others: list[str], reference_dir: Path) -> pd.DataFrame:
    table, _ = _py_ecomplexity(reference_dir)
    table = table[table.year == 2014].drop(columns="year")
    extra = pd.DataFrame({column: code, "employment": 0.0, **{"x": others}}).rename(
        columns={"x": "sector" if column == "region" else "region"}
    )
    return pd.concat([table, extra], ignore_index=True)


def test_region_with_no_presence_raises_or_gives_nan(reference_dir: Path) -> None:
    table = _with_empty("region", "R09", list("ABCDEF"), reference_dir)
    with pytest.raises(
        InvalidInputError, match=r"eci: every region .*1 region\(s\) with none \('R09'\)"
    ):
        eci(table)
    got = eci(table, on_no_presence="nan").set_index("region").eci
    assert np.isnan(got["R09"])
    alone = eci(table[table.region != "R09"]).set_index("region").eci
    pd.testing.assert_series_equal(got.drop("R09"), alone, rtol=1e-12)


def test_sector_with_no_presence_raises_or_gives_nan(reference_dir: Path) -> None:
    table = _with_empty("sector", "G", [f"R{i:02d}" for i in range(1, 9)], reference_dir)
    with pytest.raises(
        InvalidInputError, match=r"pci: every region .*1 sector\(s\) with none \('G'\)"
    ):
        pci(table)
    got = pci(table, on_no_presence="nan").set_index("sector").pci
    assert np.isnan(got["G"])
    assert got.drop("G").notna().all()
    outlook = complexity_outlook(table, on_no_presence="nan")
    assert outlook[outlook.sector == "G"].cog.isna().all()
    assert outlook[outlook.sector != "G"].cog.notna().all()


def _presence_table(rows: dict[str, str]) -> pd.DataFrame:
    """Employment 1 for each region's sectors: every RCA of a held sector is >= 1 here."""
    pairs = [(region, sector) for region, held in rows.items() for sector in held]
    return pd.DataFrame(
        {"region": [r for r, _ in pairs], "sector": [s for _, s in pairs], "employment": 1.0}
    )


def test_network_in_pieces_raises() -> None:
    table = _presence_table({"A": "xy", "B": "x", "C": "zw", "D": "z"})
    with pytest.raises(InvalidInputError, match=r"eci: .*unconnected pieces"):
        eci(table)


def test_repeated_second_eigenvalue_raises() -> None:
    table = _presence_table({"A": "xy", "B": "yz", "C": "zx"})
    with pytest.raises(InvalidInputError, match=r"pci: the second eigenvalue .*not simple"):
        pci(table)


def test_sign_undefined_raises() -> None:
    # Every region has two sectors: diversity is constant, so no sign can be read from it.
    table = _presence_table({"r0": "CD", "r1": "AB", "r2": "AD", "r3": "CD", "r4": "BC"})
    with pytest.raises(InvalidInputError, match=r"eci: .*uncorrelated with the regions' diversity"):
        eci(table)


def test_too_few_sectors_raises() -> None:
    table = _presence_table({"A": "x", "B": "x"})
    with pytest.raises(InvalidInputError, match=r"eci: needs at least 2 regions and 2 sectors"):
        eci(table)


def test_reflections_without_standardising_raises() -> None:
    with pytest.raises(InvalidInputError, match=r"eci: the method of reflections .*no fixed scale"):
        eci(nested(), threshold=0.5, method="reflections", standardise="none")


@pytest.mark.parametrize("iterations", [0, -3, 2.5, True])
def test_bad_iterations_raise(iterations: object) -> None:
    with pytest.raises(InvalidInputError, match=r"eci: iterations must be a positive integer"):
        eci(nested(), threshold=0.5, iterations=iterations)  # type: ignore[arg-type]


def test_bad_threshold_raises() -> None:
    with pytest.raises(InvalidInputError, match=r"complexity_outlook: threshold must be"):
        complexity_outlook(nested(), threshold=-1.0)


@pytest.mark.parametrize(
    ("function", "option"),
    [
        (eci, "method"),
        (eci, "standardise"),
        (pci, "on_no_presence"),
        (complexity_outlook, "diagonal"),
    ],
)
def test_bad_option_raises(function: object, option: str) -> None:
    with pytest.raises(InvalidInputError, match=rf"{option} must be one of .*got 'other'"):
        function(nested(), threshold=0.5, **{option: "other"})  # type: ignore[operator]


def test_by_year_computes_each_year_alone(reference_dir: Path) -> None:
    table, _ = _py_ecomplexity(reference_dir)
    both = complexity_outlook(table, by=("year",))
    alone = complexity_outlook(table[table.year == 2024].drop(columns="year"))
    got = both[both.year == 2024].drop(columns="year").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone, rtol=1e-12)
