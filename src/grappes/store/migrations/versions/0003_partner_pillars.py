"""Partner pillars: ``organisation_partners`` gains ``pillar``.

Each key partner of a cluster organisation gets the pillar its name shows (industry,
research, training, support or unclassified; :func:`grappes.data.pillars.partner_pillar`).
A database migrated from 0002 has its partners classified here, by the rule of the Grappes
that runs the migration, so the column is never empty.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from grappes.data.pillars import partner_pillar

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PILLARS = "pillar IN ('industry', 'research', 'training', 'support', 'unclassified')"


def upgrade() -> None:
    """Apply this migration."""
    with op.batch_alter_table("organisation_partners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pillar", sa.String(length=16), nullable=True))
    partners = sa.table(
        "organisation_partners",
        sa.column("organisation", sa.String()),
        sa.column("position", sa.Integer()),
        sa.column("name", sa.String()),
        sa.column("pillar", sa.String()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(partners.c.organisation, partners.c.position, partners.c.name)
    )
    for organisation, position, name in rows.all():
        connection.execute(
            partners.update()
            .where(partners.c.organisation == organisation, partners.c.position == position)
            .values(pillar=partner_pillar(name))
        )
    with op.batch_alter_table("organisation_partners", schema=None) as batch_op:
        batch_op.alter_column("pillar", existing_type=sa.String(length=16), nullable=False)
        batch_op.create_check_constraint(op.f("ck_organisation_partners_pillar"), _PILLARS)


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("organisation_partners", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisation_partners_pillar"), type_="check")
        batch_op.drop_column("pillar")
