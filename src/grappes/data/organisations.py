"""The Maghreb's real cluster organisations, as found in public sources, as tables.

The list is bundled (``grappes/data/bundled/organisations/``): 41 organisations in Morocco,
Tunisia and Algeria, one row each, with the address of the page each fact came from. These
are facts about real organisations: show them with their source, and let each organisation
correct its own profile.

Member counts exist only in words, in ``status_note``; they are read into the columns
``members``, ``members_qualifier``, ``members_year`` and ``members_founding`` by
:func:`grappes.data.members.member_count`, whose docstring gives the rule.
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Final

import numpy as np
import pandas as pd

from grappes.data.members import MemberCount, member_count
from grappes.errors import InvalidInputError, MissingColumnsError, Problem
from grappes.tables import ACTORS, MAGHREB_COUNTRIES

__all__ = ["SOURCE", "actors", "cluster_organisations", "sources"]

#: Credit line for the table: every row names its own source page in ``source_url``.
SOURCE: Final = "Compiled by Grappes from public sources (press, programme and cluster sites)"

_FILE: Final = "maghreb_cluster_organisations.csv"
_WHERE: Final = f"grappes/data/bundled/organisations/{_FILE}"
_COLUMNS: Final = (
    "id",
    "country",
    "name",
    "sector",
    "city",
    "iso3166_2_region_inferred",
    "year_reported",
    "status_note",
    "key_partners_reported",
    "source_url",
)


def cluster_organisations(*, country: str | None = None) -> pd.DataFrame:
    """Cluster organisations, competitiveness poles and technoparks of the Maghreb.

    Parameters
    ----------
    country : str, optional
        ISO 3166-1 alpha-2 code of one of the five Maghreb countries (``MA``, ``DZ``,
        ``TN``, ``LY``, ``MR``) to keep only its organisations; ``None`` (default) keeps
        all. Libya and Mauritania are valid and give an empty table: none was found.

    Returns
    -------
    pandas.DataFrame
        One row per organisation, columns:

        - ``id`` (str): ``MA-001``, ``TN-P01`` (``P``: a pole or technopark, not a
          cluster organisation proper), ``DZ-001`` …
        - ``country`` (str): ISO 3166-1 alpha-2.
        - ``name``, ``sector`` (str; ``sector`` is the sources' own words, not a code).
        - ``city`` (str, missing when the sources name none).
        - ``region`` (str): ISO 3166-2 code of the city's first-level division, missing
          when there is no city.
        - ``region_inferred`` (bool): always ``True``: every region was inferred from the
          city by whoever compiled the list, none is stated by a source; check it before
          relying on it.
        - ``year_reported`` (Int64, nullable): the year the sources give (creation or
          labelling, see ``status_note``).
        - ``status_note`` (str, nullable), ``key_partners`` (tuple of str, empty when the
          sources name none), ``source_url`` (str).
        - ``members`` (Int64, nullable): the member count the note gives, missing when it
          gives none; ``members_qualifier`` (str, nullable): ``exact``, ``more_than``,
          ``at_least`` or ``about``; ``members_year`` (Int64, nullable): the year of the
          note's statement that gives the count, missing when that statement names none
          (``year_reported`` is never used for it); ``members_founding`` (boolean,
          nullable): whether the count is of founding members only. Read by
          :func:`grappes.data.members.member_count` (its docstring gives the rule).

    Raises
    ------
    InvalidInputError
        If ``country`` is not one of the five codes, or the bundled file is damaged.

    Notes
    -----
    41 rows: 16 in Morocco, 16 in Tunisia (8 clusters, 8 poles and technoparks), 9 in
    Algeria. Sources: one page per row (``source_url``), listed in the folder's README.
    4 give a member count (MA-002, MA-005, MA-006, DZ-004).

    Examples
    --------
    >>> len(cluster_organisations(country="MA"))
    16
    """
    _check_country("cluster_organisations", country)
    table = _organisations()
    if country is not None:
        table = table.loc[table["country"] == country].reset_index(drop=True)
    return table.copy()


def actors(*, country: str | None = None) -> pd.DataFrame:
    """The cluster organisations as an ``actors`` table (:data:`grappes.tables.ACTORS`).

    Parameters
    ----------
    country : str, optional
        As in :func:`cluster_organisations`.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`grappes.tables.ACTORS` in order: ``id``, ``name``, ``kind``
        (``cluster_organisation`` for every row), ``country``, ``region``, ``sector``,
        ``city``, ``cluster``, ``website``, ``longitude``, ``latitude``. ``sector`` is
        missing: the sources describe activities in words, not ISIC codes. ``cluster``,
        ``website``, ``longitude`` and ``latitude`` are missing too (``source_url`` is
        the page a fact came from, not the organisation's own site).

    Raises
    ------
    InvalidInputError
        If ``country`` is not one of the five codes.

    Examples
    --------
    >>> set(actors()["kind"])
    {'cluster_organisation'}
    """
    _check_country("actors", country)
    table = cluster_organisations(country=country)
    n = len(table)
    missing_text = pd.Series([None] * n, dtype="str")
    missing_number = np.full(n, np.nan)
    return pd.DataFrame(
        {
            "id": table["id"],
            "name": table["name"],
            "kind": pd.Series(["cluster_organisation"] * n, dtype="str"),
            "country": table["country"],
            "region": table["region"],
            "sector": missing_text,
            "city": table["city"],
            "cluster": missing_text,
            "website": missing_text,
            "longitude": missing_number,
            "latitude": missing_number,
        },
        columns=list(ACTORS.names),
    )


def sources() -> list[dict[str, str]]:
    """Describe the bundled table: its source, licence and address.

    Returns
    -------
    list of dict
        One dict with keys ``name``, ``source``, ``licence``, ``url`` and ``changes``.

    Examples
    --------
    >>> sources()[0]["name"]
    'cluster_organisations'
    """
    return [
        {
            "name": "cluster_organisations",
            "source": SOURCE + "; one page per row in source_url",
            "licence": "facts from the pages cited; no licence claimed beyond theirs",
            "url": "(one per row: column source_url)",
            "changes": (
                "iso3166_2_region_inferred renamed region, key_partners_reported split on "
                "';' into key_partners, region_inferred added; members, members_qualifier, "
                "members_year and members_founding read from status_note "
                "(grappes.data.members)"
            ),
        }
    ]


def _check_country(who: str, country: str | None) -> None:
    if country is not None and country not in MAGHREB_COUNTRIES:
        raise InvalidInputError(
            f"{who}: country must be None or one of {', '.join(MAGHREB_COUNTRIES)}; got {country!r}"
        )


@functools.cache
def _organisations() -> pd.DataFrame:
    path = files("grappes.data") / "bundled" / "organisations" / _FILE
    with path.open("rb") as handle:
        raw = pd.read_csv(handle, dtype="str", keep_default_na=False)
    missing = [c for c in _COLUMNS if c not in raw.columns]
    if missing:
        raise MissingColumnsError(
            f"{_WHERE}: missing columns {missing}",
            [Problem(_WHERE, f"column {c!r}", "no such column") for c in missing],
        )
    raw = raw.apply(lambda column: column.str.strip())
    problems = _problems(raw)
    if problems:
        raise InvalidInputError(
            f"{_WHERE}: {len(problems)} problem(s); first: {problems[0]}", problems
        )

    def text(column: str) -> pd.Series:
        return raw[column].replace("", None).astype("str")

    partners = [
        tuple(p.strip() for p in value.split(";") if p.strip())
        for value in raw["key_partners_reported"]
    ]
    counts: list[MemberCount | None] = [member_count(note) for note in raw["status_note"]]
    return pd.DataFrame(
        {
            "id": raw["id"],
            "country": raw["country"],
            "name": raw["name"],
            "sector": text("sector"),
            "city": text("city"),
            "region": text("iso3166_2_region_inferred"),
            "region_inferred": np.ones(len(raw), dtype=bool),
            "year_reported": pd.array(
                [int(y) if y else None for y in raw["year_reported"]], dtype="Int64"
            ),
            "status_note": text("status_note"),
            "key_partners": pd.Series(partners, dtype=object),
            "source_url": raw["source_url"],
            "members": pd.array([None if c is None else c.members for c in counts], "Int64"),
            "members_qualifier": pd.Series(
                [None if c is None else c.qualifier for c in counts], dtype="str"
            ),
            "members_year": pd.array([None if c is None else c.year for c in counts], "Int64"),
            "members_founding": pd.array(
                [None if c is None else c.founding for c in counts], dtype="boolean"
            ),
        }
    )


def _problems(raw: pd.DataFrame) -> list[Problem]:
    """Every problem of the raw file; rows numbered as in an editor (header is line 1)."""
    problems = []
    for line, record in enumerate(raw.to_dict("records"), start=2):
        row = {str(k): str(v) for k, v in record.items()}
        country, ident = row["country"], row["id"]
        if country not in MAGHREB_COUNTRIES:
            problems.append(Problem(_WHERE, "a Maghreb country code", repr(country), line))
        if not ident.startswith(f"{country}-"):
            problems.append(Problem(_WHERE, f"an id starting {country}-", ident, line, "id"))
        for column in ("id", "name", "source_url"):
            if not row[column]:
                problems.append(Problem(_WHERE, "a value", "nothing", line, column))
        region = row["iso3166_2_region_inferred"]
        if region and not region.startswith(f"{country}-"):
            problems.append(
                Problem(
                    _WHERE,
                    f"an ISO 3166-2 code of {country}",
                    region,
                    line,
                    "iso3166_2_region_inferred",
                )
            )
        year = row["year_reported"]
        if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
            problems.append(
                Problem(_WHERE, "a year between 1900 and 2100", repr(year), line, "year_reported")
            )
        url = row["source_url"]
        if not url.startswith(("http://", "https://")):
            problems.append(Problem(_WHERE, "a web address", url, line, "source_url"))
        try:
            member_count(row["status_note"])
        except InvalidInputError as error:
            problems.append(
                Problem(_WHERE, "at most one member count", str(error), line, "status_note")
            )
    duplicated = raw.loc[raw["id"].duplicated(), "id"].tolist()
    problems += [Problem(_WHERE, "unique ids", f"{d!r} repeated", None, "id") for d in duplicated]
    return problems
