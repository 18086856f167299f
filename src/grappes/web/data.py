"""Open data: every published table as CSV, JSON and (the statistical ones) SDMX-CSV.

Only the names of :data:`grappes.store.downloads.DOWNLOADS` are served; a name is looked
up, never used as a path or as SQL, so no address reaches anything else.

SDMX-CSV 1.0 (SDMX 2.1 technical notes, section "SDMX-CSV"): one row per observation, first
column ``DATAFLOW`` (``GRAPPES:<TABLE>(1.0)``), then the dimensions, then ``OBS_VALUE``.
The mapping of each statistical table is :data:`SDMX`; a table of several value columns
is melted into one more dimension, ``INDICATOR``; missing values are left out.

Published as CSV and JSON only: the reference tables (regions, sectors, organisations…),
``micro_cluster_members`` (which micro-cluster a commune belongs to: a relation, not a
measure) and ``lifecycle_stages``. A lifecycle stage and quadrant are codes (``growth``,
``star``), and this module's dataflows have numeric ``OBS_VALUE`` with no published
structure definition or code list to give coded values a meaning; the figures the stages
come from are a growth between two years, which one ``TIME_PERIOD`` cannot name, and the
location quotients of either year are already published, year by year, in
``location_quotients``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Annotated, Final

import pandas as pd
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from grappes.errors import NotFoundError
from grappes.store.downloads import TableDownload, download_table, downloadable_tables
from grappes.web.render import get_session, page, records

__all__ = ["SDMX", "SdmxMapping", "router", "sdmx_frame"]

router = APIRouter()

SessionDependency = Annotated[Session, Depends(get_session)]
DatasetQuery = Annotated[str | None, Query(max_length=300)]


@dataclass(frozen=True)
class SdmxMapping:
    """How a table becomes SDMX-CSV: its dataflow, dimensions (column → concept), values."""

    dataflow: str
    dimensions: dict[str, str]
    values: tuple[str, ...]


_CELL = {"dataset": "DATASET", "region": "REF_AREA", "sector": "ACTIVITY", "year": "TIME_PERIOD"}
_SECTOR_YEAR = {"dataset": "DATASET", "sector": "ACTIVITY", "year": "TIME_PERIOD"}

#: The tables published as SDMX-CSV, and how their columns map to SDMX concepts.
SDMX: Final[dict[str, SdmxMapping]] = {
    "observations": SdmxMapping(
        "GRAPPES:OBSERVATIONS(1.0)", _CELL, ("employment", "establishments")
    ),
    "location_quotients": SdmxMapping(
        "GRAPPES:LOCATION_QUOTIENTS(1.0)",
        {**_CELL, "measure": "MEASURE"},
        ("location_quotient",),
    ),
    "strong_clusters": SdmxMapping("GRAPPES:STRONG_CLUSTERS(1.0)", _CELL, ("strong", "strong10")),
    "star_ratings": SdmxMapping("GRAPPES:STAR_RATINGS(1.0)", _CELL, ("stars",)),
    "sector_concentrations": SdmxMapping(
        "GRAPPES:SECTOR_CONCENTRATIONS(1.0)",
        {**_SECTOR_YEAR, "measure": "MEASURE"},
        ("herfindahl", "herfindahl_normalised", "equivalent_number", "locational_gini", "krugman"),
    ),
    "micro_cluster_runs": SdmxMapping(
        "GRAPPES:MICRO_CLUSTER_RUNS(1.0)", _SECTOR_YEAR, ("units", "hot_spots", "cold_spots")
    ),
    "micro_clusters": SdmxMapping(
        "GRAPPES:MICRO_CLUSTERS(1.0)",
        {**_SECTOR_YEAR, "cluster": "MICRO_CLUSTER"},
        ("location_quotient", "establishments", "total_establishments", "n_units"),
    ),
}


def sdmx_frame(download: TableDownload) -> pd.DataFrame:
    """The table of ``download`` in SDMX-CSV 1.0 layout (see :data:`SDMX`).

    Raises
    ------
    NotFoundError
        When the table is not a statistical one (it is then published as CSV and JSON).
    """
    mapping = SDMX.get(download.name)
    if mapping is None:
        raise NotFoundError(
            f"sdmx: table {download.name!r} is not statistical; it is published as CSV and "
            f"JSON. SDMX-CSV tables: {', '.join(SDMX)}"
        )
    table = download.table
    dimensions = list(mapping.dimensions)
    values = list(mapping.values)
    if len(values) == 1:
        frame = table[[*dimensions, values[0]]].rename(columns={values[0]: "OBS_VALUE"})
        columns = [mapping.dimensions[c] for c in dimensions]
    else:
        frame = table[[*dimensions, *values]].melt(
            id_vars=dimensions, value_vars=values, var_name="INDICATOR", value_name="OBS_VALUE"
        )
        columns = [*(mapping.dimensions[c] for c in dimensions), "INDICATOR"]
    frame = frame.rename(columns=mapping.dimensions)
    frame = frame[frame["OBS_VALUE"].notna()]
    if frame["OBS_VALUE"].dtype == bool:
        frame["OBS_VALUE"] = frame["OBS_VALUE"].astype(int)
    frame.insert(0, "DATAFLOW", mapping.dataflow)
    return frame[["DATAFLOW", *columns, "OBS_VALUE"]].reset_index(drop=True)


@router.get("/data.json", name="data_json", summary="The open-data tables (JSON)")
@router.get("/data", name="data", summary="The open-data tables, with source and licence")
def data_index(request: Request, session: SessionDependency) -> Response:
    """Every downloadable table, with its description, source, licence and rows."""
    tables = records(downloadable_tables(session))
    for table in tables:
        table["sdmx"] = table["name"] in SDMX
    return page(request, "data.html.j2", {"tables": tables})


@router.get("/data/{name}.sdmx.csv", name="table_sdmx", summary="A table as SDMX-CSV 1.0")
def table_sdmx(name: str, session: SessionDependency, dataset: DatasetQuery = None) -> Response:
    """The table ``name`` in SDMX-CSV 1.0 (statistical tables only)."""
    download = download_table(session, name, dataset=dataset)
    return _csv(sdmx_frame(download), f"{name}.sdmx.csv", download)


@router.get("/data/{name}.csv", name="table_csv", summary="A table as CSV")
def table_csv(name: str, session: SessionDependency, dataset: DatasetQuery = None) -> Response:
    """The table ``name`` as CSV (UTF-8, comma-separated, a header row)."""
    download = download_table(session, name, dataset=dataset)
    return _csv(download.table, f"{name}.csv", download)


@router.get("/data/{name}.json", name="table_json", summary="A table as JSON")
def table_json(name: str, session: SessionDependency, dataset: DatasetQuery = None) -> Response:
    """The table ``name`` as JSON, with its description, source and licence."""
    download = download_table(session, name, dataset=dataset)
    return JSONResponse(
        {
            "name": download.name,
            "description": download.description,
            "source": download.source,
            "licence": download.licence,
            "rows": records(download.table),
        }
    )


def _csv(frame: pd.DataFrame, filename: str, download: TableDownload) -> Response:
    text = frame.to_csv(index=False, lineterminator="\n")
    return Response(
        text.encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            # HTTP headers are Latin-1: the source and licence are given in full in the
            # table's JSON; here only their ASCII form.
            "x-licence": _ascii(download.licence),
        },
    )


def _ascii(text: str) -> str:
    """``text`` in ASCII: © as (c), accents dropped (é → e), anything else as ``?``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("©", "(c)"))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.encode("ascii", "replace").decode("ascii")
