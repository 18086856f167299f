"""Member counts: ``organisations`` gains ``members``, ``members_qualifier``,
``members_year`` and ``members_founding``.

Each organisation gets the member count its status note gives, if any
(:func:`grappes.data.members.member_count`: the count, ``exact`` / ``more_than`` /
``at_least`` / ``about``, the year of the same statement, founding members only or not).
A database migrated from 0003 has its organisations' notes read here, by the rule of the
Grappes that runs the migration, so the columns agree with a database built afresh.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from grappes.data.members import member_count

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_QUALIFIERS = "members_qualifier IN ('exact', 'more_than', 'at_least', 'about')"
_TOGETHER = (
    "(members IS NULL AND members_qualifier IS NULL AND members_year IS NULL "
    "AND members_founding IS NULL) OR (members IS NOT NULL AND members > 0 "
    "AND members_qualifier IS NOT NULL AND members_founding IS NOT NULL)"
)
#: SQLite: each column with the constraint it carries (see :func:`upgrade`).
_SQLITE_COLUMNS = (
    ("members INTEGER", ""),
    (
        "members_qualifier VARCHAR(16)",
        f"CONSTRAINT ck_organisations_members_qualifier CHECK ({_QUALIFIERS})",
    ),
    ("members_year INTEGER", ""),
    ("members_founding BOOLEAN", f"CONSTRAINT ck_organisations_members CHECK ({_TOGETHER})"),
)


def upgrade() -> None:
    """Apply this migration."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a constraint only by copying the table, and dropping the old
        # ``organisations`` would delete every partner (ON DELETE CASCADE, foreign keys
        # on): the columns come with their constraints instead, which ADD COLUMN allows.
        for column, constraint in _SQLITE_COLUMNS:
            op.execute(f"ALTER TABLE organisations ADD COLUMN {column} {constraint}".strip())
    else:
        op.add_column("organisations", sa.Column("members", sa.Integer(), nullable=True))
        op.add_column(
            "organisations", sa.Column("members_qualifier", sa.String(length=16), nullable=True)
        )
        op.add_column("organisations", sa.Column("members_year", sa.Integer(), nullable=True))
        op.add_column("organisations", sa.Column("members_founding", sa.Boolean(), nullable=True))
    _read_members()
    if op.get_bind().dialect.name != "sqlite":
        op.create_check_constraint(
            op.f("ck_organisations_members_qualifier"), "organisations", _QUALIFIERS
        )
        op.create_check_constraint(op.f("ck_organisations_members"), "organisations", _TOGETHER)


def downgrade() -> None:
    """Revert this migration."""
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("ck_organisations_members"), "organisations", type_="check")
        op.drop_constraint(
            op.f("ck_organisations_members_qualifier"), "organisations", type_="check"
        )
    # On SQLite, ALTER TABLE DROP COLUMN (native, no copy: see upgrade) drops each column
    # with the constraint declared on it; members_founding, which carries the constraint
    # naming all four, goes first.
    for column in ("members_founding", "members_year", "members_qualifier", "members"):
        op.drop_column("organisations", column)


def _read_members() -> None:
    """Fill the new columns from each organisation's status note."""
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.String()),
        sa.column("status_note", sa.Text()),
        sa.column("members", sa.Integer()),
        sa.column("members_qualifier", sa.String()),
        sa.column("members_year", sa.Integer()),
        sa.column("members_founding", sa.Boolean()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(organisations.c.id, organisations.c.status_note))
    for identifier, note in rows.all():
        found = member_count(note)
        if found is None:
            continue
        connection.execute(
            organisations.update()
            .where(organisations.c.id == identifier)
            .values(
                members=found.members,
                members_qualifier=found.qualifier,
                members_year=found.year,
                members_founding=found.founding,
            )
        )
