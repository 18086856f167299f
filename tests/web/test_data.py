"""Open-data downloads: CSV, JSON and SDMX-CSV, whitelist only."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from grappes.store.downloads import DOWNLOADS
from grappes.web.data import SDMX


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
