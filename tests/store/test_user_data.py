"""A user's table: validated whole, stored with its results, all or nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from grappes.errors import InvalidInputError, MissingColumnsError
from grappes.store import models as m
from grappes.store import user_data
from grappes.store.user_data import load_user_table
from tests.conftest import RTOL

# Three regions, two sectors, two years (as tests/cli/test_map_command.py).
EMPLOYMENT_ROWS = [
    ("MA-01", "C", 2015, 100),
    ("MA-01", "G", 2015, 300),
    ("MA-02", "C", 2015, 200),
    ("MA-02", "G", 2015, 200),
    ("MA-03", "C", 2015, 50),
    ("MA-03", "G", 2015, 450),
    ("MA-01", "C", 2020, 160),
    ("MA-01", "G", 2020, 300),
    ("MA-02", "C", 2020, 180),
    ("MA-02", "G", 2020, 220),
    ("MA-03", "C", 2020, 50),
    ("MA-03", "G", 2020, 470),
]


def _csv(path: Path, header: str, rows: Sequence[Sequence[object]]) -> Path:
    lines = [header, *(",".join(map(str, r)) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _employment(path: Path) -> Path:
    return _csv(path, "region,sector,year,employment", EMPLOYMENT_ROWS)


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: int(connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0)
            for table in m.Base.metadata.sorted_tables
        }


def _load(engine: Engine, path: Path, **options: object) -> int:
    with Session(engine) as session, session.begin():
        return load_user_table(session, path, **options)  # type: ignore[arg-type]


def test_an_employment_table_is_stored_with_its_results(engine: Engine, tmp_path: Path) -> None:
    identifier = _load(engine, _employment(tmp_path / "jobs.csv"), kind="employment", name="jobs")
    counts = _counts(engine)
    assert counts["datasets"] == 1
    for table in ("observations", "location_quotients", "strong_clusters", "star_ratings"):
        assert counts[table] == len(EMPLOYMENT_ROWS)
    assert counts["sector_concentrations"] == 2 * 2  # two sectors, two years
    lq = m.LocationQuotient
    with Session(engine) as session:
        dataset = session.get(m.Dataset, identifier)
        assert dataset is not None
        assert (dataset.origin, dataset.kind, dataset.rows) == ("user", "employment", 12)
        assert dataset.strong_measures == "employment_for_both"
        assert dataset.source == "user file jobs.csv"
        value = session.scalar(
            sa.select(lq.location_quotient).where(
                lq.dataset == identifier, lq.region == "MA-01", lq.sector == "C", lq.year == 2020
            )
        )
    # 2020: MA-01 has 160 of its 460 in C; all regions 390 of 1,380: (160/460)/(390/1380).
    assert value == pytest.approx((160 / 460) / (390 / 1380), rel=RTOL)


def test_a_register_is_stored_counted(engine: Engine, tmp_path: Path) -> None:
    # Three establishments in MA-01/C, one in MA-02/G; MA-01/G and MA-02/C have none.
    rows = [
        ("e1", "MA-01", "C", 2024, 5),
        ("e2", "MA-01", "C", 2024, 7),
        ("e3", "MA-01", "C", 2024, 1),
        ("e4", "MA-02", "G", 2024, 12),
    ]
    path = _csv(tmp_path / "register.csv", "id,region,sector,year,employment", rows)
    identifier = _load(engine, path, kind="establishments", name="register")
    obs = m.Observation
    with Session(engine) as session:
        stored = session.execute(
            sa.select(obs.region, obs.sector, obs.employment, obs.establishments)
            .where(obs.dataset == identifier)
            .order_by(obs.region, obs.sector)
        ).all()
    assert [tuple(r) for r in stored] == [
        ("MA-01", "C", 13.0, 3.0),
        ("MA-01", "G", 0.0, 0.0),
        ("MA-02", "C", 0.0, 0.0),
        ("MA-02", "G", 12.0, 1.0),
    ]


def test_a_bad_file_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    _load(engine, _employment(tmp_path / "jobs.csv"), kind="employment", name="jobs")
    before = _counts(engine)
    bad = _csv(
        tmp_path / "bad.csv",
        "region,sector,year,employment",
        [("MA-01", "C", 2020, -5), ("MA-02", "C", "twenty", 10), ("MA-03", "C", 2020, "many")],
    )
    with pytest.raises(InvalidInputError, match=r"bad\.csv: 3 problems") as caught:
        _load(engine, bad, kind="employment", name="bad")
    assert len(caught.value.problems) == 3
    assert {p.row for p in caught.value.problems} == {2, 3, 4}
    assert _counts(engine) == before


def test_a_file_missing_columns_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    before = _counts(engine)
    path = _csv(tmp_path / "short.csv", "region,sector", [("MA-01", "C")])
    with pytest.raises(MissingColumnsError, match=r"short\.csv"):
        _load(engine, path, kind="employment", name="short")
    assert _counts(engine) == before


def test_a_half_filled_optional_column_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "half.csv",
        "region,sector,year,employment,establishments",
        [("MA-01", "C", 2020, 10, 2), ("MA-02", "C", 2020, 10, "")],
    )
    before = _counts(engine)
    with pytest.raises(InvalidInputError, match="'establishments' is filled in some rows"):
        _load(engine, path, kind="employment", name="half")
    assert _counts(engine) == before


def test_a_failure_while_writing_is_rolled_back(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _load(engine, _employment(tmp_path / "jobs.csv"), kind="employment", name="jobs")
    before = _counts(engine)
    original = user_data.store_dataset

    def failing(*args: object, **kwargs: object) -> int:
        original(*args, **kwargs)  # type: ignore[arg-type]
        raise RuntimeError("connection lost")

    monkeypatch.setattr(user_data, "store_dataset", failing)
    with Session(engine) as session, session.begin():
        with pytest.raises(RuntimeError, match="connection lost"):
            load_user_table(session, tmp_path / "jobs.csv", kind="employment", name="again")
        # The savepoint is gone, the session's own transaction goes on.
        assert session.scalar(sa.select(sa.func.count()).select_from(m.Dataset)) == 1
    assert _counts(engine) == before


def test_a_taken_name_is_refused_then_replaced(engine: Engine, tmp_path: Path) -> None:
    path = _employment(tmp_path / "jobs.csv")
    _load(engine, path, kind="employment", name="jobs")
    before = _counts(engine)
    with pytest.raises(InvalidInputError, match="called 'jobs' exists already"):
        _load(engine, path, kind="employment", name="jobs")
    assert _counts(engine) == before
    _load(engine, path, kind="employment", name="jobs", if_exists="replace")
    assert _counts(engine) == before  # the old rows went with the old dataset


def test_a_bundled_dataset_is_never_replaced(engine: Engine, tmp_path: Path) -> None:
    with Session(engine) as session, session.begin():
        session.add(
            m.Dataset(
                name="hcp-2024-establishments-region",
                kind="establishments",
                origin="bundled",
                description="",
                source="HCP",
                licence="CC BY 4.0",
                strong_measures="establishments_for_both",
                stars_measure="establishments",
                rows=0,
                loaded_at=dt.datetime.now(dt.UTC),
            )
        )
    with pytest.raises(InvalidInputError, match="is a bundled dataset and cannot be replaced"):
        _load(
            engine,
            _employment(tmp_path / "jobs.csv"),
            kind="employment",
            name="hcp-2024-establishments-region",
            if_exists="replace",
        )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "firms", "name": "x"}, "kind must be 'employment' or 'establishments'"),
        ({"kind": "employment", "name": ""}, "name must be a string of 1 to 300"),
        ({"kind": "employment", "name": "x" * 301}, "name must be a string of 1 to 300"),
        ({"kind": "employment", "name": " jobs"}, "must not start or end with a space"),
        ({"kind": "employment", "name": "jo\x00bs"}, "must not contain control characters"),
        ({"kind": "employment", "name": "\ud800"}, "not valid Unicode"),
        ({"kind": "employment", "name": "x", "if_exists": "ignore"}, "if_exists must be"),
    ],
)
def test_load_user_table_refuses_bad_arguments(
    engine: Engine, tmp_path: Path, options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        _load(engine, _employment(tmp_path / "jobs.csv"), **options)
    assert _counts(engine)["datasets"] == 0


def test_hostile_names_are_stored_as_written(engine: Engine, tmp_path: Path) -> None:
    name = "jobs'); DROP TABLE datasets; -- <script>alert(1)</script> الشغل"
    identifier = _load(engine, _employment(tmp_path / "jobs.csv"), kind="employment", name=name)
    with Session(engine) as session:
        dataset = session.get(m.Dataset, identifier)
        assert dataset is not None and dataset.name == name
