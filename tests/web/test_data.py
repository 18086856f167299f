"""Open-data downloads: CSV, JSON and SDMX-CSV, whitelist only.

Figures are checked against independent values: the micro-clusters against the CSV files
shipped in ``grappes/store/bundled/micro_clusters`` (read with the csv module) and the
census counts of ``grappes.data.morocco``, the concentration indices by hand, the lifecycle
stages against the rule and by hand.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from grappes.clusters import lifecycle
from grappes.data import morocco
from grappes.store import models as m
from grappes.store.database import connect
from grappes.store.downloads import DOWNLOADS
from grappes.store.micro_clusters import BUNDLED
from grappes.store.user_data import load_user_table
from grappes.web.data import SDMX
from tests.conftest import RTOL
from tests.data.test_members import EXPECTED as EXPECTED_MEMBERS
from tests.store.test_user_data import EMPLOYMENT_ROWS

COMMUNES = "hcp-2024-establishments-commune"
MICRO_TABLES = ("micro_cluster_runs", "micro_clusters", "micro_cluster_members")
#: The shipped file of each micro-cluster table.
SHIPPED = {
    "micro_cluster_runs": "runs",
    "micro_clusters": "clusters",
    "micro_cluster_members": "members",
}


def _shipped(name: str) -> list[dict[str, str]]:
    """A shipped micro-cluster file, read with the csv module (not with the store's reader)."""
    with (BUNDLED / f"{name}.csv").open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def _downloaded(client: TestClient, address: str) -> list[dict[str, str]]:
    response = client.get(address)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def test_every_table_of_the_store_is_published() -> None:
    # Nothing the store holds is private: each table is downloadable (a new table must be
    # added to DOWNLOADS, or this test says which).
    published = {item.model.__tablename__ for item in DOWNLOADS.values()}
    assert set(m.Base.metadata.tables) - published == set()
    assert set(DOWNLOADS) == set(m.Base.metadata.tables)


def test_data_page_lists_every_table_with_source_and_licence(client: TestClient) -> None:
    page = client.get("/data").text
    for name in DOWNLOADS:
        assert f'href="/data/{name}.csv"' in page
        assert f'href="/data/{name}.json"' in page
        assert (f'href="/data/{name}.sdmx.csv"' in page) == (name in SDMX)
    assert "CC BY 4.0 (credit: Haut-Commissariat au Plan)" in page
    assert "ODbL 1.0 (© OpenStreetMap contributors)" in page
    tables = client.get("/data.json").json()["tables"]
    assert [t["name"] for t in tables] == list(DOWNLOADS)
    regions = next(t for t in tables if t["name"] == "regions")
    assert regions["rows"] == 1715  # docs/store.md: 1,715 regions
    listed = {t["name"]: t for t in tables}
    for name in ("lifecycle_stages", *MICRO_TABLES):
        assert f'href="/data/{name}.csv"' in page
    for name in MICRO_TABLES:
        assert "ODbL 1.0 (© OpenStreetMap contributors)" in listed[name]["licence"]
        assert "Haut-Commissariat au Plan" in listed[name]["licence"]
        assert "OpenStreetMap" in listed[name]["source"]
    # docs/store.md: 35 micro-clusters of 107 communes, 4 sectors searched; no lifecycle
    assert [listed[n]["rows"] for n in MICRO_TABLES] == [4, 35, 107]
    assert [listed[n]["rows"] for n in MICRO_TABLES] == [
        len(_shipped(SHIPPED[n])) for n in MICRO_TABLES
    ]
    assert listed["lifecycle_stages"]["rows"] == 0
    assert {t["name"] for t in tables if t["by_dataset"]} == {
        "observations",
        "location_quotients",
        "strong_clusters",
        "star_ratings",
        "sector_concentrations",
        "lifecycle_stages",
        *MICRO_TABLES,
    }
    assert "© OpenStreetMap contributors" in page and "Haut-Commissariat au Plan" in page


def test_csv_parses_back(client: TestClient) -> None:
    response = client.get("/data/regions.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="regions.csv"' in response.headers["content-disposition"]
    table = pd.read_csv(io.StringIO(response.text), dtype=str)
    assert len(table) == 1715
    assert "search_text" not in table.columns
    ma06 = table.set_index("code").loc["MA-06"]
    assert ma06["name_fr"] == "Casablanca-Settat"
    assert ma06["name_ar"] == "الدار البيضاء-سطات"


def test_csv_of_one_dataset(client: TestClient) -> None:
    response = client.get(
        "/data/location_quotients.csv", params={"dataset": "hcp-2024-establishments-region"}
    )
    table = pd.read_csv(io.StringIO(response.text))
    assert len(table) == 48  # 12 regions × 4 sector groups
    row = table[(table["region"] == "MA-06") & (table["sector"] == "industry")].iloc[0]
    assert row["value"] == 36286
    assert row["location_quotient"] == pytest.approx((36286 / 254018) / (154979 / 1130021))


def test_json_table(client: TestClient) -> None:
    data = client.get("/data/organisations.json").json()
    assert set(data) == {"name", "description", "source", "licence", "rows"}
    assert len(data["rows"]) == 41  # 41 cluster organisations (docs/store.md)


def test_organisations_download_their_member_counts(client: TestClient) -> None:
    rows = {r["id"]: r for r in _downloaded(client, "/data/organisations.csv")}
    columns = ("members", "members_qualifier", "members_year", "members_founding")
    expected = {
        ident: tuple("" if v is None else str(v) for v in values)
        for ident, values in EXPECTED_MEMBERS.items()
    }
    assert {i: tuple(r[c] for c in columns) for i, r in rows.items() if r["members"]} == expected
    # Unknown stays empty: not False, not 0; a year stays a year (not 2015.0).
    assert tuple(rows["DZ-001"][c] for c in columns) == ("", "", "", "")
    assert rows["DZ-001"]["year_reported"] == "2015"
    data = client.get("/data/organisations.json").json()
    for column in columns:
        assert f"'{column}'" in data["description"]
    by_id = {r["id"]: r for r in data["rows"]}
    assert {c: by_id["MA-006"][c] for c in columns} == {
        "members": 12,
        "members_qualifier": "about",
        "members_year": None,
        "members_founding": True,
    }
    assert {c: by_id["TN-001"][c] for c in columns} == dict.fromkeys(columns)


def test_sdmx_csv_layout(client: TestClient) -> None:
    response = client.get(
        "/data/location_quotients.sdmx.csv", params={"dataset": "hcp-2024-establishments-region"}
    )
    assert response.status_code == 200
    table = pd.read_csv(io.StringIO(response.text))
    assert list(table.columns) == [
        "DATAFLOW",
        "DATASET",
        "REF_AREA",
        "ACTIVITY",
        "TIME_PERIOD",
        "MEASURE",
        "OBS_VALUE",
    ]
    assert set(table["DATAFLOW"]) == {"GRAPPES:LOCATION_QUOTIENTS(1.0)"}
    cell = table[(table["REF_AREA"] == "MA-06") & (table["ACTIVITY"] == "industry")]
    assert cell["OBS_VALUE"].iloc[0] == pytest.approx(1.0415695238, rel=1e-9)


def test_sdmx_csv_melts_several_values(client: TestClient) -> None:
    response = client.get(
        "/data/observations.sdmx.csv", params={"dataset": "hcp-2014-employment-region"}
    )
    table = pd.read_csv(io.StringIO(response.text))
    assert list(table.columns)[-2:] == ["INDICATOR", "OBS_VALUE"]
    # the 2014 dataset has employment only: establishments are missing and left out
    assert set(table["INDICATOR"]) == {"employment"}
    assert len(table) == 108  # 12 regions × 9 groups
    assert table["OBS_VALUE"].sum() == 9627341  # employed persons, RGPH 2014


def test_sdmx_of_a_table_that_is_not_statistical(client: TestClient) -> None:
    response = client.get("/data/regions.sdmx.csv")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "address",
    [
        "/data/passwd.csv",
        "/data/..%2f..%2fetc%2fpasswd.csv",
        "/data/..%2F..%2Fetc%2Fpasswd.json",
        "/data/%2e%2e%2fgrappes.sqlite3.csv",
        "/data/search_text.csv",
        "/data/alembic_version.csv",
        "/data/regions.csv/..%2f..%2fsecret.csv",
        "/data/regions.parquet",
        "/data/micro_clusters.parquet",
        "/data/micro_clusters.csv/..%2f..%2fbundled%2fmicro_clusters%2fruns.csv",
        "/data/..%2fbundled%2fmicro_clusters%2fclusters.csv",
        "/data/MicroCluster.csv",
        "/data/micro_cluster.csv",
        "/data/lifecycle_stage.json",
        "/data/lifecycle_stages.sdmx.csv",
        "/data/micro_cluster_members.sdmx.csv",
        "/data/organisation_partners.sdmx.csv",
        "/static/..%2f..%2fapp.py",
        "/static/%2e%2e/app.py",
    ],
)
def test_downloads_outside_the_whitelist_are_404(client: TestClient, address: str) -> None:
    response = client.get(address)
    assert response.status_code == 404
    assert "import" not in response.text  # no source file served


def test_dataset_parameter_errors(client: TestClient) -> None:
    unknown = client.get("/data/observations.csv", params={"dataset": "nope"})
    assert unknown.status_code == 404
    not_keyed = client.get("/data/regions.csv", params={"dataset": "hcp-2014-employment-region"})
    assert not_keyed.status_code == 400
    assert not_keyed.json()["error"]["code"] == "invalid_input"


@pytest.mark.parametrize("name", MICRO_TABLES)
def test_micro_cluster_tables_are_the_shipped_files(client: TestClient, name: str) -> None:
    shipped = _shipped(SHIPPED[name])
    rows = _downloaded(client, f"/data/{name}.csv")
    assert len(rows) == len(shipped) > 0
    assert {r["dataset"] for r in rows} == {COMMUNES}
    columns = list(shipped[0])
    assert set(rows[0]) == {"dataset", *columns}

    def cells(table: list[dict[str, str]]) -> list[tuple[object, ...]]:
        # numbers compared as numbers ("2024" and "2024.0" alike), codes as text
        def cell(text: str) -> object:
            try:
                return float(text)
            except ValueError:
                return text

        return sorted(tuple(cell(r[c]) for c in columns) for r in table)

    assert cells(rows) == cells(shipped)


def test_micro_clusters_pooled_lq_from_the_census(client: TestClient) -> None:
    # Independent: the pooled LQ of a micro-cluster is (e / t) / (E_s / E), with E_s and E
    # the sector's and all establishments of Morocco's 1,503 communes (HCP, RGPH 2024).
    census = morocco.establishments(level="commune")
    total = census["establishments"].sum()
    assert total == 1130021
    by_sector = census.groupby("sector")["establishments"].sum()
    rows = _downloaded(client, "/data/micro_clusters.csv")
    for row in rows:
        share = float(row["establishments"]) / float(row["total_establishments"])
        expected = share / (by_sector[row["sector"]] / total)
        assert float(row["location_quotient"]) == pytest.approx(expected, rel=RTOL)
    members = _downloaded(client, "/data/micro_cluster_members.csv")
    communes = set(census["region"])
    assert {r["region"] for r in members} <= communes
    counted = pd.Series([(r["sector"], r["cluster"]) for r in members]).value_counts()
    for row in rows:
        assert counted[(row["sector"], row["cluster"])] == int(row["n_units"])


def test_micro_clusters_sdmx_has_one_row_per_value(client: TestClient) -> None:
    response = client.get("/data/micro_clusters.sdmx.csv")
    assert response.status_code == 200
    table = pd.read_csv(io.StringIO(response.text), dtype={"ACTIVITY": str})
    assert list(table.columns) == [
        "DATAFLOW",
        "DATASET",
        "ACTIVITY",
        "TIME_PERIOD",
        "MICRO_CLUSTER",
        "INDICATOR",
        "OBS_VALUE",
    ]
    assert set(table["DATAFLOW"]) == {"GRAPPES:MICRO_CLUSTERS(1.0)"}
    shipped = _shipped("clusters")
    values = ("location_quotient", "establishments", "total_establishments", "n_units")
    assert len(table) == sum(1 for row in shipped for v in values if row[v] != "")
    assert len(table) == 35 * 4
    index = table.set_index(["ACTIVITY", "MICRO_CLUSTER", "INDICATOR"])["OBS_VALUE"]
    for row in shipped:
        for value in values:
            observed = index[(row["sector"], int(row["cluster"]), value)]
            assert observed == pytest.approx(float(row[value]), rel=RTOL)
    runs = pd.read_csv(io.StringIO(client.get("/data/micro_cluster_runs.sdmx.csv").text))
    assert set(runs["INDICATOR"]) == {"units", "hot_spots", "cold_spots"}
    assert len(runs) == 4 * 3
    hot = runs[runs["INDICATOR"] == "hot_spots"].set_index("ACTIVITY")["OBS_VALUE"]
    assert hot.to_dict() == {r["sector"]: int(r["hot_spots"]) for r in _shipped("runs")}


def test_micro_clusters_of_one_dataset_keep_the_odbl(client: TestClient) -> None:
    data = client.get("/data/micro_clusters.json", params={"dataset": COMMUNES}).json()
    assert len(data["rows"]) == 35
    # the dataset's own source and licence (HCP), and the contiguity's (OpenStreetMap)
    assert "HCP" in data["source"] and "OpenStreetMap" in data["source"]
    assert "CC BY 4.0" in data["licence"]
    assert "ODbL 1.0 (© OpenStreetMap contributors)" in data["licence"]
    response = client.get(
        "/data/micro_cluster_members.csv", params={"dataset": "hcp-2024-establishments-region"}
    )
    assert response.status_code == 200
    assert response.text == "dataset,sector,year,region,cluster\n"  # none at region level
    assert "(c) OpenStreetMap contributors" in response.headers["x-licence"]
    empty = client.get(
        "/data/micro_clusters.sdmx.csv", params={"dataset": "hcp-2024-establishments-region"}
    )
    assert empty.text.splitlines() == [
        "DATAFLOW,DATASET,ACTIVITY,TIME_PERIOD,MICRO_CLUSTER,INDICATOR,OBS_VALUE"
    ]


def test_sector_concentrations_sdmx_adds_gini_and_krugman(client: TestClient) -> None:
    region = "hcp-2024-establishments-region"
    rows = _downloaded(client, f"/data/sector_concentrations.csv?dataset={region}")
    values = SDMX["sector_concentrations"].values
    assert "locational_gini" in values and "krugman" in values
    response = client.get("/data/sector_concentrations.sdmx.csv", params={"dataset": region})
    table = pd.read_csv(io.StringIO(response.text))
    assert len(table) == sum(1 for row in rows for v in values if row[v] != "")
    assert len(table) == 4 * 5  # 4 sector groups, 5 indices, none undefined
    index = table.set_index(["ACTIVITY", "INDICATOR"])["OBS_VALUE"]
    # by hand over the 12 regions, from the census counts
    census = morocco.establishments(level="region")
    wide = census.pivot(index="region", columns="sector", values="establishments")
    s = (wide["industry"] / wide["industry"].sum()).to_numpy()
    x = (wide.sum(axis=1) / wide.to_numpy().sum()).to_numpy()
    # Krugman's locational Gini (the pairwise form): 1/4 Σ_r Σ_r' |s_r x_r' - s_r' x_r|
    gini = np.abs(np.outer(s, x) - np.outer(x, s)).sum() / 4
    assert index[("industry", "locational_gini")] == pytest.approx(gini, rel=RTOL)
    # Krugman's concentration index against the rest of the economy: Σ_r |s_r - q_r|
    rest = wide.sum(axis=1) - wide["industry"]
    krugman = np.abs(s - (rest / rest.sum()).to_numpy()).sum()
    assert index[("industry", "krugman")] == pytest.approx(krugman, rel=RTOL)
    assert index[("industry", "herfindahl")] == pytest.approx((s**2).sum(), rel=RTOL)


#: The store's two-year panel of three regions (tests/store/test_user_data.py), and a
#: sector "X" that grows from nothing in MA-01 (growth +infinity).
PANEL = [
    *EMPLOYMENT_ROWS,
    *(
        (region, "X", 2015, 0 if region == "MA-01" else 10)
        for region in ("MA-01", "MA-02", "MA-03")
    ),
    *((region, "X", 2020, 10) for region in ("MA-01", "MA-02", "MA-03")),
]


def test_lifecycle_stages_download(tmp_path: Path, fresh_app: FastAPI) -> None:
    path = tmp_path / "jobs.csv"
    lines = ["region,sector,year,employment", *(",".join(map(str, r)) for r in PANEL)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    writer = connect(fresh_app.state.settings.database_url)
    with Session(writer) as session, session.begin():
        load_user_table(
            session, path, kind="employment", name="panel", source="my survey", licence="CC0"
        )
    writer.dispose()
    expected = lifecycle(
        pd.DataFrame(PANEL, columns=["region", "sector", "year", "employment"]),
        establishments=None,
    ).set_index(["region", "sector"])
    with TestClient(fresh_app) as client:
        rows = _downloaded(client, "/data/lifecycle_stages.csv?dataset=panel")
        assert len(rows) == 9 == len(_downloaded(client, "/data/lifecycle_stages.csv"))
        for row in rows:
            rule = expected.loc[(row["region"], row["sector"])]
            assert (row["stage"], row["quadrant"]) == (rule["stage"], rule["quadrant"])
            assert (row["first_year"], row["last_year"]) == ("2015", "2020")
        cell = {(r["region"], r["sector"]): r for r in rows}
        # MA-01/C: 100 → 160 jobs in five years, (1.6)^(1/5) - 1 a year; LQ in 2020
        # (160 / 470) / (390 / 1410)
        assert float(cell[("MA-01", "C")]["employment_growth"]) == pytest.approx(
            1.6 ** (1 / 5) - 1, rel=RTOL
        )
        assert float(cell[("MA-01", "C")]["lq_last"]) == pytest.approx(
            (160 / 470) / (390 / 1410), rel=RTOL
        )
        # growth from nothing: +infinity in the CSV, null in the JSON (JSON has no infinity)
        assert math.isinf(float(cell[("MA-01", "X")]["employment_growth"]))
        data = client.get("/data/lifecycle_stages.json", params={"dataset": "panel"}).json()
        assert (data["source"], data["licence"]) == ("my survey", "CC0")
        growth = {(r["region"], r["sector"]): r["employment_growth"] for r in data["rows"]}
        assert growth[("MA-01", "X")] is None
        assert growth[("MA-01", "C")] == pytest.approx(1.6 ** (1 / 5) - 1, rel=RTOL)
        # a stage is a code, not a measure: CSV and JSON only
        sdmx = client.get("/data/lifecycle_stages.sdmx.csv", params={"dataset": "panel"})
        assert sdmx.status_code == 404
        assert "not statistical" in sdmx.json()["error"]["message"]
        # the bundled datasets have one year each: no stage
        bundled = client.get("/data/lifecycle_stages.csv", params={"dataset": COMMUNES})
        assert bundled.text.count("\n") == 1
