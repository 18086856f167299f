"""Knowledge vs industrial clusters (Japan's distinction): hand cases, sector list, errors."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.clusters.typology import (
    HIGH_TECH_MANUFACTURING,
    KNOWLEDGE_INTENSIVE_SERVICES,
    KNOWLEDGE_SECTORS,
    RESEARCH_KINDS,
    typology,
)
from grappes.errors import InvalidInputError, MissingColumnsError


def employment() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cluster": ["pharma", "pharma", "pharma", "auto", "auto", "agro", "agro"],
            "sector": ["2110", "7211", "4646", "2910", "7112", "1011", "8542"],
            "employment": [600.0, 150.0, 250.0, 900.0, 100.0, 400.0, 400.0],
        }
    )


def actors() -> pd.DataFrame:
    rows = [
        ("pharma", "firm"),
        ("pharma", "firm"),
        ("pharma", "university"),
        ("pharma", "research"),
        ("auto", "firm"),
        ("auto", "firm"),
        ("auto", "firm"),
        ("auto", "training"),
        ("auto", "public_body"),
        ("agro", "firm"),
        ("agro", "firm"),
        ("agro", "firm"),
        ("agro", "cluster_organisation"),
    ]
    return pd.DataFrame(
        {
            "id": [f"A{i}" for i in range(len(rows))],
            "cluster": [c for c, _ in rows],
            "kind": [k for _, k in rows],
        }
    )


def test_eurostat_lists() -> None:
    # Eurostat htec metadata, annex 3 (NACE Rev.2): high-tech manufacturing 21, 26;
    # knowledge-intensive services 50-51, 58-63, 64-66, 69-75, 78, 80, 84-93.
    assert HIGH_TECH_MANUFACTURING == ("21", "26")
    expected = [50, 51, *range(58, 67), *range(69, 76), 78, 80, *range(84, 94)]
    assert tuple(f"{d:02d}" for d in expected) == KNOWLEDGE_INTENSIVE_SERVICES
    assert len(KNOWLEDGE_SECTORS) == 2 + 30
    assert "62" in KNOWLEDGE_SECTORS  # computer programming
    assert "46" not in KNOWLEDGE_SECTORS  # wholesale trade
    assert "29" not in KNOWLEDGE_SECTORS  # motor vehicles: medium-high tech, not high


def test_research_kinds_follow_the_pillars() -> None:
    # grappes.tables.ACTOR_PILLARS: research bodies, universities and training centres stand
    # in the research or training pillar; firms and support bodies do not.
    assert RESEARCH_KINDS == ("research", "university", "training")


def test_hand_case_with_actors() -> None:
    result = typology(employment(), actors=actors()).set_index("cluster")
    # pharma: 2110 (div. 21) 600 + 7211 (div. 72) 150 knowledge of 1000 -> 0.75;
    #         actors: university + research of 4 -> 0.5.  Both high -> knowledge.
    # auto: 7112 (div. 71) 100 of 1000 -> 0.1; training 1 of 5 -> 0.2 < 0.25 -> industrial.
    # agro: 8542 (div. 85) 400 of 800 -> 0.5 (= knowledge_min: high); research 0 of 4
    #       -> mixed.
    assert result.loc["pharma", "knowledge_share"] == pytest.approx(0.75)
    assert result.loc["pharma", "research_share"] == pytest.approx(0.5)
    assert result.loc["auto", "knowledge_share"] == pytest.approx(0.1)
    assert result.loc["auto", "research_share"] == pytest.approx(0.2)
    assert result.loc["agro", "knowledge_share"] == pytest.approx(0.5)
    assert result["type"].to_dict() == {
        "agro": "mixed",
        "auto": "industrial",
        "pharma": "knowledge",
    }
    assert result.loc["pharma", "knowledge_employment"] == 750
    assert result.loc["auto", "actors"] == 5
    assert result.loc["auto", "research_actors"] == 1
    assert list(result.reset_index().columns) == [
        "cluster",
        "employment",
        "knowledge_employment",
        "knowledge_share",
        "actors",
        "research_actors",
        "research_share",
        "type",
    ]


def test_thresholds_are_parameters() -> None:
    result = typology(employment(), actors=actors(), research_min=0.2, knowledge_min=0.8)
    types = result.set_index("cluster")["type"].to_dict()
    # knowledge >= 0.8: none. research >= 0.2: pharma (0.5), auto (0.2, on the threshold).
    assert types == {"agro": "industrial", "auto": "mixed", "pharma": "mixed"}


def test_without_actors_employment_decides() -> None:
    result = typology(employment()).set_index("cluster")
    assert result["type"].to_dict() == {
        "agro": "knowledge",
        "auto": "industrial",
        "pharma": "knowledge",
    }
    assert result["research_share"].isna().all()
    assert result["actors"].isna().all()


def test_own_sector_list_in_hcp_groups() -> None:
    # HCP's 2014 employment groups are not ISIC divisions: pass a list in their own codes.
    table = pd.DataFrame(
        {
            "cluster": ["services", "services", "industry", "industry"],
            "sector": ["market_services", "commerce", "industry", "market_services"],
            "employment": [70.0, 30.0, 80.0, 20.0],
        }
    )
    result = typology(table, knowledge_sectors=["market_services"]).set_index("cluster")
    assert result["knowledge_share"].to_dict() == pytest.approx({"industry": 0.2, "services": 0.7})
    assert result["type"].to_dict() == {"industry": "industrial", "services": "knowledge"}


def test_ibis_in_gives_ibis_out() -> None:
    table = employment()
    result = typology(ibis.memtable(table), actors=actors())
    assert isinstance(result, ibis.expr.types.Table)
    expected = typology(table, actors=actors())
    pd.testing.assert_frame_equal(result.to_pandas(), expected, check_dtype=False)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["21", "26", "62", "10", "29", "46"]), min_size=1, max_size=6))
def test_knowledge_share_is_the_share_of_listed_divisions(sectors: list[str]) -> None:
    unique = sorted(set(sectors))
    table = pd.DataFrame(
        {
            "cluster": ["c"] * len(unique),
            "sector": [f"{s}10" for s in unique],
            "employment": np.arange(1.0, len(unique) + 1),
        }
    )
    share = typology(table)["knowledge_share"].iloc[0]
    knowledge = table.sector.str[:2].isin(["21", "26", "62"])
    assert share == pytest.approx(table.employment[knowledge].sum() / table.employment.sum())


def test_input_is_left_untouched() -> None:
    table, people = employment(), actors()
    before, people_before = table.copy(), people.copy()
    typology(table, actors=people)
    pd.testing.assert_frame_equal(table, before)
    pd.testing.assert_frame_equal(people, people_before)


# Errors: one per validation branch.


def test_section_letters_cannot_be_placed() -> None:
    table = employment().assign(sector=["C", "M", "G", "C", "M", "C", "P"])
    with pytest.raises(InvalidInputError, match="sector codes must be numeric with at least 2"):
        typology(table)


def test_missing_employment_column() -> None:
    with pytest.raises(MissingColumnsError, match=r"missing column.*'employment'"):
        typology(employment().drop(columns="employment"))


def test_cluster_without_employment() -> None:
    table = employment()
    table.loc[table.cluster == "agro", "employment"] = 0.0
    with pytest.raises(InvalidInputError, match="cluster 'agro' has a total of 0"):
        typology(table)


def test_threshold_outside_zero_one() -> None:
    with pytest.raises(InvalidInputError, match="knowledge_min must be a share in"):
        typology(employment(), knowledge_min=1.5)


def test_knowledge_sectors_as_a_string() -> None:
    with pytest.raises(InvalidInputError, match="must be a list of codes"):
        typology(employment(), knowledge_sectors="21")


def test_empty_knowledge_sectors() -> None:
    with pytest.raises(InvalidInputError, match="non-empty list"):
        typology(employment(), knowledge_sectors=[])


def test_roles_naming_one_column() -> None:
    with pytest.raises(InvalidInputError, match="must name different columns"):
        typology(employment(), sector="cluster")


def test_actors_missing_kind() -> None:
    with pytest.raises(MissingColumnsError, match=r"missing column.*'kind'"):
        typology(employment(), actors=actors().drop(columns="kind"))


def test_actor_of_unknown_kind() -> None:
    people = actors()
    people.loc[0, "kind"] = "startup"
    with pytest.raises(InvalidInputError, match="got 'startup'"):
        typology(employment(), actors=people)


def test_actor_without_cluster() -> None:
    people = actors()
    people.loc[0, "cluster"] = None
    with pytest.raises(InvalidInputError, match="'cluster' has no value in 1 row"):
        typology(employment(), actors=people)


def test_actor_of_a_cluster_not_in_the_table() -> None:
    people = actors()
    people.loc[0, "cluster"] = "textile"
    with pytest.raises(InvalidInputError, match="cluster 'textile' has actors but no"):
        typology(employment(), actors=people)


def test_cluster_without_actors() -> None:
    people = actors()
    people = people[people.cluster != "agro"]
    with pytest.raises(InvalidInputError, match="cluster 'agro' has no actor"):
        typology(employment(), actors=people)


def test_actors_of_the_wrong_type() -> None:
    with pytest.raises(InvalidInputError, match="expected a pandas DataFrame or an Ibis"):
        typology(employment(), actors=[("pharma", "firm")])
