"""The results the observatory computes on a dataset of region x sector x year counts.

:func:`compute_results` applies the library's rules at their documented defaults
(``grappes.indicators``, ``grappes.clusters``) to a dataset, bundled
(:func:`grappes.store.loading.load_bundled`) or a user's
(:func:`grappes.store.user_data.load_user_table`), and returns them as tidy tables
(:class:`DatasetResults`) that :func:`grappes.store.loading.store_dataset` writes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from grappes.clusters import lifecycle, star_ratings, strong_clusters
from grappes.errors import InvalidInputError
from grappes.indicators import herfindahl, krugman, location_quotient, locational_gini
from grappes.store import models as m
from grappes.store.micro_clusters import MicroClusterResults

__all__ = ["DatasetResults", "StrongMeasures", "compute_results"]

StrongMeasures = Literal["both", "employment_for_both", "establishments_for_both"]


@dataclass(frozen=True)
class DatasetResults:
    """A dataset's counts and the results computed on them, ready to be stored.

    Attributes
    ----------
    observations
        ``region``, ``sector``, ``year``, ``employment``, ``establishments`` (float; a
        measure the dataset does not have is missing in every row).
    location_quotients
        ``region``, ``sector``, ``year``, ``measure``, ``value``, ``location_quotient``
        (NaN where undefined), one block per measure the dataset has.
    strong_clusters
        :func:`grappes.clusters.strong_clusters` by year: ``region``, ``sector``, ``year``,
        ``employment``, ``establishments``, ``location_quotient`` and the four flags.
    star_ratings
        :func:`grappes.clusters.star_ratings` by year on ``stars_measure``: ``region``,
        ``sector``, ``year``, ``value``, ``location_quotient``, ``focus``, the three star
        flags and ``stars``.
    concentrations
        Over regions by year, per measure: ``sector``, ``year``, ``measure``,
        ``herfindahl``, ``herfindahl_normalised``, ``equivalent_number``
        (:func:`grappes.indicators.herfindahl`), ``locational_gini``
        (:func:`grappes.indicators.locational_gini`, Krugman's convention) and ``krugman``
        (:func:`grappes.indicators.krugman`, ``kind="concentration"``: each sector against
        the rest of the economy, from 0 to 2).
    lifecycle
        :func:`grappes.clusters.lifecycle` between the first and last year (empty for a
        dataset of one year): ``region``, ``sector``, ``first_year``, ``last_year``,
        employment and establishments first, last and growth, ``lq_first``, ``lq_last``,
        ``stage``, ``quadrant``.
    strong_measures
        What the strong-cluster rule took as its two size measures: ``both``, or one
        measure standing in for both when the dataset has only one.
    stars_measure
        The measure the stars were rated on (employment when the dataset has it).
    micro_clusters
        Micro-clusters of communes (:mod:`grappes.store.micro_clusters`), or ``None``: only
        the bundled commune dataset has them.
    """

    observations: pd.DataFrame
    location_quotients: pd.DataFrame
    strong_clusters: pd.DataFrame
    star_ratings: pd.DataFrame
    concentrations: pd.DataFrame
    lifecycle: pd.DataFrame
    strong_measures: StrongMeasures
    stars_measure: Literal["employment", "establishments"]
    micro_clusters: MicroClusterResults | None = None


def compute_results(counts: pd.DataFrame) -> DatasetResults:
    """Return the results the observatory shows for a table of region × sector × year counts.

    Parameters
    ----------
    counts
        Columns ``region``, ``sector`` (str), ``year`` (int) and at least one of
        ``employment`` and ``establishments`` (non-negative numbers, filled in every row);
        one row per region × sector × year.

    Returns
    -------
    DatasetResults
        Location quotients and concentration indices on each measure present; strong clusters
        (employment and establishments as the rule's two size measures; when only one is
        present it stands for both, as ``grappes map`` does on the 2024 census); stars on
        employment, or on establishments when there is no employment. Every rule is
        computed within each year, but the lifecycle, computed between the first and the
        last year when there are two years or more.

    Raises
    ------
    InvalidInputError
        When neither measure is present, a measure is filled in some rows only, or a rule
        refuses the table (its own message says why; the lifecycle needs every region x
        sector in every year).

    Notes
    -----
    The rules and their defaults are the library's: :func:`grappes.indicators.
    location_quotient`, :func:`grappes.indicators.herfindahl`, :func:`grappes.indicators.
    locational_gini` and :func:`grappes.indicators.krugman` (``on_zero_total="nan"``:
    a sector or region with no activity has no defined value rather than stopping the
    load), :func:`grappes.clusters.strong_clusters` (US Cluster Mapping Project),
    :func:`grappes.clusters.star_ratings` (European Cluster Observatory) and
    :func:`grappes.clusters.lifecycle` (Menzel & Fornahl 2010), which reads employment
    and establishments when both are present and the one measure otherwise, as
    ``grappes map --input`` does.
    """
    who = "compute_results"
    measures = [c for c in m.MEASURES if c in counts.columns and counts[c].notna().any()]
    if not measures:
        raise InvalidInputError(
            f"{who}: the table needs an 'employment' or an 'establishments' column with "
            f"values; got columns {list(counts.columns)}"
        )
    for measure in measures:
        empty = int(counts[measure].isna().sum())
        if empty:
            raise InvalidInputError(
                f"{who}: column {measure!r} is filled in some rows and empty in {empty}; "
                "fill it in every row, or leave the column out"
            )
    base = pd.DataFrame(
        {
            "region": counts["region"].astype(str),
            "sector": counts["sector"].astype(str),
            "year": counts["year"].astype("int64"),
        }
    )
    observations = base.assign(
        **{
            c: counts[c].astype("float64") if c in measures else math.nan
            for c in ("employment", "establishments")
        }
    )
    quotients = []
    concentrations = []
    for measure in measures:
        frame = base.assign(value=counts[measure].astype("float64"))
        lq = location_quotient(frame, value="value", by=("year",), on_zero_total="nan")
        assert isinstance(lq, pd.DataFrame)  # pandas in gives pandas out
        quotients.append(
            frame.merge(lq, on=["region", "sector", "year"], validate="one_to_one").assign(
                measure=measure
            )
        )
        concentrations.append(_concentration(frame).assign(measure=measure))
    strong_measures: StrongMeasures = "both"
    if measures == ["employment"]:
        strong_measures = "employment_for_both"
    elif measures == ["establishments"]:
        strong_measures = "establishments_for_both"
    first = measures[0]
    strong_input = base.assign(
        employment=observations["employment" if "employment" in measures else first],
        establishments=observations["establishments" if "establishments" in measures else first],
    )
    strong = strong_clusters(strong_input, by=("year",))
    assert isinstance(strong, pd.DataFrame)
    stars_measure: Literal["employment", "establishments"] = (
        "employment" if "employment" in measures else "establishments"
    )
    stars = star_ratings(
        base.assign(value=observations[stars_measure]), employment="value", by=("year",)
    )
    assert isinstance(stars, pd.DataFrame)
    return DatasetResults(
        observations=observations,
        location_quotients=pd.concat(quotients, ignore_index=True),
        strong_clusters=strong,
        star_ratings=stars,
        concentrations=pd.concat(concentrations, ignore_index=True),
        lifecycle=_lifecycle(observations, measures),
        strong_measures=strong_measures,
        stars_measure=stars_measure,
    )


def _concentration(frame: pd.DataFrame) -> pd.DataFrame:
    """Herfindahl, locational Gini and Krugman's index of each sector x year of ``value``."""
    keys = ["sector", "year"]
    options = {"value": "value", "by": ("year",), "on_zero_total": "nan"}
    hhi = herfindahl(frame, **options)  # type: ignore[arg-type]
    gini = locational_gini(frame, **options)  # type: ignore[arg-type]
    dissimilarity = krugman(frame, kind="concentration", **options)  # type: ignore[arg-type]
    assert isinstance(hhi, pd.DataFrame)  # pandas in gives pandas out
    assert isinstance(gini, pd.DataFrame) and isinstance(dissimilarity, pd.DataFrame)
    return hhi.merge(gini, on=keys, validate="one_to_one").merge(
        dissimilarity, on=keys, validate="one_to_one"
    )


def _lifecycle(observations: pd.DataFrame, measures: list[str]) -> pd.DataFrame:
    """The lifecycle stages of a panel of two years or more (an empty table otherwise)."""
    if observations["year"].nunique() < 2:
        return pd.DataFrame(columns=["region", "sector", "stage", "quadrant"])
    panel = observations[["region", "sector", "year"]].assign(
        employment=observations["employment" if "employment" in measures else measures[0]],
        establishments=observations["establishments"],
    )
    both = measures == list(m.MEASURES)
    stages = lifecycle(panel, establishments="establishments" if both else None)
    if not both:  # the rule ignored establishments: leave them empty, not NaN from the rule
        stages = stages.drop(columns=["establishments_first", "establishments_last"])
        stages = stages.drop(columns="establishments_growth")
    return stages
