"""The response cache: kept answers are given again, never stale, never in another language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from grappes.cli.app import app as cli
from grappes.store.database import connect, downgrade, head_revision, upgrade
from grappes.store.user_data import load_user_table
from grappes.web.cache import ResponseCache, ResponseCacheMiddleware
from tests.conftest import BACKENDS, postgresql_url


def _cache(client: TestClient) -> ResponseCache:
    cache: ResponseCache = client.app.state.response_cache  # type: ignore[attr-defined]
    return cache


def test_an_answer_is_kept_and_given_again(client: TestClient) -> None:
    statistics = _cache(client).statistics
    first = client.get("/regions/MA-01.json?cache=kept")
    hits = statistics.hits
    again = client.get("/regions/MA-01.json?cache=kept")
    assert statistics.hits == hits + 1
    assert again.status_code == 200
    assert again.content == first.content
    assert again.headers["content-type"] == "application/json"
    # a kept answer carries the headers of a fresh one, the security policy included
    assert again.headers == first.headers


@pytest.mark.parametrize(
    ("address", "language"),
    [
        ("/regions/MA-06", "fr"),
        ("/ar/regions/MA-06", "ar"),
        ("/en/regions/MA-06", "en"),
        ("/regions/MA-06?lang=ar", "ar"),
        ("/regions/MA-06?lang=en", "en"),
        ("/fr/regions/MA-06", "fr"),
    ],
)
def test_languages_are_never_mixed(client: TestClient, address: str, language: str) -> None:
    # every address twice, interleaved with the others: each answer stays in its language
    for _ in range(2):
        for other in ("/regions/MA-06", "/ar/regions/MA-06", "/en/regions/MA-06"):
            client.get(other)
        page = client.get(address)
        assert page.status_code == 200
        assert f'<html lang="{language}"' in page.text
    arabic = client.get("/ar/regions/MA-06").text
    assert "الدار البيضاء-سطات" in arabic and 'dir="rtl"' in arabic
    assert 'dir="rtl"' not in client.get("/regions/MA-06").text


def test_a_page_and_its_json_twin_are_kept_apart(client: TestClient) -> None:
    for _ in range(2):
        html = client.get("/sectors/industry")
        twin = client.get("/sectors/industry.json")
        assert html.headers["content-type"] == "text/html; charset=utf-8"
        assert twin.headers["content-type"] == "application/json"
        assert twin.json()["sector"]["code"] == "industry"
        assert html.text.lstrip().startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    "address", ["/regions/XX", "/regions/XX.json", "/?sector=nope", "/nothing/here"]
)
def test_errors_are_not_kept(client: TestClient, address: str) -> None:
    statistics = _cache(client).statistics
    hits, stored = statistics.hits, statistics.stored
    statuses = {client.get(address).status_code for _ in range(2)}
    assert statuses <= {400, 404}
    assert (statistics.hits, statistics.stored) == (hits, stored)


def _table(folder: Path, rows: str) -> Path:
    path = folder / "jobs.csv"
    path.write_text("region,sector,year,employment\n" + rows, encoding="utf-8")
    return path


def _lq(client: TestClient, name: str) -> float:
    rows = client.get("/regions/MA-06.json").json()["specialisations"]
    (row,) = [r for r in rows if r["dataset"] == name and r["sector"] == "A"]
    value: float = row["location_quotient"]
    return value


def test_a_load_by_another_process_is_seen_at_once(tmp_path: Path, fresh_app: FastAPI) -> None:
    # MA-06: A 30, B 10; MA-01: A 20, B 40. LQ(MA-06, A) = (30/40) / (50/100) = 1.5
    first = _table(tmp_path, "MA-06,A,2020,30\nMA-06,B,2020,10\nMA-01,A,2020,20\nMA-01,B,2020,40\n")
    app = fresh_app
    with TestClient(app) as client:
        before = client.get("/regions/MA-06.json").json()
        client.get("/regions/MA-06.json")  # now kept
        assert _cache(client).statistics.hits >= 1
        assert "mine" not in {r["dataset"] for r in before["specialisations"]}
        # the store's loader, on an engine of its own (as the CLI in another process)
        writer = connect(app.state.settings.database_url)
        with Session(writer) as session, session.begin():
            load_user_table(session, first, kind="employment", name="mine")
        writer.dispose()
        assert _lq(client, "mine") == pytest.approx(1.5, rel=1e-12)
        # replaced through the command line: MA-06 A 10, B 30 → (10/40) / (50/100) = 0.5
        second = _table(
            tmp_path, "MA-06,A,2020,10\nMA-06,B,2020,30\nMA-01,A,2020,40\nMA-01,B,2020,20\n"
        )
        url = app.state.settings.database_url
        arguments = ["load", str(second), "-k", "employment", "-n", "mine", "--replace"]
        result = CliRunner().invoke(cli, [*arguments, "--database-url", url])
        assert result.exit_code == 0, result.output
        assert _lq(client, "mine") == pytest.approx(0.5, rel=1e-12)
        assert _cache(client).statistics.invalidations >= 2


def _cache_on_an_empty_database(
    folder: Path,
    *,
    max_entries: int = 2048,
    max_bytes: int = 1 << 26,
    max_entry_bytes: int = 1 << 22,
) -> ResponseCache:
    engine = connect(f"sqlite:///{folder / 'empty.sqlite3'}")
    upgrade(engine)
    return ResponseCache(
        engine, max_entries=max_entries, max_bytes=max_bytes, max_entry_bytes=max_entry_bytes
    )


def test_the_cache_is_bounded_and_drops_the_least_recently_used(tmp_path: Path) -> None:
    cache = _cache_on_an_empty_database(tmp_path, max_entries=2, max_bytes=10_000)
    version = cache.current_version()
    assert version == (0, None, None, None, head_revision())  # no dataset yet: still a version
    for name in (b"/a", b"/b"):
        cache.keep((name, b""), version, [], b"x")
    assert cache.get((b"/a", b"")) is not None  # /a is now the most recent
    cache.keep((b"/c", b""), version, [], b"x")
    assert len(cache) == 2
    assert cache.get((b"/b", b"")) is None
    cache.keep((b"/big", b""), version, [], b"x" * 10_000)  # the others must go for it
    assert len(cache) == 1 and cache.get((b"/big", b"")) is not None
    # an answer rendered under an older version is not kept
    cache.keep((b"/old", b""), ("another",), [], b"x")
    assert cache.get((b"/old", b"")) is None
    cache.close()
    cache.engine.dispose()


@pytest.fixture(params=BACKENDS)
def migrated(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a new database (SQLite, then PostgreSQL) at the newest schema, no data."""
    sqlite = nullcontext(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    with postgresql_url("grappes_cache") if request.param == "postgresql" else sqlite as url:
        engine = connect(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def test_a_migration_by_another_process_empties_the_cache(migrated: Engine) -> None:
    cache = ResponseCache(migrated)
    app = _tiny_app(cache)
    with TestClient(app) as client:
        first = client.get("/small").json()
        assert client.get("/small").json() == first  # kept
        # Alembic, on an engine of its own (as 'grappes db upgrade' in another process)
        writer = connect(migrated.url)
        downgrade(writer, revision="0002")
        assert client.get("/small").json() != first  # rendered again
        assert cache.current_version() == (0, None, None, None, "0002")
        upgrade(writer)
        writer.dispose()
        assert cache.current_version() == (0, None, None, None, head_revision())
        assert cache.statistics.invalidations == 2
    cache.close()


def _heading_of(page: str, partner: str) -> str:
    """The pillar heading (``<h3>``) under which ``partner`` is listed on an organisation's page."""
    listed = page.index(f"<li><bdi>{partner}</bdi></li>")
    heading = page.rindex("<h3>", 0, listed) + len("<h3>")
    return page[heading : page.index(" <span", heading)]


def test_a_migration_s_change_to_organisations_is_seen_at_once(fresh_app: FastAPI) -> None:
    # MA-002's first partner, "Systematic (FR)", is read as 'industry' (a competitiveness
    # cluster); a migration may reclassify it without writing any dataset.
    twin, page = "/organisations/MA-002.json", "/en/organisations/MA-002"
    with TestClient(fresh_app) as client:
        for _ in range(2):  # the second answers are kept ones
            before = client.get(twin).json()["partners"][0]
            assert (before["name"], before["pillar"]) == ("Systematic (FR)", "industry")
            assert _heading_of(client.get(page).text, "Systematic (FR)") == "Industry"
        assert _cache(client).statistics.hits >= 2
        writer = connect(fresh_app.state.settings.database_url)
        with writer.begin() as connection:  # what a migration does, in its one transaction
            partners = sa.table(
                "organisation_partners",
                sa.column("organisation"),
                sa.column("position"),
                sa.column("pillar"),
            )
            connection.execute(
                partners.update()
                .where(partners.c.organisation == "MA-002", partners.c.position == 1)
                .values(pillar="research")
            )
            revision = sa.table("alembic_version", sa.column("version_num"))
            connection.execute(revision.update().values(version_num="9999"))
        writer.dispose()
        after = client.get(twin).json()["partners"][0]
        assert (after["name"], after["pillar"]) == ("Systematic (FR)", "research")
        assert _heading_of(client.get(page).text, "Systematic (FR)") == "Research"


def _tiny_app(cache: ResponseCache) -> FastAPI:
    app = FastAPI()
    calls: list[str] = []

    @app.get("/big")
    def big() -> PlainTextResponse:
        calls.append("big")
        return PlainTextResponse("y" * 100)

    @app.get("/small")
    def small() -> JSONResponse:
        calls.append("small")
        return JSONResponse({"n": len(calls)})

    app.add_middleware(ResponseCacheMiddleware, cache=cache)
    app.state.calls = calls
    return app


def test_large_answers_and_other_methods_are_passed_on(tmp_path: Path) -> None:
    cache = _cache_on_an_empty_database(tmp_path, max_entry_bytes=50)
    app = _tiny_app(cache)
    with TestClient(app) as client:
        assert client.get("/big").text == "y" * 100
        assert client.get("/big").text == "y" * 100
        assert app.state.calls == ["big", "big"]  # too large to keep
        assert client.get("/small").json() == client.get("/small").json() == {"n": 3}
        assert client.head("/small").status_code in (200, 405)
        assert len(cache) == 1
    cache.engine.dispose()


def test_without_a_data_version_nothing_is_kept(tmp_path: Path) -> None:
    # a database without the datasets table: the version cannot be read
    engine = connect(f"sqlite:///{tmp_path / 'bare.sqlite3'}")
    cache = ResponseCache(engine)
    app = _tiny_app(cache)
    with TestClient(app) as client:
        assert client.get("/small").json() == {"n": 1}
        assert client.get("/small").json() == {"n": 2}
    assert (cache.statistics.uncached, cache.statistics.hits, len(cache)) == (2, 0, 0)
    engine.dispose()


def test_a_download_is_kept_with_its_headers_and_renewed_when_data_change(
    tmp_path: Path, fresh_app: FastAPI
) -> None:
    app = fresh_app
    with TestClient(app) as client:
        statistics = _cache(client).statistics
        first = client.get("/data/datasets.csv")
        hits = statistics.hits
        again = client.get("/data/datasets.csv")
        assert statistics.hits == hits + 1
        assert again.content == first.content
        # the attachment's name and licence come back with the kept answer
        assert again.headers == first.headers
        assert again.headers["content-disposition"] == 'attachment; filename="datasets.csv"'
        assert "mine" not in again.text
        # an unknown dataset is a 404, not kept: it must not hide the dataset once loaded
        assert client.get("/data/observations.csv?dataset=mine").status_code == 404
        writer = connect(app.state.settings.database_url)
        with Session(writer) as session, session.begin():
            load_user_table(
                session,
                _table(tmp_path, "MA-06,A,2020,30\nMA-01,A,2020,20\n"),
                kind="employment",
                name="mine",
            )
        writer.dispose()
        renewed = client.get("/data/datasets.csv")
        assert renewed.status_code == 200
        assert "mine" in renewed.text and renewed.content != first.content
        rows = client.get("/data/observations.csv?dataset=mine")
        assert rows.status_code == 200
        assert rows.text.splitlines()[1:] == [
            "mine,MA-01,A,2020,20.0,",
            "mine,MA-06,A,2020,30.0,",
        ]
