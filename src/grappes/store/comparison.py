"""Comparisons: units side by side, and the Maghreb's clusters beside the paper's programmes.

- :func:`parse_units`: the unit codes a visitor asked to compare, checked (2 to 10, no
  duplicate, each a short printable code);
- :func:`compare_regions`: 2 to 10 units of one level (countries, regions, provinces or
  communes) side by side: their totals, location quotients, strong clusters, stars and
  cluster organisations;
- :func:`programme_benchmarks`: the paper's reference programmes (how many clusters each
  counts, and the few figures per cluster its numbers allow) beside the number of cluster
  organisations of the Maghreb countries;
- :func:`organisation_benchmark`: one cluster organisation beside those programmes.

Only what is comparable is compared: a programme's figure per cluster is derived from two
figures of the same programme in the paper (92,000 enterprises / 69 poles), never from
figures of different programmes or years, and an organisation's record holds no such
figure, so its side is "not reported" (``None``), never an estimate. The paper gives no
population, and the store holds none, so nothing is given per inhabitant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError, NotFoundError
from grappes.store import models as m
from grappes.store.queries import as_booleans, check_code, fetch_frame, organisation_profile

__all__ = [
    "CLUSTER_COUNT_METRICS",
    "MAX_UNITS",
    "MIN_UNITS",
    "PER_CLUSTER",
    "Comparison",
    "OrganisationBenchmark",
    "ProgrammeBenchmarks",
    "comparable_units",
    "compare_regions",
    "organisation_benchmark",
    "organisation_choices",
    "parse_units",
    "programme_benchmarks",
]

#: Fewest and most units a comparison takes.
MIN_UNITS: Final = 2
MAX_UNITS: Final = 10

#: The paper's metrics that count a programme's clusters (``grappes.data.benchmarks``).
CLUSTER_COUNT_METRICS: Final[tuple[str, ...]] = (
    "priority_clusters",
    "micro_clusters_statistically_identified",
    "micro_clusters_steered_today",
    "competence_clusters_identified",
    "competence_centres_created",
    "poles",
    "districts",
    "networks",
    "spl_selected",
    "clusters",
)

#: Figures per cluster: ``(measure, country, programme, numerator, denominator)``, each
#: ratio of two figures the paper gives for the same programme; a denominator of ``None``
#: means the paper gives the figure per cluster itself (France's median subsidy).
PER_CLUSTER: Final[tuple[tuple[str, str, str, str, str | None], ...]] = (
    ("enterprises", "SE", "competitiveness poles", "enterprises", "poles"),
    ("enterprises", "IT", "industrial districts", "enterprises", "districts"),
    ("enterprises", "DE", "Kompetenznetze Deutschland", "member_enterprises", "networks"),
    ("enterprises", "JP", "industrial clusters (METI)", "smes", "clusters"),
    ("employment", "SE", "competitiveness poles", "employment", "poles"),
    ("employment", "IT", "industrial districts", "employment", "districts"),
    (
        "research_institutions",
        "DE",
        "Kompetenznetze Deutschland",
        "member_research_institutions",
        "networks",
    ),
    ("research_institutions", "JP", "industrial clusters (METI)", "universities", "clusters"),
    ("public_funding", "FR", "Systèmes Productifs Locaux (SPL)", "median_subsidy", None),
)

#: Identifiers of competitiveness poles and technoparks (``TN-P01``): not cluster
#: organisations proper (:func:`grappes.data.organisations.cluster_organisations`).
_POLE: Final = re.compile(r"[A-Z]{2}-P\d+")
_UNIT_COLUMNS: Final = ("code", "level", "parent", "country", "name_fr", "name_ar", "name_en")
_BENCHMARK_COLUMNS: Final = (
    "id",
    "country",
    "region",
    "programme",
    "metric",
    "value",
    "unit",
    "year",
    "note",
)
#: Levels whose units an organisation's record can be placed in (by its region's code).
_ORGANISATION_LEVELS: Final = ("country", "region")


@dataclass(frozen=True)
class Comparison:
    """Units of one level side by side (see :func:`compare_regions`).

    Attributes
    ----------
    level
        The units' level: ``country``, ``region``, ``province`` or ``commune``.
    units
        One row per unit in the order asked: ``code``, ``level``, ``parent``,
        ``country``, ``name_fr``, ``name_ar``, ``name_en``, ``organisations`` (how many
        cluster organisations are located there; missing below region level, where the
        records place none).
    totals
        ``dataset``, ``measure``, ``year``, ``region``, ``total``: the sum of each
        dataset's counts (establishments or employment) for the unit; a country's is the
        sum of its regions in the region-level datasets.
    location_quotients
        ``dataset``, ``measure``, ``year``, ``sector``, ``label_fr``, ``label_ar``,
        ``label_en``, ``region``, ``value``, ``location_quotient``, ``strong`` (the cell
        is a strong cluster), ``stars`` (0 to 3, missing where not rated).
    clusters
        Per dataset and unit: ``dataset``, ``region``, ``strong_clusters`` (how many
        sectors are strong clusters), ``starred`` (sectors with at least one star),
        ``stars`` (stars in all).
    organisations
        The cluster organisations located in the units: ``region`` (the unit), ``id``,
        ``name``, ``sector``, ``city``.
    """

    level: str
    units: pd.DataFrame
    totals: pd.DataFrame
    location_quotients: pd.DataFrame
    clusters: pd.DataFrame
    organisations: pd.DataFrame


@dataclass(frozen=True)
class ProgrammeBenchmarks:
    """The paper's reference programmes beside the Maghreb's cluster organisations.

    Attributes
    ----------
    figures
        Every figure of the paper (the ``benchmarks`` table): ``id``, ``country``,
        ``region``, ``programme``, ``metric``, ``value``, ``unit``, ``year``, ``note``.
    cluster_counts
        The figures that count a programme's clusters (:data:`CLUSTER_COUNT_METRICS`),
        same columns.
    per_cluster
        Figures per cluster (:data:`PER_CLUSTER`): ``measure``, ``country``,
        ``programme``, ``year``, ``numerator_metric``, ``numerator``,
        ``denominator_metric``, ``denominator`` (missing when the paper gives the figure
        per cluster), ``unit``, ``value``, ``lower_bound`` (the paper says "more than").
    maghreb
        One row per Maghreb country (or the one asked): ``country``, ``name_fr``,
        ``name_ar``, ``name_en``, ``organisations`` (in Grappes' list), ``poles`` (of
        which competitiveness poles and technoparks), ``clusters`` (the others).
    """

    figures: pd.DataFrame
    cluster_counts: pd.DataFrame
    per_cluster: pd.DataFrame
    maghreb: pd.DataFrame


@dataclass(frozen=True)
class OrganisationBenchmark:
    """A cluster organisation beside the paper's programmes.

    Attributes
    ----------
    organisation
        Its record (as :func:`grappes.store.queries.organisation_profile`).
    partners
        ``position``, ``name``: the key partners its sources name.
    region
        Its region's record, or ``None`` when the sources name no city.
    per_cluster
        The organisation's side of each measure of :data:`PER_CLUSTER`: ``measure``,
        ``value`` (always missing: its record holds no member, employment or funding
        figure).
    region_clusters
        Strong clusters and starred sectors of its region (the region's own cells):
        ``dataset``, ``region``, ``strong_clusters``, ``starred``, ``stars``.
    benchmarks
        The programmes, and the organisation's country among the Maghreb's.
    """

    organisation: dict[str, Any]
    partners: pd.DataFrame
    region: dict[str, Any] | None
    per_cluster: pd.DataFrame
    region_clusters: pd.DataFrame
    benchmarks: ProgrammeBenchmarks


def parse_units(values: Sequence[str] | None) -> list[str]:
    """Return the unit codes asked for, in order: repeated values and/or comma-separated.

    ``["MA-01", "MA-06"]`` and ``["MA-01,MA-06"]`` both give ``["MA-01", "MA-06"]``;
    spaces around codes and empty values (an empty text field of a form) are left out.

    Raises
    ------
    InvalidInputError
        When fewer than :data:`MIN_UNITS` or more than :data:`MAX_UNITS` codes are given,
        a code is given twice, or a code is not a short string of printable characters.

    Examples
    --------
    >>> parse_units(["MA-01, MA-06", ""])
    ['MA-01', 'MA-06']
    """
    who = "compare"
    # Only spaces are trimmed ("MA-01, MA-06"): a newline or a tab is refused with the code.
    codes = [part.strip(" ") for value in values or () for part in value.split(",")]
    codes = [code for code in codes if code]
    if len(codes) > MAX_UNITS:
        raise InvalidInputError(
            f"{who}: regions must name {MIN_UNITS} to {MAX_UNITS} units; got {len(codes)}"
        )
    for code in codes:
        check_code(who, "each region code", code)
    if len(codes) < MIN_UNITS:
        raise InvalidInputError(
            f"{who}: regions must name {MIN_UNITS} to {MAX_UNITS} units; got {len(codes)}"
            + (f" ({codes[0]!r})" if codes else "")
        )
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise InvalidInputError(f"{who}: each unit may be named once; {code!r} is named twice")
        seen.add(code)
    return codes


def compare_regions(session: Session, codes: Sequence[str]) -> Comparison:
    """Return 2 to 10 units of one level side by side.

    Parameters
    ----------
    session
        A session on the observatory's database.
    codes
        The units' codes (``MA-01``, ``06.141``, ``MA`` …), checked as by
        :func:`parse_units`; the result keeps their order.

    Returns
    -------
    Comparison
        Their totals, location quotients, strong clusters, stars and organisations. A
        unit's own cells only: a region's strong clusters are those of the region-level
        datasets, not of its provinces, so that units of one level compare alike.

    Raises
    ------
    InvalidInputError
        As :func:`parse_units`; or when the units are not all of one level.
    NotFoundError
        When a code names no unit.

    Examples
    --------
    >>> comparison = compare_regions(session, ["MA-01", "MA-06"])  # doctest: +SKIP
    >>> comparison.units["name_fr"].tolist()  # doctest: +SKIP
    ['Tanger-Tétouan-Al Hoceïma', 'Casablanca-Settat']
    """
    who = "compare"
    codes = parse_units(list(codes))
    region = m.Region
    found = fetch_frame(
        session,
        sa.select(*[region.__table__.c[c] for c in _UNIT_COLUMNS]).where(region.code.in_(codes)),
    )
    unknown = [code for code in codes if code not in set(found["code"])]
    if unknown:
        listed = ", ".join(repr(code) for code in unknown)
        raise NotFoundError(f"{who}: no unit has the code {listed}")
    units = found.set_index("code").loc[codes].reset_index()
    levels = units["level"].unique().tolist()
    if len(levels) > 1:
        described = ", ".join(f"{r.code!r} is a {r.level}" for r in units.itertuples())
        raise InvalidInputError(
            f"{who}: the units must all be of one level (all regions, all provinces …); "
            f"got {described}"
        )
    level = str(levels[0])
    units["organisations"] = _organisation_counts(session, codes, level)
    lqs = _location_quotients(session, codes)
    return Comparison(
        level=level,
        units=units,
        totals=_totals(session, codes, level),
        location_quotients=lqs,
        clusters=_cluster_summary(lqs),
        organisations=_organisations(session, codes, level),
    )


def programme_benchmarks(session: Session, *, country: str | None = None) -> ProgrammeBenchmarks:
    """Return the paper's programmes beside the Maghreb countries' cluster organisations.

    Parameters
    ----------
    session
        A session on the observatory's database.
    country
        A Maghreb country (``MA``, ``DZ``, ``TN``, ``LY``, ``MR``) to keep only its row of
        ``maghreb``; ``None`` (default) keeps them all.

    Raises
    ------
    InvalidInputError
        When ``country`` is not a short string of printable characters.
    NotFoundError
        When ``country`` is not a country of the store.

    Notes
    -----
    The counts are not alike: a programme counts the clusters it labelled, selected or
    identified, Grappes' list the cluster organisations its public sources name. The
    page says so beside them.
    """
    who = "programme_benchmarks"
    region = m.Region
    countries = sa.select(*[region.__table__.c[c] for c in _UNIT_COLUMNS]).where(
        region.level == "country"
    )
    if country is not None:
        country = check_code(who, "country", country)
        countries = countries.where(region.code == country)
    maghreb = fetch_frame(session, countries.order_by(region.code))
    if country is not None and maghreb.empty:
        raise NotFoundError(f"{who}: no country has the code {country!r}")
    ids = fetch_frame(session, sa.select(m.Organisation.id, m.Organisation.country))
    poles = ids[ids["id"].map(lambda i: _POLE.fullmatch(i) is not None)]
    maghreb = maghreb.rename(columns={"code": "country_code"})[
        ["country_code", "name_fr", "name_ar", "name_en"]
    ].rename(columns={"country_code": "country"})
    maghreb["organisations"] = [int((ids["country"] == c).sum()) for c in maghreb["country"]]
    maghreb["poles"] = [int((poles["country"] == c).sum()) for c in maghreb["country"]]
    maghreb["clusters"] = maghreb["organisations"] - maghreb["poles"]

    bench = m.Benchmark
    figures = fetch_frame(
        session,
        sa.select(*[bench.__table__.c[c] for c in _BENCHMARK_COLUMNS]).order_by(bench.id),
    )
    figures["year"] = figures["year"].astype("Int64")
    counts = figures[figures["metric"].isin(CLUSTER_COUNT_METRICS)].reset_index(drop=True)
    return ProgrammeBenchmarks(
        figures=figures,
        cluster_counts=counts,
        per_cluster=_per_cluster(figures),
        maghreb=maghreb.reset_index(drop=True),
    )


def organisation_benchmark(session: Session, identifier: str) -> OrganisationBenchmark:
    """Return the cluster organisation ``identifier`` beside the paper's programmes.

    Raises
    ------
    NotFoundError
        When no organisation has this identifier.
    InvalidInputError
        When ``identifier`` is not a short string of printable characters.
    """
    profile = organisation_profile(session, identifier)
    organisation = profile.organisation
    region = profile.region
    if region is None:
        region_clusters = _cluster_summary(_location_quotients(session, []))
    else:
        region_clusters = _cluster_summary(_location_quotients(session, [region["code"]]))
    measures = list(dict.fromkeys(measure for measure, *_ in PER_CLUSTER))
    per_cluster = pd.DataFrame({"measure": measures, "value": [None] * len(measures)})
    return OrganisationBenchmark(
        organisation=organisation,
        partners=profile.partners,
        region=region,
        per_cluster=per_cluster,
        region_clusters=region_clusters,
        benchmarks=programme_benchmarks(session, country=organisation["country"]),
    )


def comparable_units(session: Session) -> pd.DataFrame:
    """Return the units a form offers to compare: countries, regions and provinces.

    Communes (1,503 of them) are left out of the list; they are compared by code.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``level``, ``parent``, ``country``, ``name_fr``, ``name_ar``,
        ``name_en``; countries, then regions, then provinces, each by parent and name.
    """
    region = m.Region
    rank = sa.case({"country": 0, "region": 1, "province": 2}, value=region.level)
    return fetch_frame(
        session,
        sa.select(*[region.__table__.c[c] for c in _UNIT_COLUMNS])
        .where(region.level.in_(("country", "region", "province")))
        .order_by(rank, region.parent, region.name_fr, region.code),
    )


def organisation_choices(session: Session) -> pd.DataFrame:
    """Return ``id``, ``name``, ``country`` of every organisation, by country and name."""
    org = m.Organisation
    return fetch_frame(
        session, sa.select(org.id, org.name, org.country).order_by(org.country, org.name, org.id)
    )


def _organisation_counts(session: Session, codes: list[str], level: str) -> list[int | None]:
    if level not in _ORGANISATION_LEVELS:
        return [None] * len(codes)
    org = m.Organisation
    column = org.country if level == "country" else org.region
    counted = dict(
        session.execute(
            sa.select(column, sa.func.count()).where(column.in_(codes)).group_by(column)
        ).all()
    )
    return [int(counted.get(code, 0)) for code in codes]


def _organisations(session: Session, codes: list[str], level: str) -> pd.DataFrame:
    org = m.Organisation
    columns = ["region", "id", "name", "sector", "city"]
    if level not in _ORGANISATION_LEVELS:
        return pd.DataFrame(columns=columns)
    column = org.country if level == "country" else org.region
    return fetch_frame(
        session,
        sa.select(column.label("region"), org.id, org.name, org.sector, org.city)
        .where(column.in_(codes))
        .order_by(column, org.name, org.id),
    )


def _totals(session: Session, codes: list[str], level: str) -> pd.DataFrame:
    obs, ds, region = m.Observation, m.Dataset, m.Region
    if level == "country":
        # No dataset is at country level: a country's total is the sum of its regions.
        unit = region.country
        statement = (
            sa.select(ds.name, ds.kind, obs.year, unit.label("region"))
            .join(ds, ds.id == obs.dataset)
            .join(region, region.code == obs.region)
            .where(ds.level == "region", unit.in_(codes))
        )
    else:
        unit = obs.region
        statement = (
            sa.select(ds.name, ds.kind, obs.year, unit.label("region"))
            .join(ds, ds.id == obs.dataset)
            .where(ds.level == level, unit.in_(codes))
        )
    statement = statement.add_columns(
        sa.func.sum(obs.employment).label("employment"),
        sa.func.sum(obs.establishments).label("establishments"),
    ).group_by(ds.id, ds.name, ds.kind, obs.year, unit)
    frame = fetch_frame(session, statement.order_by(ds.id, obs.year, unit))
    columns = ["dataset", "measure", "year", "region", "total"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    frame["total"] = [
        float(row[row["kind"]]) if pd.notna(row[row["kind"]]) else None
        for _, row in frame.iterrows()
    ]
    frame = frame.rename(columns={"name": "dataset", "kind": "measure"})
    return frame[columns].reset_index(drop=True)


def _location_quotients(session: Session, codes: list[str]) -> pd.DataFrame:
    lq, ds, sector = m.LocationQuotient, m.Dataset, m.Sector
    strong, star = m.StrongCluster, m.StarRating
    same_cell = sa.and_(
        strong.dataset == lq.dataset,
        strong.region == lq.region,
        strong.sector == lq.sector,
        strong.year == lq.year,
    )
    same_star = sa.and_(
        star.dataset == lq.dataset,
        star.region == lq.region,
        star.sector == lq.sector,
        star.year == lq.year,
    )
    frame = fetch_frame(
        session,
        sa.select(
            ds.name.label("dataset"),
            lq.measure,
            lq.year,
            lq.sector,
            sector.label_fr,
            sector.label_ar,
            sector.label_en,
            lq.region,
            lq.value,
            lq.location_quotient,
            sa.func.coalesce(strong.strong, sa.false()).label("strong"),
            star.stars,
        )
        .join(ds, ds.id == lq.dataset)
        .outerjoin(
            sector, sa.and_(sector.classification == ds.classification, sector.code == lq.sector)
        )
        .outerjoin(strong, same_cell)
        .outerjoin(star, same_star)
        .where(lq.region.in_(codes))
        .order_by(ds.id, lq.measure, lq.year, lq.sector, lq.region),
    )
    frame = as_booleans(frame, ["strong"])
    frame["stars"] = frame["stars"].astype("Int64")
    return frame


def _cluster_summary(lqs: pd.DataFrame) -> pd.DataFrame:
    columns = ["dataset", "region", "strong_clusters", "starred", "stars"]
    if lqs.empty:
        return pd.DataFrame(columns=columns)
    frame = lqs.assign(
        starred=(lqs["stars"].fillna(0) > 0).astype(int),
        stars_=lqs["stars"].fillna(0).astype(int),
        strong_=lqs["strong"].astype(int),
    )
    summary = (
        frame.groupby(["dataset", "region"], sort=False)
        .agg(
            strong_clusters=("strong_", "sum"), starred=("starred", "sum"), stars=("stars_", "sum")
        )
        .reset_index()
    )
    return summary[columns]


def _per_cluster(figures: pd.DataFrame) -> pd.DataFrame:
    def figure(country: str, programme: str, metric: str) -> pd.Series | None:
        rows = figures[
            (figures["country"] == country)
            & (figures["programme"] == programme)
            & (figures["metric"] == metric)
        ]
        return None if rows.empty else rows.iloc[0]

    rows = []
    for measure, country, programme, numerator, denominator in PER_CLUSTER:
        top = figure(country, programme, numerator)
        bottom = None if denominator is None else figure(country, programme, denominator)
        if top is None or (denominator is not None and bottom is None):
            continue  # a user's store may lack the paper's figures: nothing to derive
        value = float(top["value"]) if bottom is None else float(top["value"] / bottom["value"])
        note = "" if pd.isna(top["note"]) else str(top["note"])
        rows.append(
            {
                "measure": measure,
                "country": country,
                "programme": programme,
                "year": top["year"] if pd.notna(top["year"]) else None,
                "numerator_metric": numerator,
                "numerator": float(top["value"]),
                "denominator_metric": denominator,
                "denominator": None if bottom is None else float(bottom["value"]),
                "unit": str(top["unit"]),
                "value": value,
                "lower_bound": note.startswith("more than"),
            }
        )
    columns = [
        "measure",
        "country",
        "programme",
        "year",
        "numerator_metric",
        "numerator",
        "denominator_metric",
        "denominator",
        "unit",
        "value",
        "lower_bound",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["year"] = frame["year"].astype("Int64")
    return frame
