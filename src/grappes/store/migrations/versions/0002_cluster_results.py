"""Cluster results: lifecycle stages, micro-clusters of communes, two more sector indices.

New tables ``lifecycle_stages``, ``micro_cluster_runs``, ``micro_clusters`` and
``micro_cluster_members``; ``sector_concentrations`` gains ``locational_gini`` and
``krugman``. A database migrated from 0001 keeps its data; its bundled datasets have no
micro-clusters and NULL indices until it is rebuilt (``grappes db upgrade`` on a new file).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "lifecycle_stages",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("employment_first", sa.Double(), nullable=False),
        sa.Column("employment_last", sa.Double(), nullable=False),
        sa.Column("employment_growth", sa.Double(), nullable=True),
        sa.Column("establishments_first", sa.Double(), nullable=True),
        sa.Column("establishments_last", sa.Double(), nullable=True),
        sa.Column("establishments_growth", sa.Double(), nullable=True),
        sa.Column("lq_first", sa.Double(), nullable=True),
        sa.Column("lq_last", sa.Double(), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("quadrant", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "quadrant IN ('star', 'mature', 'emerging', 'transforming', 'absent')",
            name=op.f("ck_lifecycle_stages_quadrant"),
        ),
        sa.CheckConstraint(
            "stage IN ('emergence', 'growth', 'sustainment', 'decline', 'absent')",
            name=op.f("ck_lifecycle_stages_stage"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["datasets.id"],
            name=op.f("fk_lifecycle_stages_dataset_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset", "region", "sector", name=op.f("pk_lifecycle_stages")),
    )
    with op.batch_alter_table("lifecycle_stages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lifecycle_stages_region"), ["region"], unique=False)

    op.create_table(
        "micro_cluster_runs",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("graph", sa.String(length=300), nullable=False),
        sa.Column("statistic", sa.String(length=16), nullable=False),
        sa.Column("permutations", sa.Integer(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("alpha", sa.Double(), nullable=False),
        sa.Column("correction", sa.String(length=16), nullable=False),
        sa.Column("min_location_quotient", sa.Double(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("hot_spots", sa.Integer(), nullable=False),
        sa.Column("cold_spots", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["datasets.id"],
            name=op.f("fk_micro_cluster_runs_dataset_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset", "sector", "year", name=op.f("pk_micro_cluster_runs")),
    )
    op.create_table(
        "micro_clusters",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.Column("n_units", sa.Integer(), nullable=False),
        sa.Column("establishments", sa.Double(), nullable=False),
        sa.Column("total_establishments", sa.Double(), nullable=False),
        sa.Column("location_quotient", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset", "sector", "year"],
            ["micro_cluster_runs.dataset", "micro_cluster_runs.sector", "micro_cluster_runs.year"],
            name=op.f("fk_micro_clusters_dataset_micro_cluster_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset", "sector", "year", "cluster", name=op.f("pk_micro_clusters")
        ),
    )
    op.create_table(
        "micro_cluster_members",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("cluster", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset", "sector", "year", "cluster"],
            [
                "micro_clusters.dataset",
                "micro_clusters.sector",
                "micro_clusters.year",
                "micro_clusters.cluster",
            ],
            name=op.f("fk_micro_cluster_members_dataset_micro_clusters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset", "sector", "year", "region", name=op.f("pk_micro_cluster_members")
        ),
    )
    with op.batch_alter_table("micro_cluster_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_micro_cluster_members_region"), ["region"], unique=False
        )

    with op.batch_alter_table("sector_concentrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locational_gini", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("krugman", sa.Double(), nullable=True))


def downgrade() -> None:
    """Undo this migration."""
    with op.batch_alter_table("sector_concentrations", schema=None) as batch_op:
        batch_op.drop_column("krugman")
        batch_op.drop_column("locational_gini")

    with op.batch_alter_table("micro_cluster_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_micro_cluster_members_region"))

    op.drop_table("micro_cluster_members")
    op.drop_table("micro_clusters")
    op.drop_table("micro_cluster_runs")
    with op.batch_alter_table("lifecycle_stages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lifecycle_stages_region"))

    op.drop_table("lifecycle_stages")
