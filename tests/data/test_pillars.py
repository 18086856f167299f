"""The partner-pillar rule, the themes of a sector text and the history of a status note.

Expected values are read off the names and notes by hand (what each organisation is, from
its own full name), not from the rule.
"""

from __future__ import annotations

import pytest

from grappes.data.history import organisation_events
from grappes.data.organisations import cluster_organisations
from grappes.data.pillars import FULL_NAMES, PARTNER_PILLARS, partner_pillar
from grappes.data.themes import SECTION_KEYWORDS, organisation_themes, theme_section
from grappes.tables import ACTOR_PILLARS


@pytest.mark.parametrize(
    ("name", "pillar"),
    [
        # Maroc Numeric Cluster's partners (MA-002): two French pôles de compétitivité.
        ("Systematic (FR)", "industry"),
        ("Images & Réseaux (FR)", "industry"),
        ("Université Hassan II", "research"),
        ("University of Tunis", "research"),
        ("جامعة القاضي عياض", "research"),
        ("ESITH", "research"),  # École Supérieure des Industries du Textile et de l'Habillement
        ("CNRS", "research"),
        ("Centre de recherche en agronomie", "research"),
        ("dates technical centre", "research"),
        ("Casa Moda Academy", "training"),
        ("OFPPT", "training"),
        ("ISTA Hay Riad", "training"),
        ("Institut de formation aux métiers de l'automobile", "training"),
        ("مركز التكوين المهني", "training"),
        ("Ministry of Industry & Mines (DG PME)", "support"),
        ("Ministère de l'Industrie", "support"),
        ("Chambre d'artisanat", "support"),
        ("Agence de développement", "support"),
        ("Secrétariat d'État à l'Environnement (host)", "support"),
        ("AMITH", "support"),  # an industry association
        ("UNIDO", "support"),
        ("وزارة الصناعة", "support"),
        ("Group Innovinvest", "industry"),
        ("Amen Bank", "industry"),
        ("France Clusters", "industry"),
        ("Renault SA", "industry"),
        ("شركة الإسمنت", "industry"),
        ("Tchin-Lait", "unclassified"),
        ("Port de Béjaïa", "unclassified"),
        ("", "unclassified"),
    ],
)
def test_partner_pillar(name: str, pillar: str) -> None:
    assert partner_pillar(name) == pillar


def test_keywords_match_whole_words_only() -> None:
    assert partner_pillar("Istanbul Textile") == "unclassified"  # not "ISTA"
    assert partner_pillar("Saïda") == "unclassified"  # not "SA"
    assert partner_pillar("Sainte Cluster") == "industry"


def test_training_comes_before_research() -> None:
    # An institute that trains is training; an institute alone is research.
    assert partner_pillar("Institut de formation") == "training"
    assert partner_pillar("Institut Pasteur") == "research"


def test_the_pillars_are_the_papers_three_and_two_more() -> None:
    three = {p for pillars in ACTOR_PILLARS.values() for p in pillars}
    assert three == {"industry", "research", "training"}
    assert set(PARTNER_PILLARS) == three | {"support", "unclassified"}


def test_every_full_name_is_used_by_the_bundled_list() -> None:
    # FULL_NAMES is for names of the bundled list, not a directory of the world.
    partners = {p for names in cluster_organisations()["key_partners"] for p in names}
    for short in FULL_NAMES:
        assert any(short in p for p in partners), short


def test_bundled_partners_by_pillar() -> None:
    table = cluster_organisations()
    pillars = {p: partner_pillar(p) for names in table["key_partners"] for p in names}
    assert pillars["Université Cadi Ayyad"] == "research"
    assert pillars["MAScIR"] == "research"  # Moroccan Foundation for … Research
    assert pillars["ONEE"] == "support"  # Office National de l'Électricité et de l'Eau
    assert pillars["SIE"] == "industry"  # Société d'Investissements Énergétiques
    assert pillars["MEDZ"] == "unclassified"


@pytest.mark.parametrize(
    ("sector", "themes"),
    [
        (
            "electronics/mechatronics/mechanics",
            [("electronics", "C"), ("mechatronics", "C"), ("mechanics", "C")],
        ),
        ("ICT", [("ICT", "J")]),
        (
            "renewable energy / energy efficiency",
            [("renewable energy", "D"), ("energy efficiency", "D")],
        ),
        ("denim & casual wear", [("denim", "C"), ("casual wear", "C")]),
        (
            "renewables; water; plant biotech",
            [("renewables", "D"), ("water", "E"), ("plant biotech", "M")],
        ),
        ("construction materials", [("construction materials", "C")]),
        ("ICT for tourism & crafts", [("ICT for tourism", "J"), ("crafts", "C")]),
        (
            "mechanics/electronics/plastics/IT",
            [("mechanics", "C"), ("electronics", "C"), ("plastics", "C"), ("IT", "J")],
        ),
        ("R&D", [("R&D", None)]),
        ("mosaic", [("mosaic", None)]),
        ("a/a", [("a", None)]),
        (None, []),
        ("  ", []),
    ],
)
def test_organisation_themes(sector: str | None, themes: list[tuple[str, str | None]]) -> None:
    assert organisation_themes(sector) == themes


def test_theme_sections_are_isic_sections() -> None:
    assert {s for _, s in SECTION_KEYWORDS} <= set("ABCDEFGHIJKLMNOPQRSTU")
    assert theme_section("automotive") == "C"
    assert theme_section("Numérique") == "J"  # accents folded
    assert theme_section("visit") is None  # "it" is a whole word only


def test_organisation_events() -> None:
    note = "contrat-programme Sept 2011; ECEI Bronze 2012; 42 members"
    assert organisation_events(note) == [
        (2011, "contrat-programme Sept 2011"),
        (2012, "ECEI Bronze 2012"),
        (None, "42 members"),
    ]
    # Out of order in the note, in year order out; the first year named dates a fact.
    assert organisation_events("x 2016; founded 24 Feb 2015 (elected Nov 2014); ~20 producers") == [
        (2015, "founded 24 Feb 2015 (elected Nov 2014)"),
        (2016, "x 2016"),
        (None, "~20 producers"),
    ]
    assert organisation_events("31730 employees; >200 members (2022)") == [
        (2022, ">200 members (2022)"),
        (None, "31730 employees"),
    ]
    assert organisation_events(None) == organisation_events(" ") == []
