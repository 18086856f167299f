"""The paper's figures on foreign cluster programmes: the benchmarks a Maghreb one meets.

Bundled (``grappes/data/bundled/benchmarks/``): one figure a row for the programmes of
Spain (Basque Country, Catalonia), Denmark, Sweden, Italy, Germany, France, the United
States and Japan, transcribed from the paper the project implements. Some figures (Basque
45% of GDP, Catalonia's ~100 micro-clusters, France's €38,000 median subsidy) rest on the
paper alone.
"""

from __future__ import annotations

import functools
import re
from importlib.resources import files
from typing import Final

import pandas as pd
import pycountry

from grappes.errors import InvalidInputError, MissingColumnsError, Problem

__all__ = ["SOURCE", "paper_programmes", "sources"]

#: Credit line for every figure of :func:`paper_programmes`.
SOURCE: Final = "Figures as given by the paper Grappes implements (shared/seed/)"

_FILE: Final = "paper_country_programmes.csv"
_WHERE: Final = f"grappes/data/bundled/benchmarks/{_FILE}"
_COLUMNS: Final = ("country", "region", "programme", "metric", "value", "unit", "year", "note")
_NUMBER: Final = re.compile(r"-?\d+(\.\d+)?")


def paper_programmes(*, country: str | None = None) -> pd.DataFrame:
    """Figures on foreign cluster programmes as the paper gives them, one figure a row.

    Parameters
    ----------
    country : str, optional
        ISO 3166-1 alpha-2 code (``ES``, ``DK``, ``SE``, ``IT``, ``DE``, ``FR``, ``US``,
        ``JP`` have figures) to keep one country's figures; ``None`` (default) keeps all.
        A valid code with no figure gives an empty table.

    Returns
    -------
    pandas.DataFrame
        Columns ``country`` (str, ISO 3166-1 alpha-2), ``region`` (str, missing for a
        national programme), ``programme`` (str), ``metric`` (str, snake_case name of
        the figure), ``value`` (float64), ``unit`` (str: ``count``, ``percent``,
        ``persons``, ``EUR``, ``USD``, ``year``), ``year`` (Int64, nullable: the year the
        figure refers to, when the paper gives one) and ``note`` (str, nullable).

    Raises
    ------
    InvalidInputError
        If ``country`` is not an ISO 3166-1 alpha-2 code, or the bundled file is damaged.

    Notes
    -----
    36 figures. Source: the paper (French, OCR text), transcribed by the project.

    Examples
    --------
    >>> table = paper_programmes(country="DK")
    >>> int(table.loc[table["metric"] == "competence_clusters_identified", "value"].iloc[0])
    29
    """
    if country is not None and (
        not isinstance(country, str)
        or len(country) != 2
        or pycountry.countries.get(alpha_2=country) is None
        or country != country.upper()
    ):
        raise InvalidInputError(
            f"paper_programmes: country must be None or an ISO 3166-1 alpha-2 code such as "
            f"'ES'; got {country!r}"
        )
    table = _programmes()
    if country is not None:
        table = table.loc[table["country"] == country].reset_index(drop=True)
    return table.copy()


def sources() -> list[dict[str, str]]:
    """Describe the bundled table: its source, licence and address.

    Returns
    -------
    list of dict
        One dict with keys ``name``, ``source``, ``licence``, ``url`` and ``changes``.

    Examples
    --------
    >>> sources()[0]["name"]
    'paper_programmes'
    """
    return [
        {
            "name": "paper_programmes",
            "source": SOURCE,
            "licence": "figures quoted from the paper; no licence claimed",
            "url": "(the paper; no address)",
            "changes": "value parsed as a number, year as a nullable integer",
        }
    ]


@functools.cache
def _programmes() -> pd.DataFrame:
    path = files("grappes.data") / "bundled" / "benchmarks" / _FILE
    with path.open("rb") as handle:
        raw = pd.read_csv(handle, dtype="str", keep_default_na=False)
    missing = [c for c in _COLUMNS if c not in raw.columns]
    if missing:
        raise MissingColumnsError(
            f"{_WHERE}: missing columns {missing}",
            [Problem(_WHERE, f"column {c!r}", "no such column") for c in missing],
        )
    problems: list[Problem] = []
    for line, record in enumerate(raw.to_dict("records"), start=2):
        # Lines as in an editor: the header is line 1.
        row = {str(k): str(v) for k, v in record.items()}
        if pycountry.countries.get(alpha_2=row["country"]) is None:
            problems.append(
                Problem(_WHERE, "an ISO 3166-1 alpha-2 code", repr(row["country"]), line, "country")
            )
        if not _NUMBER.fullmatch(row["value"]):
            problems.append(Problem(_WHERE, "a number", repr(row["value"]), line, "value"))
        year = row["year"]
        if year and not (year.isdigit() and 1900 <= int(year) <= 2100):
            problems.append(
                Problem(_WHERE, "a year between 1900 and 2100", repr(year), line, "year")
            )
        for column in ("programme", "metric", "unit"):
            if not row[column]:
                problems.append(Problem(_WHERE, "a value", "nothing", line, column))
    if problems:
        raise InvalidInputError(
            f"{_WHERE}: {len(problems)} problem(s); first: {problems[0]}", problems
        )

    def text(column: str) -> pd.Series:
        return raw[column].replace("", None).astype("str")

    return pd.DataFrame(
        {
            "country": raw["country"].astype("str"),
            "region": text("region"),
            "programme": raw["programme"].astype("str"),
            "metric": raw["metric"].astype("str"),
            "value": raw["value"].astype("float64"),
            "unit": raw["unit"].astype("str"),
            "year": pd.array(
                [int(y) if y else None for y in raw["year"]],
                dtype="Int64",
            ),
            "note": text("note"),
        }
    )
