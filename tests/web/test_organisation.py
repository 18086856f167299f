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

from tests.data.test_members import EXPECTED as EXPECTED_MEMBERS


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


#: The member counts read by hand from the bundled notes (tests/data/test_members.py).
MEMBERS = {
    "fr": {
        "MA-002": '<data value="42">42</data>',
        "MA-005": 'plus de <data value="200">200</data> (2022)',
        "MA-006": 'environ <data value="12">12</data>, membres fondateurs seulement',
        "DZ-004": '<data value="16">16</data> (2017), membres fondateurs seulement',
        "TN-001": "inconnu",
    },
    "ar": {
        "MA-002": '<data value="42">42</data>',
        "MA-005": 'أكثر من <data value="200">200</data> (2022)',
        "MA-006": 'حوالي <data value="12">12</data>، الأعضاء المؤسسون فقط',
        "DZ-004": '<data value="16">16</data> (2017)، الأعضاء المؤسسون فقط',
        "TN-001": "غير معروف",
    },
    "en": {
        "MA-002": '<data value="42">42</data>',
        "MA-005": 'more than <data value="200">200</data> (2022)',
        "MA-006": 'about <data value="12">12</data>, founding members only',
        "DZ-004": '<data value="16">16</data> (2017), founding members only',
        "TN-001": "not known",
    },
}


@pytest.mark.parametrize("language", ["fr", "ar", "en"])
def test_the_members_in_three_languages(client: TestClient, language: str) -> None:
    label = {"fr": "Membres", "ar": "الأعضاء", "en": "Members"}[language]
    for identifier, shown in MEMBERS[language].items():
        page = client.get(f"/{language}/organisations/{identifier}").text
        found = re.search(r'<dt>([^<]*)</dt><dd id="members">(.*?)</dd>', page)
        assert found is not None, identifier
        assert found.group(1) == label
        assert found.group(2).startswith(shown), (identifier, found.group(2))
        # an undated count shows no year; a count is linked to the notes it was read from
        assert ("(20" in found.group(2)) == (identifier in {"MA-005", "DZ-004"})
        assert ('href="#history"' in found.group(2)) == (identifier != "TN-001")


def test_the_json_twin_carries_the_member_count(client: TestClient) -> None:
    fields = ("members", "members_qualifier", "members_year", "members_founding")
    # "96 firms; …": not said to be members
    expected = {**EXPECTED_MEMBERS, "TN-001": (None, None, None, None)}
    for identifier, values in expected.items():
        data = client.get(f"/organisations/{identifier}.json").json()["organisation"]
        assert tuple(data[f] for f in fields) == values, identifier
