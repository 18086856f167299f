"""Alembic migrations of the observatory's database (run by ``grappes db upgrade``)."""
