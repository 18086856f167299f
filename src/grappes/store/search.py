"""Search: regions, sectors and organisations whose names or codes contain a text.

Case, accents and Arabic diacritics do not matter, on SQLite and PostgreSQL alike: names are
stored with a folded copy (:func:`grappes.store.models.fold`) and the text is folded the
same way. The text reaches the database as a bound parameter after its checks (length,
control characters), and ``LIKE`` wildcards in it are escaped, so ``%`` and ``_`` are
searched for as written.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError
from grappes.store import models as m
from grappes.store.queries import check_printable

__all__ = ["MAX_SEARCH_LENGTH", "MAX_SEARCH_LIMIT", "search"]

#: Longest search text accepted, in characters (longer texts are refused, not truncated).
MAX_SEARCH_LENGTH: Final = 200
#: Most results :func:`search` returns of each kind.
MAX_SEARCH_LIMIT: Final = 100
#: Regions come first by level, from the largest.
_LEVEL_RANK: Final = {"maghreb": 0, "country": 1, "region": 2, "province": 3, "commune": 4}


def search(session: Session, text: str, *, limit: int = 20) -> pd.DataFrame:
    """Return the regions, sectors and organisations whose names or codes contain ``text``.

    Parameters
    ----------
    session
        A session on the observatory's database.
    text
        What to look for. Case, accents and Arabic diacritics do not matter ("fes" finds
        "Fès-Meknès"); ``%`` and ``_`` are searched for as written.
    limit
        Most results of each kind (1 … 100, default 20).

    Returns
    -------
    pandas.DataFrame
        Columns ``kind`` (``region``, ``sector``, ``organisation``), ``code`` (an
        organisation's identifier), ``classification`` (sectors only), ``level``
        (regions and sectors), ``name_fr``, ``name_ar``, ``name_en`` (an organisation has
        one name, given in all three). Regions first (countries, regions, provinces,
        communes, each by name), then sectors (by classification and code), then
        organisations (by name).

    Raises
    ------
    InvalidInputError
        When ``text`` is empty or blank, longer than :data:`MAX_SEARCH_LENGTH` characters,
        holds control characters or is not valid Unicode text, or when ``limit`` is out of
        range.

    Notes
    -----
    Names are stored with a folded copy (``search_text``: NFKD, combining marks removed,
    case-folded; :func:`grappes.store.models.fold`), and ``text`` is folded the same way,
    so one ``LIKE`` with bound parameters serves SQLite and PostgreSQL.
    """
    who = "search"
    folded = _check_search(who, text)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_SEARCH_LIMIT:
        raise InvalidInputError(
            f"{who}: limit must be a whole number from 1 to {MAX_SEARCH_LIMIT}; got {limit!r}"
        )
    region, sector, org = m.Region, m.Sector, m.Organisation
    rank = sa.case(_LEVEL_RANK, value=region.level, else_=len(_LEVEL_RANK))
    regions = session.execute(
        sa.select(region.code, region.level, region.name_fr, region.name_ar, region.name_en)
        .where(region.search_text.contains(folded, autoescape=True))
        .order_by(rank, region.name_fr, region.code)
        .limit(limit)
    ).all()
    sectors = session.execute(
        sa.select(
            sector.code,
            sector.classification,
            sector.level,
            sector.label_fr,
            sector.label_ar,
            sector.label_en,
        )
        .where(sector.search_text.contains(folded, autoescape=True))
        .order_by(sector.classification, sector.code)
        .limit(limit)
    ).all()
    organisations = session.execute(
        sa.select(org.id, org.name)
        .where(org.search_text.contains(folded, autoescape=True))
        .order_by(org.name, org.id)
        .limit(limit)
    ).all()
    rows = [("region", r.code, None, r.level, r.name_fr, r.name_ar, r.name_en) for r in regions]
    rows += [
        ("sector", s.code, s.classification, s.level, s.label_fr, s.label_ar, s.label_en)
        for s in sectors
    ]
    rows += [("organisation", o.id, None, None, o.name, o.name, o.name) for o in organisations]
    columns = ["kind", "code", "classification", "level", "name_fr", "name_ar", "name_en"]
    return pd.DataFrame(rows, columns=columns)


def _check_search(who: str, text: object) -> str:
    if not isinstance(text, str):
        raise InvalidInputError(f"{who}: the search text must be a string; got {type(text)}")
    if len(text) > MAX_SEARCH_LENGTH:
        raise InvalidInputError(
            f"{who}: the search text must have at most {MAX_SEARCH_LENGTH} characters; "
            f"got {len(text)}"
        )
    check_printable(who, "the search text", text)
    folded = m.fold(text).strip()
    if not folded:
        raise InvalidInputError(f"{who}: the search text is empty; give a word to look for")
    return folded
