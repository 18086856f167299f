"""Cluster tiers (Danish four criteria): hand cases, monotonicity, expert scores, errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grappes.clusters.tiers import DANISH_CRITERIA, TIERS, classify_tiers
from grappes.errors import InvalidInputError, MissingColumnsError


def danish_table() -> pd.DataFrame:
    # Five clusters scored on the four Danish criteria, one column each.
    return pd.DataFrame(
        {
            "cluster": ["wind", "medicon", "food", "textile", "wireless"],
            "structure": [4.0, 5.0, 3.0, 1.0, 2.0],
            "competences": [3.0, 5.0, 2.0, 1.0, 4.0],
            "performance": [5.0, 4.0, 3.0, 2.0, 1.0],
            "cohesion": [5.0, 4.0, 1.0, 2.0, 3.0],
        }
    )


def test_danish_default_rank_scores() -> None:
    result = classify_tiers(danish_table())
    scores = result.clusters.set_index("cluster")["score"]
    # rank normalisation (rank - 1)/4 on each criterion, equal weights 1/4:
    # medicon: (4 + 4 + 3 + 3)/4/4 = 14/16 = 0.875 -> national (>= 0.75)
    # wind:    (3 + 2 + 4 + 4)/16 = 13/16 = 0.8125 -> national
    # wireless:(1 + 3 + 0 + 2)/16 = 6/16 = 0.375 -> potentially interesting
    # food:    (2 + 1 + 2 + 0)/16 = 5/16 = 0.3125 -> potentially interesting
    # textile: (0 + 0 + 1 + 1)/16 = 2/16 = 0.125 -> potentially interesting
    assert scores.to_dict() == pytest.approx(
        {"medicon": 0.875, "wind": 0.8125, "wireless": 0.375, "food": 0.3125, "textile": 0.125}
    )
    tiers = result.clusters.set_index("cluster")["tier"].to_dict()
    assert tiers == {
        "medicon": "national",
        "wind": "national",
        "wireless": "potentially_interesting",
        "food": "potentially_interesting",
        "textile": "potentially_interesting",
    }
    # Sorted by score, highest first.
    assert result.clusters["cluster"].tolist() == [
        "medicon",
        "wind",
        "wireless",
        "food",
        "textile",
    ]


def test_weights_and_cutoffs() -> None:
    weights = {"structure": 0.1, "competences": 0.1, "performance": 0.4, "cohesion": 0.4}
    result = classify_tiers(danish_table(), weights=weights, cutoffs=(0.8, 0.3))
    scores = result.clusters.set_index("cluster")["score"]
    # wind: 0.1*3/4 + 0.1*2/4 + 0.4*4/4 + 0.4*4/4 = 0.075 + 0.05 + 0.4 + 0.4 = 0.925
    # food: 0.1*2/4 + 0.1*1/4 + 0.4*2/4 + 0.4*0 = 0.05 + 0.025 + 0.2 = 0.275
    # wireless: 0.1*1/4 + 0.1*3/4 + 0 + 0.4*2/4 = 0.025 + 0.075 + 0.2 = 0.3 (on the cutoff)
    assert scores["wind"] == pytest.approx(0.925)
    assert scores["food"] == pytest.approx(0.275)
    assert scores["wireless"] == pytest.approx(0.3)
    tiers = result.clusters.set_index("cluster")["tier"]
    assert tiers["wind"] == "national"
    assert tiers["wireless"] == "regional"  # a score on the cutoff belongs to the tier
    assert tiers["food"] == "potentially_interesting"


def test_several_indicators_per_criterion_and_evidence() -> None:
    table = pd.DataFrame(
        {
            "cluster": ["a", "b", "c"],
            "firms": [10.0, 20.0, 30.0],
            "jobs": [300.0, 100.0, 200.0],
            "links": [1.0, 3.0, 2.0],
        }
    )
    result = classify_tiers(
        table,
        criteria={"structure": ["firms", "jobs"], "cohesion": ["links"]},
        normalise="minmax",
    )
    # minmax: firms 0, .5, 1; jobs 1, 0, .5; links 0, 1, .5.
    # structure = mean: a .5, b .25, c .75.  score = (structure + cohesion)/2:
    # a (.5 + 0)/2 = .25, b (.25 + 1)/2 = .625, c (.75 + .5)/2 = .625.
    scores = result.clusters.set_index("cluster")["score"]
    assert scores.to_dict() == pytest.approx({"a": 0.25, "b": 0.625, "c": 0.625})
    evidence = result.evidence
    assert list(evidence.columns) == [
        "cluster",
        "criterion",
        "indicator",
        "raw",
        "normalised",
        "weight",
    ]
    # Each structure indicator carries 1/2 * 1/2 of the score, links 1/2.
    weights = evidence.set_index(["cluster", "indicator"])["weight"]
    assert weights[("a", "firms")] == pytest.approx(0.25)
    assert weights[("a", "links")] == pytest.approx(0.5)
    # Per cluster: weights sum to 1 and sum(normalised * weight) is the score.
    for code, part in evidence.groupby("cluster"):
        assert part["weight"].sum() == pytest.approx(1.0)
        assert (part["normalised"] * part["weight"]).sum() == pytest.approx(scores[code])
    criteria = result.criteria.set_index(["cluster", "criterion"])
    assert criteria.loc[("a", "structure"), "score"] == pytest.approx(0.5)
    assert criteria["expert_score"].isna().all()


def test_zscore_normalisation() -> None:
    table = pd.DataFrame({"cluster": ["a", "b", "c"], "v": [1.0, 2.0, 3.0]})
    result = classify_tiers(table, criteria={"k": ["v"]}, normalise="zscore")
    # mean 2, standard deviation (divisor n) sqrt(2/3): z = -1.2247, 0, 1.2247;
    # Phi(1.2247) = 0.88966 (standard normal table).
    values = result.evidence.set_index("cluster")["normalised"]
    assert values["b"] == pytest.approx(0.5)
    assert values["c"] == pytest.approx(0.8896, abs=1e-4)
    assert values["a"] == pytest.approx(1 - 0.8896, abs=1e-4)


def test_expert_scores_on_a_likert_scale() -> None:
    table = pd.DataFrame({"cluster": ["a", "b"], "size": [1.0, 2.0]})
    expert = pd.DataFrame(
        {
            "cluster": ["a", "a", "b"],
            "criterion": ["structure", "structure", "structure"],
            "score": [5, 3, 1],  # two experts on a: mean 4
        }
    )
    result = classify_tiers(
        table, criteria={"structure": ["size"]}, expert=expert, expert_scale="likert5"
    )
    scores = result.clusters.set_index("cluster")["score"]
    # a: indicator rank 0, expert (4 - 1)/4 = .75: 0.5 * 0 + 0.5 * .75 = .375
    # b: indicator rank 1, expert (1 - 1)/4 = 0:   0.5 * 1 + 0.5 * 0 = .5
    assert scores.to_dict() == pytest.approx({"a": 0.375, "b": 0.5})
    expert_rows = result.evidence[result.evidence.indicator == "expert"].set_index("cluster")
    assert expert_rows.loc["a", "raw"] == 4
    assert expert_rows.loc["a", "normalised"] == pytest.approx(0.75)
    assert expert_rows.loc["a", "weight"] == pytest.approx(0.5)


def test_criterion_scored_by_experts_alone() -> None:
    table = pd.DataFrame({"cluster": ["a", "b"], "size": [1.0, 2.0]})
    expert = pd.DataFrame(
        {
            "cluster": ["a", "b", "a", "b"],
            "criterion": ["cohesion", "cohesion", "structure", "structure"],
            "score": [0.9, 0.1, 0.5, 0.5],
        }
    )
    result = classify_tiers(
        table,
        criteria={"structure": ["size"], "cohesion": []},
        expert=expert,
        expert_weight=0.2,
    )
    criteria = result.criteria.set_index(["cluster", "criterion"])["score"]
    # cohesion has no indicator: the expert score is all of it.
    assert criteria[("a", "cohesion")] == pytest.approx(0.9)
    # structure: 0.8 * rank + 0.2 * expert: a 0.8 * 0 + 0.2 * .5 = .1; b .8 + .1 = .9.
    assert criteria[("a", "structure")] == pytest.approx(0.1)
    assert criteria[("b", "structure")] == pytest.approx(0.9)


def test_constant_indicator_policy() -> None:
    table = danish_table().assign(cohesion=3.0)
    with pytest.raises(InvalidInputError, match="'cohesion' takes one value"):
        classify_tiers(table)
    result = classify_tiers(table, on_constant="half")
    cohesion = result.evidence[result.evidence.criterion == "cohesion"]
    assert (cohesion["normalised"] == 0.5).all()


def test_ibis_input_gives_the_same_tables() -> None:
    import ibis

    table = danish_table()
    got = classify_tiers(ibis.memtable(table))
    expected = classify_tiers(table)
    pd.testing.assert_frame_equal(got.clusters, expected.clusters)
    pd.testing.assert_frame_equal(got.evidence, expected.evidence)


@st.composite
def raised(draw: st.DrawFn) -> tuple[pd.DataFrame, str, int, float, str]:
    n = draw(st.integers(2, 8))
    values = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
    table = pd.DataFrame(
        {
            "cluster": [f"c{i}" for i in range(n)],
            "u": [draw(values) for _ in range(n)],
            "v": [draw(values) for _ in range(n)],
            "w": [draw(values) for _ in range(n)],
        }
    )
    column = draw(st.sampled_from(["u", "v", "w"]))
    row = draw(st.integers(0, n - 1))
    step = draw(st.floats(0.001, 100))
    how = draw(st.sampled_from(["rank", "minmax", "zscore"]))
    return table, column, row, step, how


@settings(max_examples=80, deadline=None)
@given(raised())
def test_raising_an_indicator_never_lowers_the_tier(
    case: tuple[pd.DataFrame, str, int, float, str],
) -> None:
    table, column, row, step, how = case
    criteria = {"structure": ["u", "v"], "performance": ["w"]}
    higher = table.copy()
    bump = np.where(np.arange(len(table)) == row, step, 0.0)
    higher[column] = table[column].to_numpy(dtype="float64") + bump
    before = classify_tiers(table, criteria=criteria, normalise=how, on_constant="half")  # type: ignore[arg-type]
    after = classify_tiers(higher, criteria=criteria, normalise=how, on_constant="half")  # type: ignore[arg-type]
    code = str(table["cluster"].iloc[row])
    old = before.clusters.set_index("cluster").to_dict("index")[code]
    new = after.clusters.set_index("cluster").to_dict("index")[code]
    assert new["score"] >= old["score"] - 1e-12
    assert TIERS.index(new["tier"]) <= TIERS.index(old["tier"])


@pytest.mark.parametrize("scale", [5e-324, 1e-300, 1.0, 1e300])
def test_zscore_scores_do_not_depend_on_the_scale(scale: float) -> None:
    # A z-score is unchanged when every value is multiplied by the same positive number; at
    # both ends of the floats the spread used to underflow to 0 (scores of 0 and 1, with a
    # division-by-zero warning) or its squares to overflow (every score 0.5).
    table = danish_table()
    criteria = {"structure": ["structure"], "performance": ["performance"]}
    expected = classify_tiers(table, criteria=criteria, normalise="zscore").clusters
    scaled = table.assign(structure=[0.0, 1.0, 0.0, 0.0, 0.0])
    scaled_expected = classify_tiers(scaled, criteria=criteria, normalise="zscore").clusters
    scaled["structure"] = scaled["structure"] * scale
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        found = classify_tiers(scaled, criteria=criteria, normalise="zscore").clusters
    pd.testing.assert_frame_equal(found, scaled_expected)
    assert not expected.equals(found)  # the case differs from the plain table


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(5)))
def test_row_order_does_not_matter(order: list[int]) -> None:
    table = danish_table()
    shuffled = table.iloc[list(order)].reset_index(drop=True)
    pd.testing.assert_frame_equal(classify_tiers(shuffled).clusters, classify_tiers(table).clusters)


def test_default_criteria_are_the_danish_four() -> None:
    assert list(DANISH_CRITERIA) == ["structure", "competences", "performance", "cohesion"]
    assert set(classify_tiers(danish_table()).criteria["criterion"]) == set(DANISH_CRITERIA)


# Errors: one per validation branch.


def test_missing_criterion_column() -> None:
    with pytest.raises(MissingColumnsError, match=r"missing indicator column.*'cohesion'"):
        classify_tiers(danish_table().drop(columns="cohesion"))


def test_missing_cluster_column() -> None:
    with pytest.raises(MissingColumnsError, match=r"missing column.*'cluster'"):
        classify_tiers(danish_table().rename(columns={"cluster": "name"}))


def test_duplicate_clusters() -> None:
    table = pd.concat([danish_table(), danish_table().head(1)], ignore_index=True)
    with pytest.raises(InvalidInputError, match="must identify one row"):
        classify_tiers(table)


def test_missing_indicator_value() -> None:
    table = danish_table()
    table.loc[2, "performance"] = np.nan
    with pytest.raises(InvalidInputError, match=r"'performance' must hold finite numbers.*food"):
        classify_tiers(table)


def test_non_numeric_indicator() -> None:
    table = danish_table().assign(cohesion=["high", "low", "low", "mid", "high"])
    with pytest.raises(InvalidInputError, match="'cohesion' must be numeric"):
        classify_tiers(table)


def test_weights_not_summing_to_one() -> None:
    weights = {"structure": 0.3, "competences": 0.3, "performance": 0.3, "cohesion": 0.3}
    with pytest.raises(InvalidInputError, match=r"weights must sum to 1; got 1\.2"):
        classify_tiers(danish_table(), weights=weights)


def test_weights_missing_a_criterion() -> None:
    weights = {"structure": 0.5, "competences": 0.5}
    with pytest.raises(InvalidInputError, match=r"one weight per criterion.*'performance'"):
        classify_tiers(danish_table(), weights=weights)


def test_negative_weight() -> None:
    weights = {"structure": 1.2, "competences": -0.2, "performance": 0.0, "cohesion": 0.0}
    with pytest.raises(InvalidInputError, match="weight of criterion 'competences'"):
        classify_tiers(danish_table(), weights=weights)


@pytest.mark.parametrize("cutoffs", [(0.5, 0.75), (1.2, 0.5), (0.5, 0.5), (0.75,)])
def test_bad_cutoffs(cutoffs: tuple[float, float]) -> None:
    with pytest.raises(InvalidInputError, match="cutoffs must be"):
        classify_tiers(danish_table(), cutoffs=cutoffs)


def test_bad_normalise_option() -> None:
    with pytest.raises(InvalidInputError, match="normalise must be one of"):
        classify_tiers(danish_table(), normalise="percent")  # type: ignore[arg-type]


def test_empty_criteria() -> None:
    with pytest.raises(InvalidInputError, match="criteria must map at least one"):
        classify_tiers(danish_table(), criteria={})


def test_criterion_given_as_a_string() -> None:
    with pytest.raises(InvalidInputError, match="must map to a list of columns"):
        classify_tiers(danish_table(), criteria={"structure": "structure"})


def test_indicator_in_two_criteria() -> None:
    criteria = {"structure": ["structure"], "performance": ["structure"]}
    with pytest.raises(InvalidInputError, match="appears in criteria 'structure' and"):
        classify_tiers(danish_table(), criteria=criteria)


def test_cluster_column_as_indicator() -> None:
    with pytest.raises(InvalidInputError, match="cluster column 'cluster' cannot be"):
        classify_tiers(danish_table(), criteria={"structure": ["cluster"]})


def test_criterion_without_indicator_nor_expert() -> None:
    with pytest.raises(InvalidInputError, match="criterion 'cohesion' has no indicator"):
        classify_tiers(danish_table(), criteria={"structure": ["structure"], "cohesion": []})


def test_expert_weight_outside_zero_one() -> None:
    with pytest.raises(InvalidInputError, match="expert_weight must be in"):
        classify_tiers(danish_table(), expert_weight=1.5)


def expert_table(score: float = 0.5) -> pd.DataFrame:
    rows = [
        (c, k, score)
        for c in danish_table()["cluster"]
        for k in ("structure", "competences", "performance", "cohesion")
    ]
    return pd.DataFrame(rows, columns=["cluster", "criterion", "score"])


def test_expert_score_outside_unit_scale() -> None:
    with pytest.raises(InvalidInputError, match=r"scores must lie in \[0, 1\]"):
        classify_tiers(danish_table(), expert=expert_table(score=4.0))


def test_expert_score_outside_likert_scale() -> None:
    with pytest.raises(InvalidInputError, match=r"scores must lie in \[1, 5\]"):
        classify_tiers(danish_table(), expert=expert_table(score=0.5), expert_scale="likert5")


def test_expert_unknown_cluster() -> None:
    expert = expert_table()
    expert.loc[0, "cluster"] = "ghost"
    with pytest.raises(InvalidInputError, match="cluster 'ghost' is not in the table"):
        classify_tiers(danish_table(), expert=expert)


def test_expert_unknown_criterion() -> None:
    expert = expert_table()
    expert.loc[0, "criterion"] = "luck"
    with pytest.raises(InvalidInputError, match="criterion 'luck' is not one of"):
        classify_tiers(danish_table(), expert=expert)


def test_expert_score_missing_for_a_cluster() -> None:
    expert = expert_table().iloc[1:]
    with pytest.raises(InvalidInputError, match="no expert score for cluster='wind'"):
        classify_tiers(danish_table(), expert=expert)


def test_expert_missing_score_column() -> None:
    with pytest.raises(MissingColumnsError, match=r"missing column.*'score'"):
        classify_tiers(danish_table(), expert=expert_table().drop(columns="score"))
