"""A cluster organisation's profile: themes, partners by pillar, history and sources.

Expected values come from the bundled row itself (maghreb_cluster_organisations.csv), read
by hand: MA-002 names "Systematic (FR)" and "Images & Réseaux (FR)", two French pôles de
compétitivité, hence industry; its note "contrat-programme Sept 2011; ECEI Bronze 2012; 42
members" and its year reported, 2010.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient


def test_ma002_partners_by_pillar(client: TestClient) -> None:
    data = client.get("/organisations/MA-002.json").json()
    assert [(p["name"], p["pillar"]) for p in data["partners"]] == [
        ("Systematic (FR)", "industry"),
        ("Images & Réseaux (FR)", "industry"),
    ]
    groups = {g["pillar"]: [p["name"] for p in g["partners"]] for g in data["pillars"]}
    assert list(groups) == ["industry", "research", "training", "support", "unclassified"]
    assert groups["industry"] == ["Systematic (FR)", "Images & Réseaux (FR)"]
    assert groups["research"] == groups["training"] == groups["unclassified"] == []
    page = client.get("/organisations/MA-002").text
    industry = page.index("<h3>Industrie")
    assert page.index("Systematic (FR)") > industry
    assert "Recherche" not in re.findall(r"<h3>([^<]*)", page)[0]
    assert "déduit du nom" in page or "inferred" in page


def test_a_university_partner_goes_to_research(client: TestClient) -> None:
    # MA-006 (C2TM): AMITH; ESITH; CTTH; Casa Moda Academy; Université Hassan II.
    data = client.get("/organisations/MA-006.json").json()
    pillars = {p["name"]: p["pillar"] for p in data["partners"]}
    assert pillars == {
        "AMITH": "support",
        "ESITH": "research",
        "CTTH": "research",
        "Casa Moda Academy": "training",
        "Université Hassan II": "research",
    }
    page = client.get("/organisations/MA-006", params={"lang": "en"}).text
    research = page.index("<h3>Research")
    training = page.index("<h3>Training")
    assert research < page.index("Université Hassan II") < training
    assert training < page.index("Casa Moda Academy") < page.index("<h3>Support")


def test_ma001_themes_split_into_three_linked_to_manufacturing(client: TestClient) -> None:
    data = client.get("/organisations/MA-001.json").json()
    assert [(t["theme"], t["section"]) for t in data["themes"]] == [
        ("electronics", "C"),
        ("mechatronics", "C"),
        ("mechanics", "C"),
    ]
    assert data["themes"][0]["label_en"] == "Manufacturing"  # ISIC Rev.4 section C
    page = client.get("/organisations/MA-001").text
    assert page.count('href="/sectors/C?classification=ISIC4"') == 3
    assert client.get("/sectors/C?classification=ISIC4").status_code == 200


def test_ma002_theme_links_to_section_j_in_arabic(client: TestClient) -> None:
    data = client.get("/organisations/MA-002.json").json()
    assert [(t["theme"], t["section"]) for t in data["themes"]] == [("ICT", "J")]
    page = client.get("/ar/organisations/MA-002").text
    assert 'href="/ar/sectors/J?classification=ISIC4"' in page


def test_a_theme_without_a_section_is_plain_text(client: TestClient) -> None:
    # TN-006: "mosaic", which no keyword maps to a section.
    data = client.get("/organisations/TN-006.json").json()
    assert data["themes"] == [
        {"theme": "mosaic", "section": None, "label_fr": None, "label_ar": None, "label_en": None}
    ]
    page = client.get("/organisations/TN-006").text
    assert "/sectors/" not in page.split("<main", 1)[1]


def test_ma002_history_in_year_order(client: TestClient) -> None:
    data = client.get("/organisations/MA-002.json").json()
    assert [(e["year"], e["kind"], e["fact"]) for e in data["events"]] == [
        (2010, "reported", None),
        (2011, "note", "contrat-programme Sept 2011"),
        (2012, "note", "ECEI Bronze 2012"),
        (None, "note", "42 members"),
    ]
    page = client.get("/organisations/MA-002", params={"lang": "en"}).text
    cells = re.findall(r"<tr><td>([^<]*)</td>", page)
    assert cells == ["2010", "2011", "2012", "undated"]
    assert page.index("contrat-programme Sept 2011") < page.index("ECEI Bronze 2012")


def test_ma002_sources(client: TestClient) -> None:
    data = client.get("/organisations/MA-002.json").json()
    assert data["source"]["domain"] == "usinenouvelle.com"
    assert data["source"]["url"].startswith("https://www.usinenouvelle.com/article/maroc-numeric")
    assert "public sources" in data["source"]["dataset_source"]
    assert "no licence claimed" in data["source"]["dataset_licence"]
    page = client.get("/organisations/MA-002", params={"lang": "en"}).text
    assert "usinenouvelle.com</bdi>:" in page
    assert "no licence is claimed" in page
    assert 'href="/en/data"' in page  # the language stays in the link


def test_an_organisation_without_partners_or_city(client: TestClient) -> None:
    # MA-012: no city, no year, no partner; one note "listed by IPEMED 2019".
    data = client.get("/organisations/MA-012.json").json()
    assert data["partners"] == [] and data["region"] is None
    assert [(e["year"], e["fact"]) for e in data["events"]] == [(2019, "listed by IPEMED 2019")]
    page = client.get("/organisations/MA-012", params={"lang": "en"}).text
    assert "The sources name no partner." in page


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_profile_in_three_languages(client: TestClient, language: str) -> None:
    page = client.get(f"/{language}/organisations/MA-005").text
    heading = {
        "fr": "Partenaires par pilier",
        "ar": "الشركاء حسب الركيزة",
        "en": "Partners by pillar",
    }
    assert heading[language] in page
    support = {"fr": "Appui", "ar": "الدعم", "en": "Support"}
    assert f"<h3>{support[language]}" in page
