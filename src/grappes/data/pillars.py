"""The pillar of a cluster organisation's partner, inferred from the partner's name.

The paper Grappes implements reads a cluster as three pillars, industry, research and
training (:data:`grappes.tables.ACTOR_PILLARS`). The sources of the bundled cluster
organisations (:mod:`grappes.data.organisations`) name their key partners, nothing more, so
the pillar of a partner can only be read from its name. :func:`partner_pillar` does so with a
short keyword rule, in French, English and Arabic, and adds a fourth group the paper does
not count as a pillar, **support**: ministries, agencies, chambers, business associations
and development partners, which stand beside the pillars rather than in one. A name the
rule cannot read is ``unclassified``: never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final, Literal

__all__ = ["FULL_NAMES", "KEYWORDS", "PARTNER_PILLARS", "PartnerPillar", "partner_pillar"]

PartnerPillar = Literal["industry", "research", "training", "support", "unclassified"]

#: The groups a partner is put in: the paper's three pillars, the support bodies beside
#: them, and the names the rule cannot read.
PARTNER_PILLARS: Final[tuple[PartnerPillar, ...]] = (
    "industry",
    "research",
    "training",
    "support",
    "unclassified",
)

#: Keywords of each group, tried in this order; the first group with a keyword in the name
#: wins. Latin keywords match whole words of the name folded (lower case, no accents), so
#: "ISTA" is not found in "Istanbul"; Arabic ones match anywhere in a word, since Arabic
#: writes the article and some prepositions joined to the noun (الجامعة, بالجامعة).
#: Training comes before research because training institutes are often named
#: "institut" (ISTA: Institut Spécialisé de Technologie Appliquée); a university is put in
#: research, though it trains too (:data:`grappes.tables.ACTOR_PILLARS` gives it both);
#: grandes écoles and technical centres do research and are put there.
KEYWORDS: Final[tuple[tuple[PartnerPillar, tuple[str, ...]], ...]] = (
    (
        "training",
        (
            "formation",
            "formations",
            "training",
            "ofppt",
            "ista",
            "academy",
            "academie",
            "apprentissage",
            "vocational",
            "تكوين",
            "التكوين",
            "تدريب",
            "التدريب",
        ),
    ),
    (
        "research",
        (
            "universite",
            "university",
            "universidad",
            "ecole",
            "school",
            "institut",
            "institute",
            "recherche",
            "recherches",
            "research",
            "cnrs",
            "laboratoire",
            "laboratory",
            "centre technique",
            "technical centre",
            "technical center",
            "جامعة",
            "الجامعة",
            "معهد",
            "المعهد",
            "مدرسة",
            "بحث",
            "البحث",
            "بحوث",
        ),
    ),
    (
        "support",
        (
            "ministry",
            "ministere",
            "secretariat d'etat",
            "agence",
            "agency",
            "chambre",
            "chamber",
            "office national",
            "association",
            "federation",
            "confederation",
            "cooperation",
            "european union",
            "union europeenne",
            "united nations",
            "وزارة",
            "الوزارة",
            "وكالة",
            "الوكالة",
            "غرفة",
            "جمعية",
            "الجمعية",
        ),
    ),
    (
        "industry",
        (
            "cluster",
            "clusters",
            "pole de competitivite",
            "technopole",
            "technopark",
            "societe",
            "company",
            "group",
            "groupe",
            "sa",
            "sarl",
            "spa",
            "ltd",
            "inc",
            "gmbh",
            "bank",
            "banque",
            "holding",
            "شركة",
            "الشركة",
            "مجموعة",
            "بنك",
            "مصرف",
        ),
    ),
)

#: Full names of the acronyms and short names in the bundled list whose words say nothing
#: of what they are (each as the organisation itself writes it); the rule reads the full
#: name with the name. A name matches when it holds the key as a whole word.
FULL_NAMES: Final[dict[str, str]] = {
    "ADEREE": "Agence nationale pour le Développement des Énergies Renouvelables et de "
    "l'Efficacité Énergétique",
    "AFD": "Agence Française de Développement",
    "AMITH": "Association Marocaine des Industries du Textile et de l'Habillement",
    "ANDI": "Agence Nationale de Développement de l'Investissement",
    "BFPME": "Banque de Financement des Petites et Moyennes Entreprises",
    "BIAT": "Banque Internationale Arabe de Tunisie",
    "BTK": "Banque Tuniso-Koweïtienne",
    "CGEM": "Confédération Générale des Entreprises du Maroc",
    "CRRAO": "Centre Régional de Recherches en Agriculture Oasienne",
    "CTTH": "Centre Technique du Textile et de l'Habillement",
    "ENISo": "École Nationale d'Ingénieurs de Sousse",
    "ESITH": "École Supérieure des Industries du Textile et de l'Habillement",
    "EU": "European Union",
    "GIZ": "Deutsche Gesellschaft für Internationale Zusammenarbeit "
    "(German Agency for International Cooperation)",
    "Images & Réseaux": "Images & Réseaux, pôle de compétitivité",
    "INES": "Institut National de l'Énergie Solaire",
    "MASEN": "Moroccan Agency for Sustainable Energy",
    "MAScIR": "Moroccan Foundation for Advanced Science, Innovation and Research",
    "ONA": "Office National de l'Artisanat",
    "ONEE": "Office National de l'Électricité et de l'Eau Potable",
    "SIE": "Société d'Investissements Énergétiques",
    "SNTR": "Société Nationale des Transports Routiers",
    "Systematic": "Systematic Paris-Region, pôle de compétitivité",
    "UNIDO": "United Nations Industrial Development Organization",
}

_WORD: Final = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.casefold().replace("’", "'")


def _is_arabic(keyword: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in keyword)


def _has(words: tuple[str, ...], text: str, keyword: str) -> bool:
    if _is_arabic(keyword):
        return keyword in text
    wanted = tuple(_WORD.findall(keyword))
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def _full_names(name: str) -> list[str]:
    words = tuple(_WORD.findall(name))
    found = []
    for short, full in FULL_NAMES.items():
        wanted = tuple(_WORD.findall(short))
        size = len(wanted)
        if any(words[i : i + size] == wanted for i in range(len(words) - size + 1)):
            found.append(full)
    return found


def partner_pillar(name: str) -> PartnerPillar:
    """Return the pillar a partner stands in, read from its name.

    Parameters
    ----------
    name : str
        The partner's name as the source gives it (French, English or Arabic).

    Returns
    -------
    str
        One of :data:`PARTNER_PILLARS`: ``industry``, ``research``, ``training``,
        ``support`` (ministries, agencies, chambers, associations, development partners:
        beside the pillars, not in one) or ``unclassified`` when no keyword is found.

    Notes
    -----
    The name, followed by the full names (:data:`FULL_NAMES`) of the acronyms it holds, is
    folded (NFKD, accents removed, lower case) and cut into words; the first group of
    :data:`KEYWORDS` (training, research, support, industry) with a keyword among its words
    is the answer. The rule reads names only: a firm known by a bare brand name
    ("Tchin-Lait") stays unclassified rather than guessed.

    Examples
    --------
    >>> partner_pillar("Université Hassan II"), partner_pillar("Casa Moda Academy")
    ('research', 'training')
    >>> partner_pillar("Chambre d'artisanat"), partner_pillar("Systematic (FR)")
    ('support', 'industry')
    >>> partner_pillar("جامعة القاضي عياض"), partner_pillar("Tchin-Lait")
    ('research', 'unclassified')
    """
    text = _fold(" ; ".join([name, *_full_names(name)]))
    words = tuple(_WORD.findall(text))
    for pillar, keywords in KEYWORDS:
        if any(_has(words, text, keyword) for keyword in keywords):
            return pillar
    return "unclassified"
