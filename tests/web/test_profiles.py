"""The region and sector profiles: charts, micro-clusters, lifecycle, indices, languages.

Every figure is checked against a value computed here independently: the micro-clusters by
calling the spatial function with the cluster report's parameters on the bundled census,
the lifecycle by calling the rule, the indices by calling the indicators or by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from grappes.clusters import lifecycle
from grappes.data import communes_graph, geography, morocco
from grappes.indicators import locational_gini
from grappes.reports.identification import DEMO_PERMUTATIONS, DEMO_SEED
from grappes.settings import Settings
from grappes.spatial.areal_clusters import AreaMicroClusters, areal_micro_clusters
from grappes.store import models as m
from grappes.store.database import connect, upgrade
from grappes.store.user_data import load_user_table
from grappes.web.app import create_app
from tests.conftest import RTOL
from tests.store.test_user_data import EMPLOYMENT_ROWS

RECT = re.compile(
    r'<rect x="[^"]+" y="[^"]+" width="([^"]+)" height="[^"]+" fill="[^"]+" '
    r'data-value="([^"]+)"/>'
)


@pytest.fixture(scope="module")
def report_micro() -> AreaMicroClusters:
    """The cluster report's micro-clusters of communes (grappes map --demo), computed here."""
    return areal_micro_clusters(
        morocco.establishments(level="commune"),
        graph=communes_graph.contiguity_graph(),
        permutations=DEMO_PERMUTATIONS,
        seed=DEMO_SEED,
        islands="drop",
        on_zero_total="drop",
    )


def _charts(page: str) -> list[str]:
    return re.findall(r'<svg class="bar-chart".*?</svg>', page, flags=re.S)


def _communes_of(region: str) -> set[str]:
    """The communes of ``region``: its provinces' children in the region hierarchy."""
    units = geography.regions(country="MA")
    parent = dict(zip(units["code"], units["parent"], strict=True))
    communes = units.loc[units["level"] == "commune", "code"]
    return {c for c in communes if parent[parent[c]] == region}


@pytest.mark.slow  # computes the report's micro-clusters (esda compiles for ~20 s)
def test_region_micro_clusters_are_the_report_s(
    client: TestClient, report_micro: AreaMicroClusters
) -> None:
    here = _communes_of("MA-06")
    assert len(here) > 100
    members = report_micro.members
    touching = members[members["region"].isin(here)][["sector", "cluster"]].drop_duplicates()
    expected = members.merge(touching, on=["sector", "cluster"])
    data = client.get("/regions/MA-06.json").json()["micro_clusters"]
    shown = {(r["sector"], r["cluster"], r["region"]) for r in data["members"]}
    assert shown == set(expected.itertuples(index=False, name=None))
    assert len(shown) > 0
    assert {r["region"] for r in data["members"] if r["here"]} == set(expected["region"]) & here
    page = client.get("/regions/MA-06").text
    section = page[page.index('id="micro-clusters"') : page.index('id="organisations"')]
    assert set(re.findall(r'<li[^>]*data-code="([^"]+)"', section)) == set(expected["region"])
    assert "9\u202f999" in section  # permutations, as the report states them


@pytest.mark.slow  # computes the report's micro-clusters (esda compiles for ~20 s)
def test_sector_micro_clusters_are_the_report_s(
    client: TestClient, report_micro: AreaMicroClusters
) -> None:
    members = report_micro.members
    expected = members[members["sector"] == "industry"]
    data = client.get("/sectors/industry.json").json()["micro_clusters"]
    shown = [(r["cluster"], r["region"]) for r in data["members"]]
    assert shown == list(expected[["cluster", "region"]].itertuples(index=False, name=None))
    clusters = report_micro.clusters.set_index(["sector", "cluster"])
    for row in data["clusters"]:
        library = clusters.loc[(row["sector"], row["cluster"])]
        assert row["location_quotient"] == pytest.approx(library["location_quotient"], rel=RTOL)
        assert row["n_units"] == library["n_units"]
    page = client.get("/sectors/industry").text
    section = page[page.index('id="micro-clusters"') :]
    assert re.findall(r'<li data-code="([^"]+)"', section) == expected["region"].tolist()
    hot = report_micro.units.query("sector == 'industry' and label == 'hot_spot'")
    assert data["runs"][0]["hot_spots"] == len(hot)
    assert data["runs"][0]["transform"] == report_micro.transform == "b"  # the same weights


def test_region_chart_bars_are_proportional_to_the_location_quotients(client: TestClient) -> None:
    page = client.get("/regions/MA-06").text
    charts = _charts(page)
    data = client.get("/regions/MA-06.json").json()["specialisations"]
    datasets = list(dict.fromkeys(r["dataset"] for r in data))
    assert len(charts) == len(datasets) == 2  # 2024 establishments, 2014 employment
    for chart, dataset in zip(charts, datasets, strict=True):
        bars = [(float(w), float(v)) for w, v in RECT.findall(chart)]
        lqs = [r["location_quotient"] for r in data if r["dataset"] == dataset]
        assert [v for _, v in bars] == pytest.approx(lqs, rel=RTOL)  # same figures, same order
        # One scale: the longest bar fixes it, every width is LQ x scale (to 0.01, the
        # drawing's precision), and the dashed line stands at 1 x scale from the axis.
        longest = max(bars, key=lambda bar: bar[1])
        scale = longest[0] / longest[1]
        for width, value in bars:
            assert width == pytest.approx(value * scale, abs=0.01)
        line = re.search(r'<line class="bar-reference" x1="([^"]+)"', chart)
        axis = re.search(r'<line class="bar-axis" x1="([^"]+)"', chart)
        assert line and axis
        assert float(line[1]) - float(axis[1]) == pytest.approx(scale, abs=0.02)
        assert 'role="img"' in chart
        identifier = re.search(r'aria-labelledby="([^ "]+)-title \1-desc"', chart)
        assert identifier is not None
        assert f'<title id="{identifier[1]}-title">' in chart
        assert f'<desc id="{identifier[1]}-desc">' in chart
    # Casablanca-Settat 2024: services 1.06, industry 1.04 above the line; commerce,
    # construction below (docs/store.md): two colours, and the values written in French.
    first = charts[0]
    assert first.count('fill="#b2182b"') == 2 and first.count('fill="#2166ac"') == 2
    assert ">1,04</text>" in first


def test_sector_chart_shows_the_rows_of_the_table(client: TestClient) -> None:
    page = client.get("/sectors/industry").text
    charts = _charts(page)
    assert len(charts) == 3  # region, province and commune datasets
    region = [float(v) for _, v in RECT.findall(charts[0])]
    assert len(region) == 12
    assert region == sorted(region, reverse=True)
    shown = re.findall(r'<data value="([0-9.]+)">', page[page.index('id="where"') :])
    assert [float(v) for v in shown[:12]] == region
    assert all(len(RECT.findall(chart)) == 15 for chart in charts[1:])  # SHOWN_ROWS


def test_arabic_region_page_names_units_and_sectors_in_arabic(client: TestClient) -> None:
    page = client.get("/ar/regions/MA-06").text
    for section, following in (("strong-clusters", "stars"), ("stars", "lifecycle")):
        rows = page[page.index(f'id="{section}"') : page.index(f'id="{following}"')]
        assert "<tbody>" in rows
        body = rows[rows.index("<tbody>") :]
        assert "<bdi>الدار البيضاء-سطات</bdi>" in body  # the unit, in Arabic
        assert "<bdi>الخدمات</bdi>" in body  # services, the sector's Arabic label
        for french in ("Casablanca-Settat", ">Services<", ">services<", ">Industrie<"):
            assert french not in body
    chart = _charts(page)[0]
    assert 'direction="rtl"' in chart and ">الخدمات</text>" in chart
    assert ">1.04</text>" in chart  # Western digits, a decimal point


def test_english_page_uses_english_labels(client: TestClient) -> None:
    page = client.get("/en/regions/MA-06").text
    rows = page[page.index('id="strong-clusters"') : page.index('id="stars"')]
    assert "<bdi>Services</bdi>" in rows and "<bdi>Industrie</bdi>" not in rows


def test_sector_indices_are_the_indicators(client: TestClient) -> None:
    regions = morocco.establishments(level="region")
    expected = locational_gini(regions, value="establishments")
    assert isinstance(expected, pd.DataFrame)
    gini = float(expected.set_index("sector").loc["industry", "locational_gini"])
    data = client.get("/sectors/industry.json").json()["concentration"]
    region = next(r for r in data if r["dataset"] == "hcp-2024-establishments-region")
    assert region["locational_gini"] == pytest.approx(gini, rel=RTOL)
    assert 0 < region["krugman"] < 2
    page = client.get("/sectors/industry").text
    assert f'<data value="{region["locational_gini"]}">' in page
    # what the data cannot give is said, not faked
    assert "Ellison–Glaeser" in page and "grappes indicators ellison_glaeser" in page
    assert "grappes spatial kd" in page
    assert "gamma" not in str(data)


def test_lifecycle_section_without_a_panel_says_why(client: TestClient) -> None:
    page = client.get("/en/regions/MA-06").text
    section = page[page.index('id="lifecycle"') : page.index('id="micro-clusters"')]
    assert "Morocco has no multi-year panel" in section
    assert client.get("/regions/MA-06.json").json()["lifecycle"] == []


# Three regions, two sectors, two years: the user's table of tests/store/test_user_data.py.
PANEL = EMPLOYMENT_ROWS


@pytest.fixture
def panel_client(tmp_path: Path) -> Iterator[TestClient]:
    """An app on a database holding three regions and a user's two-year table only."""
    path = tmp_path / "jobs.csv"
    lines = ["region,sector,year,employment", *(",".join(map(str, r)) for r in PANEL)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'grappes.sqlite3'}"
    engine = connect(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        session.add(
            m.Region(code="MA", level="country", country="MA", name_fr="Maroc", search_text="maroc")
        )
        session.flush()
        for code in ("MA-01", "MA-02", "MA-03"):
            session.add(
                m.Region(
                    code=code,
                    level="region",
                    parent="MA",
                    country="MA",
                    name_fr=code,
                    search_text=code.lower(),
                )
            )
        session.flush()
        load_user_table(session, path, kind="employment", name="jobs")
    engine.dispose()
    app = create_app(Settings(database_url=url))  # not empty: nothing bundled is loaded
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    app.state.engine.dispose()


def test_lifecycle_stages_are_the_rule_s(panel_client: TestClient) -> None:
    table = pd.DataFrame(PANEL, columns=["region", "sector", "year", "employment"])
    expected = lifecycle(table, establishments=None).set_index(["region", "sector"])
    for region in ("MA-01", "MA-02", "MA-03"):
        rows = panel_client.get(f"/regions/{region}.json").json()["lifecycle"]
        assert [r["sector"] for r in rows] == ["C", "G"]
        for row in rows:
            rule = expected.loc[(region, row["sector"])]
            assert (row["stage"], row["quadrant"]) == (rule["stage"], rule["quadrant"])
            assert row["employment_growth"] == pytest.approx(rule["employment_growth"], rel=RTOL)
            assert row["lq_last"] == pytest.approx(rule["lq_last"], rel=RTOL)
        page = panel_client.get(f"/en/regions/{region}").text
        section = page[page.index('id="lifecycle"') : page.index('id="micro-clusters"')]
        stages = re.findall(r'data-stage="([a-z]+)">', section)
        assert stages == [expected.loc[(region, s), "stage"] for s in ("C", "G")]
    # MA-01/C grew from 100 to 160 jobs in five years: (1.6)^(1/5) - 1 = 9.9 % a year.
    page = panel_client.get("/regions/MA-01").text
    assert "croissance" in page and "9,9 %" in page
    assert "Morocco has no multi-year panel" not in panel_client.get("/en/regions/MA-01").text
