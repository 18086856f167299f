"""Cluster definitions from related industries: hand cases, planted clusters, real data, errors."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from grappes.clusters.definitions import ClusterDefinitions, cluster_definitions
from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.indicators import coagglomeration
from tests.conftest import ATOL, REFERENCE, RTOL

EUROSTAT = REFERENCE / "eurostat_panel" / "lfs_emp_nuts2_a10_2008_2015.csv"


def planted(
    seed: int, noise: float, *, regions: int = 40, groups: int = 5, per: int = 6
) -> tuple[pd.DataFrame, dict[str, int]]:
    """A synthetic economy whose sectors come in planted groups that co-vary across regions.

    Employment of sector s in region r = size_r x base_s x exp(f_{r, g(s)} + noise x e_{rs}),
    with f and e standard normal: sectors of one group rise and fall together from region to
    region, and ``noise`` blurs that.
    """
    rng = np.random.default_rng(seed)
    n = groups * per
    group = np.repeat(np.arange(groups), per)
    factor = rng.normal(0.0, 1.0, (regions, groups))
    base = rng.uniform(50, 500, n)
    size = rng.uniform(0.5, 2.0, regions)
    employment = (
        size[:, None]
        * base[None, :]
        * np.exp(factor[:, group] + rng.normal(0.0, noise, (regions, n)))
    )
    table = pd.DataFrame(
        {
            "region": [f"r{r:02d}" for r in range(regions) for _ in range(n)],
            "sector": [f"s{s:02d}" for _ in range(regions) for s in range(n)],
            "employment": employment.ravel(),
        }
    )
    return table, {f"s{s:02d}": int(group[s]) for s in range(n)}


def ari(result: ClusterDefinitions, truth: Mapping[str, object]) -> float:
    a = result.assignment
    return float(adjusted_rand_score([truth[s] for s in a["sector"]], a["cluster"]))


def grid(regions: int, sectors: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "region": [f"r{r}" for r in range(regions) for _ in range(sectors)],
            "sector": [f"s{s}" for _ in range(regions) for s in range(sectors)],
            "employment": rng.uniform(1.0, 100.0, regions * sectors),
        }
    )


# --- hand cases -----------------------------------------------------------------------------

# Four sectors; a user's similarity links a-b and c-d fully and nothing else.
TWO_PAIRS = pd.DataFrame(
    {
        "sector_a": ["a", "a", "a", "b", "b", "c"],
        "sector_b": ["b", "c", "d", "c", "d", "d"],
        "similarity": [1.0, 0.0, 0.0, 0.0, 0.0, 1.0],
    }
)
FOUR = pd.DataFrame(
    {
        "region": [r for r in "pqr" for _ in range(4)],
        "sector": list("abcd") * 3,
        "employment": [5.0, 1, 2, 3, 2, 4, 1, 1, 3, 3, 6, 2],
    }
)


def test_similarity_only_two_pairs_hand_scores() -> None:
    # R = the similarity itself (min 0, max 1). Grouping {a,b} {c,d}: within pairs a-b, c-d
    # have R = 1, the four between pairs R = 0: within 1, between 0, difference 1. Distances
    # are 0 inside and 1 across, so every sector's silhouette is (1 - 0) / 1 = 1.
    result = cluster_definitions(
        FOUR, measures=(), similarity=TWO_PAIRS, method="average", n_clusters=2
    )
    assert result.assignment.to_dict("list") == {
        "sector": ["a", "b", "c", "d"],
        "cluster": [1, 1, 2, 2],
    }
    row = result.scores.iloc[0]
    assert (row["method"], row["k"]) == ("average", 2)
    assert row["within"] == 1.0
    assert row["between"] == 0.0
    assert row["difference"] == 1.0
    assert row["silhouette"] == 1.0
    assert row["validation"] == 1.0
    assert np.isnan(row["ratio"])  # within / 0 has no value
    assert result.best == ("average", 2)


def test_k3_splits_one_pair_and_scores_it() -> None:
    # k = 3 must split a pair: say {a,b} {c} {d}. Within: a-b only, R = 1. Between: the other
    # five pairs, c-d = 1 and four zeros: 1/5 = 0.2. Difference 0.8. Validation: a and b pass,
    # c and d are alone: 2/4 = 0.5.
    result = cluster_definitions(
        FOUR, measures=(), similarity=TWO_PAIRS, method="complete", n_clusters=[3, 2]
    )
    k3 = result.scores.set_index("k").loc[3]
    assert k3["within"] == 1.0
    assert k3["between"] == pytest.approx(0.2, rel=RTOL)
    assert k3["difference"] == pytest.approx(0.8, rel=RTOL)
    assert k3["validation"] == 0.5
    assert k3["singletons"] == 2
    assert result.best == ("complete", 2)  # silhouette 1 at k = 2 beats k = 3


def test_locational_correlation_is_pearson_of_regional_shares() -> None:
    # Independent computation: shares e_rs / e_r, then numpy's Pearson correlation.
    table = grid(6, 4, seed=3)
    wide = table.pivot(index="region", columns="sector", values="employment")
    shares = wide.div(wide.sum(axis=1), axis=0)
    expected = np.corrcoef(shares.to_numpy(), rowvar=False)
    pairs = cluster_definitions(table, measures=("correlation",), seed=0).relatedness
    for a, b, got in pairs[["sector_a", "sector_b", "correlation_employment"]].to_numpy():
        i, j = int(a[1:]), int(b[1:])
        assert got == pytest.approx(expected[i, j], rel=RTOL, abs=ATOL)


def test_coagglomeration_measure_is_the_indicator() -> None:
    table = grid(6, 4, seed=4)
    expected = coagglomeration(table)
    assert isinstance(expected, pd.DataFrame)
    got = cluster_definitions(table, measures=("coagglomeration",), seed=0).relatedness
    np.testing.assert_allclose(
        got["coagglomeration"], expected["coagglomeration"], rtol=RTOL, atol=ATOL
    )


def test_scaled_and_rank_combinations_by_hand() -> None:
    # Similarity over the 6 pairs: 0, 1, 2, 3, 4, 10. Scaled: x / 10. Rank: (rank - 1) / 5.
    values = [0.0, 1.0, 2.0, 3.0, 4.0, 10.0]
    similarity = TWO_PAIRS.assign(similarity=values)
    scaled = cluster_definitions(FOUR, measures=(), similarity=similarity, n_clusters=2)
    ranked = cluster_definitions(
        FOUR, measures=(), similarity=similarity, n_clusters=2, combine="rank"
    )
    np.testing.assert_allclose(scaled.relatedness["relatedness"], np.array(values) / 10.0)
    np.testing.assert_allclose(ranked.relatedness["relatedness"], np.arange(6) / 5.0)


def test_two_measures_are_averaged() -> None:
    # Second similarity is the reverse of the first: scaled values average to 0.5 everywhere.
    first = TWO_PAIRS.assign(similarity=[0.0, 1, 2, 3, 4, 5])
    second = TWO_PAIRS.assign(similarity=[5.0, 4, 3, 2, 1, 0])
    result = cluster_definitions(
        FOUR, measures=(), similarity={"io": first, "occupation": second}, n_clusters=2
    )
    np.testing.assert_allclose(result.relatedness["relatedness"], 0.5)
    assert {"io", "occupation", "scaled_io", "scaled_occupation"} <= set(result.relatedness.columns)


def test_asymmetric_similarity_counts_with_the_stronger_direction() -> None:
    # a->b 0.2 and b->a 0.6: DPS take max(IO_ab, IO_ba) = 0.6.
    extra = pd.DataFrame({"sector_a": ["b"], "sector_b": ["a"], "similarity": [0.6]})
    asymmetric = pd.concat([TWO_PAIRS.assign(similarity=[0.2, 0, 0, 0, 0, 1.0]), extra])
    result = cluster_definitions(FOUR, measures=(), similarity=asymmetric, n_clusters=2)
    ab = result.relatedness.query("sector_a == 'a' and sector_b == 'b'")
    assert ab["similarity"].iloc[0] == 0.6


def test_establishments_add_their_own_correlation() -> None:
    table = grid(6, 4, seed=5)
    table["establishments"] = np.random.default_rng(6).uniform(1, 9, len(table))
    result = cluster_definitions(table, establishments="establishments", seed=0)
    assert {"correlation_employment", "correlation_establishments", "coagglomeration"} <= set(
        result.relatedness.columns
    )


def test_result_tables_are_consistent() -> None:
    table, _ = planted(0, 0.25, regions=20, groups=3, per=3)
    result = cluster_definitions(table, seed=0)
    # default k from 2 to 9 // 2 = 4, four algorithms
    assert sorted(set(result.scores["k"])) == [2, 3, 4]
    assert len(result.scores) == 12
    assert result.scores["best"].sum() == 1
    best = result.scores[result.scores["best"]].iloc[0]
    assert (best["method"], best["k"]) == result.best
    chosen = result.candidates.query("method == @result.best[0] and k == @result.best[1]")
    assert chosen["cluster"].tolist() == result.assignment["cluster"].tolist()
    assert len(result.relatedness) == 9 * 8 // 2
    assert result.assignment["cluster"].max() == result.best[1]


# --- planted clusters -----------------------------------------------------------------------


def test_planted_clusters_are_recovered_seed_0() -> None:
    table, truth = planted(0, 0.5)
    result = cluster_definitions(table, seed=0)
    assert ari(result, truth) >= 0.9
    assert result.best[1] == 5


@pytest.mark.slow
def test_recovery_is_high_at_low_noise_and_falls_with_noise() -> None:
    seeds = range(4)
    low = [ari(cluster_definitions(t, seed=s), g) for s in seeds for t, g in [planted(s, 0.25)]]
    high = [ari(cluster_definitions(t, seed=s), g) for s in seeds for t, g in [planted(s, 1.5)]]
    assert min(low) >= 0.9
    assert np.mean(high) < np.mean(low) - 0.3


def test_same_seed_same_result() -> None:
    table, _ = planted(1, 0.75, regions=20, groups=3, per=4)
    first = cluster_definitions(table, seed=7, method="kmedoids")
    again = cluster_definitions(table, seed=7, method="kmedoids")
    pd.testing.assert_frame_equal(first.candidates, again.candidates)
    pd.testing.assert_frame_equal(first.scores, again.scores)
    spectral = cluster_definitions(table, seed=np.random.default_rng(3), method="spectral")
    spectral_again = cluster_definitions(table, seed=np.random.default_rng(3), method="spectral")
    pd.testing.assert_frame_equal(spectral.candidates, spectral_again.candidates)


SMALL, SMALL_TRUTH = planted(2, 0.5, regions=15, groups=3, per=3)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    order=st.permutations(range(len(SMALL))),
    names=st.permutations([f"x{i}" for i in range(9)]),
    scale=st.floats(0.01, 1000.0),
)
def test_row_order_codes_and_scale_do_not_matter(
    order: list[int], names: list[str], scale: float
) -> None:
    base = cluster_definitions(SMALL, method="average", n_clusters=3)
    rename = dict(zip(sorted(SMALL_TRUTH), names, strict=True))
    changed = SMALL.iloc[list(order)].assign(
        sector=lambda t: t["sector"].map(rename), employment=lambda t: t["employment"] * scale
    )
    result = cluster_definitions(changed, method="average", n_clusters=3)
    back = {
        rename[s]: c
        for s, c in zip(base.assignment["sector"], base.assignment["cluster"], strict=True)
    }
    assert ari(result, back) == 1.0
    assert result.scores["silhouette"].iloc[0] == pytest.approx(
        base.scores["silhouette"].iloc[0], rel=1e-9
    )


# --- real data: Eurostat NUTS-2 x 10 NACE groups, 2015 --------------------------------------

PRIOR = {  # a-priori grouping: primary, industry, market services, public and other services
    "A": "primary",
    "B-E": "industry",
    "F": "industry",
    "G-I": "market",
    "J": "market",
    "K": "market",
    "L": "market",
    "M_N": "market",
    "O-Q": "public",
    "R-U": "public",
}


def eurostat_2015() -> pd.DataFrame:
    panel = pd.read_csv(EUROSTAT, dtype={"region": str, "sector": str, "flag": str})
    return panel.loc[panel["year"] == 2015, ["region", "sector", "employment"]]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_eurostat_2015_splits_goods_from_services(seed: int) -> None:
    # 129 NUTS-2 regions (tests/reference/eurostat_panel/README.md). Found with every seed
    # tried: k = 2, goods-producing A, B-E, F against all services. It agrees with the
    # 4-group prior only in part (ARI 0.483): co-location across regions does not separate
    # public from market services at this coarse level. ARI = 14/29 by sklearn's formula.
    result = cluster_definitions(eurostat_2015(), seed=seed)
    assert result.best == ("average", 2)
    clusters = dict(zip(result.assignment["sector"], result.assignment["cluster"], strict=True))
    assert {s for s, c in clusters.items() if c == 1} == {"A", "B-E", "F"}
    assert ari(result, PRIOR) == pytest.approx(14 / 29, rel=RTOL)
    goods = {s: s in {"A", "B-E", "F"} for s in PRIOR}
    assert ari(result, goods) == 1.0


# --- errors ---------------------------------------------------------------------------------


def test_missing_column() -> None:
    with pytest.raises(MissingColumnsError, match=r"missing column.*'employment'"):
        cluster_definitions(FOUR.rename(columns={"employment": "jobs"}))


def test_codes_must_be_strings() -> None:
    with pytest.raises(InvalidInputError, match="'sector' must hold codes as strings"):
        cluster_definitions(FOUR.assign(sector=[1, 2, 3, 4] * 3))


def test_negative_value() -> None:
    bad = FOUR.copy()
    bad.loc[0, "employment"] = -1.0
    with pytest.raises(InvalidInputError, match="'employment' must be non-negative"):
        cluster_definitions(bad)


def test_duplicate_cells() -> None:
    with pytest.raises(InvalidInputError, match="must identify one row"):
        cluster_definitions(pd.concat([FOUR, FOUR.head(1)]))


def test_missing_cell() -> None:
    with pytest.raises(InvalidInputError, match=r"every region x sector needs a row.*region='p'"):
        cluster_definitions(FOUR.iloc[1:])


def test_too_few_regions() -> None:
    with pytest.raises(InvalidInputError, match=r"at least 3 regions.*got 2"):
        cluster_definitions(FOUR[FOUR["region"] != "r"])


def test_too_few_sectors() -> None:
    with pytest.raises(InvalidInputError, match=r"at least 3 sectors.*got 2"):
        cluster_definitions(FOUR[FOUR["sector"].isin(["a", "b"])])


def test_sector_without_employment() -> None:
    with pytest.raises(InvalidInputError, match="sums to zero for sector='d'"):
        cluster_definitions(
            FOUR.assign(employment=FOUR["employment"].where(FOUR["sector"] != "d", 0.0))
        )


def test_region_without_employment() -> None:
    with pytest.raises(InvalidInputError, match="sums to zero for region='q'"):
        cluster_definitions(
            FOUR.assign(employment=FOUR["employment"].where(FOUR["region"] != "q", 0.0))
        )


def test_sector_with_the_same_share_everywhere() -> None:
    # Every region totals 16/3 and d holds 4/3 of it: 25 % everywhere.
    table = pd.DataFrame(
        {
            "region": [r for r in "pqr" for _ in range(4)],
            "sector": list("abcd") * 3,
            "employment": [1.0, 2, 1, 4 / 3, 2, 0.5, 1.5, 4 / 3, 3, 0, 1, 4 / 3],
        }
    )
    with pytest.raises(InvalidInputError, match=r"undefined for sector='d'.*same in every region"):
        cluster_definitions(table, measures=("correlation",))


def test_unknown_method() -> None:
    with pytest.raises(InvalidInputError, match="method must be 'all' or one of"):
        cluster_definitions(FOUR, method="ward")  # type: ignore[arg-type]


def test_unknown_measure() -> None:
    with pytest.raises(InvalidInputError, match="measures must be a sequence of"):
        cluster_definitions(FOUR, measures=("input_output",))  # type: ignore[arg-type]


def test_unknown_criterion() -> None:
    with pytest.raises(InvalidInputError, match="criterion must be one of"):
        cluster_definitions(FOUR, criterion="bic")  # type: ignore[arg-type]


def test_unknown_combine() -> None:
    with pytest.raises(InvalidInputError, match="combine must be one of"):
        cluster_definitions(FOUR, combine="zscore")  # type: ignore[arg-type]


@pytest.mark.parametrize("k", [1, 4, [], [2, 9], 2.5])
def test_n_clusters_out_of_range(k: object) -> None:
    with pytest.raises(InvalidInputError, match="n_clusters must be whole numbers between 2 and 3"):
        cluster_definitions(FOUR, n_clusters=k)  # type: ignore[arg-type]


def test_no_measure_at_all() -> None:
    with pytest.raises(InvalidInputError, match="no relatedness measure"):
        cluster_definitions(FOUR, measures=())


def test_similarity_missing_column() -> None:
    with pytest.raises(MissingColumnsError, match="similarity 'similarity' needs columns"):
        cluster_definitions(FOUR, similarity=TWO_PAIRS.rename(columns={"similarity": "io"}))


def test_similarity_missing_pair() -> None:
    with pytest.raises(InvalidInputError, match=r"1 pair\(s\) missing \(first: sector_a='c'"):
        cluster_definitions(FOUR, similarity=TWO_PAIRS.iloc[:-1])


def test_similarity_not_finite() -> None:
    with pytest.raises(InvalidInputError, match="must hold finite numbers; got nan"):
        cluster_definitions(FOUR, similarity=TWO_PAIRS.assign(similarity=[1.0, np.nan, 0, 0, 0, 1]))


def test_similarity_not_numeric() -> None:
    with pytest.raises(InvalidInputError, match="'similarity' must be numeric"):
        cluster_definitions(FOUR, similarity=TWO_PAIRS.assign(similarity=list("abcdef")))


def test_similarity_name_clash() -> None:
    with pytest.raises(InvalidInputError, match="'coagglomeration' is already a computed measure"):
        cluster_definitions(FOUR, similarity={"coagglomeration": TWO_PAIRS})


def test_criterion_undefined_everywhere() -> None:
    # Between-cluster relatedness is 0 at k = 2 (see the hand case): the ratio has no value.
    with pytest.raises(InvalidInputError, match="criterion 'ratio' is undefined for every"):
        cluster_definitions(
            FOUR, measures=(), similarity=TWO_PAIRS, n_clusters=2, criterion="ratio"
        )


def test_input_is_left_untouched() -> None:
    before = FOUR.copy()
    cluster_definitions(FOUR, seed=0)
    pd.testing.assert_frame_equal(FOUR, before)


def test_ibis_input_gives_the_same_result() -> None:
    import ibis

    table = grid(6, 4, seed=8)
    expected = cluster_definitions(table, seed=0)
    got = cluster_definitions(ibis.memtable(table), seed=0)
    pd.testing.assert_frame_equal(got.scores, expected.scores)
    pd.testing.assert_frame_equal(got.relatedness, expected.relatedness)
