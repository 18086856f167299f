"""Loading the bundled data: the known totals, results that match the library, all or nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from grappes.clusters import lifecycle, strong_clusters
from grappes.data import communes_graph, morocco
from grappes.errors import ConfigurationError, InvalidInputError
from grappes.indicators import locational_gini
from grappes.reports.identification import DEMO_PERMUTATIONS, DEMO_SEED
from grappes.spatial.areal_clusters import areal_micro_clusters
from grappes.store import loading, micro_clusters
from grappes.store import models as m
from grappes.store.loading import BUNDLED_DATASETS, compute_results, ensure_database, load_bundled
from tests.conftest import RTOL
from tests.data.test_members import EXPECTED as EXPECTED_MEMBERS

# HCP, RGPH 2024: 1,130,021 establishments, the same at every level (morocco.establishments).
ESTABLISHMENTS_2024 = 1_130_021
# HCP, RGPH 2014: 9,627,341 persons employed (morocco.employment, largest remainder).
EMPLOYED_2014 = 9_627_341


def _count(engine: Engine, model: type[m.Base] | sa.Table) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def _totals(engine: Engine, measure: str) -> dict[str, float]:
    ds, obs = m.Dataset, m.Observation
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(ds.name, sa.func.sum(getattr(obs, measure)))
            .join(obs, obs.dataset == ds.id)
            .where(ds.kind == measure)
            .group_by(ds.name)
        ).all()
    return {name: float(total) for name, total in rows}


def _all_counts(engine: Engine) -> dict[str, int]:
    return {table.name: _count(engine, table) for table in m.Base.metadata.sorted_tables}


def test_establishments_total_at_each_level(loaded_engine: Engine) -> None:
    assert _totals(loaded_engine, "establishments") == {
        "hcp-2024-establishments-region": ESTABLISHMENTS_2024,
        "hcp-2024-establishments-province": ESTABLISHMENTS_2024,
        "hcp-2024-establishments-commune": ESTABLISHMENTS_2024,
    }


def test_employment_total_at_each_level(loaded_engine: Engine) -> None:
    assert _totals(loaded_engine, "employment") == {
        "hcp-2014-employment-region": EMPLOYED_2014,
        "hcp-2014-employment-province": EMPLOYED_2014,
    }


def test_reference_tables_have_their_known_sizes(loaded_engine: Engine) -> None:
    with loaded_engine.connect() as connection:
        moroccan_regions = connection.scalar(
            sa.select(sa.func.count())
            .select_from(m.Region)
            .where(m.Region.country == "MA", m.Region.level == "region")
        )
    assert moroccan_regions == 12
    assert _count(loaded_engine, m.Organisation) == 41
    assert _count(loaded_engine, m.Benchmark) == 36  # paper_programmes(): 36 figures
    # geography.regions(): 1 + 5 + 131 + 75 + 1,503 units
    assert _count(loaded_engine, m.Region) == 1715
    # ISIC Rev.4: 21 + 88 + 238 + 419 codes, then HCP's 4 and 9 groups
    assert _count(loaded_engine, m.Sector) == 766 + 4 + 9
    assert _count(loaded_engine, m.Dataset) == len(BUNDLED_DATASETS)


def test_each_dataset_has_one_result_row_per_observation(loaded_engine: Engine) -> None:
    # 12 x 4 + 75 x 4 + 1,503 x 4 establishments cells, 12 x 9 + 75 x 9 employment cells
    cells = 12 * 4 + 75 * 4 + 1503 * 4 + 12 * 9 + 75 * 9
    for model in (m.Observation, m.LocationQuotient, m.StrongCluster, m.StarRating):
        assert _count(loaded_engine, model) == cells


def test_stored_location_quotient_by_hand(loaded_engine: Engine) -> None:
    # Casablanca-Settat, industry, 2024: 36,286 of its 254,018 establishments, against
    # 154,979 of Morocco's 1,130,021: (36286/254018) / (154979/1130021) = 1.041570…
    lq = m.LocationQuotient
    with Session(loaded_engine) as session:
        value = session.scalar(
            sa.select(lq.location_quotient)
            .join(m.Dataset, m.Dataset.id == lq.dataset)
            .where(
                m.Dataset.name == "hcp-2024-establishments-region",
                lq.region == "MA-06",
                lq.sector == "industry",
            )
        )
    assert value == pytest.approx((36286 / 254018) / (154979 / 1130021), rel=RTOL)


def test_stored_strong_clusters_are_the_library_s(loaded_engine: Engine) -> None:
    provinces = morocco.establishments(level="province")
    expected = strong_clusters(provinces.assign(employment=provinces["establishments"]))
    assert isinstance(expected, pd.DataFrame)
    sc = m.StrongCluster
    with Session(loaded_engine) as session:
        stored = session.execute(
            sa.select(sc.region, sc.sector)
            .join(m.Dataset, m.Dataset.id == sc.dataset)
            .where(m.Dataset.name == "hcp-2024-establishments-province", sc.strong)
            .order_by(sc.region, sc.sector)
        ).all()
    strong = expected.loc[expected["strong"], ["region", "sector"]]
    assert [tuple(r) for r in stored] == list(strong.itertuples(index=False, name=None))
    assert len(stored) > 0


def test_organisations_are_stored_with_their_member_counts(loaded_engine: Engine) -> None:
    org = m.Organisation
    with loaded_engine.connect() as connection:
        rows = connection.execute(
            sa.select(
                org.id, org.members, org.members_qualifier, org.members_year, org.members_founding
            ).where(org.members.is_not(None))
        ).all()
        unread = connection.scalar(
            sa.select(sa.func.count()).select_from(org).where(org.members.is_(None))
        )
    assert {r[0]: (r[1], r[2], r[3], r[4]) for r in rows} == EXPECTED_MEMBERS
    assert unread == 41 - len(EXPECTED_MEMBERS)


def test_load_bundled_refuses_a_database_with_data(loaded_engine: Engine) -> None:
    before = _all_counts(loaded_engine)
    with pytest.raises(InvalidInputError, match="already holds data"):
        load_bundled(loaded_engine)
    assert _all_counts(loaded_engine) == before


def test_load_bundled_is_all_or_nothing(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = loading.store_dataset

    def failing(*args: object, **kwargs: object) -> int:
        # The regions, sectors, organisations and two datasets are written, then a failure.
        calls.append(kwargs["name"])
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(loading, "store_dataset", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        load_bundled(engine)
    assert len(calls) == 3
    assert set(_all_counts(engine).values()) == {0}


def test_ensure_database_migrates_and_loads_once(empty_engine: Engine) -> None:
    steps: list[str] = []
    summary = ensure_database(empty_engine, progress=lambda step, done, total: steps.append(step))
    assert summary is not None
    assert summary.rows["organisations"] == 41
    assert steps[0] == "regions" and steps[-1] == "writing"
    assert ensure_database(empty_engine) is None  # already loaded: only migrated
    assert _count(empty_engine, m.Dataset) == len(BUNDLED_DATASETS)


def test_compute_results_on_a_small_table() -> None:
    # Two regions, two sectors: a has 30 of x and 10 of y, b has 10 of x and 50 of y.
    # LQ(a, x) = (30/40) / (40/100) = 1.875; Herfindahl of x = (30/40)^2 + (10/40)^2 = 0.625.
    counts = pd.DataFrame(
        {
            "region": ["a", "a", "b", "b"],
            "sector": ["x", "y", "x", "y"],
            "year": [2020] * 4,
            "employment": [30.0, 10.0, 10.0, 50.0],
        }
    )
    results = compute_results(counts)
    lq = results.location_quotients.set_index(["region", "sector"])["location_quotient"]
    assert lq["a", "x"] == pytest.approx(1.875, rel=RTOL)
    hhi = results.concentrations.set_index("sector")["herfindahl"]
    assert hhi["x"] == pytest.approx(0.625, rel=RTOL)
    assert results.strong_measures == "employment_for_both"
    assert results.stars_measure == "employment"
    assert np.isnan(results.observations["establishments"]).all()


def test_compute_results_needs_a_measure() -> None:
    counts = pd.DataFrame({"region": ["a"], "sector": ["x"], "year": [2020]})
    with pytest.raises(InvalidInputError, match="needs an 'employment' or an 'establishments'"):
        compute_results(counts)


def test_compute_results_refuses_a_measure_filled_in_some_rows_only() -> None:
    counts = pd.DataFrame(
        {
            "region": ["a", "b"],
            "sector": ["x", "x"],
            "year": [2020, 2020],
            "employment": [1.0, np.nan],
        }
    )
    with pytest.raises(InvalidInputError, match="'employment' is filled in some rows and empty"):
        compute_results(counts)


# Two regions, two sectors: a has 3 of x and 1 of y, b has 1 of x and 3 of y.
# Locational Gini (Krugman): regions sorted by LQ of x, shares s = (1/4, 3/4) of x against
# x = (1/2, 1/2) of everything: ½ Σ (s_i X_{i-1} - x_i S_{i-1}) = ½ (3/4 · 1/2 - 1/2 · 1/4)
# = 0.125, as grappes.indicators.locational_gini's own example. Krugman's concentration of
# x against the rest (y): |3/4 - 1/4| + |1/4 - 3/4| = 1.
SMALL = pd.DataFrame(
    {
        "region": ["a", "a", "b", "b"],
        "sector": ["x", "y", "x", "y"],
        "year": [2020] * 4,
        "establishments": [3.0, 1.0, 1.0, 3.0],
    }
)


def test_compute_results_concentration_indices_by_hand() -> None:
    results = compute_results(SMALL)
    indices = results.concentrations.set_index("sector")
    assert indices.loc["x", "locational_gini"] == pytest.approx(0.125, rel=RTOL)
    assert indices.loc["x", "krugman"] == pytest.approx(1.0, rel=RTOL)
    assert indices.loc["x", "herfindahl"] == pytest.approx((3 / 4) ** 2 + (1 / 4) ** 2, rel=RTOL)
    assert results.lifecycle.empty  # one year: no trajectory
    assert results.micro_clusters is None


# A panel of three regions, two sectors and two years (as tests/store/test_user_data.py).
PANEL = pd.DataFrame(
    [
        ("MA-01", "C", 2015, 100, 10),
        ("MA-01", "G", 2015, 300, 30),
        ("MA-02", "C", 2015, 200, 20),
        ("MA-02", "G", 2015, 200, 25),
        ("MA-03", "C", 2015, 50, 5),
        ("MA-03", "G", 2015, 450, 40),
        ("MA-01", "C", 2020, 160, 16),
        ("MA-01", "G", 2020, 300, 28),
        ("MA-02", "C", 2020, 180, 17),
        ("MA-02", "G", 2020, 220, 26),
        ("MA-03", "C", 2020, 50, 5),
        ("MA-03", "G", 2020, 470, 41),
    ],
    columns=["region", "sector", "year", "employment", "establishments"],
)


@pytest.mark.parametrize("measures", [["employment"], ["employment", "establishments"]])
def test_compute_results_lifecycle_is_the_library_s(measures: list[str]) -> None:
    counts = PANEL[["region", "sector", "year", *measures]]
    results = compute_results(counts)
    expected = lifecycle(counts, establishments="establishments" if len(measures) == 2 else None)
    stored = results.lifecycle
    assert len(stored) == 6
    for column in ("region", "sector", "stage", "quadrant"):
        assert stored[column].tolist() == expected[column].tolist()
    for column in ("employment_growth", "lq_first", "lq_last"):
        assert stored[column].to_numpy() == pytest.approx(expected[column].to_numpy(), rel=RTOL)
    # MA-01/C: 100 -> 160 jobs in 5 years, (160/100)^(1/5) - 1 = 9.86 % a year: growth.
    row = stored.set_index(["region", "sector"]).loc[("MA-01", "C")]
    assert row["employment_growth"] == pytest.approx(1.6 ** (1 / 5) - 1, rel=RTOL)
    assert row["stage"] == "growth"
    if len(measures) == 1:  # the rule read no establishments: none are stored
        assert not any(c.startswith("establishments_") for c in stored.columns)


def test_compute_results_lifecycle_refuses_a_panel_with_gaps() -> None:
    gappy = PANEL[["region", "sector", "year", "employment"]].iloc[:-1]
    with pytest.raises(InvalidInputError, match="needs a row for every year"):
        compute_results(gappy)


@pytest.mark.slow  # esda compiles its numba kernels (~20 s) and runs 9,999 permutations
def test_shipped_micro_clusters_are_recomputed_exactly() -> None:
    # The files tools/make_micro_clusters.py wrote, against a fresh computation.
    shipped = micro_clusters.bundled_micro_clusters()
    computed = micro_clusters.compute_micro_clusters(
        morocco.establishments(level="commune"),
        graph=communes_graph.contiguity_graph(),
        graph_name=loading.COMMUNE_GRAPH,
    )
    for name in ("runs", "clusters", "members"):
        pd.testing.assert_frame_equal(
            getattr(shipped, name), getattr(computed, name), check_exact=True, obj=name
        )
    assert len(shipped.clusters) == 35 and len(shipped.members) == 107


def test_missing_shipped_micro_clusters_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match=r"runs\.csv: the bundled micro-clusters"):
        micro_clusters.bundled_micro_clusters(tmp_path)


@pytest.mark.slow  # esda compiles its numba kernels (~20 s) and runs 9,999 permutations
def test_stored_micro_clusters_are_the_cluster_report_s(loaded_engine: Engine) -> None:
    # The cluster report's identification (grappes map --demo) with its own parameters.
    expected = areal_micro_clusters(
        morocco.establishments(level="commune"),
        graph=communes_graph.contiguity_graph(),
        permutations=DEMO_PERMUTATIONS,
        seed=DEMO_SEED,
        islands="drop",
        on_zero_total="drop",
    )
    assert (micro_clusters.PERMUTATIONS, micro_clusters.SEED) == (DEMO_PERMUTATIONS, DEMO_SEED)
    member, run = m.MicroClusterMember, m.MicroClusterRun
    with Session(loaded_engine) as session:
        stored = session.execute(
            sa.select(member.sector, member.cluster, member.region).order_by(
                member.sector, member.cluster, member.region
            )
        ).all()
        runs = session.execute(
            sa.select(
                run.sector, run.units, run.hot_spots, run.permutations, run.seed, run.transform
            )
        ).all()
        clusters = pd.read_sql(sa.select(m.MicroCluster), session.connection())
    assert [tuple(r) for r in stored] == list(expected.members.itertuples(index=False, name=None))
    assert len(stored) > 0
    hot = expected.units[expected.units["label"] == "hot_spot"].groupby("sector").size()
    # the report's weights (areal_micro_clusters' default for Gi*) are those stored
    assert expected.transform == micro_clusters.TRANSFORM == "b"
    for sector, units, hot_spots, permutations, seed, transform in runs:
        assert (permutations, seed, transform) == (DEMO_PERMUTATIONS, DEMO_SEED, "b")
        assert units == int((expected.units["sector"] == sector).sum())
        assert hot_spots == int(hot.get(sector, 0))
    merged = clusters.merge(expected.clusters, on=["sector", "cluster"], suffixes=("", "_lib"))
    assert len(merged) == len(expected.clusters) == len(clusters)
    assert merged["location_quotient"].to_numpy() == pytest.approx(
        merged["location_quotient_lib"].to_numpy(), rel=RTOL
    )


def test_stored_locational_gini_is_the_indicator_s(loaded_engine: Engine) -> None:
    regions = morocco.establishments(level="region")
    expected = locational_gini(regions, value="establishments")
    assert isinstance(expected, pd.DataFrame)
    sc = m.SectorConcentration
    with Session(loaded_engine) as session:
        stored = dict(
            session.execute(
                sa.select(sc.sector, sc.locational_gini)
                .join(m.Dataset, m.Dataset.id == sc.dataset)
                .where(m.Dataset.name == "hcp-2024-establishments-region")
            ).all()
        )
    gini = expected.set_index("sector")["locational_gini"]
    assert set(stored) == set(gini.index)
    for sector, value in stored.items():
        assert value == pytest.approx(gini[sector], rel=RTOL)
