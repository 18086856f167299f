"""The Maghreb's cluster organisations beside the paper's reference programmes.

- :func:`programme_benchmarks`: the paper's reference programmes (how many clusters each
  counts, and the few figures per cluster its numbers allow) beside the number of cluster
  organisations of the Maghreb countries;
- :func:`organisation_benchmark`: one cluster organisation beside those programmes;
- :func:`organisation_choices`: the organisations a form offers.

Only what is comparable is compared: a programme's figure per cluster is derived from two
figures of the same programme in the paper (92,000 enterprises / 69 poles), never from
figures of different programmes or years, and an organisation's record holds no such
figure, so its side is "not reported" (``None``), never an estimate. The paper gives no
population, and the store holds none, so nothing is given per inhabitant.

Members are the one figure both sides have. An organisation's member count is what its
status note says (:mod:`grappes.data.members`: a count, exact, a lower bound or about, of
a year or undated, founding members only or not); a programme's members per cluster
(:data:`MEMBERS_PER_CLUSTER`) is derived only where the paper counts members, Germany's
Kompetenznetze. Member counts are shown one organisation at a time, never added up or
averaged: they are of different years, of founding members or not, some lower bounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grappes.errors import NotFoundError
from grappes.store import models as m
from grappes.store.comparison import unit_clusters
from grappes.store.organisations import organisation_profile
from grappes.store.queries import check_code, fetch_frame

__all__ = [
    "CLUSTER_COUNT_METRICS",
    "MEMBERS_PER_CLUSTER",
    "PER_CLUSTER",
    "OrganisationBenchmark",
    "ProgrammeBenchmarks",
    "organisation_benchmark",
    "organisation_choices",
    "programme_benchmarks",
]

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

#: Members per cluster: ``(country, programme, member metrics, denominator)``, the sum of
#: the programme's member counts (members of each kind the paper names) over its number of
#: clusters, all given by the paper for the same programme. Germany only: "more than 6,000
#: enterprises and more than 1,600 research institutions" are members of its networks
#: ("adhèrent à ses réseaux"); for Sweden's poles the paper counts the enterprises they
#: host, for Italy's districts those they represent, for Japan's METI clusters the SMEs
#: and universities they "associate", never members, and for France it gives none.
MEMBERS_PER_CLUSTER: Final[tuple[tuple[str, str, tuple[str, ...], str], ...]] = (
    (
        "DE",
        "Kompetenznetze Deutschland",
        ("member_enterprises", "member_research_institutions"),
        "networks",
    ),
)

#: Identifiers of competitiveness poles and technoparks (``TN-P01``): not cluster
#: organisations proper (:func:`grappes.data.organisations.cluster_organisations`).
_POLE: Final = re.compile(r"[A-Z]{2}-P\d+")
_COUNTRY_COLUMNS: Final = ("code", "name_fr", "name_ar", "name_en")
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
    members_per_cluster
        Members per cluster (:data:`MEMBERS_PER_CLUSTER`): ``country``, ``programme``,
        ``year`` (missing when the paper gives none), ``members_metrics`` (the paper's
        member metrics added, joined by ``+``), ``members`` (their sum),
        ``denominator_metric``, ``denominator``, ``value``, ``lower_bound`` (the paper
        says "more than" of one of the member counts).
    maghreb
        One row per Maghreb country (or the one asked): ``country``, ``name_fr``,
        ``name_ar``, ``name_en``, ``organisations`` (in Grappes' list), ``poles`` (of
        which competitiveness poles and technoparks), ``clusters`` (the others),
        ``with_members`` (of which with a member count).
    organisation_members
        The organisations of those countries whose sources give a member count: ``id``,
        ``name``, ``country``, ``members``, ``members_qualifier``, ``members_year``
        (missing when undated), ``members_founding``; by country and name.
    """

    figures: pd.DataFrame
    cluster_counts: pd.DataFrame
    per_cluster: pd.DataFrame
    members_per_cluster: pd.DataFrame
    maghreb: pd.DataFrame
    organisation_members: pd.DataFrame


@dataclass(frozen=True)
class OrganisationBenchmark:
    """A cluster organisation beside the paper's programmes.

    Attributes
    ----------
    organisation
        Its record (as :func:`grappes.store.organisations.organisation_profile`), with its
        member count (``members``, ``members_qualifier``, ``members_year``,
        ``members_founding``; all ``None`` when its sources give none).
    partners
        ``position``, ``name``: the key partners its sources name.
    region
        Its region's record, or ``None`` when the sources name no city.
    per_cluster
        The organisation's side of each measure of :data:`PER_CLUSTER`: ``measure``,
        ``value`` (always missing: its record holds no enterprise, employment, research
        or funding figure; its members are in ``organisation``).
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
    countries = sa.select(*[region.__table__.c[c] for c in _COUNTRY_COLUMNS]).where(
        region.level == "country"
    )
    if country is not None:
        country = check_code(who, "country", country)
        countries = countries.where(region.code == country)
    maghreb = fetch_frame(session, countries.order_by(region.code))
    if country is not None and maghreb.empty:
        raise NotFoundError(f"{who}: no country has the code {country!r}")
    ids = _organisations(session)
    poles = ids[ids["id"].map(lambda i: _POLE.fullmatch(i) is not None)]
    counted = ids[ids["members"].notna()]
    maghreb = maghreb.rename(columns={"code": "country_code"})[
        ["country_code", "name_fr", "name_ar", "name_en"]
    ].rename(columns={"country_code": "country"})
    maghreb["organisations"] = [int((ids["country"] == c).sum()) for c in maghreb["country"]]
    maghreb["poles"] = [int((poles["country"] == c).sum()) for c in maghreb["country"]]
    maghreb["clusters"] = maghreb["organisations"] - maghreb["poles"]
    maghreb["with_members"] = [int((counted["country"] == c).sum()) for c in maghreb["country"]]

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
        members_per_cluster=_members_per_cluster(figures),
        maghreb=maghreb.reset_index(drop=True),
        organisation_members=_with_members(counted, maghreb["country"]),
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
    region_clusters = unit_clusters(session, [] if region is None else [region["code"]])
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


def organisation_choices(session: Session) -> pd.DataFrame:
    """Return ``id``, ``name``, ``country`` of every organisation, by country and name."""
    org = m.Organisation
    return fetch_frame(
        session, sa.select(org.id, org.name, org.country).order_by(org.country, org.name, org.id)
    )


def _figure(figures: pd.DataFrame, country: str, programme: str, metric: str) -> pd.Series | None:
    """The paper's figure ``metric`` of a programme, or ``None`` when the store lacks it."""
    rows = figures[
        (figures["country"] == country)
        & (figures["programme"] == programme)
        & (figures["metric"] == metric)
    ]
    return None if rows.empty else rows.iloc[0]


def _more_than(row: pd.Series) -> bool:
    return not pd.isna(row["note"]) and str(row["note"]).startswith("more than")


def _members_per_cluster(figures: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for country, programme, metrics, denominator in MEMBERS_PER_CLUSTER:
        parts = [_figure(figures, country, programme, metric) for metric in metrics]
        bottom = _figure(figures, country, programme, denominator)
        if bottom is None or any(part is None for part in parts):
            continue  # a user's store may lack the paper's figures: nothing to derive
        found = [part for part in parts if part is not None]
        years = {None if pd.isna(part["year"]) else int(part["year"]) for part in found}
        members = float(sum(float(part["value"]) for part in found))
        rows.append(
            {
                "country": country,
                "programme": programme,
                # A year only when every count added is of that year.
                "year": years.pop() if len(years) == 1 else None,
                "members_metrics": "+".join(metrics),
                "members": members,
                "denominator_metric": denominator,
                "denominator": float(bottom["value"]),
                "value": members / float(bottom["value"]),
                "lower_bound": any(_more_than(part) for part in found),
            }
        )
    columns = [
        "country",
        "programme",
        "year",
        "members_metrics",
        "members",
        "denominator_metric",
        "denominator",
        "value",
        "lower_bound",
    ]
    return _with_years(rows, columns)


def _with_years(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """``rows`` as a table of ``columns``, ``year`` a nullable integer (the paper may give none)."""
    frame = pd.DataFrame(rows, columns=columns)
    frame["year"] = frame["year"].astype("Int64")
    return frame


def _organisations(session: Session) -> pd.DataFrame:
    """Every organisation with its member count, by country and name (``id``, ``name``,
    ``country``, ``members``, ``members_qualifier``, ``members_year``, ``members_founding``)."""
    org = m.Organisation
    frame = fetch_frame(
        session,
        sa.select(
            org.id,
            org.name,
            org.country,
            org.members,
            org.members_qualifier,
            org.members_year,
            org.members_founding,
        ).order_by(org.country, org.name, org.id),
    )
    for column in ("members", "members_year"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _with_members(counted: pd.DataFrame, countries: pd.Series) -> pd.DataFrame:
    """The organisations of ``countries`` among ``counted`` (those with a member count)."""
    frame = counted[counted["country"].isin(countries)].reset_index(drop=True)
    frame["members_founding"] = frame["members_founding"].astype(bool)
    return frame


def _per_cluster(figures: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for measure, country, programme, numerator, denominator in PER_CLUSTER:
        top = _figure(figures, country, programme, numerator)
        bottom = None if denominator is None else _figure(figures, country, programme, denominator)
        if top is None or (denominator is not None and bottom is None):
            continue  # a user's store may lack the paper's figures: nothing to derive
        value = float(top["value"]) if bottom is None else float(top["value"] / bottom["value"])
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
                "lower_bound": _more_than(top),
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
    return _with_years(rows, columns)
