"""Kd, M, m, K and L against R: spatstat and dbmss values in tests/reference/spatial.

Source: ``tests/reference/spatial/make_reference.R`` (spatstat ``Kest``/``Kcross``/``Lest``;
dbmss ``Kdhat``/``Mhat``/``mhat`` with ``Approximate = 0``); see the README there. The tests
skip while the CSV files have not been generated.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from grappes.spatial import duranton_overman, m, marcon_puech, ripley_k, ripley_l

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


@pytest.mark.parametrize("correction", ["none", "border", "isotropic", "translate"])
@pytest.mark.parametrize("s", ["a", "b", "c"])
def test_k_and_l_match_spatstat(s: str, correction: str) -> None:
    ref = _spatstat()
    pts = _points(s)
    window, r = _case(s)
    sel = ref[(ref["set"] == s) & (ref["correction"] == correction)]
    for (fn, ti, tj), group in sel.groupby(["function", "type_i", "type_j"]):
        kwargs: dict[str, object] = {}
        if ti:
            kwargs = {"mark": "sector", "reference": ti}
            if fn in ("Kcross", "Lcross"):
                kwargs["neighbor"] = tj
        func = ripley_k if fn in ("K", "Kcross") else ripley_l
        res = func(pts, window=window, distances=r, correction=correction, **kwargs)  # type: ignore[arg-type]
        col = "k" if func is ripley_k else "l"
        np.testing.assert_allclose(
            res.curve[col],
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
