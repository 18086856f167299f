"""What the cluster report says, computed once and in no language: the identification.

:func:`identify_morocco` runs the whole identification on Morocco's census (HCP, RGPH 2024
and 2014); :func:`identify_table` runs the same rules on a user's employment table or
register. Both return an :class:`Identification` of tidy pandas tables, which
:mod:`grappes.reports.cluster_report` puts into words and maps in French, Arabic or English.

Every rule is the library's (``grappes.indicators``, ``grappes.clusters``,
``grappes.spatial``); this module only chooses the data, records the thresholds each rule
used (the *evidence*) and says which caveat applies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

from grappes.clusters import lifecycle, star_ratings, strong_clusters
from grappes.clusters.stars import FOCUS_TOP, SIZE_TOP, SPECIALISATION_MIN
from grappes.errors import InvalidInputError
from grappes.indicators import location_quotient
from grappes.spatial.areal_clusters import AreaMicroClusters, areal_micro_clusters

#: Seed of the demo's micro-cluster permutations (reported in the report).
DEMO_SEED = 0
#: Permutations of the demo's micro-cluster test. 9,999, as in
#: ``docs/micro-clusters-morocco.md``: with 999 the smallest pseudo p-value is 0.001 and no
#: industry hot spot survives the FDR correction over 1,488 communes; measured here, 9,999
#: cost about 1.5 s more than 999 (esda's numba compilation, about 13 s, dominates).
DEMO_PERMUTATIONS = 9999

#: Which size measures the strong-cluster rule read.
Measures: TypeAlias = Literal["both", "employment_for_both", "establishments_for_both"]

#: A step of the identification, for a progress bar: ``(label, done, total)``.
Progress: TypeAlias = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Specialisation:
    """Location quotients of one dataset: one row per region x sector (one year).

    ``table`` has ``region``, ``sector``, the value column (named by ``value``) and
    ``location_quotient``.
    """

    key: str
    value: Literal["employment", "establishments"]
    year: int
    classification: str | None
    table: pd.DataFrame


@dataclass(frozen=True)
class Identification:
    """Everything the cluster report shows, before it is put into words.

    Attributes
    ----------
    origin
        ``"demo"`` (Morocco's census) or ``"input"`` (a user's table).
    specialisations
        The location-quotient tables at the level of the report's regions.
    strong
        :func:`grappes.clusters.strong_clusters` at ``unit_level``: ``region`` (the unit),
        ``sector``, ``employment``, ``establishments``, ``location_quotient`` and the flags.
    strong_evidence
        Per sector, the quantiles the rule compared with: ``units`` (with employment > 0),
        ``lq_q25``, ``lq_q50``, ``lq_q75``, ``lq_q90``, ``employment_q25``,
        ``establishments_q25``, and the counts ``strong`` and ``strong10``.
    strong_measures
        Which columns were the rule's employment and establishments.
    stars
        :func:`grappes.clusters.star_ratings` at ``unit_level``.
    stars_evidence
        Per sector: ``units`` (with employment > 0), ``top`` (how many size and focus stars
        the top-10 % rule gives), ``size_cutoff`` and ``focus_cutoff`` (the smallest
        employment and focus that earned the star; NaN when ``top`` is 0) and
        ``specialisation_min``.
    micro
        Areal micro-clusters of communes (demo only), or ``None``.
    lifecycle
        :func:`grappes.clusters.lifecycle` on the panel, or ``None`` when there is no
        multi-year panel.
    parents
        The report-region of every unit and commune code (a province's region; a region is
        its own).
    """

    origin: Literal["demo", "input"]
    specialisations: tuple[Specialisation, ...]
    strong: pd.DataFrame
    strong_evidence: pd.DataFrame
    strong_measures: Measures
    strong_year: int
    stars: pd.DataFrame
    stars_evidence: pd.DataFrame
    stars_year: int
    unit_level: str
    micro: AreaMicroClusters | None
    permutations: int | None
    seed: int | None
    lifecycle: pd.DataFrame | None
    years: tuple[int, ...]
    parents: dict[str, str]


def identify_morocco(
    *,
    permutations: int = DEMO_PERMUTATIONS,
    seed: int = DEMO_SEED,
    progress: Progress | None = None,
) -> Identification:
    """Return the identification of clusters in Morocco's census data.

    Parameters
    ----------
    permutations
        Conditional permutations of the commune hot-spot test (default 9,999, see
        :data:`DEMO_PERMUTATIONS`).
    seed
        Seed of those permutations (default 0).
    progress
        Called as ``progress(step, done, total)`` as the work advances.

    Returns
    -------
    Identification
        Specialisations of the twelve regions (establishments 2024, 4 groups; employment
        2014, 9 groups); strong clusters of the 75 provinces on establishments 2024 (the
        census publishes no 2024 employment by sector, so establishments are both size
        measures); stars of the provinces on employment 2014; micro-clusters of the 1,503
        communes on establishments 2024 (Gi* with its own binary contiguity weights, the
        commune itself included, FDR 5 %, LQ ≥ 1; ``micro.transform`` says which weights);
        no lifecycle (no panel).
    """
    from grappes.data import communes_graph, geography, morocco

    report = progress or (lambda step, done, total: None)
    report("data", 0, 1)
    establishments = morocco.establishments(level="region")
    employment = morocco.employment(level="region")
    specialisations = (
        _specialisation("establishments", establishments, "establishments", "HCP_ESTABLISHMENTS"),
        _specialisation("employment", employment, "employment", "HCP_EMPLOYMENT"),
    )
    report("strong", 0, 1)
    provinces = morocco.establishments(level="province")
    strong_input = provinces.assign(employment=provinces["establishments"])
    strong = _strong(strong_input)
    report("stars", 0, 1)
    stars_input = morocco.employment(level="province")
    stars = _stars(stars_input)
    communes = morocco.establishments(level="commune")
    graph = communes_graph.contiguity_graph()
    sector_count = communes["sector"].nunique()
    report("micro", 0, sector_count)
    micro = areal_micro_clusters(
        communes,
        graph=graph,
        permutations=permutations,
        seed=seed,
        islands="drop",
        on_zero_total="drop",
        progress=lambda done, total: report("micro", done, total),
    )
    hierarchy = geography.regions(country="MA")
    parent = dict(zip(hierarchy["code"], hierarchy["parent"], strict=True))
    parents: dict[str, str] = {}
    for code, level in zip(hierarchy["code"], hierarchy["level"], strict=True):
        if level == "region":
            parents[code] = code
        elif level == "province":
            parents[code] = parent[code]
        elif level == "commune":
            parents[code] = parent[parent[code]]
    return Identification(
        origin="demo",
        specialisations=specialisations,
        strong=strong,
        strong_evidence=_strong_evidence(strong),
        strong_measures="establishments_for_both",
        strong_year=int(provinces["year"].iloc[0]),
        stars=stars,
        stars_evidence=_stars_evidence(stars),
        stars_year=int(stars_input["year"].iloc[0]),
        unit_level="province",
        micro=micro,
        permutations=permutations,
        seed=seed,
        lifecycle=None,
        years=(2014, 2024),
        parents=parents,
    )


def identify_table(
    table: pd.DataFrame,
    *,
    kind: Literal["employment", "establishments"],
) -> tuple[Identification, list[str]]:
    """Return the identification of clusters in a user's table, and what was assumed.

    Parameters
    ----------
    table
        As :func:`grappes.data.readers.read_table` returns it: an ``employment`` table
        (region, sector, year, employment, optional establishments) or an
        ``establishments`` register (one row per establishment: id, region, sector, year,
        optional employment).
    kind
        ``"employment"`` or ``"establishments"``.

    Returns
    -------
    (Identification, list of str)
        The identification at the table's own regional level (specialisations, strong
        clusters and stars on the latest year; the lifecycle when the table has two years
        or more), and the names of the assumptions made (``"employment_for_both"``,
        ``"establishments_for_both"``), which the report states.

    Raises
    ------
    InvalidInputError
        When an optional column (establishments, employment) is filled in some rows and
        empty in others, or when a rule refuses the table (every problem the rule names).
    """
    counts, measures = _region_sector_counts(table, kind=kind)
    years = tuple(sorted(int(y) for y in counts["year"].unique()))
    latest = counts[counts["year"] == years[-1]]
    values: dict[Measures, tuple[Literal["employment", "establishments"], ...]] = {
        "both": ("establishments", "employment"),
        "employment_for_both": ("employment",),
        "establishments_for_both": ("establishments",),
    }
    specialisations = [_specialisation(v, latest, v, None) for v in values[measures]]
    strong = _strong(latest)
    stars = _stars(latest)
    panel = None
    if len(years) >= 2:
        panel = lifecycle(
            counts,
            establishments="establishments" if measures == "both" else None,
        )
    assumptions: list[str] = [] if measures == "both" else [measures]
    regions = sorted(counts["region"].unique())
    return (
        Identification(
            origin="input",
            specialisations=tuple(specialisations),
            strong=strong,
            strong_evidence=_strong_evidence(strong),
            strong_measures=measures,
            strong_year=years[-1],
            stars=stars,
            stars_evidence=_stars_evidence(stars),
            stars_year=years[-1],
            unit_level="region",
            micro=None,
            permutations=None,
            seed=None,
            lifecycle=panel,
            years=years,
            parents={code: code for code in regions},
        ),
        assumptions,
    )


def _region_sector_counts(
    table: pd.DataFrame, *, kind: Literal["employment", "establishments"]
) -> tuple[pd.DataFrame, Measures]:
    """Region x sector x year counts with ``employment`` and ``establishments`` columns."""
    who = "grappes map --input"
    frame = pd.DataFrame(
        {
            "region": table["region"].astype(str),
            "sector": table["sector"].astype(str),
            "year": table["year"].astype("int64"),
        }
    )
    optional = "establishments" if kind == "employment" else "employment"
    present = optional in table.columns and bool(table[optional].notna().any())
    if optional in table.columns and present:
        empty = table[optional].isna().to_numpy()
        if empty.any():
            rows = np.flatnonzero(empty)
            raise InvalidInputError(
                f"{who}: column {optional!r} is filled in some rows and empty in "
                f"{len(rows)} (first: region={table['region'].iloc[rows[0]]!r}, "
                f"sector={table['sector'].iloc[rows[0]]!r}, year={table['year'].iloc[rows[0]]}); "
                f"fill it in every row, or leave the column out"
            )
    if kind == "employment":
        frame["employment"] = table["employment"].astype("float64")
        if present:
            frame["establishments"] = table["establishments"].astype("float64")
            return frame, "both"
        frame["establishments"] = frame["employment"]
        return frame, "employment_for_both"
    # A register: counting its rows gives the establishments of every region x sector;
    # a pair with no row has none (a count, not a repair).
    frame["establishments"] = 1.0
    frame["employment"] = table["employment"].astype("float64") if present else 1.0
    counts = frame.groupby(["region", "sector", "year"], as_index=False)[
        ["employment", "establishments"]
    ].sum()
    grid = pd.MultiIndex.from_product(
        [
            sorted(counts["region"].unique()),
            sorted(counts["sector"].unique()),
            sorted(counts["year"].unique()),
        ],
        names=["region", "sector", "year"],
    )
    counts = (
        counts.set_index(["region", "sector", "year"]).reindex(grid, fill_value=0.0).reset_index()
    )
    return counts, "both" if present else "establishments_for_both"


def _specialisation(
    key: str,
    table: pd.DataFrame,
    value: Literal["employment", "establishments"],
    classification: str | None,
) -> Specialisation:
    frame = table[["region", "sector", value]].copy()
    year = int(table["year"].iloc[0])
    lq = location_quotient(frame, value=value, on_zero_total="nan")
    assert isinstance(lq, pd.DataFrame)  # pandas in gives pandas out
    merged = frame.merge(lq, on=["region", "sector"], validate="one_to_one")
    return Specialisation(
        key=key, value=value, year=year, classification=classification, table=merged
    )


def _strong(table: pd.DataFrame) -> pd.DataFrame:
    frame = table[["region", "sector", "employment", "establishments"]]
    result = strong_clusters(frame)
    assert isinstance(result, pd.DataFrame)  # pandas in gives pandas out
    return result


def _stars(table: pd.DataFrame) -> pd.DataFrame:
    result = star_ratings(table[["region", "sector", "employment"]])
    assert isinstance(result, pd.DataFrame)  # pandas in gives pandas out
    return result


def _strong_evidence(strong: pd.DataFrame) -> pd.DataFrame:
    """The quantiles ``strong_clusters`` compared with, recomputed with numpy per sector."""
    rows = []
    for sector, group in strong.groupby("sector", sort=False):
        present = group[group["employment"] > 0]
        lq = present["location_quotient"].to_numpy(dtype="float64")
        rows.append(
            {
                "sector": sector,
                "units": len(present),
                "lq_q25": _quantile(lq, 0.25),
                "lq_q50": _quantile(lq, 0.5),
                "lq_q75": _quantile(lq, 0.75),
                "lq_q90": _quantile(lq, 0.9),
                "employment_q25": _quantile(present["employment"].to_numpy(float), 0.25),
                "establishments_q25": _quantile(present["establishments"].to_numpy(float), 0.25),
                "strong": int(group["strong"].sum()),
                "strong10": int(group["strong10"].sum()),
            }
        )
    return pd.DataFrame(rows)


def _stars_evidence(stars: pd.DataFrame) -> pd.DataFrame:
    """Per sector, how many top-10 % stars there are and the value that earned the last."""
    rows = []
    for sector, group in stars.groupby("sector", sort=False):
        present = group[group["employment"] > 0]
        size = present.loc[present["size_star"], "employment"]
        focus = present.loc[present["focus_star"], "focus"]
        rows.append(
            {
                "sector": sector,
                "units": len(present),
                "top": int(np.floor(SIZE_TOP * len(present) + 1e-9)),
                "focus_top": int(np.floor(FOCUS_TOP * len(present) + 1e-9)),
                "size_cutoff": float(size.min()) if len(size) else np.nan,
                "focus_cutoff": float(focus.min()) if len(focus) else np.nan,
                "specialisation_min": SPECIALISATION_MIN,
                "size_stars": int(group["size_star"].sum()),
                "specialisation_stars": int(group["specialisation_star"].sum()),
                "focus_stars": int(group["focus_star"].sum()),
            }
        )
    return pd.DataFrame(rows)


def _quantile(values: np.ndarray, p: float) -> float:
    return float(np.quantile(values, p)) if len(values) else np.nan
