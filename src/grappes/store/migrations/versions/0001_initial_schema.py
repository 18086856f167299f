"""Initial schema: reference tables, datasets and their observations, computed results.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "benchmarks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("region", sa.String(length=300), nullable=True),
        sa.Column("programme", sa.Text(), nullable=False),
        sa.Column("metric", sa.String(length=300), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=300), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benchmarks")),
    )
    op.create_table(
        "datasets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("classification", sa.String(length=32), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("licence", sa.Text(), nullable=False),
        sa.Column("strong_measures", sa.String(length=32), nullable=False),
        sa.Column("stars_measure", sa.String(length=16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('employment', 'establishments')", name=op.f("ck_datasets_kind")
        ),
        sa.CheckConstraint("origin IN ('bundled', 'user')", name=op.f("ck_datasets_origin")),
        sa.CheckConstraint(
            "stars_measure IN ('employment', 'establishments')",
            name=op.f("ck_datasets_stars_measure"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_datasets")),
        sa.UniqueConstraint("name", name=op.f("uq_datasets_name")),
    )
    op.create_table(
        "regions",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent", sa.String(length=64), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("name_fr", sa.String(length=300), nullable=True),
        sa.Column("name_ar", sa.String(length=300), nullable=True),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "level IN ('commune', 'province', 'region', 'country', 'maghreb')",
            name=op.f("ck_regions_level"),
        ),
        sa.ForeignKeyConstraint(
            ["parent"], ["regions.code"], name=op.f("fk_regions_parent_regions")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_regions")),
    )
    op.create_index(op.f("ix_regions_parent"), "regions", ["parent"], unique=False)
    op.create_table(
        "sectors",
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("parent", sa.String(length=64), nullable=True),
        sa.Column("label_en", sa.Text(), nullable=True),
        sa.Column("label_fr", sa.Text(), nullable=True),
        sa.Column("label_ar", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["classification", "parent"],
            ["sectors.classification", "sectors.code"],
            name=op.f("fk_sectors_classification_sectors"),
        ),
        sa.PrimaryKeyConstraint("classification", "code", name=op.f("pk_sectors")),
    )
    op.create_table(
        "location_quotients",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("location_quotient", sa.Double(), nullable=True),
        sa.CheckConstraint(
            "measure IN ('employment', 'establishments')",
            name=op.f("ck_location_quotients_measure"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["datasets.id"],
            name=op.f("fk_location_quotients_dataset_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset", "region", "sector", "year", "measure", name=op.f("pk_location_quotients")
        ),
    )
    op.create_index(
        op.f("ix_location_quotients_region_sector"),
        "location_quotients",
        ["region", "sector"],
        unique=False,
    )
    op.create_table(
        "observations",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("employment", sa.Double(), nullable=True),
        sa.Column("establishments", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["datasets.id"],
            name=op.f("fk_observations_dataset_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset", "region", "sector", "year", name=op.f("pk_observations")
        ),
    )
    op.create_index(
        op.f("ix_observations_region_sector"), "observations", ["region", "sector"], unique=False
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("sector", sa.Text(), nullable=True),
        sa.Column("city", sa.String(length=300), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("region_inferred", sa.Boolean(), nullable=False),
        sa.Column("year_reported", sa.Integer(), nullable=True),
        sa.Column("status_note", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region"], ["regions.code"], name=op.f("fk_organisations_region_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_index(op.f("ix_organisations_region"), "organisations", ["region"], unique=False)
    op.create_table(
        "sector_concentrations",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("herfindahl", sa.Double(), nullable=True),
        sa.Column("herfindahl_normalised", sa.Double(), nullable=True),
        sa.Column("equivalent_number", sa.Double(), nullable=True),
        sa.CheckConstraint(
            "measure IN ('employment', 'establishments')",
            name=op.f("ck_sector_concentrations_measure"),
        ),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["datasets.id"],
            name=op.f("fk_sector_concentrations_dataset_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset", "sector", "year", "measure", name=op.f("pk_sector_concentrations")
        ),
    )
    op.create_table(
        "sector_sections",
        sa.Column("classification", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("section", sa.String(length=1), nullable=False),
        sa.ForeignKeyConstraint(
            ["classification", "code"],
            ["sectors.classification", "sectors.code"],
            name=op.f("fk_sector_sections_classification_sectors"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "classification", "code", "section", name=op.f("pk_sector_sections")
        ),
    )
    op.create_table(
        "star_ratings",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("location_quotient", sa.Double(), nullable=True),
        sa.Column("focus", sa.Double(), nullable=True),
        sa.Column("size_star", sa.Boolean(), nullable=False),
        sa.Column("specialisation_star", sa.Boolean(), nullable=False),
        sa.Column("focus_star", sa.Boolean(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["datasets.id"],
            name=op.f("fk_star_ratings_dataset_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset", "region", "sector", "year", name=op.f("pk_star_ratings")
        ),
    )
    op.create_index(
        op.f("ix_star_ratings_region_stars"), "star_ratings", ["region", "stars"], unique=False
    )
    op.create_table(
        "strong_clusters",
        sa.Column("dataset", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=64), nullable=False),
        sa.Column("sector", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("employment", sa.Double(), nullable=False),
        sa.Column("establishments", sa.Double(), nullable=False),
        sa.Column("location_quotient", sa.Double(), nullable=True),
        sa.Column("qualifying", sa.Boolean(), nullable=False),
        sa.Column("significant", sa.Boolean(), nullable=False),
        sa.Column("strong", sa.Boolean(), nullable=False),
        sa.Column("strong10", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"],
            ["datasets.id"],
            name=op.f("fk_strong_clusters_dataset_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "dataset", "region", "sector", "year", name=op.f("pk_strong_clusters")
        ),
    )
    op.create_index(
        op.f("ix_strong_clusters_region_strong"),
        "strong_clusters",
        ["region", "strong"],
        unique=False,
    )
    op.create_table(
        "organisation_partners",
        sa.Column("organisation", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation"],
            ["organisations.id"],
            name=op.f("fk_organisation_partners_organisation_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organisation", "position", name=op.f("pk_organisation_partners")),
    )


def downgrade() -> None:
    """Undo this migration."""
    op.drop_table("organisation_partners")
    op.drop_index(op.f("ix_strong_clusters_region_strong"), table_name="strong_clusters")
    op.drop_table("strong_clusters")
    op.drop_index(op.f("ix_star_ratings_region_stars"), table_name="star_ratings")
    op.drop_table("star_ratings")
    op.drop_table("sector_sections")
    op.drop_table("sector_concentrations")
    op.drop_index(op.f("ix_organisations_region"), table_name="organisations")
    op.drop_table("organisations")
    op.drop_index(op.f("ix_observations_region_sector"), table_name="observations")
    op.drop_table("observations")
    op.drop_index(op.f("ix_location_quotients_region_sector"), table_name="location_quotients")
    op.drop_table("location_quotients")
    op.drop_table("sectors")
    op.drop_index(op.f("ix_regions_parent"), table_name="regions")
    op.drop_table("regions")
    op.drop_table("datasets")
    op.drop_table("benchmarks")
