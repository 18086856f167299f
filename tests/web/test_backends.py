"""The same pages give the same JSON on SQLite and on PostgreSQL.

Both apps are built from the same bundled data, so every JSON twin and every open-data
table must be equal to the last row and the last digit, in the same order; only the time
each dataset was loaded (``loaded_at``) differs, and that in the same form: UTC, marked as
such. The PostgreSQL app is skipped when no server is given (``GRAPPES_TEST_DATABASE_URL``,
see ``conftest.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient

from grappes.store.downloads import DOWNLOADS

#: The JSON twin of every page, with the parameters that change what it shows.
TWINS = [
    "/index.json",
    "/index.json?sector=services",
    "/regions/MA-06.json",
    "/regions/MA.json",
    "/regions/06.141.json",
    "/regions/MA-01.json",
    "/sectors/industry.json",
    "/sectors/commerce.json",
    "/sectors/industry.json?classification=HCP_EMPLOYMENT",
    "/sectors/C.json?classification=ISIC4",
    "/organisations/MA-002.json",
    "/organisations/TN-001.json",
    "/search.json?q=casa",
    "/search.json?q=fes",
    "/search.json?q=الدار البيضاء",
    "/search.json?q=cluster",
    "/data.json",
    "/about.json",
    "/docs.json",
    "/ar/regions/MA-06.json",
]


@pytest.mark.parametrize("address", TWINS + [f"/data/{name}.json" for name in DOWNLOADS])
def test_same_json_on_sqlite_and_postgresql(
    sqlite_client: TestClient, postgresql_client: TestClient, address: str
) -> None:
    on_sqlite = sqlite_client.get(address)
    on_postgresql = postgresql_client.get(address)
    assert on_sqlite.status_code == on_postgresql.status_code == 200, address
    assert _without_load_times(on_sqlite.json()) == _without_load_times(on_postgresql.json())


@pytest.mark.parametrize(
    "address",
    ["/regions/MA-06", "/sectors/industry", "/ar/search?q=casa"],
)
def test_same_page_on_sqlite_and_postgresql(
    sqlite_client: TestClient, postgresql_client: TestClient, address: str
) -> None:
    assert sqlite_client.get(address).text == postgresql_client.get(address).text


def test_load_times_are_given_in_utc_on_sqlite_and_postgresql(
    sqlite_client: TestClient, postgresql_client: TestClient
) -> None:
    # pandas writes JSON times to the millisecond, marked Z; CSV to the microsecond, +00:00
    for client in (sqlite_client, postgresql_client):
        rows = client.get("/data/datasets.json").json()["rows"]
        in_json = [row["loaded_at"] for row in rows]
        assert len(in_json) == 5
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", t) for t in in_json)
        table = csv.DictReader(io.StringIO(client.get("/data/datasets.csv").text))
        in_csv = [dt.datetime.fromisoformat(row["loaded_at"]) for row in table]
        assert [t.utcoffset() for t in in_csv] == [dt.timedelta(0)] * 5
        # the same moments in both forms (JSON's cut to the millisecond)
        assert [dt.datetime.fromisoformat(t) for t in in_json] == [
            t.replace(microsecond=t.microsecond // 1000 * 1000) for t in in_csv
        ]


def _without_load_times(data: object) -> object:
    """``data`` without its ``loaded_at`` values (when each database was built)."""
    if isinstance(data, dict):
        return {k: _without_load_times(v) for k, v in data.items() if k != "loaded_at"}
    if isinstance(data, list):
        return [_without_load_times(item) for item in data]
    return data
