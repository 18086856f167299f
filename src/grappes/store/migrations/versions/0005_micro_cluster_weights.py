"""Micro-cluster weights: ``micro_cluster_runs`` gains ``transform``.

The weights of the local statistic a run used: ``b`` (binary) or ``r`` (row-standardised),
the ``transform`` of :func:`grappes.spatial.areal_clusters.areal_micro_clusters`. Runs
stored before this revision used row-standardised weights (that function's default then),
so they get ``r``; the micro-clusters Grappes computes from now on use Gi*'s own binary
weights and say so.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRANSFORMS = "transform IN ('b', 'r')"
#: What the runs stored before this revision used.
_BEFORE = "r"


def upgrade() -> None:
    """Apply this migration."""
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a NOT NULL column only with a default, and a constraint only by
        # copying the table, and dropping the old ``micro_cluster_runs`` would delete every
        # micro-cluster (ON DELETE CASCADE, foreign keys on): the column comes with its
        # constraint and keeps the default, which every insert overrides.
        op.execute(
            "ALTER TABLE micro_cluster_runs ADD COLUMN transform VARCHAR(16) NOT NULL "
            f"DEFAULT '{_BEFORE}' CONSTRAINT ck_micro_cluster_runs_transform "
            f"CHECK ({_TRANSFORMS})"
        )
        return
    op.add_column(
        "micro_cluster_runs",
        sa.Column("transform", sa.String(length=16), nullable=False, server_default=_BEFORE),
    )
    op.alter_column(
        "micro_cluster_runs", "transform", existing_type=sa.String(length=16), server_default=None
    )
    op.create_check_constraint(
        op.f("ck_micro_cluster_runs_transform"), "micro_cluster_runs", _TRANSFORMS
    )


def downgrade() -> None:
    """Revert this migration."""
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(
            op.f("ck_micro_cluster_runs_transform"), "micro_cluster_runs", type_="check"
        )
    # On SQLite, ALTER TABLE DROP COLUMN (native, no copy: see upgrade) drops the column
    # with the constraint declared on it.
    op.drop_column("micro_cluster_runs", "transform")
