"""The weights of the micro-clusters: Gi*'s own, binary, in the shipped files, the database
and the run record; migration 0005 records row-standardised weights for the runs stored
before it (they used them), and back."""

from __future__ import annotations

import inspect

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grappes.spatial.areal_clusters import DEFAULT_TRANSFORMS
from grappes.spatial.hotspots import getis_ord
from grappes.store import micro_clusters
from grappes.store import models as m
from grappes.store.database import downgrade, upgrade


def _columns(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in sa.inspect(connection).get_columns("micro_cluster_runs")}


def test_the_store_uses_gi_star_s_own_weights() -> None:
    own = inspect.signature(getis_ord).parameters["transform"].default
    assert micro_clusters.STATISTIC == "gi_star"
    assert micro_clusters.TRANSFORM == own == DEFAULT_TRANSFORMS["gi_star"] == "b"
    assert micro_clusters.TRANSFORM in m.TRANSFORMS


def test_shipped_runs_record_the_store_s_weights() -> None:
    # tools/make_micro_clusters.py wrote what compute_micro_clusters recorded: the weights
    # areal_micro_clusters used (a slow test in test_loading.py recomputes them exactly)
    shipped = micro_clusters.bundled_micro_clusters()
    assert shipped.runs["transform"].tolist() == [micro_clusters.TRANSFORM] * 4
    assert shipped.runs["statistic"].tolist() == [micro_clusters.STATISTIC] * 4


def test_loaded_runs_record_binary_weights(loaded_engine: Engine) -> None:
    run = m.MicroClusterRun
    with Session(loaded_engine) as session:
        stored = session.execute(sa.select(run.sector, run.transform).order_by(run.sector)).all()
        runs = micro_clusters.sector_micro_clusters(session, "industry").runs
    assert [tuple(r) for r in stored] == [
        ("commerce", "b"),
        ("construction", "b"),
        ("industry", "b"),
        ("services", "b"),
    ]
    assert runs["transform"].tolist() == ["b"]  # what the sector page is given


def test_migration_0005_records_row_standardised_weights_for_runs_stored_before(
    empty_engine: Engine,
) -> None:
    upgrade(empty_engine, revision="0004")
    assert "transform" not in _columns(empty_engine)
    with empty_engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO datasets (id, name, kind, origin, description, source, licence, "
                "strong_measures, stars_measure, rows, loaded_at) VALUES (1, 'communes', "
                "'establishments', 'bundled', 'd', 's', 'l', 'both', 'establishments', 0, "
                "'2026-01-01 00:00:00')"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO micro_cluster_runs (dataset, sector, year, graph, statistic, "
                "permutations, seed, alpha, correction, min_location_quotient, units, "
                "hot_spots, cold_spots) VALUES (1, 'industry', 2024, 'g', 'gi_star', 9999, 0, "
                "0.05, 'fdr', 1.0, 1488, 11, 19)"
            )
        )
        connection.execute(
            sa.text(
                "INSERT INTO micro_clusters (dataset, sector, year, cluster, n_units, "
                "establishments, total_establishments, location_quotient) VALUES "
                "(1, 'industry', 2024, 0, 1, 132, 687, 1.4)"
            )
        )
    upgrade(empty_engine, revision="0005")
    with empty_engine.connect() as connection:
        transform = connection.execute(sa.text("SELECT transform FROM micro_cluster_runs"))
        assert transform.scalars().all() == ["r"]
        # the micro-cluster survives: SQLite must not copy (drop) micro_cluster_runs
        kept = connection.execute(sa.text("SELECT count(*) FROM micro_clusters"))
        assert kept.scalar() == 1
    for refused in ("transform = 'x'", "transform = NULL"):
        with pytest.raises(IntegrityError), empty_engine.begin() as connection:
            connection.execute(sa.text(f"UPDATE micro_cluster_runs SET {refused}"))
    with empty_engine.begin() as connection:
        connection.execute(sa.text("UPDATE micro_cluster_runs SET transform = 'b'"))
    downgrade(empty_engine, revision="0004")
    assert "transform" not in _columns(empty_engine)
    with empty_engine.connect() as connection:
        kept = connection.execute(sa.text("SELECT count(*) FROM micro_clusters"))
        assert kept.scalar() == 1
    upgrade(empty_engine)  # and up again, from the downgraded database
    assert "transform" in _columns(empty_engine)
