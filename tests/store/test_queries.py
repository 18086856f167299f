"""Named queries and downloads on the bundled data; hostile input is harmless."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError, NotFoundError
from grappes.store import downloads as d
from grappes.store import micro_clusters as mc
from grappes.store import models as m
from grappes.store import organisations, search
from grappes.store import queries as q
from tests.conftest import RTOL

# Establishments 2024 (HCP RGPH 2024, morocco.establishments(level="region")), MA-06:
# industry 36,286, construction 8,270, commerce 126,430, services 83,032 (254,018 in all);
# Morocco: 1,130,021, industry 154,979.
HOSTILE = [
    "' OR '1'='1",
    "casa'; DROP TABLE regions; --",
    '"; DELETE FROM organisations; --',
    "%",
    "\\",
    "%' OR 1=1 --",
    "<script>alert(1)</script>",
    "casa الدار البيضاء",
    "x" * search.MAX_SEARCH_LENGTH,
]


@pytest.fixture
def session(loaded_engine: Engine) -> Iterator[Session]:
    with Session(loaded_engine) as session:
        yield session


def test_region_profile_of_casablanca_settat(session: Session) -> None:
    profile = q.region_profile(session, "MA-06")
    assert profile.region["name_fr"] == "Casablanca-Settat"
    assert profile.ancestors["code"].tolist() == ["MA", "MAGHREB"]
    assert len(profile.children) == 9  # 9 provinces and prefectures
    assert "06.141" in set(profile.children["code"])
    lqs = profile.specialisations
    region_2024 = lqs[lqs["dataset"] == "hcp-2024-establishments-region"]
    assert region_2024["sector"].tolist() == ["services", "industry", "commerce", "construction"]
    industry = region_2024.set_index("sector").loc["industry"]
    assert industry["value"] == 36286
    assert industry["location_quotient"] == pytest.approx(
        (36286 / 254018) / (154979 / 1130021), rel=RTOL
    )
    assert len(lqs[lqs["dataset"] == "hcp-2014-employment-region"]) == 9
    assert set(profile.organisations["id"]) >= {"MA-002", "MA-008"}
    assert (profile.organisations["region"] == "MA-06").all()
    assert set(profile.strong_clusters["region"]) <= {"MA-06", *profile.children["code"]}
    assert (profile.stars["stars"] > 0).all()


def test_region_profile_of_a_province_lists_its_communes(session: Session) -> None:
    profile = q.region_profile(session, "06.141")
    assert profile.region["name_fr"] == "Casablanca"
    assert profile.ancestors["code"].tolist() == ["MA-06", "MA", "MAGHREB"]
    assert set(profile.children["level"]) == {"commune"}
    assert profile.organisations.empty  # organisations are placed at region level


@pytest.mark.parametrize("code", ["MA-99", "' OR '1'='1", "MA-06; DROP TABLE regions"])
def test_region_profile_of_an_unknown_code(session: Session, code: str) -> None:
    with pytest.raises(NotFoundError, match="no region has the code"):
        q.region_profile(session, code)
    assert session.scalar(sa.select(sa.func.count()).select_from(m.Region)) == 1715


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "must have 1 to 64 characters"),
        ("M" * 65, "must have 1 to 64 characters"),
        ("MA\x0006", "must not contain control characters"),
        ("\ud800", "not valid Unicode"),
    ],
)
def test_region_profile_refuses_malformed_codes(session: Session, code: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        q.region_profile(session, code)


def test_region_profile_refuses_a_code_that_is_not_a_string(session: Session) -> None:
    with pytest.raises(InvalidInputError, match="must be a string"):
        q.region_profile(session, 6)  # type: ignore[arg-type]


def test_sector_profile_of_industry(session: Session) -> None:
    profile = q.sector_profile(session, "industry")
    assert profile.sector["label_fr"] == "Industrie"
    assert profile.sections["section"].tolist() == ["B", "C", "D", "E"]
    counts = profile.location_quotients.groupby("dataset").size().to_dict()
    assert counts == {
        "hcp-2024-establishments-region": 12,
        "hcp-2024-establishments-province": 75,
        "hcp-2024-establishments-commune": 1503,
    }
    # Herfindahl over the 12 regions: the sum of the squared regional shares of industry.
    lq = profile.location_quotients
    shares = lq.loc[lq["dataset"] == "hcp-2024-establishments-region", "value"] / 154979
    hhi = profile.concentration.set_index("dataset").loc["hcp-2024-establishments-region"]
    assert hhi["herfindahl"] == pytest.approx(float((shares**2).sum()), rel=RTOL)
    assert profile.strong_clusters["location_quotient"].ge(1).all()


def test_sector_profile_of_an_isic_section_names_the_hcp_groups(session: Session) -> None:
    profile = q.sector_profile(session, "C", classification="ISIC4")
    assert profile.sections.values.tolist() == [
        ["HCP_EMPLOYMENT", "industry"],
        ["HCP_ESTABLISHMENTS", "industry"],
    ]
    assert profile.location_quotients.empty


def test_sector_profile_of_an_unknown_sector(session: Session) -> None:
    with pytest.raises(NotFoundError, match="has no sector 'mining'"):
        q.sector_profile(session, "mining")


def test_organisation_profile(session: Session) -> None:
    profile = organisations.organisation_profile(session, "MA-002")
    assert profile.organisation["name"] == "Maroc Numeric Cluster (MNC)"
    assert profile.organisation["region_inferred"] is True
    assert profile.partners["name"].tolist() == ["Systematic (FR)", "Images & Réseaux (FR)"]
    assert profile.region is not None and profile.region["code"] == "MA-06"


def test_organisation_profile_of_an_unknown_identifier(session: Session) -> None:
    with pytest.raises(NotFoundError, match="no cluster organisation"):
        organisations.organisation_profile(session, "MA-999")


def test_the_organisation_profile_is_a_module_of_its_own(session: Session) -> None:
    # queries.py keeps the region and sector profiles; an organisation's is in organisations
    assert not hasattr(q, "organisation_profile")
    assert q.region_record(session, "MA-06") == {
        "code": "MA-06",
        "level": "region",
        "parent": "MA",
        "country": "MA",
        "name_fr": "Casablanca-Settat",
        "name_ar": "الدار البيضاء-سطات",
        "name_en": "Casablanca-Settat",
    }
    assert q.region_record(session, "MA-99") is None


def test_search_casa_finds_the_region_and_the_prefecture(session: Session) -> None:
    found = search.search(session, "casa")
    regions = found[found["kind"] == "region"]
    assert regions["code"].tolist()[:2] == ["MA-06", "06.141"]
    assert set(found.loc[found["kind"] == "organisation", "code"]) >= {"MA-008"}


@pytest.mark.parametrize("text", ["CASA", "Casa", "casablanca-SETTAT", "الدار البيضاء"])
def test_search_ignores_case_and_finds_arabic(session: Session, text: str) -> None:
    assert "MA-06" in set(search.search(session, text)["code"])


@pytest.mark.parametrize("text", ["fes-meknes", "FÈS", "fès"])
def test_search_ignores_accents(session: Session, text: str) -> None:
    assert "MA-03" in set(search.search(session, text)["code"])


def test_search_finds_sectors_by_label(session: Session) -> None:
    found = search.search(session, "construction")
    sectors = found[found["kind"] == "sector"]
    assert {"HCP_ESTABLISHMENTS", "HCP_EMPLOYMENT", "ISIC4"} <= set(sectors["classification"])


def test_search_limit(session: Session) -> None:
    found = search.search(session, "a", limit=3)
    assert found.groupby("kind").size().max() == 3


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_search_with_hostile_text_is_harmless(session: Session, text: str) -> None:
    found = search.search(session, text)
    # Wildcards and quotes are searched for as written: no name holds these strings.
    assert found.empty
    assert list(found.columns) == [
        "kind",
        "code",
        "classification",
        "level",
        "name_fr",
        "name_ar",
        "name_en",
    ]
    for model, rows in ((m.Region, 1715), (m.Organisation, 41)):
        assert session.scalar(sa.select(sa.func.count()).select_from(model)) == rows


def test_search_matches_an_underscore_as_written(session: Session) -> None:
    # As a LIKE wildcard "_" would match every name; as written, only two codes hold one.
    found = search.search(session, "_")
    assert sorted(found["code"]) == ["market_services", "public_services"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x" * (search.MAX_SEARCH_LENGTH + 1), "at most 200 characters; got 201"),
        ("casa" * 10_000, "at most 200 characters; got 40000"),
        ("", "empty"),
        ("   ", "empty"),
        ("casa\x00", "control characters"),
        ("\udcff", "not valid Unicode"),
    ],
)
def test_search_refuses_unusable_text(session: Session, text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        search.search(session, text)


@pytest.mark.parametrize("limit", [0, 101, True, 2.5])
def test_search_refuses_a_bad_limit(session: Session, limit: object) -> None:
    with pytest.raises(InvalidInputError, match="limit must be a whole number from 1 to 100"):
        search.search(session, "casa", limit=limit)  # type: ignore[arg-type]


def test_downloadable_tables_state_source_licence_and_rows(session: Session) -> None:
    tables = d.downloadable_tables(session).set_index("name")
    assert tables.loc["organisations", "rows"] == 41
    assert tables.loc["regions", "rows"] == 1715
    assert "ODbL" in str(tables.loc["regions", "licence"])
    assert tables["source"].str.len().gt(0).all()
    assert tables["licence"].str.len().gt(0).all()


def test_download_a_dataset_s_results(session: Session) -> None:
    download = d.download_table(
        session, "location_quotients", dataset="hcp-2024-establishments-region"
    )
    assert len(download.table) == 48
    assert set(download.table["dataset"]) == {"hcp-2024-establishments-region"}
    assert "HCP" in download.source and "CC BY 4.0" in download.licence


def test_download_a_reference_table_without_internal_columns(session: Session) -> None:
    download = d.download_table(session, "regions")
    assert len(download.table) == 1715
    assert "search_text" not in download.table.columns


@pytest.mark.parametrize("name", ["../../etc/passwd", "regions; DROP TABLE regions", "users"])
def test_download_refuses_unknown_tables(session: Session, name: str) -> None:
    with pytest.raises(NotFoundError, match="no table is called"):
        d.download_table(session, name)


def test_download_refuses_an_unknown_dataset(session: Session) -> None:
    with pytest.raises(NotFoundError, match="no dataset is called 'nope'"):
        d.download_table(session, "observations", dataset="nope")


def test_download_refuses_a_dataset_for_a_reference_table(session: Session) -> None:
    with pytest.raises(InvalidInputError, match="is not kept by dataset"):
        d.download_table(session, "regions", dataset="hcp-2024-establishments-region")


def test_region_profile_names_units_and_sectors_in_three_languages(session: Session) -> None:
    profile = q.region_profile(session, "MA-06")
    for table in (profile.strong_clusters, profile.stars):
        assert len(table) > 0
        region = table[table["region"] == "MA-06"].iloc[0]
        assert (region["name_fr"], region["name_ar"]) == ("Casablanca-Settat", "الدار البيضاء-سطات")
        labels = table.drop_duplicates("sector").set_index("sector")
        # HCP's sector groups (grappes.data.sectors): services is الخدمات, industry الصناعة
        assert labels.loc["services", "label_ar"] == "الخدمات"
        assert labels.loc["services", "label_en"] == "Services"
        assert table["label_fr"].notna().all()


def test_region_profile_has_no_lifecycle_on_the_bundled_censuses(session: Session) -> None:
    # Each bundled dataset holds one year: no trajectory, hence no stage.
    assert q.region_profile(session, "MA-06").lifecycle.empty
    assert session.scalar(sa.select(sa.func.count()).select_from(m.LifecycleStage)) == 0


def test_sector_profile_gives_locational_gini_and_krugman(session: Session) -> None:
    profile = q.sector_profile(session, "industry")
    indices = profile.concentration.set_index("dataset")
    assert indices["level"].tolist() == ["region", "province", "commune"]
    # Locational Gini by hand over the 12 regions (Krugman 1991, the pairwise form):
    # G = 1/4 Σ_r Σ_r' |s_r x_r' - s_r' x_r|, s the shares of industry, x of all sectors.
    lq = profile.location_quotients
    region = lq[lq["dataset"] == "hcp-2024-establishments-region"].set_index("region")
    # E_r from LQ = (E_rs / E_r) / (E_s / E), with E_s = 154,979 and E = 1,130,021
    totals = region["value"] / region["location_quotient"] * 1130021 / 154979
    assert totals.sum() == pytest.approx(1130021, rel=1e-9)
    s = (region["value"] / 154979).to_numpy()
    x = (totals / 1130021).to_numpy()
    gini = np.abs(np.outer(s, x) - np.outer(x, s)).sum() / 4
    assert indices.loc["hcp-2024-establishments-region", "locational_gini"] == pytest.approx(
        gini, rel=1e-9
    )
    # Krugman's concentration against the rest: Σ_r |s_r - (E_r - E_rs)/(E - E_s)|.
    rest = (totals - region["value"]) / (1130021 - 154979)
    krugman = np.abs(s - rest.to_numpy()).sum()
    assert indices.loc["hcp-2024-establishments-region", "krugman"] == pytest.approx(
        krugman, rel=1e-9
    )


def test_region_micro_clusters_of_casablanca_settat(session: Session) -> None:
    found = mc.region_micro_clusters(session, "MA-06")
    assert len(found.clusters) > 0
    assert set(found.runs["sector"]) == {"commerce", "construction", "industry", "services"}
    assert set(found.runs["permutations"]) == {9999} and set(found.runs["seed"]) == {0}
    # every cluster listed has a commune here; "here" is "lies in a province of MA-06"
    provinces = set(q.region_profile(session, "MA-06").children["code"])
    members = found.members
    assert (members["here"] == members["province"].isin(provinces)).all()
    here = members[members["here"]].groupby(["sector", "cluster"]).size()
    assert set(here.index) == set(
        zip(found.clusters["sector"], found.clusters["cluster"], strict=True)
    )
    # a cluster lists all its communes, as many as it has units
    sizes = members.groupby(["sector", "cluster"]).size()
    for row in found.clusters.itertuples():
        assert sizes[(row.sector, row.cluster)] == row.n_units
    assert found.clusters["label_ar"].notna().all()


def test_region_micro_clusters_of_a_commune_and_abroad(session: Session) -> None:
    member = session.execute(sa.select(m.MicroClusterMember).limit(1)).scalar_one()
    found = mc.region_micro_clusters(session, member.region)
    key = (member.sector, member.cluster)
    assert key in set(zip(found.clusters["sector"], found.clusters["cluster"], strict=True))
    assert mc.region_micro_clusters(session, "TN").clusters.empty  # no Tunisian communes
    country = mc.region_micro_clusters(session, "MA")
    assert len(country.members) == session.scalar(
        sa.select(sa.func.count()).select_from(m.MicroClusterMember)
    )
    assert country.members["here"].all()


def test_region_micro_clusters_of_an_unknown_or_malformed_code(session: Session) -> None:
    with pytest.raises(NotFoundError, match="no region has the code"):
        mc.region_micro_clusters(session, "MA-99")
    with pytest.raises(InvalidInputError, match="control characters"):
        mc.region_micro_clusters(session, "MA\x0006")


def test_sector_micro_clusters(session: Session) -> None:
    found = mc.sector_micro_clusters(session, "industry")
    assert found.runs["sector"].tolist() == ["industry"]
    assert set(found.clusters["sector"]) == {"industry"}
    assert found.clusters["location_quotient"].ge(1).all()
    assert found.members["here"].all()
    assert found.members["name_fr"].notna().all() and found.members["province"].notna().all()
    assert int(found.clusters["n_units"].sum()) == len(found.members)
    # the 2014 employment (HCP_EMPLOYMENT) has no communes: no run
    assert mc.sector_micro_clusters(session, "industry", classification="HCP_EMPLOYMENT").runs.empty
