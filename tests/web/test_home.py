"""The home map: Morocco's regions or provinces, or the Maghreb's countries, and its table.

Every figure is checked against a value computed here from an independent source: the HCP
counts of ``grappes.data.morocco`` (location quotients by hand), the ``star_ratings`` rows of
the database, and ``grappes.data.organisations`` (organisations per country).
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from grappes.data import geography, morocco
from grappes.data.organisations import cluster_organisations
from grappes.store import maps
from grappes.store.loading import BUNDLED_DATASETS

# Casablanca-Settat's industry LQ on the 2024 establishments (HCP RGPH 2024): 36,286 of its
# 254,018 establishments against 154,979 of Morocco's 1,130,021 (docs/store.md).
MA06_INDUSTRY_LQ = (36286 / 254018) / (154979 / 1130021)  # = 1.041570...
MAGHREB = ["DZ", "LY", "MA", "MR", "TN"]
#: ColorBrewer RdBu classes of the LQ, written out here rather than imported.
LQ_CLASSES = [
    (None, 0.8, "#2166ac"),
    (0.8, 0.95, "#67a9cf"),
    (0.95, 1.05, "#f7f7f7"),
    (1.05, 1.25, "#fddbc7"),
    (1.25, 1.5, "#ef8a62"),
    (1.5, None, "#b2182b"),
]
STARS_COLOURS = ["#ffffd4", "#fed98e", "#fe9929", "#cc4c02"]


def _svg(page: str) -> str:
    return page[page.index('<svg xmlns="http://www.w3.org/2000/svg"') : page.index("</svg>")]


def _fills(svg: str) -> dict[str, str]:
    """The fill of each map shape, by its ``data-code``."""
    return dict(
        (code, fill)
        for fill, code in re.findall(r'fill="(#[0-9a-f]{6})"[^>]*data-code="([^"]+)"', svg)
    )


def _hand_lq(counts: pd.DataFrame, value: str, sector: str) -> dict[str, float]:
    """(e_rs / e_r) / (E_s / E) for every unit, from the census counts."""
    unit = counts.groupby("region")[value].sum()
    in_sector = counts[counts["sector"] == sector].set_index("region")[value]
    share = counts.loc[counts["sector"] == sector, value].sum() / counts[value].sum()
    return {str(r): float(in_sector[r] / unit[r] / share) for r in in_sector.index}


def _lq_class_colour(value: float) -> str:
    for lower, upper, colour in LQ_CLASSES:
        if (lower is None or value >= lower) and (upper is None or value < upper):
            return colour
    raise AssertionError(value)


# --- the default map (regions, LQ of 2024 establishments) ---------------------------------


def test_home_map_legend_and_table(client: TestClient) -> None:
    page = client.get("/").text
    svg = _svg(page)
    # each of the 12 regions is a link to its profile, on the map and in the table
    for number in range(1, 13):
        assert f'<a href="/regions/MA-{number:02d}"><path' in svg
        assert page.count(f'href="/regions/MA-{number:02d}"') == 2
    assert 'class="legend"' in page
    assert "<caption>Quotient de localisation par région — Industrie, 2024</caption>" in page
    data = client.get("/index.json").json()
    assert data["sector"]["code"] == "industry"
    assert (data["level"], data["measure"], data["census"]) == ("region", "lq", "2024")
    assert data["dataset"] == "hcp-2024-establishments-region"
    assert len(data["regions"]) == 12
    ma06 = next(r for r in data["regions"] if r["region"] == "MA-06")
    assert ma06["location_quotient"] == pytest.approx(MA06_INDUSTRY_LQ, rel=1e-12)
    assert ma06["value"] == 36286


def test_home_other_sector_changes_the_figures(client: TestClient) -> None:
    industry = client.get("/index.json").json()["regions"]
    services = client.get("/index.json", params={"sector": "services"}).json()["regions"]
    assert [r["region"] for r in industry] == [r["region"] for r in services]
    ma06 = next(r for r in services if r["region"] == "MA-06")
    assert ma06["value"] == 83032  # docs/store.md: Casablanca-Settat, services, 2024


# --- provinces: location quotients against the HCP counts -----------------------------------


@pytest.mark.parametrize("sector", ["industry", "services"])
def test_province_lq_equals_the_hand_computation(client: TestClient, sector: str) -> None:
    counts = morocco.establishments(level="province")
    expected = _hand_lq(counts, "establishments", sector)
    data = client.get("/index.json", params={"level": "province", "sector": sector}).json()
    assert data["dataset"] == "hcp-2024-establishments-province"
    got = {r["region"]: r["location_quotient"] for r in data["regions"]}
    assert len(got) == 75
    assert got == pytest.approx(expected, rel=1e-12)
    in_sector = counts[counts["sector"] == sector].set_index("region")["establishments"]
    assert {r["region"]: r["value"] for r in data["regions"]} == in_sector.astype(float).to_dict()


def test_province_page_shows_the_json_figures(client: TestClient) -> None:
    params = {"level": "province", "sector": "industry"}
    page = client.get("/", params=params).text
    rows = client.get("/index.json", params=params).json()["regions"]
    table = page[page.index("<table") : page.index("</table>")]
    # the table beside the map holds every province's full value, in the map's order
    shown = re.findall(
        r'<a href="/regions/([0-9.]+)">[^<]*</a>.*?<data value="([^"]+)">', table, re.S
    )
    assert [(code, float(v)) for code, v in shown] == [
        (r["region"], r["location_quotient"]) for r in rows
    ]
    casablanca = next(r for r in rows if r["region"] == "06.141")
    counts = morocco.establishments(level="province")
    hand = _hand_lq(counts, "establishments", "industry")["06.141"]
    assert casablanca["location_quotient"] == pytest.approx(hand, rel=1e-12)
    rounded = f"{hand:.2f}".replace(".", ",")
    assert f'<data value="{casablanca["location_quotient"]}">{rounded}</data>' in table
    # the province's region is named beside it
    assert "<td>Casablanca-Settat</td>" in table


def test_employment_2014_province_lq(client: TestClient) -> None:
    counts = morocco.employment(level="province")
    expected = _hand_lq(counts, "employment", "agriculture")
    params = {"level": "province", "census": "2014", "sector": "agriculture"}
    data = client.get("/index.json", params=params).json()
    assert data["dataset"] == "hcp-2014-employment-province"
    assert data["classification"] == "HCP_EMPLOYMENT"
    assert {r["region"]: r["location_quotient"] for r in data["regions"]} == pytest.approx(
        expected, rel=1e-12
    )
    page = client.get("/", params=params).text
    caption = "Quotient de localisation par province — Agriculture, sylviculture et pêche, 2014"
    assert f"<caption>{caption}</caption>" in html.unescape(page)
    assert '<th scope="col" class="num">Emploi</th>' in page


# --- one link per unit, legend classes, colours ---------------------------------------------


@pytest.mark.parametrize(
    ("params", "units"),
    [
        ({}, 12),
        ({"level": "province"}, 75),
        ({"level": "province", "measure": "stars", "census": "2014"}, 75),
        ({"level": "country"}, 5),
    ],
)
def test_the_map_has_one_link_per_unit(
    client: TestClient, params: dict[str, str], units: int
) -> None:
    page = client.get("/", params=params).text
    svg = _svg(page)
    rows = client.get("/index.json", params=params).json()["regions"]
    assert len(rows) == units
    links = re.findall(r'<a href="([^"]+)"><path', svg)
    assert sorted(links) == sorted(f"/regions/{r['region']}" for r in rows)
    assert len(set(links)) == units


def test_lq_legend_and_colours(client: TestClient) -> None:
    params = {"level": "province", "sector": "commerce"}
    data = client.get("/index.json", params=params).json()
    assert [(e["lower"], e["upper"], e["colour"]) for e in data["legend"]] == LQ_CLASSES
    page = client.get("/", params=params).text
    fills = _fills(_svg(page))
    for row in data["regions"]:
        assert row["colour"] == _lq_class_colour(row["location_quotient"])
        assert fills[row["region"]] == row["colour"]
    legend = page[
        page.index('<ul class="legend">') : page.index("</ul>", page.index('class="legend"'))
    ]
    labels = re.findall(r"<bdi>([^<]+)</bdi>", legend)
    assert labels == [
        "&lt; 0,80",
        "0,80 – 0,95",
        "0,95 – 1,05",
        "1,05 – 1,25",
        "1,25 – 1,50",
        "≥ 1,50",
    ]


# --- stars: the star_ratings rows ------------------------------------------------------------


def _star_rows(
    client: TestClient, dataset: str, sector: str
) -> dict[str, tuple[int, bool, bool, bool]]:
    engine = client.app.state.engine  # type: ignore[attr-defined]
    statement = sa.text(
        "SELECT s.region, s.stars, s.size_star, s.specialisation_star, s.focus_star "
        "FROM star_ratings s JOIN datasets d ON d.id = s.dataset "
        "WHERE d.name = :dataset AND s.sector = :sector"
    )
    with engine.connect() as connection:
        found = connection.execute(statement, {"dataset": dataset, "sector": sector}).all()
    return {str(r[0]): (int(r[1]), bool(r[2]), bool(r[3]), bool(r[4])) for r in found}


@pytest.mark.parametrize(
    ("census", "level", "sector"),
    [
        ("2014", "province", "agriculture"),
        ("2024", "province", "industry"),
        ("2014", "region", "industry"),
    ],
)
def test_stars_equal_the_star_ratings(
    client: TestClient, census: str, level: str, sector: str
) -> None:
    params = {"level": level, "measure": "stars", "census": census, "sector": sector}
    data = client.get("/index.json", params=params).json()
    dataset = maps.census_dataset(census, level)
    expected = _star_rows(client, dataset, sector)
    assert len(expected) == (75 if level == "province" else 12)
    got = {
        r["region"]: (r["stars"], r["size_star"], r["specialisation_star"], r["focus_star"])
        for r in data["regions"]
    }
    assert got == expected
    # the classes are the star counts, one colour each, on the map and in the JSON
    assert [(e["lower"], e["upper"]) for e in data["legend"]] == [(0, 0), (1, 1), (2, 2), (3, 3)]
    fills = _fills(_svg(client.get("/", params=params).text))
    for row in data["regions"]:
        assert row["colour"] == STARS_COLOURS[row["stars"]]
        assert fills[row["region"]] == row["colour"]


def test_stars_page_table_and_legend(client: TestClient) -> None:
    params = {"level": "province", "measure": "stars", "census": "2014", "sector": "agriculture"}
    page = client.get("/", params=params).text
    table = page[page.index("<table") : page.index("</table>")]
    expected = _star_rows(client, "hcp-2014-employment-province", "agriculture")
    shown = dict(
        re.findall(r'<a href="/regions/([0-9.]+)">.*?<data value="(\d)">\d</data>', table, re.S)
    )
    assert {code: int(stars) for code, stars in shown.items()} == {
        code: row[0] for code, row in expected.items()
    }
    assert sum(row[0] == 3 for row in expected.values()) >= 1  # the data have three-star cells
    assert "taille, spécialisation, poids" in table  # a three-star cell names its stars
    legend = page[page.index('<ul class="legend">') :]
    assert re.findall(r"<bdi>([^<]+)</bdi>", legend)[:4] == ["0", "1", "2", "3"]
    assert "Légende de la carte (étoiles)" in page


# --- the Maghreb: cluster organisations per country -----------------------------------------


def test_maghreb_counts_equal_the_organisations(client: TestClient) -> None:
    organisations = cluster_organisations()
    expected = organisations.groupby("country").size().reindex(MAGHREB, fill_value=0)
    located = organisations.dropna(subset=["region"]).groupby("country").size()
    data = client.get("/index.json", params={"level": "country"}).json()
    assert data["dataset"] is None
    assert [r["region"] for r in data["regions"]] == MAGHREB
    for row in data["regions"]:
        assert row["organisations"] == expected[row["region"]]
        assert row["located"] == located.get(row["region"], 0)
    assert expected["LY"] == expected["MR"] == 0  # none found: still on the map, as 0
    page = client.get("/", params={"level": "country"}).text
    table = page[page.index("<table") : page.index("</table>")]
    shown = dict(re.findall(r'<a href="/regions/([A-Z]{2})">.*?<data value="(\d+)">', table, re.S))
    assert {c: int(n) for c, n in shown.items()} == expected.to_dict()


def test_maghreb_map_keeps_western_sahara_apart(client: TestClient) -> None:
    page = client.get("/", params={"level": "country"}).text
    svg = _svg(page)
    # six shapes: the five countries, each a link, and EH, in no country and no link
    assert sorted(re.findall(r'data-code="([^"]+)"', svg)) == sorted([*MAGHREB, "EH"])
    assert '<a href="/regions/EH"' not in svg
    assert "Sahara occidental — compté dans les chiffres d'aucun pays" in html.unescape(svg)
    assert _fills(svg)["EH"] == "#d9d9d9"
    legend = page[page.index('<ul class="legend">') :]
    labels = re.findall(r"<bdi>([^<]+)</bdi>", legend)[:6]
    assert labels == ["0", "1 – 4", "5 – 9", "10 – 19", "≥ 20", "Pas de donnée"]
    data = client.get("/index.json", params={"level": "country"}).json()
    colours = {r["region"]: r["colour"] for r in data["regions"]}
    assert colours == {
        "DZ": "#9e9ac8",  # 9: 5 – 9
        "LY": "#f2f0f7",  # 0
        "MA": "#756bb1",  # 16: 10 – 19
        "MR": "#f2f0f7",
        "TN": "#756bb1",
    }
    assert "statistiques par secteur que pour le Maroc" in html.unescape(page)


def test_maghreb_in_arabic(client: TestClient) -> None:
    page = client.get("/ar/", params={"level": "country"}).text
    assert '<html lang="ar" dir="rtl">' in page
    for code in MAGHREB:
        name = geography.region(code).name_ar
        assert f'<a href="/ar/regions/{code}">{name}</a>' in page
    assert "الصّحراء الغربيّة" in page  # Western Sahara's Arabic name, from Natural Earth


# --- languages ------------------------------------------------------------------------------


def test_arabic_province_map_has_arabic_names(client: TestClient) -> None:
    page = client.get("/ar/", params={"level": "province"}).text
    svg = _svg(page)
    casablanca = geography.region("06.141")
    assert casablanca.name_ar
    assert '<a href="/ar/regions/06.141"><path' in svg
    assert f"<title>{casablanca.name_ar} — " in svg
    assert f'<a href="/ar/regions/06.141">{casablanca.name_ar}</a>' in page
    assert "الدار البيضاء-سطات" in page  # its region, in the table
    assert "معامل التوطن حسب الإقليم" in page


# --- the form, the choices, the cache --------------------------------------------------------


class _Form(HTMLParser):
    """The home form's fields as a browser would submit them (selected options)."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form" and "choose" in (found.get("class") or ""):
            self.action = found.get("action") or ""
        elif tag == "input" and found.get("type") == "hidden":
            self.fields[str(found["name"])] = str(found["value"])
        elif tag == "select":
            self._select = str(found["name"])
            self.options[self._select] = []
        elif tag == "option" and self._select is not None:
            self.options[self._select].append(str(found["value"]))
            if "selected" in found:
                self.fields[self._select] = str(found["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def _form(page: str) -> _Form:
    parser = _Form()
    parser.feed(page)
    return parser


def test_form_works_without_javascript(client: TestClient) -> None:
    form = _form(client.get("/").text)
    assert form.action == "/"
    assert form.fields == {
        "census": "2024",
        "level": "region",
        "measure": "lq",
        "sector": "industry",
    }
    assert form.options["level"] == ["region", "province", "country"]
    assert form.options["measure"] == ["lq", "stars"]
    assert form.options["sector"] == ["commerce", "construction", "industry", "services"]
    # a visitor picks provinces and stars and submits: the page keeps the choices
    chosen = {**form.fields, "level": "province", "measure": "stars"}
    answer = client.get(f"{form.action}?{urlencode(chosen)}")
    assert answer.status_code == 200
    assert _form(answer.text).fields == chosen


def test_census_links_switch_the_sectors(client: TestClient) -> None:
    page = client.get("/ar/", params={"level": "province", "measure": "stars"}).text
    links = re.findall(r'<nav aria-label="[^"]+" class="censuses">(.*?)</nav>', page, re.S)[0]
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', links)]
    assert hrefs == [
        "/ar/?level=province&measure=stars&census=2024",
        "/ar/?level=province&measure=stars&census=2014",
    ]
    form = _form(client.get(hrefs[1]).text)
    assert form.fields["census"] == "2014"
    assert form.fields["sector"] == "industry"  # the default sector exists in both censuses
    assert form.options["sector"] == sorted(
        morocco.employment(level="region")["sector"].unique().tolist()
    )


def test_every_census_and_level_names_a_bundled_dataset() -> None:
    for census in maps.CENSUSES:
        for level in maps.MAP_LEVELS:
            name = maps.census_dataset(census, level)
            kind, bundled_level = BUNDLED_DATASETS[name]
            assert (kind, bundled_level) == (maps.CENSUSES[census].kind, level)


def test_the_map_is_cached_per_choice_and_language(client: TestClient) -> None:
    cache: dict[tuple[str, ...], str] = client.app.state.map_cache  # type: ignore[attr-defined]
    params = {"level": "province", "measure": "lq", "census": "2024", "sector": "construction"}
    french = client.get("/", params=params).text
    arabic = client.get("/ar/", params=params).text
    key = ("province", "lq", "2024", "construction")
    assert cache[(*key, "fr", "")] in french
    assert cache[(*key, "ar", "/ar")] in arabic
    assert cache[(*key, "fr", "")] != cache[(*key, "ar", "/ar")]
    # the Maghreb map does not depend on the sector or measure: one entry per language
    client.get("/", params={"level": "country", "sector": "services", "measure": "stars"})
    client.get("/", params={"level": "country"})
    assert [k for k in cache if k[0] == "country" and k[-2] == "fr"] == [("country", "fr", "")]


def test_svg_sizes_stay_small(client: TestClient) -> None:
    sizes = {
        level: len(_svg(client.get("/", params={"level": level}).text).encode("utf-8"))
        for level in ("region", "province", "country")
    }
    # simplified to about a pixel: 13 kB, 57 kB and 7 kB today
    assert sizes["province"] < 80_000
    assert sizes["region"] < 25_000
    assert sizes["country"] < 15_000


# --- bad choices: a 400 in the visitor's language, never a 500 --------------------------------

HOSTILE = [
    "nope",
    "REGION",
    "1; DROP TABLE regions; --",
    "' OR '1'='1",
    '<script>alert("x")</script>',
    "x" * 5000,
    "الجهة region",
    "région",
    "\x00",
    "province\n",
]


@pytest.mark.parametrize("name", ["level", "measure", "census", "sector"])
@pytest.mark.parametrize("value", HOSTILE)
def test_bad_choices_are_refused(client: TestClient, name: str, value: str) -> None:
    for path in ("/", "/index.json", "/ar/"):
        response = client.get(path, params={name: value})
        assert response.status_code == 400, (path, name, value)
        assert "Traceback" not in response.text
        if not path.endswith(".json"):  # in a page, the value is shown as text
            assert "<script>alert" not in response.text
    body = client.get("/index.json", params={name: value}).json()
    assert body["error"]["code"] == "invalid_input"
    arabic = client.get("/ar/", params={name: value}).text
    assert '<html lang="ar"' in arabic
    assert "تعذر الرد على هذا الطلب" in arabic


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"census": "2014", "sector": "services"}, "sector of the 2014 census must be one of"),
        ({"census": "2024", "sector": "agriculture"}, "sector of the 2024 census must be one of"),
        (
            {"level": "commune"},
            "level must be one of 'region', 'province', 'country'; got 'commune'",
        ),
        ({"measure": "herfindahl"}, "measure must be one of 'lq', 'stars'; got 'herfindahl'"),
        ({"census": "2019"}, "census must be one of '2024', '2014'; got '2019'"),
    ],
)
def test_incoherent_choices_name_what_is_allowed(
    client: TestClient, params: dict[str, Any], expected: str
) -> None:
    response = client.get("/index.json", params=params)
    assert response.status_code == 400
    assert expected in response.json()["error"]["message"]


def test_percent_encoded_garbage(client: TestClient) -> None:
    for address in (
        "/?level=%FF",
        "/?census=%C0%AF",
        "/index.json?measure=%ED%A0%80",
        "/?sector=%00",
    ):
        response = client.get(address)
        assert response.status_code == 400, address
