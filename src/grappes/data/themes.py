"""The themes of a cluster organisation, read from the sources' words for its sector.

The bundled cluster organisations (:mod:`grappes.data.organisations`) describe what they do
in words ("electronics/mechatronics/mechanics", "ICT", "denim & casual wear"), not in codes.
:func:`organisation_themes` cuts that text into themes and gives each the ISIC Rev.4
section (:mod:`grappes.data.sectors`) a short keyword table finds for it, or none.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["SECTION_KEYWORDS", "organisation_themes", "theme_section"]

#: Keywords of ISIC Rev.4 sections, tried in this order; the first keyword found among a
#: theme's words gives its section. More specific phrases come first ("construction
#: materials" are manufactured, C, before "construction", F; "ICT for tourism" is ICT, J).
#: Fishing and growing are A; their processing ("agri-food", "dairy", "olive oil",
#: "beverages") is manufacturing, C, as in ISIC division 10-11.
SECTION_KEYWORDS: Final[tuple[tuple[str, str], ...]] = (
    ("construction materials", "C"),
    ("ict", "J"),
    ("it", "J"),
    ("digital", "J"),
    ("numerique", "J"),
    ("informatics", "J"),
    ("informatique", "J"),
    ("multimedia", "J"),
    ("software", "J"),
    ("telecommunications", "J"),
    ("agri-food", "C"),
    ("agro-food", "C"),
    ("agroalimentaire", "C"),
    ("food", "C"),
    ("dairy", "C"),
    ("beverages", "C"),
    ("olive oil", "C"),
    ("electronics", "C"),
    ("microelectronics", "C"),
    ("mechatronics", "C"),
    ("mechanics", "C"),
    ("automotive", "C"),
    ("aerospace", "C"),
    ("aeronautics", "C"),
    ("shipbuilding", "C"),
    ("textile", "C"),
    ("textiles", "C"),
    ("clothing", "C"),
    ("denim", "C"),
    ("casual wear", "C"),
    ("plastics", "C"),
    ("ceramics", "C"),
    ("tableware", "C"),
    ("copperware", "C"),
    ("jewellery", "C"),
    ("cosmetics", "C"),
    ("crafts", "C"),
    ("pharma", "C"),
    ("pharmaceuticals", "C"),
    ("renewable energy", "D"),
    ("renewables", "D"),
    ("solar", "D"),
    ("geothermal", "D"),
    ("energy", "D"),
    ("environmental services", "E"),
    ("water", "E"),
    ("waste", "E"),
    ("construction", "F"),
    ("logistics", "H"),
    ("agro-logistics", "H"),
    ("transport", "H"),
    ("tourism", "I"),
    ("biotech", "M"),
    ("design", "M"),
    ("health", "Q"),
    ("fisheries", "A"),
    ("fishing", "A"),
    ("sea products", "A"),
    ("dates", "A"),
    ("agriculture", "A"),
)

_SEPARATORS: Final = re.compile(r"\s*(?:/|;|,|\s&\s|\band\b)\s*")
_WORD: Final = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _words(text: str) -> tuple[str, ...]:
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return tuple(_WORD.findall(folded))


def theme_section(theme: str) -> str | None:
    """Return the ISIC Rev.4 section of a theme, or ``None`` when no keyword is found.

    Parameters
    ----------
    theme : str
        One theme, as :func:`organisation_themes` cuts it ("mechatronics", "ICT").

    Returns
    -------
    str or None
        A section letter (``A`` … ``U``) from :data:`SECTION_KEYWORDS`: the first keyword
        found among the theme's words (folded: lower case, accents removed; a keyword of
        several words must appear in a row), or ``None``.

    Examples
    --------
    >>> theme_section("ICT"), theme_section("automotive"), theme_section("mosaic")
    ('J', 'C', None)
    """
    words = _words(theme)
    for keyword, section in SECTION_KEYWORDS:
        wanted = _words(keyword)
        size = len(wanted)
        if any(words[i : i + size] == wanted for i in range(len(words) - size + 1)):
            return section
    return None


def organisation_themes(sector: str | None) -> list[tuple[str, str | None]]:
    """Cut the sources' words for a sector into themes, each with its ISIC section.

    Parameters
    ----------
    sector : str or None
        The ``sector`` text of a cluster organisation; ``None`` or blank gives no theme.

    Returns
    -------
    list of (str, str or None)
        ``(theme, section)`` in the text's order, without repeats: the text is cut at
        ``/``, ``;``, ``,``, `` & `` (with spaces, so "R&D" stays whole) and the word
        "and"; ``section`` as :func:`theme_section`.

    Examples
    --------
    >>> organisation_themes("electronics/mechatronics/mechanics")
    [('electronics', 'C'), ('mechatronics', 'C'), ('mechanics', 'C')]
    >>> organisation_themes("health & pharma")
    [('health', 'Q'), ('pharma', 'C')]
    """
    if sector is None or not sector.strip():
        return []
    themes = [t.strip() for t in _SEPARATORS.split(sector) if t.strip()]
    return [(theme, theme_section(theme)) for theme in dict.fromkeys(themes)]
