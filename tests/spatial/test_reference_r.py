"""Kd, M, m, K and L against R: spatstat and dbmss values in tests/reference/spatial.

Source: ``tests/reference/spatial/make_reference.R`` (spatstat ``Kest``/``Kcross``/``Lest``,
on rectangles and on the polygon windows of ``polygon_windows.json``; dbmss
``Kdhat``/``Mhat``/``mhat`` with ``Approximate = 0``); see the README there. The tests skip
while the CSV files have not been generated.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

from grappes.spatial import duranton_overman, m, marcon_puech, ripley_k, ripley_l
from grappes.spatial.isotropic import bounding_radius

FOLDER = Path(__file__).resolve().parents[1] / "reference" / "spatial"
NEEDED = ("cases.json", "spatstat_k.csv", "dbmss_kd.csv", "dbmss_kd_params.csv", "dbmss_m.csv")
pytestmark = pytest.mark.skipif(
    not all((FOLDER / name).exists() for name in NEEDED),
    reason="R reference values not generated yet (tests/reference/spatial/make_reference.R)",
)


def _points(s: str) -> pd.DataFrame:
    return pd.read_csv(FOLDER / f"points_{s}.csv", dtype={"sector": str, "id": str})


def _case(s: str) -> tuple[tuple[float, float, float, float], np.ndarray]:
    cases = json.loads((FOLDER / "cases.json").read_text())
    w = cases[s]["window"]
    return (w["xmin"], w["xmax"], w["ymin"], w["ymax"]), np.asarray(cases[s]["r"], dtype=float)


def _spatstat() -> pd.DataFrame:
    return pd.read_csv(FOLDER / "spatstat_k.csv", keep_default_na=True).fillna(
        {"type_i": "", "type_j": ""}
    )


def _ripley_as_spatstat(
    pts: pd.DataFrame, window: object, r: np.ndarray, correction: str, fn: str, ti: str, tj: str
) -> np.ndarray:
    # The Grappes call of a row group of spatstat_k*.csv: function K, L, Kcross or Lcross;
    # type_i empty for all points.
    kwargs: dict[str, object] = {}
    if ti:
        kwargs = {"mark": "sector", "reference": ti}
        if fn in ("Kcross", "Lcross"):
            kwargs["neighbor"] = tj
    func = ripley_k if fn in ("K", "Kcross") else ripley_l
    res = func(pts, window=window, distances=r, correction=correction, **kwargs)  # type: ignore[arg-type]
    return np.asarray(res.curve["k" if func is ripley_k else "l"], dtype=float)


@pytest.mark.parametrize("correction", ["none", "border", "isotropic", "translate"])
@pytest.mark.parametrize("s", ["a", "b", "c"])
def test_k_and_l_match_spatstat(s: str, correction: str) -> None:
    ref = _spatstat()
    pts = _points(s)
    window, r = _case(s)
    sel = ref[(ref["set"] == s) & (ref["correction"] == correction)]
    for (fn, ti, tj), group in sel.groupby(["function", "type_i", "type_j"]):
        np.testing.assert_allclose(
            _ripley_as_spatstat(pts, window, r, correction, str(fn), str(ti), str(tj)),
            group["value"].to_numpy(),
            rtol=1e-9,
            atol=1e-12,
            equal_nan=True,
            err_msg=f"{fn}({ti},{tj}) set {s} {correction}",
        )


def _kd_cases() -> list[dict[str, object]]:
    if not (FOLDER / "dbmss_kd_params.csv").exists():
        return []
    params = pd.read_csv(FOLDER / "dbmss_kd_params.csv", keep_default_na=False)
    return params.to_dict("records")


@pytest.mark.parametrize("case", _kd_cases(), ids=lambda c: str(c["case"]))
def test_kd_matches_dbmss(case: dict[str, object]) -> None:
    values = pd.read_csv(FOLDER / "dbmss_kd.csv")
    values = values[values["case"] == case["case"]]
    pts = _points(str(case["set"]))
    reference, neighbor = str(case["reference"]), str(case["neighbor"])
    if reference == "":
        # dbmss' ReferenceType = "": every point is of the reference type.
        pts = pts.assign(sector="ALL")
        reference = neighbor = "ALL"
    silverman = str(case["original"]).upper() == "TRUE" and float(case["adjust"]) == 1.0
    res = duranton_overman(
        pts, reference=reference, neighbor=neighbor, distances=values["r"].to_numpy(),
        weight="weight" if str(case["weighted"]).upper() == "TRUE" else None,
        bandwidth="silverman" if silverman else float(case["bw"]), method="exact",
    )  # fmt: skip
    assert res.bandwidth == pytest.approx(float(case["bw"]), rel=1e-12)
    # The closed form of dbmss' estimator (README, step 6), computed exactly in R: to rounding.
    np.testing.assert_allclose(res.curve["kd"], values["kd_closed_form"], rtol=1e-9)
    # Kdhat itself evaluates it with R's FFT-binned density: within 2e-3 of max(Kd).
    np.testing.assert_allclose(
        res.curve["kd"], values["kd"], rtol=0, atol=2e-3 * values["kd"].max()
    )
    # The binned method, against the same closed form.
    binned = duranton_overman(
        pts, reference=reference, neighbor=neighbor, distances=values["r"].to_numpy(),
        weight="weight" if str(case["weighted"]).upper() == "TRUE" else None,
        bandwidth=res.bandwidth, method="binned",
    )  # fmt: skip
    np.testing.assert_allclose(binned.curve["kd"], values["kd_closed_form"], rtol=1e-3)


def _m_cases() -> list[dict[str, object]]:
    if not (FOLDER / "dbmss_m_params.csv").exists():
        return []
    return pd.read_csv(FOLDER / "dbmss_m_params.csv", keep_default_na=False).to_dict("records")


@pytest.mark.parametrize("case", _m_cases(), ids=lambda c: str(c["case"]))
def test_m_matches_dbmss(case: dict[str, object]) -> None:
    values = pd.read_csv(FOLDER / "dbmss_m.csv")
    values = values[values["case"] == case["case"]]
    pts = _points(str(case["set"]))
    r = values["r"].to_numpy()
    kw: dict[str, object] = {
        "reference": str(case["reference"]),
        "neighbor": str(case["neighbor"]),
        "weight": "weight",
        "distances": r,
    }
    big_m = marcon_puech(pts, **kw)  # type: ignore[arg-type]
    np.testing.assert_allclose(big_m.curve["m"], values["M"], rtol=1e-9, equal_nan=True)
    small = m(pts, **kw)  # type: ignore[arg-type]
    assert small.bandwidth == pytest.approx(float(case["bw_m"]), rel=1e-12)
    ok = r > 0
    np.testing.assert_allclose(small.curve["m"][ok], values["m_closed_form"][ok], rtol=1e-6)
    np.testing.assert_allclose(small.curve["m"][ok], values["m"][ok], rtol=1e-2)


def _polygon_window(s: str) -> shapely.Polygon | shapely.MultiPolygon:
    windows = json.loads((FOLDER / "polygon_windows.json").read_text(encoding="utf-8"))
    parts = [shapely.Polygon(p["outer"], holes=p["holes"]) for p in windows[s]["parts"]]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


@pytest.mark.skipif(
    not (FOLDER / "spatstat_k_polygon.csv").exists(), reason="no polygon reference values"
)
@pytest.mark.parametrize("correction", ["none", "border", "isotropic"])
@pytest.mark.parametrize("s", ["d", "e"])
def test_k_and_l_on_polygons_match_spatstat(s: str, correction: str) -> None:
    # d: Tanger-Tétouan-Al Hoceïma with a hole; e: two parts, one with a hole (README).
    cases = json.loads((FOLDER / "polygon_cases.json").read_text())
    ref = pd.read_csv(FOLDER / "spatstat_k_polygon.csv").fillna({"type_i": "", "type_j": ""})
    sel = ref[(ref["set"] == s) & (ref["correction"] == correction)]
    pts = _points(s)
    window = _polygon_window(s)
    r = np.asarray(cases[s]["r"], dtype=float)
    assert len(sel) == 8 * r.size  # K, L, Kcross and Lcross both ways, K and L of one type
    for (fn, ti, tj), group in sel.groupby(["function", "type_i", "type_j"]):
        got = _ripley_as_spatstat(pts, window, r, correction, str(fn), str(ti), str(tj))
        expected = group["value"].to_numpy()
        label = f"{fn}({ti},{tj}) set {s} {correction}"
        # Where spatstat has no value, neither has Grappes; the other way round only for the
        # isotropic Kest between the exact bounding radius and spatstat's pixel estimate
        # of it (ripley_k's notes).
        assert np.isnan(got[np.isnan(expected)]).all(), label
        extra = np.isnan(got) & ~np.isnan(expected)
        if fn in ("K", "L") and correction == "isotropic":
            exact = bounding_radius(window)
            assert ((r[extra] >= exact) & (r[extra] < cases[s]["boundingradius"])).all()
        else:
            assert not extra.any(), label
        both = ~np.isnan(got) & ~np.isnan(expected)
        assert both.sum() >= 6, label
        np.testing.assert_allclose(got[both], expected[both], rtol=1e-10, atol=0, err_msg=label)
