"""The compare pages and their JSON twins: figures, languages, the form, hostile input.

Independent values: census totals and location quotients from ``grappes.data.morocco``
(HCP RGPH 2024 / 2014), organisation counts from ``grappes.data.organisations``, the
paper's figures from its bundled CSV (each named by the paper's section: the paper is OCR
text without page numbers).
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from grappes.data import morocco
from grappes.data.organisations import cluster_organisations
from tests.conftest import RTOL
from tests.data.test_members import EXPECTED as EXPECTED_MEMBERS
from tests.store.test_comparison import paper_figures
from tests.web.test_errors import HOSTILE
from tests.web.test_pages import _twin

PAGES = [
    "/compare",
    "/compare?regions=MA-01&regions=MA-06",
    "/compare?regions=MA,TN,DZ",
    "/compare?regions=06.141,01.511",
    "/compare?regions=01.051.01.01,01.051.01.03",
    "/compare/benchmark",
    "/compare/benchmark?organisation=MA-002",
    "/compare/benchmark?organisation=MA-001",
    "/compare/benchmark?country=TN",
]


@pytest.mark.parametrize("address", PAGES)
def test_page_and_its_json_twin(client: TestClient, address: str) -> None:
    html = client.get(address)
    assert html.status_code == 200
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert f'href="{address.split("?")[0]}.json' in html.text  # the page links to its twin
    twin = client.get(_twin(address))
    assert twin.status_code == 200
    assert twin.headers["content-type"] == "application/json"
    assert isinstance(twin.json(), dict)


def test_compare_repeated_and_comma_separated_are_the_same(client: TestClient) -> None:
    repeated = client.get("/compare.json?regions=MA-01&regions=MA-06").json()
    commas = client.get("/compare.json?regions=MA-01,MA-06").json()
    assert repeated == commas
    assert [u["code"] for u in repeated["units"]] == ["MA-01", "MA-06"]


def test_compare_totals_and_quotients(client: TestClient) -> None:
    data = client.get("/compare.json", params={"regions": ["MA-01", "MA-06", "MA-07"]}).json()
    assert data["level"] == "region"
    establishments = morocco.establishments(level="region")
    employment = morocco.employment(level="region")
    totals = {(t["dataset"], t["region"]): t["total"] for t in data["totals"]}
    for code in ("MA-01", "MA-06", "MA-07"):
        expected = establishments.loc[establishments["region"] == code, "establishments"].sum()
        assert totals[("hcp-2024-establishments-region", code)] == expected
        expected = employment.loc[employment["region"] == code, "employment"].sum()
        assert totals[("hcp-2014-employment-region", code)] == expected
    # Marrakech-Safi's commerce LQ by hand: (e_rs / e_r) / (E_s / E)
    cells = establishments.set_index(["region", "sector"])["establishments"]
    commerce = establishments.loc[establishments["sector"] == "commerce", "establishments"]
    by_hand = (cells[("MA-07", "commerce")] / cells.loc["MA-07"].sum()) / (
        commerce.sum() / establishments["establishments"].sum()
    )
    found = [
        r
        for r in data["location_quotients"]
        if (r["dataset"], r["region"], r["sector"])
        == ("hcp-2024-establishments-region", "MA-07", "commerce")
    ]
    assert len(found) == 1
    assert found[0]["location_quotient"] == pytest.approx(by_hand, rel=RTOL)

    listed = cluster_organisations()
    assert [u["organisations"] for u in data["units"]] == [
        int((listed["region"] == code).sum()) for code in ("MA-01", "MA-06", "MA-07")
    ]


def test_compare_page_shows_rounded_figures_and_marks_the_highest(client: TestClient) -> None:
    page = client.get("/compare?regions=MA-01&regions=MA-06").text
    # Casablanca-Settat's industry LQ (36286/254018)/(154979/1130021) = 1.0416, rounded
    industry = (36286 / 254018) / (154979 / 1130021)
    shown = re.findall(r'<data value="([0-9.]+)">1,04</data>', page)
    assert shown and float(shown[0]) == pytest.approx(industry, rel=RTOL)
    # the highest of the row is bold and marked: MA-06 has more establishments (254,018
    # against 124,653, HCP RGPH 2024)
    assert re.search(
        r'<td class="num best">\s*<strong><data value="254018(\.0)?">254\u202f018</data></strong>'
        r' <span class="compare-mark">la plus élevée</span>',
        page,
    )
    assert re.search(r'<td class="num">\s*<data value="124653(\.0)?">124\u202f653</data>', page)
    # each unit's name links to its profile, in the table's head
    assert '<th scope="col"><a href="/regions/MA-01">Tanger-Tétouan-Al Hoceima</a>' in page
    # the form keeps the chosen units checked
    assert re.search(r'value="MA-06" checked', page)
    assert not re.search(r'value="MA-02" checked', page)


def test_highest_is_not_marked_when_values_are_equal(client: TestClient) -> None:
    # Libya and Mauritania: no census figures, no organisation in the list (0 and 0)
    page = client.get("/compare?regions=LY,MR").text
    assert 'class="num best"' not in page
    assert 'class="num best"' in client.get("/compare?regions=MA,LY").text  # 16 against 0


def test_compare_in_arabic_is_right_to_left(client: TestClient) -> None:
    page = client.get("/ar/compare?regions=MA-01,MA-06").text
    assert '<html lang="ar" dir="rtl">' in page
    assert "مقارنة الجهات جنبًا إلى جنب" in page
    assert "الدار البيضاء-سطات" in page and "طنجة-تطوان-الحسيمة" in page
    assert 'href="/ar/regions/MA-06"' in page
    assert '<data value="254018.0">254\u202f018</data>' in page  # Western digits
    same = client.get("/compare?regions=MA-01,MA-06&lang=ar").text
    assert '<html lang="ar" dir="rtl">' in same


def test_compare_in_english(client: TestClient) -> None:
    page = client.get("/en/compare?regions=MA-01&regions=MA-06").text
    assert '<html lang="en" dir="ltr">' in page
    assert "Compare regions side by side" in page
    assert "Tangier-Tetouan-Al Hoceima" in page
    assert "254,018" in page
    assert "highest" in page


def test_compare_countries_and_provinces(client: TestClient) -> None:
    countries = client.get("/compare.json?regions=MA,TN,DZ").json()
    assert countries["level"] == "country"
    assert [u["organisations"] for u in countries["units"]] == [16, 16, 9]
    assert {(t["region"], t["total"]) for t in countries["totals"]} == {
        ("MA", 1130021),
        ("MA", float(morocco.employment(level="region")["employment"].sum())),
    }
    provinces = client.get("/en/compare?regions=06.141,01.511").text
    assert "Cluster organisations are placed by region only" in provinces


def test_compare_without_units_is_the_form(client: TestClient) -> None:
    page = client.get("/compare").text
    assert '<form method="get" action="/compare"' in page
    # every region of Morocco is a checkbox of the form, labelled by its name
    for number in range(1, 13):
        assert f'<input type="checkbox" name="regions" value="MA-{number:02d}">' in page
    assert '<label for="compare-codes">' in page
    assert client.get("/compare.json").json()["units"] == []
    # the navigation links to the page
    assert '<a href="/compare">Comparer</a>' in page


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("regions=MA-01", 400, "must name 2 to 10 units; got 1"),
        ("regions=", 400, "must name 2 to 10 units; got 0"),
        ("regions=" + ",".join(f"MA-{i:02d}" for i in range(1, 13)), 400, "got 12"),
        ("regions=MA-01&regions=MA-01", 400, "named twice"),
        ("regions=MA-01,06.141", 400, "must all be of one level"),
        ("regions=MA-01,TN-51,06.141", 400, "must all be of one level"),
        ("regions=MA-01,XX-99", 404, "no unit has the code 'XX-99'"),
    ],
)
def test_compare_refuses(client: TestClient, query: str, status: int, message: str) -> None:
    response = client.get(f"/compare.json?{query}")
    assert response.status_code == status
    assert message in response.json()["error"]["message"]
    page = client.get(f"/ar/compare?{query}")
    assert page.status_code == status
    assert '<html lang="ar" dir="rtl">' in page.text


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_regions(client: TestClient, value: str) -> None:
    for address in ("/compare", "/compare.json"):
        response = client.get(address, params=[("regions", "MA-01"), ("regions", value)])
        assert response.status_code in (400, 404)
        assert "Traceback" not in response.text
        if response.headers["content-type"].startswith("text/html"):
            assert "<script>alert" not in response.text
        alone = client.get(address, params={"regions": value})
        assert alone.status_code in (400, 404)
    assert client.get("/data.json").json()["tables"][0]["rows"] == 1715


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("parameter", ["organisation", "country"])
def test_hostile_benchmark_parameters(client: TestClient, value: str, parameter: str) -> None:
    response = client.get("/compare/benchmark", params={parameter: value})
    assert response.status_code in (400, 404)
    assert "<script>alert" not in response.text
    assert "Traceback" not in response.text


def test_hostile_unit_is_shown_as_text_in_the_error(client: TestClient) -> None:
    response = client.get("/en/compare?regions=MA-01,<b>x</b>")
    assert response.status_code == 404
    assert "<b>x</b>" not in response.text
    assert "&lt;b&gt;x&lt;/b&gt;" in response.text


def test_benchmark_figures_are_the_papers(client: TestClient) -> None:
    paper = paper_figures()
    data = client.get("/compare/benchmark.json").json()
    per = {(r["country"], r["measure"]): r for r in data["per_cluster"]}
    # Section II.1.2 (Sweden, 2005): 92,000 enterprises and 1.4 million employed in 69 poles
    assert per[("SE", "enterprises")]["value"] == pytest.approx(
        paper[("SE", "competitiveness poles", "enterprises")]
        / paper[("SE", "competitiveness poles", "poles")],
        rel=RTOL,
    )
    assert per[("SE", "enterprises")]["value"] == pytest.approx(92000 / 69, rel=RTOL)
    # Section II.1.3 (Italy): 2,200,000 employed in 200 districts
    assert per[("IT", "employment")]["value"] == pytest.approx(2200000 / 200, rel=RTOL)
    # Section II.1.4 (Germany): more than 6,000 enterprises in 130 networks
    assert per[("DE", "enterprises")]["value"] == pytest.approx(6000 / 130, rel=RTOL)
    assert per[("DE", "enterprises")]["lower_bound"] is True
    # Section II.1.5 (France): median subsidy about EUR 38,000
    assert per[("FR", "public_funding")]["value"] == 38000
    counts = {
        (r["country"], r["programme"], r["metric"]): r["value"] for r in data["cluster_counts"]
    }
    assert counts[("DE", "Kompetenznetze Deutschland", "networks")] == 130  # II.1.4
    assert counts[("ES", "cluster policy (since 1991)", "priority_clusters")] == 13  # II.1.1
    assert len(data["figures"]) == 36
    listed = cluster_organisations()
    assert {r["country"]: r["organisations"] for r in data["maghreb"]} == {
        code: int((listed["country"] == code).sum()) for code in ("MA", "DZ", "TN", "LY", "MR")
    }


def test_benchmark_page_of_an_organisation(client: TestClient) -> None:
    page = client.get("/compare/benchmark?organisation=MA-002").text
    assert "Maroc Numeric Cluster (MNC)" in page
    # the organisation's record has no figure per cluster but its members: said, not invented
    row = page.split('<tr class="compare-here">')[1].split("</tr>")[0]
    assert row.count("non renseigné") == 4
    assert re.findall(r"<data[^>]*>[^<]*</data>", row) == ['<data value="42">42</data>']
    # Sweden's 92,000 / 69 = 1,333.3 enterprises per pole, rounded with the full value
    assert re.search(r'<data value="1333\.333333333333\d*">1\u202f333</data>', page)
    # Germany's figures are lower bounds ("more than" in the paper)
    assert 'au moins <data value="46.15384615384615' in page
    # the sources' own words are shown as such, and its region's clusters
    assert "42 members" in page
    assert 'href="/regions/MA-06"' in page
    data = client.get("/compare/benchmark.json?organisation=MA-002").json()
    assert data["organisation"]["id"] == "MA-002"
    assert [r["value"] for r in data["organisation_per_cluster"]] == [None] * 4
    assert [r["country"] for r in data["maghreb"]] == ["MA"]
    assert {r["dataset"] for r in data["region_clusters"]} == {
        "hcp-2024-establishments-region",
        "hcp-2014-employment-region",
    }


def test_benchmark_of_a_country_in_arabic_and_english(client: TestClient) -> None:
    page = client.get("/ar/compare/benchmark?country=TN").text
    assert '<html lang="ar" dir="rtl">' in page
    assert "تونس" in page  # Tunisia's Arabic name, from the regions table
    assert "ألمانيا" in page  # Germany
    assert 'href="/ar/compare/benchmark"' in page or 'action="/ar/compare/benchmark"' in page
    english = client.get("/en/compare/benchmark?country=TN").text
    assert "Tunisia — cluster organisations found by Grappes" in english
    assert "of which competitiveness poles and technoparks" in english
    data = client.get("/compare/benchmark.json?country=TN").json()
    assert data["maghreb"] == [
        {
            "country": "TN",
            "name_fr": "Tunisie",
            "name_ar": "تونس",
            "name_en": "Tunisia",
            "organisations": 16,
            "poles": 8,
            "clusters": 8,
            "with_members": 0,
        }
    ]
    assert data["organisation_members"] == []


def test_benchmark_members_beside_the_papers(client: TestClient) -> None:
    paper = paper_figures()
    data = client.get("/compare/benchmark.json").json()
    # Section II.1.4 (Germany): more than 6,000 enterprises and more than 1,600 research
    # institutions are members of its 130 networks; the only members the paper counts.
    (germany,) = data["members_per_cluster"]
    programme = "Kompetenznetze Deutschland"
    members = (
        paper[("DE", programme, "member_enterprises")]
        + paper[("DE", programme, "member_research_institutions")]
    )
    assert members == 7600
    assert germany["members"] == members
    assert germany["value"] == pytest.approx(7600 / 130, rel=RTOL)
    assert germany["lower_bound"] is True
    assert germany["year"] is None
    # every organisation with a member count, as read by hand from its note
    listed = {
        r["id"]: (r["members"], r["members_qualifier"], r["members_year"], r["members_founding"])
        for r in data["organisation_members"]
    }
    assert listed == EXPECTED_MEMBERS
    assert {r["country"]: r["with_members"] for r in data["maghreb"]} == {
        "DZ": 1,
        "LY": 0,
        "MA": 3,
        "MR": 0,
        "TN": 0,
    }
    page = client.get("/en/compare/benchmark").text
    table = page.split('<caption id="per-cluster">')[1].split("</table>")[0]
    rows = {
        re.sub(r"<[^>]+>", "", m.group(1)).strip(): m.group(2)
        for m in re.finditer(r'<th scope="row">(.*?)</th>\s*<td class="num">(.*?)</td>', table)
    }
    assert rows["Cluster Solaire (renamed Cluster EnR 2022) MA-005"] == (
        'more than <data value="200">200</data> (2022)'
    )
    assert rows["Germany — Kompetenznetze Deutschland"].startswith(
        'at least <data value="58.46153846153846'
    )
    # the paper counts enterprises, not members, elsewhere: not known, never derived
    for name in (
        "Sweden — competitiveness poles",
        "Italy — industrial districts",
        "Japan — industrial clusters (METI)",
        "France — Local productive systems (SPL)",
    ):
        assert rows[name] == "not known"
    assert len(rows) == 4 + 5  # four organisations, five programmes
    # one country: only its organisations
    algeria = client.get("/en/compare/benchmark?country=DZ").text
    table = algeria.split('<caption id="per-cluster">')[1].split("</table>")[0]
    assert "DZ-004" in table and "MA-005" not in table
    assert '<data value="16">16</data> (2017), founding members only' in table


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("organisation=MA-999", 404),
        ("country=XX", 404),
        ("country=MA&organisation=MA-002", 400),
        (f"organisation={quote('a' * 5000)}", 400),
    ],
)
def test_benchmark_refuses(client: TestClient, query: str, status: int) -> None:
    assert client.get(f"/compare/benchmark.json?{query}").status_code == status
    page = client.get(f"/en/compare/benchmark?{query}")
    assert page.status_code == status
    assert '<html lang="en" dir="ltr">' in page.text
