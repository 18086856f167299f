"""The regional specialisation report: right figures, three languages, self-contained."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from grappes.reports.specialisation import specialisation_report, write_specialisation_report


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    return {language: specialisation_report(language=language) for language in ("fr", "ar", "en")}


def test_construction_lq_of_draa_tafilalet(reports: dict[str, str]) -> None:
    # HCP RGPH 2024 (Cartographie des établissements économiques): Drâa-Tafilalet has 1,973
    # construction establishments of 40,525; Morocco 39,522 of 1,130,021.
    # LQ = (1973 / 40525) / (39522 / 1130021) = 1.392 → shown as 1.39 in English.
    expected = (1973 / 40525) / (39522 / 1130021)
    assert f"{expected:.2f}" == "1.39"
    row = re.search(r"<th scope=\"row\">Drâa-Tafilalet.*?</tr>", reports["en"], flags=re.S)
    assert row is not None
    assert '<td class="marked"><bdi>1.39</bdi>' in row.group(0)


def test_totals_are_hcp_totals(reports: dict[str, str]) -> None:
    # HCP: 1,130,021 business establishments (RGPH 2024); 9,627,341 employed (RGPH 2014).
    assert "1,130,021" in reports["en"]
    assert "9,627,341" in reports["en"]
    assert "1\u202f130\u202f021" in reports["fr"] or "1 130 021" in reports["fr"]


def test_every_region_in_every_language(reports: dict[str, str]) -> None:
    assert reports["fr"].count('data-code="MA-') == 12 * (4 + 9)
    assert "Dakhla-Oued Ed-Dahab" in reports["fr"]
    assert "الداخلة-وادي الذهب" in reports["ar"]
    assert "Marrakesh-Safi" in reports["en"]


def test_arabic_is_right_to_left_and_translated(reports: dict[str, str]) -> None:
    assert '<html lang="ar" dir="rtl">' in reports["ar"]
    assert '<html lang="fr" dir="ltr">' in reports["fr"]
    assert "التخصصات الجهوية للمغرب" in reports["ar"]
    assert "Spécialisations régionales du Maroc" in reports["fr"]
    # Western digits in Arabic too
    assert re.search(r"[\u0660-\u0669]", reports["ar"]) is None


def test_self_contained(reports: dict[str, str]) -> None:
    for html in reports.values():
        assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "<script" not in html
        assert re.search(r'(src|href)="https?://', html) is None


def test_credits_sources(reports: dict[str, str]) -> None:
    assert "CC BY 4.0" in reports["en"]
    assert "OpenStreetMap" in reports["en"]


def test_written_whole(tmp_path: Path) -> None:
    path = write_specialisation_report(tmp_path / "deep" / "er", language="ar")
    assert path.name == "grappes-morocco-specialisation.ar.html"
    assert path.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not list(path.parent.glob("*.partial"))


def test_unknown_language_is_refused() -> None:
    from grappes.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="language: expected one of fr, ar, en; got 'de'"):
        specialisation_report(language="de")
