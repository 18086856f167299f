"""Comparisons of units, and benchmarks against the paper's programmes, on the bundled data.

Independent values: census totals and location quotients are recomputed from
``grappes.data.morocco`` (HCP RGPH 2024 / 2014); organisation counts from
``grappes.data.organisations``; the paper's figures are read from the bundled CSV with the
``csv`` module, each named by the paper's section (the paper is OCR text without pages).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from importlib.resources import files

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from grappes.data import morocco
from grappes.data.organisations import cluster_organisations
from grappes.errors import InvalidInputError, NotFoundError
from grappes.store import benchmarking as b
from grappes.store import comparison as c
from grappes.store import models as m
from grappes.store import queries as q
from tests.conftest import RTOL
from tests.data.test_members import EXPECTED as EXPECTED_MEMBERS


@pytest.fixture
def session(loaded_engine: Engine) -> Iterator[Session]:
    with Session(loaded_engine) as session:
        yield session


def paper_figures() -> dict[tuple[str, str, str], float]:
    """The paper's figures, read from the bundled CSV with ``csv`` (not the package's reader)."""
    path = files("grappes.data") / "bundled" / "benchmarks" / "paper_country_programmes.csv"
    with path.open("r", encoding="utf-8") as handle:
        return {
            (row["country"], row["programme"], row["metric"]): float(row["value"])
            for row in csv.DictReader(handle)
        }


# --- parse_units ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["MA-01", "MA-06"], ["MA-01", "MA-06"]),
        (["MA-01,MA-06"], ["MA-01", "MA-06"]),
        (["MA-06, MA-01 ", ""], ["MA-06", "MA-01"]),  # order kept, blanks dropped
        (["MA-01", "MA-02,MA-03", ""], ["MA-01", "MA-02", "MA-03"]),
    ],
)
def test_parse_units_repeated_or_comma_separated(values: list[str], expected: list[str]) -> None:
    assert c.parse_units(values) == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (None, "must name 2 to 10 units; got 0"),
        ([""], "must name 2 to 10 units; got 0"),
        (["MA-01"], r"must name 2 to 10 units; got 1 \('MA-01'\)"),
        ([",".join(f"MA-{i:02d}" for i in range(1, 12))], "must name 2 to 10 units; got 11"),
        (["MA-01", "MA-01"], "'MA-01' is named twice"),
        (["MA-01", "M" * 65], "must have 1 to 64 characters; got 65"),
        (["MA-01", "MA-06\x00"], "must not contain control characters"),
    ],
)
def test_parse_units_refuses(values: list[str] | None, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        c.parse_units(values)


# --- compare_regions -----------------------------------------------------------------------


def test_compare_two_regions_totals_and_quotients(session: Session) -> None:
    result = c.compare_regions(session, ["MA-06", "MA-01"])
    assert result.level == "region"
    assert result.units["code"].tolist() == ["MA-06", "MA-01"]  # the order asked
    assert result.units["name_fr"].tolist() == ["Casablanca-Settat", "Tanger-Tétouan-Al Hoceima"]

    establishments = morocco.establishments(level="region")
    employment = morocco.employment(level="region")
    totals = result.totals.set_index(["dataset", "region"])["total"]
    for code in ("MA-06", "MA-01"):
        expected = establishments.loc[establishments["region"] == code, "establishments"].sum()
        assert totals[("hcp-2024-establishments-region", code)] == expected
        expected = employment.loc[employment["region"] == code, "employment"].sum()
        assert totals[("hcp-2014-employment-region", code)] == expected
    assert totals[("hcp-2024-establishments-region", "MA-06")] == 254018  # docs/store.md

    # Tanger-Tétouan-Al Hoceima's industry LQ by hand: (e_rs / e_r) / (E_s / E)
    rows = establishments.set_index(["region", "sector"])["establishments"]
    by_hand = (rows[("MA-01", "industry")] / rows.loc["MA-01"].sum()) / (
        establishments.loc[establishments["sector"] == "industry", "establishments"].sum()
        / establishments["establishments"].sum()
    )
    lqs = result.location_quotients
    cell = lqs[
        (lqs["dataset"] == "hcp-2024-establishments-region")
        & (lqs["region"] == "MA-01")
        & (lqs["sector"] == "industry")
    ]
    assert len(cell) == 1
    assert cell["location_quotient"].iloc[0] == pytest.approx(by_hand, rel=RTOL)
    assert cell["value"].iloc[0] == 16618
    # 4 sector groups in 2024, 9 in 2014, for each of the two regions
    assert len(lqs) == 2 * (4 + 9)


def test_compare_regions_cluster_counts_match_the_stored_flags(session: Session) -> None:
    result = c.compare_regions(session, ["MA-06", "MA-01", "MA-07"])
    summary = result.clusters.set_index(["dataset", "region"])
    for code in ("MA-06", "MA-01", "MA-07"):
        for dataset in ("hcp-2024-establishments-region", "hcp-2014-employment-region"):
            ds_id = session.scalar(sa.select(m.Dataset.id).where(m.Dataset.name == dataset))
            strong = session.scalar(
                sa.select(sa.func.count()).where(
                    m.StrongCluster.dataset == ds_id,
                    m.StrongCluster.region == code,
                    m.StrongCluster.strong,
                )
            )
            starred, stars = session.execute(
                sa.select(sa.func.count(), sa.func.sum(m.StarRating.stars)).where(
                    m.StarRating.dataset == ds_id,
                    m.StarRating.region == code,
                    m.StarRating.stars > 0,
                )
            ).one()
            row = summary.loc[(dataset, code)]
            assert row["strong_clusters"] == strong
            assert row["starred"] == starred
            assert row["stars"] == (stars or 0)
    # the region profile's strong clusters of MA-06 itself are the same cells
    profile = q.region_profile(session, "MA-06").strong_clusters
    own = profile[(profile["region"] == "MA-06")]
    lqs = result.location_quotients
    flagged = lqs[(lqs["region"] == "MA-06") & lqs["strong"]]
    assert sorted(zip(own["dataset"], own["sector"], strict=True)) == sorted(
        zip(flagged["dataset"], flagged["sector"], strict=True)
    )


def test_compare_regions_organisations_as_in_the_bundled_list(session: Session) -> None:
    codes = ["MA-06", "MA-01", "MA-09", "MA-04"]
    result = c.compare_regions(session, codes)
    listed = cluster_organisations()
    expected = [int((listed["region"] == code).sum()) for code in codes]
    assert result.units["organisations"].tolist() == expected
    assert expected[0] == 3  # MA-002, MA-008, MA-009 are in Casablanca-Settat
    assert sorted(result.organisations.loc[result.organisations["region"] == "MA-06", "id"]) == [
        "MA-002",
        "MA-008",
        "MA-009",
    ]


def test_compare_countries(session: Session) -> None:
    result = c.compare_regions(session, ["MA", "TN", "DZ"])
    assert result.level == "country"
    listed = cluster_organisations()
    assert result.units["organisations"].tolist() == [
        int((listed["country"] == code).sum()) for code in ("MA", "TN", "DZ")
    ]
    assert result.units["organisations"].tolist() == [16, 16, 9]
    totals = result.totals.set_index(["dataset", "region"])["total"]
    # a country's total is the sum of its regions: Morocco's 2024 census, 1,130,021
    assert totals[("hcp-2024-establishments-region", "MA")] == 1130021
    employment = morocco.employment(level="region")["employment"].sum()
    assert totals[("hcp-2014-employment-region", "MA")] == employment
    assert set(result.totals["region"]) == {"MA"}  # no census of Tunisia or Algeria
    assert result.location_quotients.empty


def test_compare_provinces_and_communes(session: Session) -> None:
    result = c.compare_regions(session, ["06.141", "01.511"])
    assert result.level == "province"
    assert result.units["organisations"].isna().all()  # organisations are placed by region
    assert result.organisations.empty
    provinces = morocco.establishments(level="province")
    totals = result.totals.set_index(["dataset", "region"])["total"]
    for code in ("06.141", "01.511"):
        expected = provinces.loc[provinces["region"] == code, "establishments"].sum()
        assert totals[("hcp-2024-establishments-province", code)] == expected
    communes = c.compare_regions(session, ["01.051.01.01", "01.051.01.03"])
    assert communes.level == "commune"
    assert set(communes.totals["dataset"]) == {"hcp-2024-establishments-commune"}


def test_compare_refuses_mixed_levels_and_unknown_codes(session: Session) -> None:
    with pytest.raises(
        InvalidInputError, match=r"one level.*'MA-06' is a region.*'06\.141' is a province"
    ):
        c.compare_regions(session, ["MA-06", "06.141"])
    with pytest.raises(NotFoundError, match="no unit has the code 'XX-99', \"' OR '1'='1\""):
        c.compare_regions(session, ["MA-06", "XX-99", "' OR '1'='1"])
    assert session.scalar(sa.select(sa.func.count()).select_from(m.Region)) == 1715


# --- benchmarks ----------------------------------------------------------------------------


def test_per_cluster_figures_are_the_papers(session: Session) -> None:
    paper = paper_figures()
    per = b.programme_benchmarks(session).per_cluster.set_index(["country", "measure"])
    # Section II.1.2 (Sweden): in 2005, 69 competitiveness poles, 92,000 enterprises,
    # 1.4 million employed
    assert paper[("SE", "competitiveness poles", "poles")] == 69
    assert per.loc[("SE", "enterprises"), "value"] == pytest.approx(92000 / 69, rel=RTOL)
    assert per.loc[("SE", "employment"), "value"] == pytest.approx(1400000 / 69, rel=RTOL)
    # Section II.1.3 (Italy): 200 districts, 2,200,000 employed, 90,000 enterprises
    assert per.loc[("IT", "enterprises"), "value"] == pytest.approx(90000 / 200, rel=RTOL)
    assert per.loc[("IT", "employment"), "value"] == pytest.approx(11000, rel=RTOL)
    # Section II.1.4 (Germany): 130 networks, more than 6,000 enterprises and 1,600
    # research institutions: lower bounds
    assert per.loc[("DE", "enterprises"), "value"] == pytest.approx(6000 / 130, rel=RTOL)
    assert per.loc[("DE", "research_institutions"), "value"] == pytest.approx(1600 / 130, rel=RTOL)
    assert per.loc[("DE", "enterprises"), "lower_bound"]
    assert not per.loc[("IT", "enterprises"), "lower_bound"]
    # Section II.3 (Japan): 19 METI industrial clusters, 250 universities, 6,500 SMEs
    assert per.loc[("JP", "enterprises"), "value"] == pytest.approx(6500 / 19, rel=RTOL)
    assert per.loc[("JP", "research_institutions"), "value"] == pytest.approx(250 / 19, rel=RTOL)
    # Section II.1.5 (France): the median SPL subsidy, about EUR 38,000, given per SPL
    france = per.loc[("FR", "public_funding")]
    assert france["value"] == paper[("FR", "Systèmes Productifs Locaux (SPL)", "median_subsidy")]
    assert france["value"] == 38000
    assert pd.isna(france["denominator"])
    # every ratio is one of the paper's figures over another of the same programme
    for (country, _measure), row in per.iterrows():
        top = paper[(country, row["programme"], row["numerator_metric"])]
        assert row["numerator"] == top
        if not pd.isna(row["denominator"]):
            bottom = paper[(country, row["programme"], row["denominator_metric"])]
            assert row["value"] == pytest.approx(top / bottom, rel=RTOL)


def test_cluster_counts_are_the_papers(session: Session) -> None:
    paper = paper_figures()
    result = b.programme_benchmarks(session)
    counts = {
        (r.country, r.programme, r.metric): r.value for r in result.cluster_counts.itertuples()
    }
    assert counts == {
        key: value for key, value in paper.items() if key[2] in b.CLUSTER_COUNT_METRICS
    }
    # Basque Country 13 (II.1.1), Denmark 29 (II.1.2), Italy 200 (II.1.3), Germany 130
    # (II.1.4), France ~100 SPL (II.1.5), Japan 18 + 19 (II.3)
    assert counts[("ES", "cluster policy (since 1991)", "priority_clusters")] == 13
    assert counts[("DK", "competence clusters", "competence_clusters_identified")] == 29
    assert counts[("IT", "industrial districts", "districts")] == 200
    assert counts[("DE", "Kompetenznetze Deutschland", "networks")] == 130
    assert counts[("JP", "knowledge clusters (MEXT)", "clusters")] == 18
    assert counts[("JP", "industrial clusters (METI)", "clusters")] == 19
    assert len(result.figures) == len(paper) == 36


def test_maghreb_counts_as_in_the_bundled_list(session: Session) -> None:
    listed = cluster_organisations()
    maghreb = b.programme_benchmarks(session).maghreb.set_index("country")
    for country in ("MA", "DZ", "TN", "LY", "MR"):
        mine = listed[listed["country"] == country]
        assert maghreb.loc[country, "organisations"] == len(mine)
        poles = mine["id"].str.match(r"^[A-Z]{2}-P\d+$").sum()
        assert maghreb.loc[country, "poles"] == poles
        assert maghreb.loc[country, "clusters"] == len(mine) - poles
    assert maghreb.loc["TN", ["organisations", "poles", "clusters"]].tolist() == [16, 8, 8]
    one = b.programme_benchmarks(session, country="DZ").maghreb
    assert one["country"].tolist() == ["DZ"]
    assert one["organisations"].tolist() == [9]


def test_members_per_cluster_only_where_the_paper_counts_members(session: Session) -> None:
    paper = paper_figures()
    result = b.programme_benchmarks(session)
    # Section II.1.4 (Germany): "plus de 6 000 entreprises et plus de 1 600 institutions de
    # recherche adhèrent à ses réseaux", 130 networks: more than 7,600 members / 130
    (germany,) = result.members_per_cluster.to_dict("records")
    assert germany["country"] == "DE"
    assert germany["members"] == 6000 + 1600
    assert germany["value"] == pytest.approx(7600 / 130, rel=RTOL)
    assert germany["denominator"] == paper[("DE", "Kompetenznetze Deutschland", "networks")]
    assert germany["lower_bound"]
    assert pd.isna(germany["year"])
    # only member counts are added, and only over the same programme's number of clusters
    for country, programme, metrics, denominator in b.MEMBERS_PER_CLUSTER:
        assert all(metric.startswith("member_") for metric in metrics)
        assert (country, programme, denominator) in {
            (r.country, r.programme, r.metric) for r in result.cluster_counts.itertuples()
        }
    assert not any(
        metric.startswith("member") for (c, _p, metric) in paper if c in {"SE", "IT", "JP", "FR"}
    )


def test_organisation_members_by_country(session: Session) -> None:
    everyone = b.programme_benchmarks(session)
    listed = everyone.organisation_members
    assert {
        r.id: (r.members, r.members_qualifier, _year(r.members_year), r.members_founding)
        for r in listed.itertuples()
    } == EXPECTED_MEMBERS
    assert listed["country"].tolist() == sorted(listed["country"])
    assert everyone.maghreb.set_index("country")["with_members"].to_dict() == {
        "DZ": 1,
        "LY": 0,
        "MA": 3,
        "MR": 0,
        "TN": 0,
    }
    morocco = b.programme_benchmarks(session, country="MA").organisation_members
    assert set(morocco["id"]) == {"MA-002", "MA-005", "MA-006"}
    assert b.programme_benchmarks(session, country="TN").organisation_members.empty
    found = b.organisation_benchmark(session, "MA-005").organisation
    assert (found["members"], found["members_qualifier"], found["members_year"]) == (
        200,
        "more_than",
        2022,
    )


def _year(value: object) -> int | None:
    return None if pd.isna(value) else int(str(value))


@pytest.mark.parametrize(
    ("country", "error", "message"),
    [
        ("XX", NotFoundError, "no country has the code 'XX'"),
        ("MA-06", NotFoundError, "no country has the code 'MA-06'"),
        ("", InvalidInputError, "must have 1 to 64 characters"),
        ("MA\n", InvalidInputError, "control characters"),
    ],
)
def test_programme_benchmarks_refuses(
    session: Session, country: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        b.programme_benchmarks(session, country=country)


def test_organisation_benchmark(session: Session) -> None:
    found = b.organisation_benchmark(session, "MA-002")
    assert found.organisation["name"] == "Maroc Numeric Cluster (MNC)"
    assert found.region is not None and found.region["code"] == "MA-06"
    # its record holds no per-cluster figure: every measure is "not reported"
    assert found.per_cluster["measure"].tolist() == [
        "enterprises",
        "employment",
        "research_institutions",
        "public_funding",
    ]
    assert found.per_cluster["value"].isna().all()
    assert found.partners["name"].tolist() == ["Systematic (FR)", "Images & Réseaux (FR)"]
    assert found.benchmarks.maghreb["country"].tolist() == ["MA"]
    regional = c.compare_regions(session, ["MA-06", "MA-01"]).clusters
    assert found.region_clusters.to_dict("records") == regional[
        regional["region"] == "MA-06"
    ].to_dict("records")
    # no city in its sources: no region, no regional clusters
    unplaced = b.organisation_benchmark(session, "MA-001")
    assert unplaced.region is None
    assert unplaced.region_clusters.empty
    with pytest.raises(NotFoundError, match="no cluster organisation"):
        b.organisation_benchmark(session, "MA-999")


def test_comparable_units_and_organisation_choices(session: Session) -> None:
    units = c.comparable_units(session)
    assert units["level"].value_counts().to_dict() == {
        "province": 75,
        "region": 131,
        "country": 5,
    }
    assert units["level"].tolist()[:5] == ["country"] * 5
    choices = b.organisation_choices(session)
    assert len(choices) == len(cluster_organisations()) == 41
